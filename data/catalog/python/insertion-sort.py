# title: Insertion sort
# description: Sort a list with insertion sort, inserting each element into its place in the sorted part.
# keywords: insertion, sort, sorting, insert, order, list, array, algorithm, simple

def insertion_sort(items):
    """Return a new list with the items in ascending order."""
    result = list(items)
    for i in range(1, len(result)):
        key = result[i]
        j = i - 1
        while j >= 0 and result[j] > key:
            result[j + 1] = result[j]
            j -= 1
        result[j + 1] = key
    return result


if __name__ == "__main__":
    print(insertion_sort([12, 11, 13, 5, 6]))
