const count = 1;
const cont = 2;
console.log(conut);
