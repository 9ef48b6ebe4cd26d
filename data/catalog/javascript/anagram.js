// title: Check if two words are anagrams
// description: Check whether two strings are anagrams of each other (same letters in a different order), ignoring case and spaces.
// keywords: anagram, anagrams, letters, same, rearrange, permutation, words, strings, compare, check

function isAnagram(a, b) {
  const norm = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, "").split("").sort().join("");
  return norm(a) === norm(b);
}

console.log(isAnagram("listen", "silent"));
console.log(isAnagram("Dormitory", "dirty room"));
console.log(isAnagram("hello", "world"));
