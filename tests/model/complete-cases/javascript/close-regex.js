// expect: close
const re = /ab[c
