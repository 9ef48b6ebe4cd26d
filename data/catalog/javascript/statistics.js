// title: Mean, median and mode of numbers
// description: Compute the sum, average (mean), median, mode and standard deviation of an array of numbers.
// keywords: mean, average, median, mode, statistics, stats, sum, standard, deviation, variance, numbers, array

function stats(numbers) {
  if (numbers.length === 0) throw new RangeError("empty array");
  const sorted = [...numbers].sort((a, b) => a - b);
  const n = sorted.length;
  const sum = sorted.reduce((a, b) => a + b, 0);
  const mean = sum / n;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const counts = new Map();
  for (const x of sorted) counts.set(x, (counts.get(x) ?? 0) + 1);
  const mode = [...counts].reduce((best, cur) => (cur[1] > best[1] ? cur : best))[0];
  const variance = sorted.reduce((acc, x) => acc + (x - mean) ** 2, 0) / n;
  return { sum, mean, median, mode, stddev: Math.sqrt(variance) };
}

console.log(stats([2, 4, 4, 4, 5, 5, 7, 9]));
