const path = require("path");

const file = path.join("reports", "2024", "summary.txt");
console.log(path.basename(file));
