// title: List prime numbers (sieve of Eratosthenes)
// description: Find all prime numbers up to a limit with the sieve of Eratosthenes.
// keywords: primes, prime, numbers, sieve, eratosthenes, list, up, below, limit, generate, find, all

function primesUpTo(limit) {
  if (limit < 2) return [];
  const sieve = new Uint8Array(limit + 1).fill(1);
  sieve[0] = 0;
  sieve[1] = 0;
  for (let i = 2; i * i <= limit; i++) {
    if (!sieve[i]) continue;
    for (let m = i * i; m <= limit; m += i) sieve[m] = 0;
  }
  const primes = [];
  sieve.forEach((flag, i) => {
    if (flag) primes.push(i);
  });
  return primes;
}

console.log(primesUpTo(50).join(" "));
console.log(primesUpTo(10000).length, "primes below 10000");
