// title: Reverse a string
// description: Reverse the characters of a string (Unicode-aware), and reverse the order of the words in a sentence.
// keywords: reverse, reversed, backwards, flip, invert, mirror, string, text, characters, letters, words, sentence

function reverseString(s) {
  // Array.from splits by code point, so emoji and other astral characters survive.
  return Array.from(s).reverse().join("");
}

function reverseWords(sentence) {
  return sentence.split(/\s+/).filter(Boolean).reverse().join(" ");
}

console.log(reverseString("hello"));
console.log(reverseString("Sheikh-Kitty"));
console.log(reverseWords("the quick brown fox"));
