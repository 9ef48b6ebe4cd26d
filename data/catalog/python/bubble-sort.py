# title: Bubble sort
# description: Sort a list with bubble sort, swapping adjacent elements and stopping early when a pass makes no swap.
# keywords: bubble, sort, sorting, order, ascending, list, array, swap, adjacent, algorithm

def bubble_sort(items):
    """Return a new list with the items in ascending order."""
    result = list(items)
    n = len(result)
    for end in range(n - 1, 0, -1):
        swapped = False
        for i in range(end):
            if result[i] > result[i + 1]:
                result[i], result[i + 1] = result[i + 1], result[i]
                swapped = True
        if not swapped:
            break
    return result


if __name__ == "__main__":
    print(bubble_sort([5, 1, 4, 2, 8, 0]))
    print(bubble_sort(["pear", "apple", "fig"]))
