# title: Binary search
# description: Find the index of a value in a sorted list with binary search, or -1 when it is absent.
# keywords: binary, search, find, index, sorted, list, array, lookup, bisect, halving, position

def binary_search(items, target):
    """Return the index of target in the sorted list items, or -1."""
    lo, hi = 0, len(items) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if items[mid] == target:
            return mid
        if items[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


if __name__ == "__main__":
    data = [1, 3, 5, 7, 9, 11, 13]
    print(binary_search(data, 7))
    print(binary_search(data, 4))
