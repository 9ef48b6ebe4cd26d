# title: Memoize a function (cache results)
# description: Cache the results of an expensive pure function with functools.lru_cache, and a hand-written memoize decorator.
# keywords: memoize, memoization, memo, cache, caching, lru, decorator, functools, remember, results, dynamic, programming

from functools import lru_cache, wraps


def memoize(func):
    """Decorator caching func's results by its positional arguments."""
    cache = {}

    @wraps(func)
    def wrapper(*args):
        if args not in cache:
            cache[args] = func(*args)
        return cache[args]
    return wrapper


@memoize
def slow_fib(n):
    return n if n < 2 else slow_fib(n - 1) + slow_fib(n - 2)


@lru_cache(maxsize=None)
def grid_paths(rows, cols):
    if rows == 1 or cols == 1:
        return 1
    return grid_paths(rows - 1, cols) + grid_paths(rows, cols - 1)


if __name__ == "__main__":
    print(slow_fib(80))
    print(grid_paths(10, 10))
