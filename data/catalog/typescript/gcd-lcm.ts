// title: Greatest common divisor and least common multiple
// description: Compute the greatest common divisor (GCD) with Euclid's algorithm and the least common multiple (LCM) of two integers.
// keywords: gcd, hcf, greatest, common, divisor, factor, lcm, least, multiple, euclid, euclidean, integers

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) {
    [a, b] = [b, a % b];
  }
  return a;
}

function lcm(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) {
    [x, y] = [y, x % y];
  }
  return Math.abs(a * b) / x;
}

console.log(gcd(48, 18), lcm(4, 6), gcd(17, 5), lcm(21, 6));
