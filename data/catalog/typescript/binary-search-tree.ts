// title: Binary search tree
// description: A generic binary search tree with insert, search (contains) and in-order traversal.
// keywords: binary, search, tree, bst, node, insert, contains, lookup, inorder, traversal, sorted, generic, data, structure

interface TreeNode<K> {
  key: K;
  left: TreeNode<K> | null;
  right: TreeNode<K> | null;
}

class BinarySearchTree<K> {
  private root: TreeNode<K> | null = null;

  insert(key: K): void {
    const node: TreeNode<K> = { key, left: null, right: null };
    if (!this.root) {
      this.root = node;
      return;
    }
    let cur = this.root;
    for (;;) {
      if (key === cur.key) return;
      if (key < cur.key) {
        if (!cur.left) {
          cur.left = node;
          return;
        }
        cur = cur.left;
      } else {
        if (!cur.right) {
          cur.right = node;
          return;
        }
        cur = cur.right;
      }
    }
  }

  contains(key: K): boolean {
    let cur = this.root;
    while (cur) {
      if (key === cur.key) return true;
      cur = key < cur.key ? cur.left : cur.right;
    }
    return false;
  }

  inOrder(): K[] {
    const out: K[] = [];
    const stack: TreeNode<K>[] = [];
    let cur = this.root;
    while (stack.length || cur) {
      while (cur) {
        stack.push(cur);
        cur = cur.left;
      }
      const node = stack.pop() as TreeNode<K>;
      out.push(node.key);
      cur = node.right;
    }
    return out;
  }
}

const tree = new BinarySearchTree<number>();
[50, 30, 70, 20, 40, 60, 80].forEach((k) => tree.insert(k));
console.log(tree.inOrder());
console.log(tree.contains(60), tree.contains(65));
