// title: Binary search
// description: Find the index of a value in a sorted array with binary search, or -1 when it is absent.
// keywords: binary, search, find, index, sorted, array, list, lookup, halving, position

function binarySearch(items, target) {
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid] === target) return mid;
    if (items[mid] < target) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

const data = [1, 3, 5, 7, 9, 11, 13];
console.log(binarySearch(data, 7));
console.log(binarySearch(data, 4));
