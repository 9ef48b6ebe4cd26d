// Warm TypeScript type-check worker: one JSON request per stdin line, one
// JSON answer per stdout line.
//
//   {"op":"ping"}              -> {"ok":true,"tool":"tsc","version":"5.9.3"}
//   {"op":"check","code":"…"}  -> {"ok":true,"results":[{code,category,line,column,message,syntactic}]}
//
// A LanguageService keeps the parsed standard library and @types/node
// between requests; only the one input file changes, so a full type check
// costs milliseconds instead of the CLI's seconds.
//
// Options (each one a measured trap): target es2022 with lib es2022 + dom
// (the ES5 default rejects Array.from), strict, @types/node so `fs` and
// `process` resolve, skipLibCheck (3x faster, and the libraries are not
// what we are checking).
//
// Policy on missing modules: TS2307 ("Cannot find module"), TS2792 (its
// variant suggesting another moduleResolution) and TS7016 ("Could not find
// a declaration file") are dropped. Generated code imports third-party
// packages that are not installed here, and that says nothing about the
// code's safety; what a module is used for is the AST policy's concern, and
// an import that really is missing fails visibly when the code runs.
"use strict";

const path = require("node:path");
const { serve } = require("./protocol.js");
const ts = require("typescript");

const ROOT = path.resolve(__dirname, "..");
const INPUT = "/__skitty__/input.ts";
const IGNORED = new Set([2307, 2792, 7016]);

const options = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: ["node"],
  typeRoots: [path.join(ROOT, "node_modules", "@types")],
  allowJs: false,
};

let code = "";
let version = 0;
const diskSnapshots = new Map();

const host = {
  getCompilationSettings: () => options,
  getScriptFileNames: () => [INPUT],
  getScriptVersion: (f) => (f === INPUT ? String(version) : "0"),
  getScriptSnapshot(f) {
    if (f === INPUT) return ts.ScriptSnapshot.fromString(code);
    if (diskSnapshots.has(f)) return diskSnapshots.get(f);
    const text = ts.sys.readFile(f);
    const snap = text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    diskSnapshots.set(f, snap);
    return snap;
  },
  getCurrentDirectory: () => ROOT,
  getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
  fileExists: (f) => f === INPUT || ts.sys.fileExists(f),
  readFile: (f) => (f === INPUT ? code : ts.sys.readFile(f)),
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
};

const service = ts.createLanguageService(host, ts.createDocumentRegistry());

const categories = ["warning", "error", "suggestion", "message"];

function convert(d, syntactic) {
  let line = 0;
  let column = 0;
  if (d.file && d.start !== undefined) {
    const lc = d.file.getLineAndCharacterOfPosition(d.start);
    line = lc.line + 1;
    column = lc.character + 1;
  }
  return {
    code: d.code,
    category: categories[d.category] || "error",
    line,
    column,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    syntactic,
  };
}

function check(text) {
  code = text;
  version++;
  const syn = service.getSyntacticDiagnostics(INPUT).map((d) => convert(d, true));
  const sem = service.getSemanticDiagnostics(INPUT).map((d) => convert(d, false));
  return syn.concat(sem).filter((d) => !IGNORED.has(d.code));
}

function answer(req) {
  if (req.op === "ping") return { ok: true, tool: "tsc", version: ts.version };
  if (req.op === "check") {
    if (typeof req.code !== "string") return { ok: false, error: "check: 'code' must be a string" };
    return { ok: true, results: check(req.code) };
  }
  return { ok: false, error: `unknown op ${JSON.stringify(req.op)}` };
}

// Warm up: the first check parses the standard library and @types/node.
check("import fs from 'fs';\nconst a: number[] = Array.from([1]);\nconsole.log(a, fs.existsSync('x'));\n");

serve(answer);
