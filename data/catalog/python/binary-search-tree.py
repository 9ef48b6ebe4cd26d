# title: Binary search tree
# description: A binary search tree with insert, search (contains), minimum and in-order traversal.
# keywords: binary, search, tree, bst, node, insert, contains, lookup, inorder, traversal, sorted, data, structure

class BinarySearchTree:
    """A binary search tree of comparable keys (no duplicates)."""

    def __init__(self):
        self.root = None  # each node is [key, left, right]

    def insert(self, key):
        if self.root is None:
            self.root = [key, None, None]
            return
        node = self.root
        while True:
            if key == node[0]:
                return
            side = 1 if key < node[0] else 2
            if node[side] is None:
                node[side] = [key, None, None]
                return
            node = node[side]

    def contains(self, key):
        node = self.root
        while node is not None:
            if key == node[0]:
                return True
            node = node[1] if key < node[0] else node[2]
        return False

    def in_order(self):
        out, stack, node = [], [], self.root
        while stack or node is not None:
            while node is not None:
                stack.append(node)
                node = node[1]
            node = stack.pop()
            out.append(node[0])
            node = node[2]
        return out


if __name__ == "__main__":
    tree = BinarySearchTree()
    for k in [50, 30, 70, 20, 40, 60, 80]:
        tree.insert(k)
    print(tree.in_order())
    print(tree.contains(60), tree.contains(65))
