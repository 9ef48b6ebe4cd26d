// title: Flatten a nested array
// description: Flatten an array of arrays, nested to any depth, into a single flat array, with a recursive type.
// keywords: flatten, flat, nested, array, arrays, list, lists, recursive, deep, merge, concatenate, type

type Nested<T> = T | Nested<T>[];

function flatten<T>(items: Nested<T>[]): T[] {
  const out: T[] = [];
  for (const x of items) {
    if (Array.isArray(x)) out.push(...flatten(x));
    else out.push(x);
  }
  return out;
}

console.log(flatten<number>([1, [2, [3, [4, 5]], 6], [], [[7]]]));
