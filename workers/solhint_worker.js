// Warm solhint worker: one JSON request per stdin line, one JSON answer per
// stdout line.
//
//   {"op":"ping"}              -> {"ok":true,"tool":"solhint","version":"6.2.4"}
//   {"op":"check","code":"…"}  -> {"ok":true,"results":[{ruleId,severity,message,line,column,fatal}]}
//
// The rule list is explicit and security-only: `solhint:recommended` is
// mostly style and makes `compiler-version` an error on every older
// contract. The library's processStr() is used, never the CLI (which may
// query the npm registry and print to stdout).
//
// solhint has no option to ignore in-code directives, and
// `// solhint-disable-next-line` really does suppress findings. Every
// `solhint-disable…`/`solhint-enable…` in the text is therefore neutralised
// with a replacement of the same length (so lines and columns stay right)
// before linting, and reported as a finding of its own (ruleId
// "inline-config").
//
// Some syntax errors make @solidity-parser/parser throw a TypeError instead
// of reporting a parse error; that is caught and reported as a fatal parse
// error, so the worker keeps running and the code is not taken as clean.
"use strict";

const { serve } = require("./protocol.js");
const solhint = require("solhint/lib/index");
const { version } = require("solhint/package.json");

const RULES = [
  "avoid-call-value",
  "avoid-low-level-calls",
  "avoid-sha3",
  "avoid-suicide",
  "avoid-throw",
  "avoid-tx-origin",
  "check-send-result",
  "func-visibility",
  "multiple-sends",
  "no-complex-fallback",
  "no-inline-assembly",
  "no-unchecked-calls",
  "not-rely-on-block-hash",
  "not-rely-on-time",
  "reentrancy",
  "state-visibility",
];

const config = { rules: Object.fromEntries(RULES.map((r) => [r, "warn"])) };
// Since Solidity 0.7 constructors have no visibility; the rule must not ask for one.
config.rules["func-visibility"] = ["warn", { ignoreConstructors: true }];
const DIRECTIVE = /solhint-(?=disable|enable)/g;

function neutralise(code, results) {
  const lines = code.split("\n");
  lines.forEach((text, i) => {
    let m;
    DIRECTIVE.lastIndex = 0;
    while ((m = DIRECTIVE.exec(text)) !== null) {
      results.push({
        ruleId: "inline-config",
        severity: 3,
        message: "solhint directive ignored: generated code may not switch rules off",
        line: i + 1,
        column: m.index + 1,
        fatal: false,
      });
    }
  });
  return code.replace(DIRECTIVE, "solhinx-");
}

function check(code) {
  const results = [];
  const text = neutralise(code, results);
  let reports;
  try {
    reports = solhint.processStr(text, config, "input.sol").reports;
  } catch (e) {
    results.push({
      ruleId: null,
      severity: 2,
      message: `Parse error: the Solidity parser failed (${e && e.name}: ${e && e.message})`,
      line: 0,
      column: 0,
      fatal: true,
    });
    return results;
  }
  for (const r of reports) {
    const parse = !r.ruleId && /^Parse error/.test(r.message || "");
    results.push({
      ruleId: r.ruleId || null,
      severity: r.severity,
      message: r.message,
      line: r.line || 0,
      column: r.column != null ? r.column + (parse ? 1 : 0) : 0,
      fatal: parse,
    });
  }
  return results;
}

function answer(req) {
  if (req.op === "ping") return { ok: true, tool: "solhint", version };
  if (req.op === "check") {
    if (typeof req.code !== "string") return { ok: false, error: "check: 'code' must be a string" };
    return { ok: true, results: check(req.code) };
  }
  return { ok: false, error: `unknown op ${JSON.stringify(req.op)}` };
}

check("pragma solidity ^0.8.0;\ncontract W { function f() public pure returns (uint) { return 1; } }\n");

serve(answer);
