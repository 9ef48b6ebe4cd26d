function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));

console.log(clamp(15, 0, 10));
