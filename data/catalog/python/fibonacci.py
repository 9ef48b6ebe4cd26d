# title: Fibonacci numbers
# description: Compute the nth Fibonacci number iteratively, and generate the first n numbers of the Fibonacci sequence.
# keywords: fibonacci, fib, sequence, series, numbers, nth, iterative, generator, golden

def fibonacci(n):
    """Return the nth Fibonacci number (fibonacci(0) == 0, fibonacci(1) == 1)."""
    if n < 0:
        raise ValueError("n must be non-negative")
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def fibonacci_sequence(count):
    """Yield the first count Fibonacci numbers."""
    a, b = 0, 1
    for _ in range(count):
        yield a
        a, b = b, a + b


if __name__ == "__main__":
    print(list(fibonacci_sequence(10)))
    print(fibonacci(50))
