# title: Convert between binary, decimal and hexadecimal
# description: Convert an integer to binary, octal or hexadecimal text and parse such text back to an integer, including a hand-written base conversion.
# keywords: binary, decimal, hexadecimal, hex, octal, base, convert, conversion, integer, bits, radix, number

def to_base(n, base):
    """Text of the non-negative integer n in base 2..36."""
    if not 2 <= base <= 36:
        raise ValueError("base must be between 2 and 36")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if n == 0:
        return "0"
    out = []
    while n:
        n, r = divmod(n, base)
        out.append(digits[r])
    return "".join(reversed(out))


if __name__ == "__main__":
    print(bin(42), oct(42), hex(42))
    print(to_base(42, 2), to_base(255, 16), to_base(35, 36))
    print(int("101010", 2), int("ff", 16), int("0o52", 8))
