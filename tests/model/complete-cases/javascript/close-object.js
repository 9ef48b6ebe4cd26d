// expect: close
const o = { a: 1, b: [2, 3
