// title: Factorial
// description: Compute the factorial of a non-negative integer iteratively, with BigInt so large results stay exact.
// keywords: factorial, product, integer, number, math, iterative, recursion, bigint

function factorial(n) {
  if (!Number.isInteger(n) || n < 0) throw new RangeError("n must be a non-negative integer");
  let result = 1n;
  for (let i = 2n; i <= BigInt(n); i++) result *= i;
  return result;
}

console.log([0, 1, 2, 3, 4, 5, 6, 7].map((n) => factorial(n).toString()).join(" "));
console.log(factorial(25).toString());
