def first(values):
    result = values[0]
    return result


print(first([9, 8]))
