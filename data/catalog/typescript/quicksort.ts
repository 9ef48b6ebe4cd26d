// title: Quicksort
// description: Sort an array with the quicksort algorithm, partitioning around a pivot and sorting each side recursively.
// keywords: quicksort, quick, sort, sorting, pivot, partition, recursive, divide, conquer, array, list, generic

function quicksort<T>(items: readonly T[]): T[] {
  if (items.length <= 1) return [...items];
  const pivot = items[Math.floor(items.length / 2)];
  const smaller = items.filter((x) => x < pivot);
  const equal = items.filter((x) => x === pivot);
  const larger = items.filter((x) => x > pivot);
  return [...quicksort(smaller), ...equal, ...quicksort(larger)];
}

console.log(quicksort([3, 6, 8, 10, 1, 2, 1]));
console.log(quicksort<number>([]));
