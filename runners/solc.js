'use strict';
// Compile one Solidity file with solc-js (the project's node_modules/solc)
// and print one JSON line on stdout:
//   {"errors":[{severity,type,message,formatted,line,column}],
//    "contracts":[{name,bytecode_bytes,deployed_bytes}]}
// Run by src/exec inside the sandbox: node runners/solc.js SOLC_DIR FILE
const fs = require('fs');
const path = require('path');

const solc = require(process.argv[2]);
const file = process.argv[3];
const name = path.basename(file);
const src = fs.readFileSync(file, 'utf8');

const input = {
  language: 'Solidity',
  sources: { [name]: { content: src } },
  settings: {
    optimizer: { enabled: false },
    outputSelection: { '*': { '*': ['evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};
// No imports: a single file is compiled, and nothing may be fetched.
const findImports = (p) => ({ error: `import "${p}" is not available: only one file is compiled` });
const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));

// Line and column (1-based) of a byte offset in the source.
const buf = Buffer.from(src, 'utf8');
function position(offset) {
  if (typeof offset !== 'number' || offset < 0) return [0, 0];
  const before = buf.subarray(0, Math.min(offset, buf.length)).toString('utf8');
  const lines = before.split('\n');
  return [lines.length, lines[lines.length - 1].length + 1];
}

const res = { version: solc.version(), errors: [], contracts: [] };
for (const e of out.errors || []) {
  const [line, column] = position(e.sourceLocation ? e.sourceLocation.start : -1);
  res.errors.push({
    severity: e.severity, type: e.type, message: e.message,
    formatted: (e.formattedMessage || e.message).trimEnd(), line, column,
  });
}
for (const cs of Object.values(out.contracts || {})) {
  for (const [cname, c] of Object.entries(cs)) {
    const code = (c.evm && c.evm.bytecode && c.evm.bytecode.object) || '';
    const runtime = (c.evm && c.evm.deployedBytecode && c.evm.deployedBytecode.object) || '';
    res.contracts.push({ name: cname, bytecode_bytes: code.length / 2, deployed_bytes: runtime.length / 2 });
  }
}
process.stdout.write(JSON.stringify(res) + '\n');
