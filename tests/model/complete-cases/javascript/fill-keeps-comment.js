// expect: fill chunk-array
// output: [[1,2],[3]]
function chunk(list, n) {
  // TODO: split into chunks
}
console.log(JSON.stringify(chunk([1, 2, 3], 2)));
