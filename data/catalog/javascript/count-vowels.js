// title: Count vowels in a string
// description: Count the vowels (a, e, i, o, u) in a string, in total and per vowel.
// keywords: vowel, vowels, count, counting, letters, consonants, string, text, aeiou

function countVowels(text) {
  const counts = { a: 0, e: 0, i: 0, o: 0, u: 0 };
  for (const ch of text.toLowerCase()) {
    if (Object.hasOwn(counts, ch)) counts[ch] += 1;
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return { total, counts };
}

console.log(countVowels("Programming is fun and educational"));
