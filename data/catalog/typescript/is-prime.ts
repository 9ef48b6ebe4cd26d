// title: Check if a number is prime
// description: Test whether a single integer is a prime number by trial division up to its square root.
// keywords: prime, primality, test, check, number, integer, divisible, divisor, trial, division

function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n < 4) return true;
  if (n % 2 === 0 || n % 3 === 0) return false;
  for (let i = 5; i * i <= n; i += 6) {
    if (n % i === 0 || n % (i + 2) === 0) return false;
  }
  return true;
}

for (const n of [1, 2, 17, 21, 97, 7919, 7921]) {
  console.log(n, isPrime(n));
}
