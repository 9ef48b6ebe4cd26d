# expect: none
def reverse_string(a, b):
    pass
