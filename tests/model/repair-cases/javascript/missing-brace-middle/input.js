function classify(n) {
  if (n < 0) {
    return "negative";

  return "non-negative";
}

console.log(classify(-1), classify(1));
