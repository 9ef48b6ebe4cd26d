# title: Tower of Hanoi
# description: Solve the Tower of Hanoi puzzle recursively, listing the moves of n disks from one peg to another.
# keywords: tower, towers, hanoi, disks, pegs, puzzle, recursive, recursion, moves

def hanoi(n, source="A", target="C", spare="B"):
    """The list of (disk, from, to) moves for n disks."""
    if n == 0:
        return []
    return (hanoi(n - 1, source, spare, target) + [(n, source, target)]
            + hanoi(n - 1, spare, target, source))


if __name__ == "__main__":
    moves = hanoi(3)
    for disk, a, b in moves:
        print(f"move disk {disk} from {a} to {b}")
    print(len(hanoi(10)), "moves for 10 disks")
