done = True
print(done)
