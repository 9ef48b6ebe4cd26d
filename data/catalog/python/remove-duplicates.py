# title: Remove duplicates from a list
# description: Remove duplicate elements from a list while keeping the order of first appearance, and find which items were duplicated.
# keywords: remove, duplicates, duplicate, unique, distinct, dedupe, deduplicate, list, order, preserve, set

def remove_duplicates(items):
    """Return items without repeats, in order of first appearance."""
    seen = set()
    out = []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def duplicates(items):
    """Return the items that appear more than once, in order of first repeat."""
    seen, dup = set(), []
    for x in items:
        if x in seen and x not in dup:
            dup.append(x)
        seen.add(x)
    return dup


if __name__ == "__main__":
    data = [3, 1, 3, 2, 1, 5, 3]
    print(remove_duplicates(data))
    print(duplicates(data))
