// expect: close
const greeting = `hello ${name
