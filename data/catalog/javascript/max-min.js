// title: Find the largest and smallest numbers in an array
// description: Find the maximum and minimum of an array in one pass, and the second largest distinct value.
// keywords: largest, smallest, maximum, minimum, max, min, biggest, greatest, second, array, numbers, list, find

function maxMin(numbers) {
  if (numbers.length === 0) throw new RangeError("empty array");
  let largest = numbers[0];
  let smallest = numbers[0];
  for (const x of numbers) {
    if (x > largest) largest = x;
    if (x < smallest) smallest = x;
  }
  return { largest, smallest };
}

function secondLargest(numbers) {
  const distinct = [...new Set(numbers)].sort((a, b) => b - a);
  return distinct.length > 1 ? distinct[1] : null;
}

const data = [4, 17, -3, 9, 17, 0];
console.log(maxMin(data));
console.log(secondLargest(data));
