def mean(values):
total = sum(values)
count = len(values)
return total / count
print(mean([1, 2, 3]))
