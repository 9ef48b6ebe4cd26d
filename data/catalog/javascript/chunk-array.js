// title: Split an array into chunks
// description: Split an array into chunks (batches) of a given size, the last one possibly shorter.
// keywords: chunk, chunks, split, batch, batches, pages, paginate, partition, array, size, groups

function chunk(items, size) {
  if (!Number.isInteger(size) || size < 1) throw new RangeError("size must be a positive integer");
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

console.log(chunk([1, 2, 3, 4, 5, 6, 7], 3));
