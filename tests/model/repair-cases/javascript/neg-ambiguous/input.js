const best = 1;
const rest = 2;
console.log(lest);
