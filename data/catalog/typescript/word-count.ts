// title: Count words in a text
// description: Count how many times each word occurs in a text, case-insensitively, and list the most common words.
// keywords: word, words, count, counter, frequency, frequencies, occurrences, text, common, histogram, tally

function wordCount(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[a-z0-9']+/g) ?? []) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

const counts = wordCount("The cat sat on the mat. The mat was flat, and the cat was happy.");
const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
console.log([...counts.values()].reduce((a, b) => a + b, 0), "words");
for (const [word, n] of top.slice(0, 3)) {
  console.log(word, n);
}
