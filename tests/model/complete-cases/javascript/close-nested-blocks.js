// expect: close
items.forEach((item) => {
  if (item.ok) {
    count += item.n
