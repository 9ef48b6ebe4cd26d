// expect: fill gcd-lcm
// output: 6
const gcd = (x: number, y: number): number => {
};
console.log(gcd(12, 18));
