// expect: close
const f = (a: number): number =>
