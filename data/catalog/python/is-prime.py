# title: Check if a number is prime
# description: Test whether a single integer is a prime number by trial division up to its square root.
# keywords: prime, primality, test, check, number, integer, divisible, divisor, trial, division

def is_prime(n):
    """True if n is a prime number."""
    if n < 2:
        return False
    if n < 4:
        return True
    if n % 2 == 0 or n % 3 == 0:
        return False
    i = 5
    while i * i <= n:
        if n % i == 0 or n % (i + 2) == 0:
            return False
        i += 6
    return True


if __name__ == "__main__":
    for n in [1, 2, 17, 21, 97, 7919, 7921]:
        print(n, is_prime(n))
