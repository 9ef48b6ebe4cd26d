# title: Transpose a matrix
# description: Transpose a matrix (swap its rows and columns) given as a list of rows.
# keywords: transpose, matrix, matrices, rows, columns, swap, flip, zip, 2d, grid, list

def transpose(matrix):
    """Return the transpose of matrix (a list of equal-length rows)."""
    return [list(col) for col in zip(*matrix)]


if __name__ == "__main__":
    for row in transpose([[1, 2, 3], [4, 5, 6]]):
        print(row)
