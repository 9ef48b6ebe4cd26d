# title: Roman numerals
# description: Convert an integer to Roman numerals and a Roman numeral back to an integer.
# keywords: roman, numeral, numerals, convert, conversion, integer, number, to, from, parse

VALUES = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(n):
    """Roman numeral for 1 <= n <= 3999."""
    if not 0 < n < 4000:
        raise ValueError("n must be between 1 and 3999")
    out = []
    for value, symbol in VALUES:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


def from_roman(s):
    """Integer value of the Roman numeral s."""
    digits = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, ch in enumerate(s.upper()):
        v = digits[ch]
        if i + 1 < len(s) and digits[s[i + 1].upper()] > v:
            total -= v
        else:
            total += v
    return total


if __name__ == "__main__":
    for n in [4, 9, 14, 1994, 2024]:
        print(n, to_roman(n), from_roman(to_roman(n)))
