// title: Binary search tree
// description: A binary search tree with insert, search (contains), minimum and in-order traversal.
// keywords: binary, search, tree, bst, node, insert, contains, lookup, inorder, traversal, sorted, data, structure

class BinarySearchTree {
  constructor() {
    this.root = null;
  }

  insert(key) {
    const node = { key, left: null, right: null };
    if (!this.root) {
      this.root = node;
      return;
    }
    let cur = this.root;
    for (;;) {
      if (key === cur.key) return;
      const side = key < cur.key ? "left" : "right";
      if (!cur[side]) {
        cur[side] = node;
        return;
      }
      cur = cur[side];
    }
  }

  contains(key) {
    let cur = this.root;
    while (cur) {
      if (key === cur.key) return true;
      cur = key < cur.key ? cur.left : cur.right;
    }
    return false;
  }

  inOrder() {
    const out = [];
    const stack = [];
    let cur = this.root;
    while (stack.length || cur) {
      while (cur) {
        stack.push(cur);
        cur = cur.left;
      }
      cur = stack.pop();
      out.push(cur.key);
      cur = cur.right;
    }
    return out;
  }
}

const tree = new BinarySearchTree();
[50, 30, 70, 20, 40, 60, 80].forEach((k) => tree.insert(k));
console.log(tree.inOrder());
console.log(tree.contains(60), tree.contains(65));
