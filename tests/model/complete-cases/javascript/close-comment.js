// expect: close
let x = 1; /* unfinished comment
