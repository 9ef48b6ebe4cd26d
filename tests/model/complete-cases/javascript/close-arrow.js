// expect: close
const f = async (a) =>
