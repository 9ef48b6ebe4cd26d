// Compile Solidity files with solc-js (node_modules/solc) and print one TAP
// line per file: ok when the compiler reports no error (and, with --strict,
// no warning either). Used by the catalogue and completion tests.
//
//   node tests/model/solc-check.js [--strict] [--parse-only] FILE...
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const solc = require(path.join(__dirname, "..", "..", "node_modules", "solc"));

const args = process.argv.slice(2);
const strict = args.includes("--strict");
const parseOnly = args.includes("--parse-only");
const files = args.filter((a) => !a.startsWith("--"));

let failed = 0;
files.forEach((file, i) => {
  const input = {
    language: "Solidity",
    sources: { [path.basename(file)]: { content: fs.readFileSync(file, "utf8") } },
    settings: { outputSelection: parseOnly ? {} : { "*": { "*": ["abi"] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const problems = (out.errors || []).filter((e) => {
    if (parseOnly) return e.type === "ParserError" || e.type === "SyntaxError" || e.type === "DocstringParsingError";
    return e.severity === "error" || (strict && e.severity === "warning");
  });
  const good = problems.length === 0;
  if (!good) failed++;
  console.log(`${good ? "ok" : "not ok"} ${i + 1} - solc ${path.basename(file)}`);
  for (const p of problems) {
    console.log("#   " + (p.formattedMessage || p.message).split("\n").join("\n#   "));
  }
});
console.log(`1..${files.length}`);
process.exit(failed ? 1 : 0);
