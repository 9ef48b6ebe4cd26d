# title: Permutations and combinations
# description: List all permutations of a string or list, and the combinations of k items, with itertools and by hand.
# keywords: permutations, permutation, combinations, combination, arrangements, itertools, subsets, choose, orderings, string, list

from itertools import combinations, permutations


def all_permutations(items):
    """Every ordering of items, as lists (recursive)."""
    if len(items) <= 1:
        return [list(items)]
    out = []
    for i, first in enumerate(items):
        for rest in all_permutations(items[:i] + items[i + 1:]):
            out.append([first] + rest)
    return out


if __name__ == "__main__":
    print(["".join(p) for p in permutations("abc")])
    print(all_permutations([1, 2, 3]))
    print(list(combinations("abcd", 2)))
