// expect: fill reverse-string
// output: cba
function reverseString(str) {
}
console.log(reverseString("abc"));
