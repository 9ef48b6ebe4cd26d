# expect: close
def load(path):
    try:
        x = 1
