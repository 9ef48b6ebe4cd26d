// expect: fill palindrome
// output: true
const isPalindrome = (t) => {
};
console.log(isPalindrome("A man, a plan, a canal: Panama"));
