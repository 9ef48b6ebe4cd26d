f = lambda x x
print(f(1))
