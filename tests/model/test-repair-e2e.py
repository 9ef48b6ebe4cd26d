#!/usr/bin/python3
"""Black-box proof of every rule-based repair: each case of
tests/model/repair-cases/<language>/<case>/ whose `case` file has an `e2e:`
line goes through the real pipeline with the builtin provider, the real
checks and the real sandbox, as `skitty debug --lang L --error-file error
input<ext>` (which prints the API's JSON and exits 0/1/2 by verdict, 3 when
the request failed).

The cases are sent to one `skitty serve` on loopback (`skitty debug
--server`), so the analysers start once; one case also runs in local mode.

  e2e: run       the fix runs: exit 0 or 1, execution_results.status ok,
                 error_fixed true, the reproduction failed (and its errors
                 contain `seen:`), the explanation names the case's rules
  e2e: checks    the fix cannot run (the code stays blocked by the policy,
                 e.g. it starts processes or opens connections): verified by
                 the checks only, so the findings in `gone:` must be gone
  e2e: warnings  the code compiled before; the warnings in `seen:` are what
                 the fix removes (error_fixed stays false)
  e2e: refuse    no rule applies: exit 3, error no_offline_answer
  gone:          rules found in some repair round and absent from the final
                 security report
  repairs:       at least this many kept repair rounds
  contains:      text the final fixed_code contains

When no repair round ran, the final code is the debug answer itself and
must equal the case's fixed<ext> exactly.

  usage: test-repair-e2e.py SKITTY CASES_DIR
Prints TAP. Skips when the sandbox or the checks cannot run, unless
SKITTY_SANDBOX_MUST_WORK=1.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

SKITTY, CASES = sys.argv[1], sys.argv[2]
EXT = {"python": ".py", "javascript": ".js", "typescript": ".ts", "solidity": ".sol"}
MUST = os.environ.get("SKITTY_SANDBOX_MUST_WORK") == "1"

n = 0
failed = 0


def ok(cond, desc, detail=None):
    global n, failed
    n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, desc))
    if not cond:
        failed += 1
        if detail:
            for line in str(detail).splitlines()[:12]:
                print("#   " + line)
    sys.stdout.flush()
    return cond


def skip_all(why):
    print("1..0 # SKIP " + why)
    sys.exit(0)


def read_case(d):
    meta = {}
    with open(os.path.join(d, "case")) as f:
        for line in f:
            k, _, v = line.partition(":")
            meta[k.strip()] = v.strip()
    return meta


tmp = tempfile.mkdtemp(prefix="skitty-repair-e2e-")
env = dict(os.environ)
for k in list(env):
    if k.startswith("SKITTY_") and k != "SKITTY_SANDBOX_MUST_WORK":
        del env[k]
env.update({
    "SKITTY_SERVER_AUDIT_DB": os.path.join(tmp, "audit.db"),
    "SKITTY_MODEL_PROVIDER": "builtin",
    # Show the code of answers that stay blocked, to check the repair in it.
    "SKITTY_PIPELINE_WITHHOLD_BLOCKED": "false",
})

# Can the sandbox and the checks run here?
probe = os.path.join(tmp, "probe.py")
with open(probe, "w") as f:
    f.write("print(1)\n")
r = subprocess.run([SKITTY, "run", "--lang", "python", probe], env=env, capture_output=True,
                   text=True, timeout=120)
if r.returncode != 0 or '"status":"ok"' not in r.stdout.replace(" ", ""):
    if MUST:
        ok(False, "the sandbox runs code (SKITTY_SANDBOX_MUST_WORK=1)", r.stdout + r.stderr)
        print("1..%d" % n)
        sys.exit(1)
    skip_all("the sandbox cannot run code here: " + (r.stderr.strip().splitlines() or ["?"])[-1])
r = subprocess.run([SKITTY, "scan", "--lang", "python", probe], env=env, capture_output=True,
                   text=True, timeout=120)
if r.returncode == 3:
    if MUST:
        ok(False, "the checks run", r.stderr)
        print("1..%d" % n)
        sys.exit(1)
    skip_all("the analysers cannot run here")

server = subprocess.Popen([SKITTY, "serve", "--listen", "127.0.0.1:0"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
url = None
deadline = time.time() + 60
while time.time() < deadline and url is None:
    line = server.stderr.readline()
    if not line:
        break
    m = re.search(r"listening on (\S+?):(\d+)", line)
    if m:
        url = "http://127.0.0.1:%s" % m.group(2)
if url is None:
    server.kill()
    ok(False, "skitty serve starts on loopback")
    print("1..%d" % n)
    sys.exit(1)
# Keep reading the log so the server never blocks on a full pipe.
import threading  # noqa: E402
threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
for _ in range(600):
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=5) as resp:
            if resp.status == 200:
                break
    except Exception:
        pass
    time.sleep(0.2)


def debug(lang, d, local=False):
    args = [SKITTY, "debug", "--lang", lang, "--error-file", os.path.join(d, "error"),
            os.path.join(d, "input" + EXT[lang])]
    if not local:
        args[2:2] = ["--server", url]
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    try:
        body = json.loads(r.stdout)
    except ValueError:
        body = None
    return r.returncode, body, r.stderr


def findings(body):
    rep = body.get("security_report", {})
    out = []
    for sec in ("ast_validation", "static_analysis"):
        out += [f["rule"] for f in rep.get(sec, {}).get("findings", [])]
    return out


def check(lang, name, d, meta, rc, body, err, how=""):
    tag = "%s/%s%s" % (lang, name, how)
    kind = meta["e2e"]
    if body is None:
        ok(False, "%s: skitty debug printed JSON" % tag, err)
        return
    if kind == "refuse":
        ok(rc == 3 and body.get("error", {}).get("code") == "no_offline_answer",
           "%s: no rule applies: no_offline_answer" % tag, json.dumps(body)[:600])
        return
    if not ok(rc in (0, 1, 2) and "error" not in body, "%s: answered (exit %d)" % (tag, rc),
              json.dumps(body)[:800]):
        return
    ex = body.get("execution_results", {})
    rep = body.get("reproduced", {})
    code = body.get("fixed_code", "")
    expl = body.get("explanation", "")
    rounds = body["security_report"].get("repairs", [])
    for rule in meta.get("rules", "").split():
        ok("(%s)" % rule in expl, "%s: the explanation names %s" % (tag, rule), expl)
    if kind == "run":
        ok(rc in (0, 1), "%s: the fix is not blocked" % tag, body["security_report"].get("reason"))
        ok(ex.get("status") == "ok", "%s: the fix runs cleanly" % tag,
           "%s\n%s" % (ex.get("status"), ex.get("errors", "")))
        if rep.get("status") == "not_run" and rep.get("compilation_status") != "failed":
            # The original was blocked, so never run: nothing to compare with.
            ok(body.get("error_fixed") is None, "%s: error_fixed is null (not reproduced)" % tag)
        else:
            ok(body.get("error_fixed") is True, "%s: error_fixed" % tag)
        ok(rep.get("status") != "ok", "%s: the original did not run cleanly (%s)" % (
            tag, rep.get("status")))
    elif kind == "checks":
        ok(rc == 2 and ex.get("status") == "not_run",
           "%s: the fix stays blocked by the policy and is not run" % tag,
           body["security_report"].get("reason"))
    elif kind == "warnings":
        ok(ex.get("status") == "ok", "%s: the fix compiles" % tag, ex.get("errors"))
    if meta.get("seen"):
        ok(meta["seen"] in (rep.get("errors") or ""),
           "%s: the reproduction saw '%s'" % (tag, meta["seen"]), rep.get("errors"))
        if kind == "warnings":
            ok(meta["seen"] not in (ex.get("errors") or ""),
               "%s: the fix's run no longer has it" % tag, ex.get("errors"))
    final = findings(body)
    original = [f["rule"] for f in rep.get("findings", [])]
    # The original's findings go to the model with the error, so the debug
    # answer itself may already remove them; otherwise a repair round does.
    fixed_at_once = bool(meta.get("gone")) and all(
        g in original and g not in final for g in meta["gone"].split())
    gone = meta.get("gone", "").split()
    seen_any = False
    for rule in gone:
        seen = rule in original or any(
            rule in [f["rule"] for f in r.get("findings", [])] for r in rounds)
        seen_any |= seen
        ok(rule not in final, "%s: %s is not in the final report" % (tag, rule),
           "found in the original or a round: %s; final: %s" % (seen, final))
    if gone:
        # A tool that cannot parse the original (a syntax error beside the
        # finding) never reports it; one of the rules must have been seen.
        ok(seen_any, "%s: the findings to remove were seen before the fix" % tag,
           "original: %s" % original)
    if meta.get("repairs"):
        kept = [r for r in rounds if r.get("kept")]
        ok(len(kept) >= int(meta["repairs"]) or fixed_at_once,
           "%s: fixed by the answer or %s kept repair round(s)" % (tag, meta["repairs"]),
           json.dumps(rounds)[:600])
    if meta.get("contains"):
        ok(meta["contains"] in code, "%s: the fix has %s" % (tag, meta["contains"]), code)
    fixed = os.path.join(d, "fixed" + EXT[lang])
    # The exact expected text holds for the debug rules alone: where the
    # original also had security findings, the answer fixes those as well.
    if not rounds and not gone and os.path.exists(fixed):
        with open(fixed) as f:
            ok(code == f.read(), "%s: the answer is the rule's exact change" % tag, code)


try:
    total = 0
    for lang in ("python", "javascript", "typescript", "solidity"):
        root = os.path.join(CASES, lang)
        for name in sorted(os.listdir(root)):
            d = os.path.join(root, name)
            meta = read_case(d)
            if "e2e" not in meta:
                continue
            total += 1
            rc, body, err = debug(lang, d)
            check(lang, name, d, meta, rc, body, err)
    # The same through the local pipeline (no server), once.
    d = os.path.join(CASES, "python", "name-misspelt")
    rc, body, err = debug("python", d, local=True)
    check("python", "name-misspelt", d, read_case(d), rc, body, err, " (local)")
    ok(total >= 40, "at least 40 end-to-end cases (%d)" % total)
finally:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
    shutil.rmtree(tmp, ignore_errors=True)

print("1..%d" % n)
sys.exit(1 if failed else 0)
