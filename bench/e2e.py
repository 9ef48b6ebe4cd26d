#!/usr/bin/python3
"""End-to-end benchmark of the pipeline (run by bench/e2e.sh, `make bench`).

Starts `skitty serve` with the builtin provider (so the model's own time is
not counted) and warm analyser workers, then measures, in one run:

1. latency of /generate and /debug per language: p50 and p99 over N
   sequential requests (the C client bench/e2e-load);
2. sustained throughput of Python /generate at several concurrency levels
   for BENCH_E2E_SECONDS each, with the errors and the service's peak memory
   (skitty and every process under it: spawner, workers, runs);
3. the same work done the naive way, measured here: each analyser's
   command-line tool spawned per request, then the interpreter in a hardened
   bubblewrap sandbox (or solc-js for Solidity), as a ratio to ours;
4. the ceiling: one sandboxed interpreter start (`skitty run` of `pass`)
   and what that allows per core, against the throughput reached.

Prints the BENCHMARKS.md section on stdout.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
SKITTY = os.path.join(BUILD, "skitty")
LOAD = os.path.join(BUILD, "bench", "e2e-load")
SECONDS = int(os.environ.get("BENCH_E2E_SECONDS", "60"))
N = int(os.environ.get("BENCH_E2E_N", "60"))
N_NAIVE = int(os.environ.get("BENCH_E2E_NAIVE_N", "8"))
LEVELS = [int(x) for x in os.environ.get("BENCH_E2E_LEVELS", "1,2,4,8").split(",")]
TARGETS = {"python": 50, "javascript": 70, "typescript": 120, "solidity": 60}
BIN = os.path.join(ROOT, "node_modules", ".bin")

# Requests the offline catalogue answers, and programs with a bug the
# builtin repairs fix, per language.
GENERATE = {
    "python": "reverse a string",
    "javascript": "reverse a string",
    "typescript": "reverse a string",
    "solidity": "simple counter contract",
}
DEBUG = {
    "python": ("def greet(name):\n    return 'hello ' + name\n\nprint(greet('kitty')\n",
               "SyntaxError: '(' was never closed"),
    "javascript": ("function greet(name) {\n  return 'hello ' + name;\n}\nconsole.log(gret('kitty'));\n",
                   "ReferenceError: gret is not defined"),
    "typescript": ("function greet(name: string): string {\n  return 'hello ' + name;\n}\n"
                   "console.log(gret('kitty'));\n", "ReferenceError: gret is not defined"),
    "solidity": ("// SPDX-License-Identifier: MIT\npragma solidity ^0.8.20;\n\ncontract Counter {\n"
                 "    uint256 public count;\n    function increment() external {\n        count += 1\n"
                 "    }\n}\n", "ParserError: Expected ';' but got '}'"),
}
EXT = {"python": "py", "javascript": "js", "typescript": "ts", "solidity": "sol"}


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * (len(xs) - 1) + 0.5))] if xs else 0.0


def machine():
    return subprocess.run([os.path.join(ROOT, "scripts", "machine.sh")], capture_output=True,
                          text=True).stdout.strip()


class Server:
    def __init__(self, tmp):
        conf = os.path.join(tmp, "skitty.conf")
        with open(conf, "w") as f:
            f.write("[server]\naudit_db = %s/audit.db\nconcurrency = 8\nqueue_length = 256\n"
                    "[checks]\nworkers_at_boot = true\n"
                    "[limits]\nrequests_per_minute = 1000000\nconcurrent = 1000\n" % tmp)
        self.log = open(os.path.join(tmp, "server.log"), "w+")
        self.proc = subprocess.Popen([SKITTY, "serve", "--config", conf, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.DEVNULL, stderr=self.log)
        self.port = None
        for _ in range(600):
            self.log.seek(0)
            m = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.log.read())
            if m:
                self.port = int(m.group(1))
                break
            time.sleep(0.1)
        if not self.port:
            sys.exit("bench: the server did not start")
        for _ in range(600):  # the workers start at boot; wait until they answered
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % self.port) as r:
                    if json.load(r)["checks"].get("workers_warm"):
                        break
            except Exception:
                pass
            time.sleep(0.2)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def rss_kb(self):
        """RSS of the server and everything under it, in KiB."""
        total, pids = 0, descendants(self.proc.pid) + [self.proc.pid]
        for pid in pids:
            try:
                with open("/proc/%d/status" % pid) as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1])
            except OSError:
                pass
        return total

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def descendants(root):
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def load(url, body, conc, seconds, count=0):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(body, f)
    try:
        out = subprocess.run([LOAD, url, f.name, str(conc), str(seconds), str(count)],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out)
    finally:
        os.unlink(f.name)


def latency(srv):
    rows = []
    for lang in GENERATE:
        for ep, body in (("generate", {"prompt": GENERATE[lang], "language": lang}),
                         ("debug", {"code": DEBUG[lang][0], "error": DEBUG[lang][1],
                                    "language": lang})):
            status, first = post(srv.url("/" + ep), body)
            verdict = first.get("security_report", {}).get("verdict", first.get("error", {}).get("code"))
            run = first.get("execution_results", {}).get("status", "-")
            load(srv.url("/" + ep), body, 1, 0, 5)  # warm-up
            r = load(srv.url("/" + ep), body, 1, 0, N)
            rows.append((lang, ep, status, verdict, run, r))
    return rows


def throughput(srv):
    body = {"prompt": GENERATE["python"], "language": "python"}
    rows, peak = [], [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], srv.rss_kb())
            time.sleep(0.5)

    t = threading.Thread(target=sample)
    t.start()
    for c in LEVELS:
        rows.append((c, load(srv.url("/generate"), body, c, SECONDS)))
    stop.set()
    t.join()
    return rows, peak[0]


def bwrap(cmd, work):
    return ["/usr/bin/setpriv", "--reuid", "3999998", "--regid", "3999998", "--clear-groups",
            "--", "/usr/bin/bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp",
            "--cap-drop", "ALL", "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
            "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
            "--proc", "/proc", "--dev", "/dev", "--size", str(64 << 20), "--tmpfs", "/tmp",
            "--ro-bind", work, "/work", "--ro-bind", os.path.join(ROOT, "node_modules"),
            os.path.join(ROOT, "node_modules"), "--chdir", "/work"] + cmd


def naive_cmds(lang, f, tmp):
    """The analysers' CLIs and the interpreter, as a gate without warm workers would run them."""
    work, name = os.path.dirname(f), os.path.basename(f)
    if lang == "python":
        return [["/usr/bin/bandit", "-q", "-f", "json", "--ignore-nosec", "-s", "B322", f],
                bwrap(["/usr/bin/python3", "-I", name], work)]
    if lang == "javascript":
        return [[os.path.join(BIN, "eslint"), "-c", os.path.join(tmp, "eslint.js.mjs"), "-f", "json", f],
                bwrap(["/usr/bin/node", name], work)]
    if lang == "typescript":
        return [[os.path.join(BIN, "eslint"), "-c", os.path.join(tmp, "eslint.ts.mjs"), "-f", "json", f],
                [os.path.join(BIN, "tsc"), "--noEmit", "--strict", "--target", "es2022", "--lib",
                 "es2022,dom", "--types", "node", "--typeRoots",
                 os.path.join(ROOT, "node_modules", "@types"), "--skipLibCheck", f],
                [os.path.join(BIN, "esbuild"), f, "--outfile=" + f + ".js", "--log-level=error"],
                bwrap(["/usr/bin/node", name + ".js"], work)]
    return [[os.path.join(BIN, "solhint"), "--disc", "-c", os.path.join(tmp, "solhint.json"), "-f",
             "json", f],
            [os.path.join(BIN, "solcjs"), "--bin", "-o", os.path.join(tmp, "solc-out"), f]]


ESLINT_JS = """import js from "%(nm)s/@eslint/js/src/index.js";
import security from "%(nm)s/eslint-plugin-security/index.js";
import nounsanitized from "%(nm)s/eslint-plugin-no-unsanitized/index.js";
import globals from "%(nm)s/globals/index.js";
export default [js.configs.recommended, security.configs.recommended, nounsanitized.configs.recommended,
  { languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { "no-eval": "error", "no-implied-eval": "error", "no-new-func": "error" } }];
"""
ESLINT_TS = """import tseslint from "%(nm)s/typescript-eslint/dist/index.js";
import security from "%(nm)s/eslint-plugin-security/index.js";
export default [...tseslint.configs.recommended, security.configs.recommended];
"""


def naive(srv):
    """Per language: the naive way's median time per request, from the code the service returned."""
    tmp = tempfile.mkdtemp(prefix="skitty-naive-", dir=ROOT)
    os.chmod(tmp, 0o755)
    nm = os.path.join(ROOT, "node_modules")
    try:
        with open(os.path.join(tmp, "eslint.js.mjs"), "w") as fh:
            fh.write(ESLINT_JS % {"nm": nm})
        with open(os.path.join(tmp, "eslint.ts.mjs"), "w") as fh:
            fh.write(ESLINT_TS % {"nm": nm})
        with open(os.path.join(tmp, "solhint.json"), "w") as fh:
            json.dump({"rules": {r: "warn" for r in ["avoid-tx-origin", "avoid-low-level-calls",
                                                      "check-send-result", "reentrancy"]}}, fh)
        out = {}
        for lang in GENERATE:
            status, reply = post(srv.url("/generate"), {"prompt": GENERATE[lang], "language": lang})
            code = reply.get("code") or "pass\n"
            work = os.path.join(tmp, lang)
            os.mkdir(work)
            os.chmod(work, 0o755)
            f = os.path.join(work, "main." + EXT[lang])
            with open(f, "w") as fh:
                fh.write(code)
            os.chmod(f, 0o644)
            times = []
            for _ in range(N_NAIVE):
                t0 = time.perf_counter()
                for cmd in naive_cmds(lang, f, tmp):
                    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   cwd=tmp, check=False, env={"PATH": "/usr/bin:/bin", "HOME": tmp})
                times.append((time.perf_counter() - t0) * 1000)
            out[lang] = statistics.median(times)
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def ceiling():
    """One sandboxed `python3 -c pass`, spawn to reap, in the library (bench/sandbox-spawn)."""
    spawn = os.path.join(BUILD, "bench", "sandbox-spawn")
    out = subprocess.run([spawn, "30", "/usr/bin/python3", "-c", "pass"], capture_output=True,
                         text=True, check=True).stdout
    times = [json.loads(line)["sandbox_ms"] for line in out.splitlines() if line.startswith("{")]
    return statistics.median(times[5:])


def main():
    for tool in (SKITTY, LOAD):
        if not os.access(tool, os.X_OK):
            sys.exit("bench: %s is missing: run make build" % tool)
    tmp = tempfile.mkdtemp(prefix="skitty-e2e-")
    srv = Server(tmp)
    try:
        lat = latency(srv)
        thr, peak = throughput(srv)
        nv = naive(srv)
    finally:
        srv.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    ceil = ceiling()

    print("## End to end (the pipeline)\n")
    print("Machine: %s. Command: `make bench` (bench/e2e.sh; BENCH_E2E_SECONDS=%d, N=%d)." %
          (machine(), SECONDS, N))
    print("The builtin provider answers (so no model time is counted); the analyser workers are "
          "warm; every answer went through the guard, the AST policy, the analysers, the verdict "
          "and the sandbox (Solidity: the warm compiler).\n")
    print("### Latency per request (sequential, client side)\n")
    print("| language | endpoint | status | verdict | run | p50 ms | p99 ms | target p50 | met |")
    print("|---|---|---|---|---|---|---|---|---|")
    for lang, ep, status, verdict, run, r in lat:
        tgt = TARGETS[lang] if ep == "generate" else None
        met = "" if tgt is None else ("yes" if r["p50_ms"] <= tgt else "**no**")
        print("| %s | /%s | %s | %s | %s | %.1f | %.1f | %s | %s |" %
              (lang, ep, status, verdict, run, r["p50_ms"], r["p99_ms"],
               "%d ms" % tgt if tgt else "-", met))
    print("\n### Sustained throughput, Python /generate (%d s per level)\n" % SECONDS)
    print("| clients | requests | errors | req/s | p50 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    best = 0.0
    for c, r in thr:
        best = max(best, r["rps"])
        print("| %d | %d | %d | %.1f | %.1f | %.1f |" %
              (c, r["requests"], r["errors"], r["rps"], r["p50_ms"], r["p99_ms"]))
    print("\nPeak memory of the service during the load (skitty, spawner, warm workers and runs): "
          "%.0f MiB. Target: at least 60 requests/s for Python: %s.\n" %
          (peak / 1024, "met" if best >= 60 else "**not met** (%.1f/s)" % best))
    print("### Against the naive way\n")
    print("Naive: per request, each analyser's CLI spawned cold, then the interpreter in a "
          "hardened bubblewrap sandbox (own uid, cleared environment, new session, sized tmpfs); "
          "for Solidity solhint then solcjs. Median of %d, same machine, same run.\n" % N_NAIVE)
    print("| language | naive p50 ms | skitty /generate p50 ms | naive / skitty |")
    print("|---|---|---|---|")
    for lang, ep, status, verdict, run, r in lat:
        if ep != "generate":
            continue
        print("| %s | %.0f | %.1f | %.1fx |" % (lang, nv[lang], r["p50_ms"], nv[lang] / max(r["p50_ms"], 0.1)))
    cores = os.cpu_count() or 1
    print("\n### The ceiling\n")
    print("One sandboxed interpreter start (`python3 -c pass` through `sandbox_run()`, spawn "
          "to reap, bench/sandbox-spawn): %.1f ms median, so at most %.0f runs/s per core and "
          "%.0f/s on %d cores. "
          "The best sustained /generate rate above, %.1f/s, is %.0f%% of that ceiling; the rest "
          "goes to the guard, the checks, the audit log and HTTP." %
          (ceil, 1000 / ceil, cores * 1000 / ceil, cores, best, 100 * best / (cores * 1000 / ceil)))


if __name__ == "__main__":
    main()
