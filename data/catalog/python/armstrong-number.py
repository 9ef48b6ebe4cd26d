# title: Armstrong (narcissistic) numbers
# description: Check whether a number is an Armstrong number (equal to the sum of its digits each raised to the number of digits) and sum the digits of a number.
# keywords: armstrong, narcissistic, number, digits, sum, power, check, digit

def is_armstrong(n):
    """True if n equals the sum of its digits, each to the power of the digit count."""
    digits = [int(d) for d in str(n)]
    return n == sum(d ** len(digits) for d in digits)


def digit_sum(n):
    """Sum of the decimal digits of abs(n)."""
    return sum(int(d) for d in str(abs(n)))


if __name__ == "__main__":
    print([n for n in range(1, 1000) if is_armstrong(n)])
    print(digit_sum(9875))
