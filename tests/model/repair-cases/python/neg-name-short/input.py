a = 1
print(b)
