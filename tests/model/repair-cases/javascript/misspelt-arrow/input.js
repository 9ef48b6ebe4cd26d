const double = (value) => valeu * 2;
console.log([1, 2].map(double));
