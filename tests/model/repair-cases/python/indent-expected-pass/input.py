def todo():

def done():
    return "done"


print(done())
