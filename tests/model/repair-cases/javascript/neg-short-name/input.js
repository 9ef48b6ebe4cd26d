function add(a, b) {
  return a + b;
}
console.log(ad(1, 2));
