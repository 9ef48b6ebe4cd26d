// Check that files parse, one line per file: "ok FILE" or "fail FILE: why".
// Used by test-complete to verify what the offline completion produced.
//
//   node tests/model/syntax-check.js javascript|typescript|solidity|solidity-full FILE...
//
// javascript: parsed as a script by V8 (vm.Script, nothing runs);
// typescript: transpiled by esbuild (its TypeScript parser);
// solidity: parsed by solc-js (parser and syntax errors only);
// solidity-full: compiled by solc-js (any error fails; warnings pass).
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const [mode, ...files] = process.argv.slice(2);
const root = path.join(__dirname, "..", "..");

for (const file of files) {
  const src = fs.readFileSync(file, "utf8");
  let why = null;
  try {
    if (mode === "javascript") {
      new vm.Script(src, { filename: file });
    } else if (mode === "typescript") {
      require(path.join(root, "node_modules", "esbuild")).transformSync(src, { loader: "ts" });
    } else if (mode === "solidity" || mode === "solidity-full") {
      const solc = require(path.join(root, "node_modules", "solc"));
      const full = mode === "solidity-full";
      const out = JSON.parse(solc.compile(JSON.stringify({
        language: "Solidity",
        sources: { [path.basename(file)]: { content: src } },
        settings: { outputSelection: full ? { "*": { "*": ["abi"] } } : {} },
      })));
      const bad = (out.errors || []).filter((e) =>
        full ? e.severity === "error" : e.type === "ParserError" || e.type === "SyntaxError");
      if (bad.length) why = bad.map((e) => e.message).join("; ");
    } else {
      why = "unknown mode " + mode;
    }
  } catch (e) {
    why = String(e.message || e).split("\n")[0];
  }
  console.log(why ? `fail ${file}: ${why}` : `ok ${file}`);
}
