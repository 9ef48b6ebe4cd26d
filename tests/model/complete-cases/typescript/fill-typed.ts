// expect: fill reverse-string
// output: cba
function reverseString(input: string): string {
}
console.log(reverseString("abc"));
