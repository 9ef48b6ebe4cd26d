values = [4, 2, 9]
print(sorted(values))
