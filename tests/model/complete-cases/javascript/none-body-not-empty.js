// expect: none
function reverseString(a, b) {
  return a;
}
