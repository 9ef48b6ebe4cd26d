// expect: close
const y = 2 *
