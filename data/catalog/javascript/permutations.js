// title: Permutations and combinations
// description: List all permutations of a string or array, and all combinations of k items.
// keywords: permutations, permutation, combinations, combination, arrangements, subsets, choose, orderings, string, array

function permutations(items) {
  if (items.length <= 1) return [[...items]];
  const out = [];
  items.forEach((first, i) => {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutations(rest)) out.push([first, ...p]);
  });
  return out;
}

function combinations(items, k) {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items;
  return [...combinations(rest, k - 1).map((c) => [first, ...c]), ...combinations(rest, k)];
}

console.log(permutations([..."abc"]).map((p) => p.join("")));
console.log(combinations(["a", "b", "c", "d"], 2).map((c) => c.join("")));
