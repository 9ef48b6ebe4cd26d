# title: Two sum
# description: Find the indices of two numbers in a list that add up to a target, in one pass with a dictionary.
# keywords: two, sum, pair, target, add, indices, complement, hash, dictionary, interview, leetcode

def two_sum(numbers, target):
    """Return (i, j) with numbers[i] + numbers[j] == target and i < j, or None."""
    seen = {}
    for j, x in enumerate(numbers):
        i = seen.get(target - x)
        if i is not None:
            return i, j
        seen[x] = j
    return None


if __name__ == "__main__":
    print(two_sum([2, 7, 11, 15], 9))
    print(two_sum([3, 2, 4], 6))
    print(two_sum([1, 2], 7))
