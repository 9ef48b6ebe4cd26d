// title: Memoize a function (cache results)
// description: Cache the results of an expensive pure function in a Map keyed by its arguments.
// keywords: memoize, memoization, memo, cache, caching, remember, results, dynamic, programming, higher, order

function memoize(fn) {
  const cache = new Map();
  return (...args) => {
    const key = JSON.stringify(args);
    if (!cache.has(key)) cache.set(key, fn(...args));
    return cache.get(key);
  };
}

const slowFib = memoize((n) => (n < 2 ? n : slowFib(n - 1) + slowFib(n - 2)));
console.log(slowFib(80));
