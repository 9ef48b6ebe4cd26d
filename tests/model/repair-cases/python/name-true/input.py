done = true
print(done)
