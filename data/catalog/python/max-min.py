# title: Find the largest and smallest numbers in a list
# description: Find the maximum and minimum of a list in one pass, and the second largest distinct value.
# keywords: largest, smallest, maximum, minimum, max, min, biggest, greatest, second, list, numbers, array, find

def max_min(numbers):
    """Return (largest, smallest) of a non-empty list."""
    if not numbers:
        raise ValueError("empty list")
    largest = smallest = numbers[0]
    for x in numbers[1:]:
        if x > largest:
            largest = x
        elif x < smallest:
            smallest = x
    return largest, smallest


def second_largest(numbers):
    """The second largest distinct value, or None."""
    distinct = sorted(set(numbers), reverse=True)
    return distinct[1] if len(distinct) > 1 else None


if __name__ == "__main__":
    data = [4, 17, -3, 9, 17, 0]
    print(max_min(data))
    print(second_largest(data))
