console.log([1, 2].map((x) => {
  return x * 2;
});
