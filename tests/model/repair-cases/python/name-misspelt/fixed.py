def describe(items):
    length = len(items)
    return "%d items" % length


print(describe([1, 2, 3]))
