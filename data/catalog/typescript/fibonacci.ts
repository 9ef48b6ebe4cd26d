// title: Fibonacci numbers
// description: Compute the nth Fibonacci number iteratively (with bigint for large n), and generate the first n numbers of the sequence.
// keywords: fibonacci, fib, sequence, series, numbers, nth, iterative, generator, bigint

function fibonacci(n: number): bigint {
  if (n < 0) throw new RangeError("n must be non-negative");
  let a = 0n;
  let b = 1n;
  for (let i = 0; i < n; i++) {
    [a, b] = [b, a + b];
  }
  return a;
}

function* fibonacciSequence(count: number): Generator<number> {
  let a = 0;
  let b = 1;
  for (let i = 0; i < count; i++) {
    yield a;
    [a, b] = [b, a + b];
  }
}

console.log([...fibonacciSequence(10)].join(", "));
console.log(fibonacci(90).toString());
