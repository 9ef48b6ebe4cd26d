# title: Greatest common divisor and least common multiple
# description: Compute the greatest common divisor (GCD) with Euclid's algorithm and the least common multiple (LCM) of two integers.
# keywords: gcd, hcf, greatest, common, divisor, factor, lcm, least, multiple, euclid, euclidean, integers

def gcd(a, b):
    """Greatest common divisor of a and b (Euclid's algorithm)."""
    a, b = abs(a), abs(b)
    while b:
        a, b = b, a % b
    return a


def lcm(a, b):
    """Least common multiple of a and b."""
    if a == 0 or b == 0:
        return 0
    x, y = abs(a), abs(b)
    while y:
        x, y = y, x % y
    return abs(a * b) // x


if __name__ == "__main__":
    print(gcd(48, 18), lcm(4, 6), gcd(17, 5), lcm(21, 6))
