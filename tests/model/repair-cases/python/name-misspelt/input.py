def describe(items):
    length = len(items)
    return "%d items" % lenght


print(describe([1, 2, 3]))
