def todo():
    pass

def done():
    return "done"


print(done())
