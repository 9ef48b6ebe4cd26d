// title: Shuffle an array (Fisher-Yates)
// description: Shuffle an array uniformly with the Fisher-Yates algorithm, drawing from crypto.getRandomValues.
// keywords: shuffle, shuffling, random, randomize, permute, fisher, yates, array, list, order, cards

function randomBelow(n) {
  const limit = Math.floor(0x100000000 / n) * n;
  const buf = new Uint32Array(1);
  do {
    globalThis.crypto.getRandomValues(buf);
  } while (buf[0] >= limit);
  return buf[0] % n;
}

function shuffle(items) {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomBelow(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const deck = Array.from({ length: 10 }, (_, i) => i);
const shuffled = shuffle(deck);
console.log(shuffled.length, [...shuffled].sort((a, b) => a - b).join(",") === deck.join(","));
