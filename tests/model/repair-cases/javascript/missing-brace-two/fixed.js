function walk(tree) {
  let count = 0;
  for (const node of tree) {
    if (node.children) {
      count += walk(node.children);
    }
    count += 1;
  }
  return count;
}

console.log(walk([{ children: [{}] }, {}]));
