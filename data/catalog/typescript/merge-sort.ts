// title: Merge sort
// description: Sort an array with merge sort, splitting it in halves and merging the sorted halves; stable and O(n log n), with a compare function.
// keywords: merge, sort, sorting, mergesort, stable, divide, conquer, halves, recursive, array, list, comparator, generic

function mergeSort<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  if (items.length <= 1) return [...items];
  const mid = Math.floor(items.length / 2);
  const left = mergeSort(items.slice(0, mid), compare);
  const right = mergeSort(items.slice(mid), compare);
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (compare(left[i], right[j]) <= 0) merged.push(left[i++]);
    else merged.push(right[j++]);
  }
  return merged.concat(left.slice(i), right.slice(j));
}

console.log(mergeSort([38, 27, 43, 3, 9, 82, 10], (a, b) => a - b));
console.log(mergeSort(["b", "a", "c"], (a, b) => a.localeCompare(b)));
