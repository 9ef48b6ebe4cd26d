# title: Quicksort
# description: Sort a list with the quicksort algorithm, partitioning around a pivot and sorting each side recursively.
# keywords: quicksort, quick, sort, sorting, pivot, partition, recursive, divide, conquer, list, array

def quicksort(items):
    """Return a new list with the items in ascending order."""
    if len(items) <= 1:
        return list(items)
    pivot = items[len(items) // 2]
    smaller = [x for x in items if x < pivot]
    equal = [x for x in items if x == pivot]
    larger = [x for x in items if x > pivot]
    return quicksort(smaller) + equal + quicksort(larger)


if __name__ == "__main__":
    print(quicksort([3, 6, 8, 10, 1, 2, 1]))
    print(quicksort([]))
