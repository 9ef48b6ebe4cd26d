// title: Flatten a nested array
// description: Flatten an array of arrays, nested to any depth, into a single flat array, with Array.prototype.flat and by hand.
// keywords: flatten, flat, nested, array, arrays, list, lists, recursive, deep, merge, concatenate

function flatten(items) {
  const out = [];
  const stack = [[items, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top[1] >= top[0].length) {
      stack.pop();
      continue;
    }
    const x = top[0][top[1]++];
    if (Array.isArray(x)) stack.push([x, 0]);
    else out.push(x);
  }
  return out;
}

const nested = [1, [2, [3, [4, 5]], 6], [], [[7]]];
console.log(flatten(nested));
console.log(nested.flat(Infinity));
