// title: Roman numerals
// description: Convert an integer to Roman numerals and a Roman numeral back to an integer.
// keywords: roman, numeral, numerals, convert, conversion, integer, number, to, from, parse

function toRoman(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 3999) throw new RangeError("n must be 1..3999");
  const table: Array<[number, string]> = [
    [1000, "M"], [900, "CM"], [500, "D"], [400, "CD"], [100, "C"], [90, "XC"],
    [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"],
  ];
  let out = "";
  for (const [value, symbol] of table) {
    while (n >= value) {
      out += symbol;
      n -= value;
    }
  }
  return out;
}

function fromRoman(s: string): number {
  const digits: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };
  const upper = s.toUpperCase();
  let total = 0;
  for (let i = 0; i < upper.length; i++) {
    const v = digits[upper[i]];
    const next = i + 1 < upper.length ? digits[upper[i + 1]] : 0;
    total += next > v ? -v : v;
  }
  return total;
}

for (const n of [4, 9, 14, 1994, 2024]) {
  console.log(n, toRoman(n), fromRoman(toRoman(n)));
}
