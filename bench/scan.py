#!/usr/bin/python3
"""Warm scan latency per language versus the cold analyser CLIs (see scan.sh).

Warm: one `skitty scan --jsonl` process scans WARMUP + N samples per
language with its warm workers (in the sandbox); the figure per sample is
the report's "ms" (AST policy + analysers, measured inside skitty). The
warm-up samples, which include each worker's start, are left out.

Cold: for the same samples, the analysers' own command-line tools are
spawned per sample, as a gate without warm workers would do: bandit;
eslint (JS config); eslint (TS config) then tsc; solhint then solcjs. The
figure is the wall time of those processes, measured here.

Prints a markdown section (machine, command, table) on stdout.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "node_modules", ".bin")

N = int(os.environ.get("BENCH_SCAN_N", "100"))
ROUNDS = int(os.environ.get("BENCH_SCAN_ROUNDS", "3"))
N_COLD = int(os.environ.get("BENCH_SCAN_COLD_N", "15"))
WARMUP = 5
TARGETS = {"python": 10, "javascript": 15, "typescript": 30, "solidity": 30}

# One template per language, about 25-35 lines, with a few findings; {i}
# varies names and constants so no tool can answer from a cache.
TEMPLATES = {
    "python": '''import json
import subprocess


def load_{i}(path):
    with open(path) as f:
        return json.load(f)


def run_{i}(cmd):
    # one finding: a shell with a variable command
    return subprocess.call(cmd, shell=True)


class Store{i}:
    def __init__(self):
        self.items = {{}}

    def put(self, key, value):
        self.items[key] = value * {i}

    def total(self):
        return sum(v for v in self.items.values())


if __name__ == "__main__":
    s = Store{i}()
    s.put("a", {i})
    print(s.total(), run_{i}("echo {i}"))
''',
    "javascript": '''const fs = require("fs");
const path = require("path");

function readConfig{i}(dir) {{
  const file = path.join(dir, "config-{i}.json");
  return JSON.parse(fs.readFileSync(file, "utf8"));
}}

function render{i}(el, html) {{
  el.innerHTML = html;
}}

class Counter{i} {{
  constructor() {{
    this.n = {i};
  }}
  inc(by) {{
    this.n += by;
    return this.n;
  }}
}}

const c = new Counter{i}();
for (let k = 0; k < 10; k++) c.inc(k);
console.log(c.n, readConfig{i}(process.cwd()));
module.exports = {{ render{i}, Counter{i} }};
''',
    "typescript": '''import {{ readFileSync }} from "fs";

interface Item{i} {{
  id: number;
  name: string;
  tags: string[];
}}

function parse{i}(text: string): Item{i}[] {{
  const data = JSON.parse(text) as Item{i}[];
  return data.filter((x) => x.id > {i});
}}

function names{i}(items: Item{i}[]): string {{
  return items.map((x) => x.name.toUpperCase()).join(", ");
}}

export class Cache{i}<T> {{
  private store = new Map<string, T>();
  get(key: string): T | undefined {{
    return this.store.get(key);
  }}
  set(key: string, value: T): void {{
    this.store.set(key, value);
  }}
}}

const items = parse{i}(readFileSync(process.argv[2], "utf8"));
console.log(names{i}(items), new Cache{i}<number>().get("a"));
''',
    "solidity": '''// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

contract Vault{i} {{
    mapping(address => uint256) public balances;
    address public owner;
    uint256 public constant FEE = {i};

    constructor() {{
        owner = msg.sender;
    }}

    function deposit() external payable {{
        balances[msg.sender] += msg.value;
    }}

    function withdraw(uint256 amount) external {{
        require(balances[msg.sender] >= amount, "low");
        (bool ok, ) = msg.sender.call{{value: amount}}("");
        require(ok, "failed");
        balances[msg.sender] -= amount;
    }}

    function sweep(address payable to) external {{
        require(tx.origin == owner, "owner");
        to.transfer(address(this).balance);
    }}
}}
''',
}

EXT = {"python": "py", "javascript": "js", "typescript": "ts", "solidity": "sol"}

ESLINT_JS = '''import security from "eslint-plugin-security";
import noUnsanitized from "eslint-plugin-no-unsanitized";
export default [{
  files: ["**/*.js"],
  plugins: { security, "no-unsanitized": noUnsanitized },
  linterOptions: { noInlineConfig: true },
  rules: { ...security.configs.recommended.rules, "no-unsanitized/property": "error",
           "no-unsanitized/method": "error", "no-eval": "error", "no-implied-eval": "error",
           "no-new-func": "error" },
}];
'''
ESLINT_TS = ESLINT_JS.replace('"**/*.js"', '"**/*.ts"').replace(
    'import security', 'import tseslint from "typescript-eslint";\nimport security').replace(
    'plugins:', 'languageOptions: { parser: tseslint.parser },\n  plugins:')


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def warm(skitty):
    lines = []
    for lang, tpl in TEMPLATES.items():
        for i in range(WARMUP + N):
            tag = "warm" if i < WARMUP else "run"
            lines.append(json.dumps({"id": f"{lang}:{tag}:{i}", "lang": lang, "code": tpl.format(i=i)}))
    proc = subprocess.run([skitty, "scan", "--jsonl", "-"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, check=False)
    out = {lang: [] for lang in TEMPLATES}
    stat_ms = {lang: [] for lang in TEMPLATES}
    bad = 0
    for line in proc.stdout.splitlines():
        r = json.loads(line)
        if "error" in r or r.get("static_analysis", {}).get("status") != "ok":
            bad += 1
            continue
        lang, tag, _ = r["id"].split(":")
        if tag == "run":
            out[lang].append(r["ms"])
            stat_ms[lang].append(max(t["ms"] for t in r["static_analysis"]["tools"]))
    if bad:
        print(f"warning: {bad} warm samples did not complete", file=sys.stderr)
        if proc.stderr:
            print(proc.stderr[-2000:], file=sys.stderr)
    return out, stat_ms


def cold_cmds(lang, f, tmp):
    if lang == "python":
        return [["/usr/bin/bandit", "-q", "-f", "json", "--ignore-nosec", "-s", "B322", f]]
    if lang == "javascript":
        return [[os.path.join(BIN, "eslint"), "-c", os.path.join(tmp, "eslint.js.mjs"), "-f", "json", f]]
    if lang == "typescript":
        return [[os.path.join(BIN, "eslint"), "-c", os.path.join(tmp, "eslint.ts.mjs"), "-f", "json", f],
                [os.path.join(BIN, "tsc"), "--noEmit", "--strict", "--target", "es2022", "--lib",
                 "es2022,dom", "--types", "node", "--typeRoots", os.path.join(ROOT, "node_modules", "@types"),
                 "--skipLibCheck", "--esModuleInterop", f]]
    return [[os.path.join(BIN, "solhint"), "--disc", "-c", os.path.join(tmp, "solhint.json"), "-f", "json", f],
            [os.path.join(BIN, "solcjs"), "--bin", "-o", os.path.join(tmp, "solc-out"), f]]


def cold():
    tmp = tempfile.mkdtemp(prefix="skitty-bench-", dir=ROOT)
    try:
        with open(os.path.join(tmp, "eslint.js.mjs"), "w") as fh:
            fh.write(ESLINT_JS)
        with open(os.path.join(tmp, "eslint.ts.mjs"), "w") as fh:
            fh.write(ESLINT_TS)
        rules = ["avoid-call-value", "avoid-low-level-calls", "avoid-tx-origin", "check-send-result",
                 "no-unchecked-calls", "reentrancy", "not-rely-on-time", "no-inline-assembly",
                 "multiple-sends", "state-visibility", "func-visibility"]
        with open(os.path.join(tmp, "solhint.json"), "w") as fh:
            json.dump({"rules": {r: "warn" for r in rules}}, fh)
        out = {}
        for lang, tpl in TEMPLATES.items():
            times = []
            for i in range(N_COLD):
                f = os.path.join(tmp, f"sample{i}.{EXT[lang]}")
                with open(f, "w") as fh:
                    fh.write(tpl.format(i=10000 + i))
                t0 = time.perf_counter()
                for cmd in cold_cmds(lang, f, tmp):
                    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp, check=False)
                times.append((time.perf_counter() - t0) * 1000)
            out[lang] = times
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    skitty = sys.argv[1]
    machine = subprocess.run([os.path.join(ROOT, "scripts", "machine.sh")], capture_output=True,
                             text=True).stdout.strip()
    # Several rounds, each its own `skitty scan` process: the machine is
    # shared, and one busy minute should show as a spread, not as the figure.
    rounds = [warm(skitty) for _ in range(ROUNDS)]
    w = {lang: sum((r[0][lang] for r in rounds), []) for lang in TEMPLATES}
    stat = {lang: sum((r[1][lang] for r in rounds), []) for lang in TEMPLATES}
    round_p50 = {lang: sorted(pct(r[0][lang], 50) for r in rounds) for lang in TEMPLATES}
    c = cold()
    print("## Warm scan latency (`skitty scan`)\n")
    print(f"Machine: {machine}\n")
    print(f"Command: `make bench` or `bench/scan.sh` (BENCH_SCAN_N={N}, BENCH_SCAN_ROUNDS={ROUNDS}, "
          f"BENCH_SCAN_COLD_N={N_COLD}).\n")
    print(f"Warm: {ROUNDS} rounds, each one `skitty scan --jsonl` run of {N} samples per language "
          f"(25-35 lines, names and constants varied per sample) after {WARMUP} warm-ups; p50/p99 "
          "over all rounds, and the lowest and highest round p50; the time is the report's `ms` "
          "(AST policy + all of the language's analysers, which run in parallel in their "
          "sandboxed workers). Cold: the same kind of sample through the analysers' own CLIs, "
          f"spawned per sample ({N_COLD} samples): bandit; eslint; eslint + tsc; solhint + solcjs.\n")
    print("| language | warm p50 ms | warm p99 ms | round p50s ms | analysers only p50 ms | cold CLI p50 ms | cold CLI p99 ms | cold/warm (p50) | target p50 | met |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for lang in TEMPLATES:
        wp50, wp99 = pct(w[lang], 50), pct(w[lang], 99)
        sp50 = pct(stat[lang], 50)
        cp50, cp99 = pct(c[lang], 50), pct(c[lang], 99)
        ratio = cp50 / wp50 if wp50 else float("nan")
        met = "yes" if wp50 < TARGETS[lang] else "no"
        spread = " / ".join(f"{x:.1f}" for x in round_p50[lang])
        print(f"| {lang} | {wp50:.1f} | {wp99:.1f} | {spread} | {sp50:.1f} | {cp50:.0f} | {cp99:.0f} | "
              f"{ratio:.0f}x | < {TARGETS[lang]} | {met} |")
    print(f"\nWarm samples measured: " + ", ".join(f"{k} {len(v)}" for k, v in w.items()) + ".")


if __name__ == "__main__":
    main()
