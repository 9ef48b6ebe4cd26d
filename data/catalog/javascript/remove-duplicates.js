// title: Remove duplicates from an array
// description: Remove duplicate elements from an array while keeping the order of first appearance, and find which items were duplicated.
// keywords: remove, duplicates, duplicate, unique, distinct, dedupe, deduplicate, array, list, order, set

function removeDuplicates(items) {
  return [...new Set(items)];
}

function duplicates(items) {
  const seen = new Set();
  const dup = new Set();
  for (const x of items) {
    if (seen.has(x)) dup.add(x);
    seen.add(x);
  }
  return [...dup];
}

const data = [3, 1, 3, 2, 1, 5, 3];
console.log(removeDuplicates(data));
console.log(duplicates(data));
