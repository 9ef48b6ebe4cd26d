#!/usr/bin/python3
"""The worker programs' protocol, driven directly (prints TAP): each worker
answers ping with its tool and version, refuses a bad request with
{"ok":false} and keeps serving, answers one line per request, and keeps
the in-code suppressions from hiding findings.

    tests/check/test-workers.py
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
W = os.path.join(ROOT, "workers")
WORKERS = {
    "bandit": ["/usr/bin/python3", "-I", os.path.join(W, "bandit_worker.py")],
    "eslint-js": ["node", os.path.join(W, "eslint_worker.mjs"), "js"],
    "eslint-ts": ["node", os.path.join(W, "eslint_worker.mjs"), "ts"],
    "tsc": ["node", os.path.join(W, "ts_worker.js")],
    "solhint": ["node", os.path.join(W, "solhint_worker.js")],
    "solc": ["node", os.path.join(W, "solc_worker.js")],
}
TOOLS = {"bandit": "bandit", "eslint-js": "eslint", "eslint-ts": "eslint", "tsc": "tsc",
         "solhint": "solhint", "solc": "solc"}
# A sample per worker whose finding hides behind a suppression comment.
SUPPRESSED = {
    "bandit": ("import pickle\npickle.loads(b)  # nosec\n", "test_id", "B301"),
    "eslint-js": ("// eslint-disable-next-line no-eval\neval(x);\n", "ruleId", "no-eval"),
    "eslint-ts": ("/* eslint-disable */\neval(x as string);\n", "ruleId", "no-eval"),
    "solhint": ("pragma solidity ^0.8.0;\ncontract A { address o;\n"
                "function f() public view { require(tx.origin == o); } // solhint-disable-line\n}\n",
                "ruleId", "avoid-tx-origin"),
}

n = 0
failed = 0


def ok(cond, msg):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, msg))
    if not cond:
        failed += 1


if not os.path.isdir(os.path.join(ROOT, "node_modules", "eslint")):
    print("1..0 # SKIP node_modules missing")
    sys.exit(0)

for name, argv in WORKERS.items():
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, cwd="/")

    def ask(raw):
        p.stdin.write(raw + "\n")
        p.stdin.flush()
        line = p.stdout.readline()
        return json.loads(line) if line else None

    r = ask(json.dumps({"op": "ping"}))
    ok(r and r.get("ok") is True and r.get("tool") == TOOLS[name] and r.get("version"),
       "%s: ping names the tool and version (%s)" % (name, r and r.get("version")))
    r = ask("this is not json")
    ok(r and r.get("ok") is False and r.get("error"), "%s: bad JSON refused with a reason" % name)
    r = ask(json.dumps({"op": "check", "code": 42}))
    ok(r and r.get("ok") is False, "%s: non-string code refused" % name)
    r = ask(json.dumps({"op": "format-disk"}))
    ok(r and r.get("ok") is False, "%s: unknown op refused" % name)
    r = ask(json.dumps([1, 2]))
    ok(r and r.get("ok") is False, "%s: a request that is not an object refused" % name)
    r = ask(json.dumps({"op": "check", "code": "\u00e9\u4e2d\U0001F600 = 1\n"}))
    ok(r and r.get("ok") is True and isinstance(r.get("results"), list),
       "%s: still serving after bad requests; non-ASCII code accepted" % name)
    if name in SUPPRESSED:
        code, key, rule = SUPPRESSED[name]
        r = ask(json.dumps({"op": "check", "code": code}))
        ids = [x.get(key) for x in (r or {}).get("results", [])]
        ok(rule in ids, "%s: %s still reported under a suppression comment" % (name, rule))
    p.stdin.close()
    ok(p.wait(timeout=60) == 0, "%s: exits cleanly at end of input" % name)

print("1..%d" % n)
sys.exit(1 if failed else 0)
