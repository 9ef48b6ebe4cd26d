# title: Matrix multiplication
# description: Multiply two matrices given as lists of rows, checking that their dimensions agree.
# keywords: matrix, matrices, multiply, multiplication, product, dot, rows, columns, linear, algebra, 2d, list

def matrix_multiply(a, b):
    """Return the product of matrices a (n x m) and b (m x p)."""
    if not a or not b or len(a[0]) != len(b):
        raise ValueError("matrix dimensions do not agree")
    cols = list(zip(*b))
    return [[sum(x * y for x, y in zip(row, col)) for col in cols] for row in a]


if __name__ == "__main__":
    a = [[1, 2, 3], [4, 5, 6]]
    b = [[7, 8], [9, 10], [11, 12]]
    for row in matrix_multiply(a, b):
        print(row)
