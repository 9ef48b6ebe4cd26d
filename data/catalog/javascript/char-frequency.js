// title: Character frequency
// description: Count how often each character occurs in a string and find the most frequent and the first non-repeating character.
// keywords: character, characters, char, frequency, count, occurrences, letters, most, common, first, non-repeating, unique, string

function charFrequency(text) {
  const counts = new Map();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return counts;
}

function firstUniqueChar(text) {
  const counts = charFrequency(text);
  for (const ch of text) if (counts.get(ch) === 1) return ch;
  return null;
}

const freq = [...charFrequency("mississippi")].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
console.log(freq.slice(0, 2));
console.log(firstUniqueChar("swiss"));
