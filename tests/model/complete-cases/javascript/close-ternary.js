// expect: close
const v = cond ?
