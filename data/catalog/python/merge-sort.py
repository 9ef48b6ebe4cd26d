# title: Merge sort
# description: Sort a list with merge sort, splitting it in halves and merging the sorted halves; stable and O(n log n).
# keywords: merge, sort, sorting, mergesort, stable, divide, conquer, halves, recursive, list, array

def merge_sort(items):
    """Return a new list with the items in ascending order (stable)."""
    if len(items) <= 1:
        return list(items)
    mid = len(items) // 2
    left = merge_sort(items[:mid])
    right = merge_sort(items[mid:])
    merged = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            merged.append(left[i])
            i += 1
        else:
            merged.append(right[j])
            j += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged


if __name__ == "__main__":
    print(merge_sort([38, 27, 43, 3, 9, 82, 10]))
