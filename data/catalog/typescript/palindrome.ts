// title: Check if a string is a palindrome
// description: Check whether a word, sentence or number reads the same forwards and backwards, ignoring case, spaces and punctuation.
// keywords: palindrome, palindromic, same, forwards, backwards, reverse, check, string, word, sentence, number

function isPalindrome(text: string | number): boolean {
  const cleaned = String(text).toLowerCase().replace(/[^a-z0-9]/g, "");
  let i = 0;
  let j = cleaned.length - 1;
  while (i < j) {
    if (cleaned[i] !== cleaned[j]) return false;
    i++;
    j--;
  }
  return true;
}

for (const sample of ["racecar", "A man, a plan, a canal: Panama", "hello", 12321]) {
  console.log(JSON.stringify(sample), isPalindrome(sample));
}
