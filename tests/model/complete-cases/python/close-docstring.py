# expect: close
def describe():
    """Describe the thing
