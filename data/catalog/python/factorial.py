# title: Factorial
# description: Compute the factorial of a non-negative integer, iteratively.
# keywords: factorial, product, integer, number, math, iterative, recursion, permutations, count

def factorial(n):
    """n! for a non-negative integer n."""
    if n < 0:
        raise ValueError("factorial is not defined for negative numbers")
    result = 1
    for i in range(2, n + 1):
        result *= i
    return result


if __name__ == "__main__":
    print([factorial(n) for n in range(8)])
    print(factorial(20))
