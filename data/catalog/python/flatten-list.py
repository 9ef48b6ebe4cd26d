# title: Flatten a nested list
# description: Flatten a list of lists, nested to any depth, into a single flat list.
# keywords: flatten, flat, nested, list, lists, sublists, recursive, deep, array, merge, concatenate

def flatten(items):
    """Return the elements of items, and of any lists or tuples inside it, in order."""
    flat = []
    stack = [iter(items)]
    while stack:
        for x in stack[-1]:
            if isinstance(x, (list, tuple)):
                stack.append(iter(x))
                break
            flat.append(x)
        else:
            stack.pop()
    return flat


if __name__ == "__main__":
    print(flatten([1, [2, [3, [4, 5]], 6], [], [[7]]]))
