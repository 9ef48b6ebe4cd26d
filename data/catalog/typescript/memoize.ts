// title: Memoize a function (cache results)
// description: Cache the results of an expensive pure function in a Map keyed by its arguments, with types preserved.
// keywords: memoize, memoization, memo, cache, caching, remember, results, dynamic, programming, higher, order, generic

function memoize<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const cache = new Map<string, R>();
  return (...args: A): R => {
    const key = JSON.stringify(args);
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as R;
    const value = fn(...args);
    cache.set(key, value);
    return value;
  };
}

const slowFib: (n: number) => number = memoize((n: number): number => (n < 2 ? n : slowFib(n - 1) + slowFib(n - 2)));
console.log(slowFib(80));
