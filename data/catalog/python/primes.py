# title: List prime numbers (sieve of Eratosthenes)
# description: Find all prime numbers up to a limit with the sieve of Eratosthenes.
# keywords: primes, prime, numbers, sieve, eratosthenes, list, up, below, limit, generate, find, all

def primes_up_to(limit):
    """Return the primes <= limit, in order."""
    if limit < 2:
        return []
    sieve = [True] * (limit + 1)
    sieve[0] = sieve[1] = False
    for i in range(2, int(limit ** 0.5) + 1):
        if sieve[i]:
            for multiple in range(i * i, limit + 1, i):
                sieve[multiple] = False
    return [i for i, is_p in enumerate(sieve) if is_p]


if __name__ == "__main__":
    print(primes_up_to(50))
    print(len(primes_up_to(10000)), "primes below 10000")
