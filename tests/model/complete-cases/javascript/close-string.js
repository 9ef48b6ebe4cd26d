// expect: close
console.log("abc
