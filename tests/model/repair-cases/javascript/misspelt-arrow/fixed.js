const double = (value) => value * 2;
console.log([1, 2].map(double));
