// expect: close
const msg = `total: ${items.map((i) => i.price
