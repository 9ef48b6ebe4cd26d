// title: Remove duplicates from an array
// description: Remove duplicate elements from an array while keeping the order of first appearance, and deduplicate objects by a key.
// keywords: remove, duplicates, duplicate, unique, distinct, dedupe, deduplicate, array, list, order, set, key

function removeDuplicates<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function uniqueBy<T, K>(items: readonly T[], key: (item: T) => K): T[] {
  const seen = new Set<K>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

console.log(removeDuplicates([3, 1, 3, 2, 1, 5, 3]));
console.log(uniqueBy([{ id: 1, n: "a" }, { id: 2, n: "b" }, { id: 1, n: "c" }], (x) => x.id));
