// title: Matrix multiplication
// description: Multiply two matrices given as arrays of rows, checking that their dimensions agree.
// keywords: matrix, matrices, multiply, multiplication, product, dot, rows, columns, linear, algebra, 2d, array

function matrixMultiply(a, b) {
  if (a.length === 0 || b.length === 0 || a[0].length !== b.length) {
    throw new RangeError("matrix dimensions do not agree");
  }
  return a.map((row) =>
    b[0].map((_, j) => row.reduce((sum, x, k) => sum + x * b[k][j], 0)),
  );
}

const product = matrixMultiply(
  [[1, 2, 3], [4, 5, 6]],
  [[7, 8], [9, 10], [11, 12]],
);
product.forEach((row) => console.log(row.join(" ")));
