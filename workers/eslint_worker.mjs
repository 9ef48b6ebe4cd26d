// Warm ESLint worker: one JSON request per stdin line, one JSON answer per
// stdout line. The mode is the first argument: `js` (JavaScript) or `ts`
// (TypeScript through the typescript-eslint parser). Two separate processes,
// because importing typescript-eslint doubles the JavaScript start-up cost.
//
//   {"op":"ping"}              -> {"ok":true,"tool":"eslint","version":"10.16.0"}
//   {"op":"check","code":"…"}  -> {"ok":true,"results":[{ruleId,severity,message,line,column,fatal}]}
//
// The rules are the security ones: eslint-plugin-security (all of its
// recommended set), eslint-plugin-no-unsanitized, and the core rules that
// catch dynamic code (no-eval, no-implied-eval, no-new-func, no-script-url).
// The Linter class is used directly, on text, so no file system lookup can
// decide that the input is "ignored" (the CLI's filePath trap) and no
// configuration file on disk is read.
//
// linterOptions.noInlineConfig: generated code must not be able to switch
// rules off with `/* eslint-disable */`; ESLint then keeps the findings and
// adds a ruleId:null warning for each such comment, which we pass on.
import { createRequire } from "node:module";
import path from "node:path";
import { serve } from "./protocol.js";
import { Linter } from "eslint";
import security from "eslint-plugin-security";
import noUnsanitized from "eslint-plugin-no-unsanitized";
import globals from "globals";

const require = createRequire(import.meta.url);
const mode = process.argv[2] === "ts" ? "ts" : "js";

async function loadParser() {
  if (mode !== "ts") return null;
  const tseslint = await import("typescript-eslint");
  return tseslint.default.parser;
}

const parser = await loadParser();
const linter = new Linter({ configType: "flat" });

const rules = {
  ...security.configs.recommended.rules,
  "no-unsanitized/property": "error",
  "no-unsanitized/method": "error",
  "no-eval": "error",
  "no-implied-eval": "error",
  "no-new-func": "error",
  "no-script-url": "error",
};

function config(sourceType) {
  const languageOptions = {
    ecmaVersion: "latest",
    sourceType,
    globals: { ...globals.node, ...globals.browser, ...globals.es2021 },
  };
  if (parser) languageOptions.parser = parser;
  return [
    {
      files: ["**/*.js", "**/*.ts"],
      languageOptions,
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
      plugins: { security, "no-unsanitized": noUnsanitized },
      rules,
    },
  ];
}

// Linter.verify() builds and normalises a FlatConfigArray from a plain
// array on every call, which costs more than linting a small file. Build
// each one once; ESLint takes any array with getConfig() as already built.
// The class is internal (not in eslint's exports), so it is loaded by path,
// and a plain array is the fallback if that ever fails.
function prebuild(cfg) {
  try {
    const dir = path.dirname(require.resolve("eslint/package.json"));
    const { FlatConfigArray } = require(path.join(dir, "lib", "config", "flat-config-array.js"));
    const arr = new FlatConfigArray(cfg, { basePath: process.cwd() });
    arr.normalizeSync();
    return arr;
  } catch {
    return cfg;
  }
}

const configs = {
  module: prebuild(config("module")),
  script: prebuild(config(mode === "ts" ? "module" : "commonjs")),
};
const filename = mode === "ts" ? "input.ts" : "input.js";

function lint(code, cfg) {
  return linter.verify(code, cfg, { filename });
}

function lintBoth(code) {
  let messages = lint(code, configs.module);
  // Generated JavaScript is often CommonJS; a script that does not parse as
  // a module (e.g. a top-level `return`) is tried again as CommonJS, and the
  // module-mode error is kept only if both fail.
  if (mode === "js" && messages.some((m) => m.fatal)) {
    const again = lint(code, configs.script);
    if (!again.some((m) => m.fatal)) messages = again;
  }
  return messages;
}

// Salvage of code that does not parse: ESLint runs no rule at all on such
// a file. The largest window of whole lines that parses (at most
// SALVAGE_MAX_DROP lines dropped at each end, within SALVAGE_BUDGET_MS) is
// linted as well and its findings are reported at their real lines, next
// to the parse error, which stays (the code as a whole is still broken).
const SALVAGE_MAX_DROP = 15;
const SALVAGE_BUDGET_MS = 150;
const espree = require("espree");
// For TypeScript, typescript-estree's plain parse (no scope analysis).
const tsParse = mode === "ts" ? require("@typescript-eslint/typescript-estree").parse : null;

function parses(text) {
  const kinds = mode === "ts" ? ["module"] : ["module", "commonjs"];
  for (const sourceType of kinds) {
    try {
      if (tsParse) tsParse(text, { sourceType });
      else espree.parse(text, { ecmaVersion: "latest", sourceType });
      return true;
    } catch {
      // try the next
    }
  }
  return false;
}

function salvage(code) {
  const lines = code.split("\n");
  const n = lines.length;
  const deadline = Date.now() + SALVAGE_BUDGET_MS;
  const cands = [];
  for (let h = 0; h < Math.min(n, SALVAGE_MAX_DROP); h++)
    for (let t = 0; t < Math.min(n - h, SALVAGE_MAX_DROP); t++) if (h + t > 0) cands.push([h, t]);
  cands.sort((a, b) => a[0] + a[1] - (b[0] + b[1]));
  for (const [h, t] of cands) {
    if (Date.now() > deadline) return null;
    const text = lines.slice(h, n - t).join("\n");
    if (text.trim() && parses(text)) return { shift: h, text };
  }
  return null;
}

function check(code) {
  let messages = lintBoth(code);
  let partial = null;
  const fatal = messages.filter((m) => m.fatal);
  if (fatal.length) {
    const part = salvage(code);
    if (part) {
      const more = lintBoth(part.text).filter((m) => !m.fatal);
      for (const m of more) {
        if (m.line) m.line += part.shift;
      }
      messages = fatal.concat(more);
      partial = { first_line: part.shift + 1, lines: part.text.split("\n").length };
    }
  }
  const results = messages.map((m) => ({
    ruleId: m.ruleId ?? null,
    severity: m.severity,
    message: m.message,
    line: m.line ?? 0,
    column: m.column ?? 0,
    fatal: m.fatal === true,
  }));
  return { results, partial };
}

const version = Linter.version || require("eslint/package.json").version;

function answer(req) {
  if (req.op === "ping") return { ok: true, tool: "eslint", version, mode };
  if (req.op === "check") {
    if (typeof req.code !== "string") return { ok: false, error: "check: 'code' must be a string" };
    const { results, partial } = check(req.code);
    return partial ? { ok: true, results, partial } : { ok: true, results };
  }
  return { ok: false, error: `unknown op ${JSON.stringify(req.op)}` };
}

// Warm up: the first lint pays for loading every rule.
check("const a = require('fs');\na.readFileSync(process.argv[2]);\n");

serve(answer);
