# expect: fill fibonacci
def fibonacci(n):
    """The nth Fibonacci number, my way."""
