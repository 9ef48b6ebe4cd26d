// Warm solc worker (solc-js): one JSON request per stdin line, one JSON
// answer per stdout line.
//
//   {"op":"ping"}                -> {"ok":true,"tool":"solc","version":"0.8.37"}
//   {"op":"check","code":"…"}    -> {"ok":true,"results":[…],"relaxed_pragma":bool}
//   {"op":"compile","code":"…"}  -> {"ok":true,"results":[…],"compiled":bool,
//                                    "contracts":{"Name":{"abi":[…],"bytecode":"…"}}}
//
// `check` asks only for the analysis (an empty outputSelection), which is
// about five times cheaper than producing bytecode; `compile` also returns
// ABI and bytecode, for the pipeline's compilation_status.
//
// Each result is {errorCode, severity, type, message, line, column}. solc
// reports byte offsets into the UTF-8 source; they are turned into 1-based
// lines and character columns here, where the text is at hand.
//
// Only the bundled compiler exists (no downloads), so a version pragma that
// excludes it (error 5333) would stop all analysis. For `check` (and for
// `compile` when "relax_pragma" is true) such a pragma is rewritten, keeping
// its length, to accept any version, the analysis runs, and the 5333 error
// is kept in the results so the mismatch is still reported. Imports have no
// callback: nothing is read from disk (error 6275 is reported).
"use strict";

const { serve } = require("./protocol.js");
const solc = require("solc");

const fullVersion = solc.version();
const version = fullVersion.split("+")[0];
const FILE = "input.sol";
const PRAGMA = /pragma\s+solidity\s+([^;]{5,});/g;

function lineTable(buf) {
  const starts = [0];
  for (let i = 0; i < buf.length; i++) if (buf[i] === 0x0a) starts.push(i + 1);
  return starts;
}

function position(buf, starts, offset) {
  if (typeof offset !== "number" || offset < 0 || offset > buf.length) return [0, 0];
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  const column = buf.subarray(starts[lo], offset).toString("utf8").length + 1;
  return [lo + 1, column];
}

function run(code, selection) {
  const input = {
    language: "Solidity",
    sources: { [FILE]: { content: code } },
    settings: { outputSelection: selection },
  };
  return JSON.parse(solc.compile(JSON.stringify(input)));
}

function relax(code) {
  return code.replace(PRAGMA, (whole, expr) => {
    const loose = ">=0.0";
    return whole.replace(expr, loose + " ".repeat(expr.length - loose.length));
  });
}

function analyse(code, selection, relaxPragma) {
  let out = run(code, selection);
  let relaxed = false;
  const errs = out.errors || [];
  const mismatch = errs.filter((e) => e.errorCode === "5333");
  if (relaxPragma && mismatch.length > 0 && mismatch.length === errs.filter((e) => e.severity === "error").length) {
    const loose = relax(code);
    if (loose !== code) {
      out = run(loose, selection);
      out.errors = mismatch.concat(out.errors || []);
      relaxed = true;
    }
  }
  const buf = Buffer.from(code, "utf8");
  const starts = lineTable(buf);
  const results = (out.errors || []).map((e) => {
    const loc = e.sourceLocation || {};
    const [line, column] = position(buf, starts, loc.start);
    return {
      errorCode: e.errorCode || "",
      severity: e.severity,
      type: e.type,
      message: e.message,
      line,
      column,
    };
  });
  return { out, results, relaxed };
}

function check(code) {
  const { results, relaxed } = analyse(code, {}, true);
  return { ok: true, results, relaxed_pragma: relaxed };
}

function compile(code, relaxPragma) {
  const sel = { "*": { "*": ["abi", "evm.bytecode.object"] } };
  const { out, results, relaxed } = analyse(code, sel, relaxPragma);
  const contracts = {};
  for (const [, byName] of Object.entries(out.contracts || {})) {
    for (const [name, c] of Object.entries(byName)) {
      contracts[name] = { abi: c.abi, bytecode: (c.evm && c.evm.bytecode && c.evm.bytecode.object) || "" };
    }
  }
  const compiled = !results.some((r) => r.severity === "error") && Object.keys(contracts).length > 0;
  return { ok: true, results, compiled, relaxed_pragma: relaxed, contracts };
}

function answer(req) {
  if (req.op === "ping") return { ok: true, tool: "solc", version, long_version: fullVersion };
  if (req.op === "check" || req.op === "compile") {
    if (typeof req.code !== "string") return { ok: false, error: `${req.op}: 'code' must be a string` };
    return req.op === "check" ? check(req.code) : compile(req.code, req.relax_pragma === true);
  }
  return { ok: false, error: `unknown op ${JSON.stringify(req.op)}` };
}

check("pragma solidity ^0.8.0;\ncontract W { function f() public pure returns (uint) { return 1; } }\n");

serve(answer);
