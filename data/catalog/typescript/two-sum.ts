// title: Two sum
// description: Find the indices of two numbers in an array that add up to a target, in one pass with a Map.
// keywords: two, sum, pair, target, add, indices, complement, hash, map, interview, leetcode

function twoSum(numbers: readonly number[], target: number): [number, number] | null {
  const seen = new Map<number, number>();
  for (let j = 0; j < numbers.length; j++) {
    const i = seen.get(target - numbers[j]);
    if (i !== undefined) return [i, j];
    seen.set(numbers[j], j);
  }
  return null;
}

console.log(twoSum([2, 7, 11, 15], 9));
console.log(twoSum([3, 2, 4], 6));
console.log(twoSum([1, 2], 7));
