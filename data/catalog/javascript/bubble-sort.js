// title: Bubble sort
// description: Sort an array with bubble sort, swapping adjacent elements and stopping early when a pass makes no swap.
// keywords: bubble, sort, sorting, order, ascending, array, list, swap, adjacent, algorithm

function bubbleSort(items) {
  const result = [...items];
  for (let end = result.length - 1; end > 0; end--) {
    let swapped = false;
    for (let i = 0; i < end; i++) {
      if (result[i] > result[i + 1]) {
        [result[i], result[i + 1]] = [result[i + 1], result[i]];
        swapped = true;
      }
    }
    if (!swapped) break;
  }
  return result;
}

console.log(bubbleSort([5, 1, 4, 2, 8, 0]));
console.log(bubbleSort(["pear", "apple", "fig"]));
