#!/bin/sh
# Benchmark of the offline model's rule-based repairs: their own latency
# (typical programs and the worst inputs within the caps), then whole /debug
# requests that they answer, through one `skitty serve` on loopback, with the
# time split by stage. Prints markdown and writes the "model-repair" section
# of BENCHMARKS.md.
#
#   bench/model-repair.sh [BUILD_DIR]     (default: build; needs the sandbox: root)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
ninja -C "$build" skitty tests/model/bench-model-repair >/dev/null

inlib=$("$build/tests/model/bench-model-repair" tests/model/repair-cases)

e2e=$(/usr/bin/python3 - "$build/skitty" tests/model/repair-cases <<'PY'
import json, os, re, statistics, subprocess, sys, tempfile, time, urllib.request
skitty, cases = sys.argv[1], sys.argv[2]
ext = {"python": ".py", "javascript": ".js", "typescript": ".ts", "solidity": ".sol"}
tmp = tempfile.mkdtemp(prefix="skitty-bench-repair-")
env = {k: v for k, v in os.environ.items() if not k.startswith("SKITTY_")}
env.update(SKITTY_SERVER_AUDIT_DB=os.path.join(tmp, "audit.db"), SKITTY_MODEL_PROVIDER="builtin",
           SKITTY_LIMITS_REQUESTS_PER_MINUTE="100000")
srv = subprocess.Popen([skitty, "serve", "--listen", "127.0.0.1:0"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
url = None
while url is None:
    line = srv.stderr.readline()
    if not line:
        sys.exit("skitty serve did not start")
    m = re.search(r"listening on \S+?:(\d+)", line)
    if m:
        url = "http://127.0.0.1:" + m.group(1)
import threading
threading.Thread(target=lambda: [None for _ in srv.stderr], daemon=True).start()
for _ in range(600):
    try:
        if urllib.request.urlopen(url + "/readyz", timeout=5).status == 200:
            break
    except Exception:
        time.sleep(0.2)
ROUNDS = 7
print("| language | /debug requests | total (median) | reproduce | checks | model (repair) | run the fix | model's share |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
try:
    for lang in ("python", "javascript", "typescript", "solidity"):
        root = os.path.join(cases, lang)
        picked = []
        for name in sorted(os.listdir(root)):
            meta = open(os.path.join(root, name, "case")).read()
            if "e2e: run" in meta and "repairs:" not in meta:
                picked.append(name)
        stages = {k: [] for k in ("total", "reproduce", "checks", "model", "exec")}
        for r in range(ROUNDS):
            for name in picked:
                d = os.path.join(root, name)
                body = {"code": open(os.path.join(d, "input" + ext[lang])).read(),
                        "error": open(os.path.join(d, "error")).read(), "language": lang}
                req = urllib.request.Request(url + "/debug", json.dumps(body).encode(),
                                             {"Content-Type": "application/json"})
                t = json.loads(urllib.request.urlopen(req, timeout=120).read())["timings"]
                stages["total"].append(t.get("total", 0))
                stages["reproduce"].append(t.get("reproduce", 0))
                stages["checks"].append(t.get("ast", 0) + t.get("static", 0))
                stages["model"].append(t.get("model", 0) + t.get("repair", 0))
                stages["exec"].append(t.get("exec", 0))
        med = {k: statistics.median(v) for k, v in stages.items()}
        print("| %s | %d cases x %d | %.0f ms | %.0f ms | %.0f ms | %.2f ms | %.0f ms | %.2f%% |" % (
            lang, len(picked), ROUNDS, med["total"], med["reproduce"], med["checks"], med["model"],
            med["exec"], 100 * med["model"] / med["total"] if med["total"] else 0))
finally:
    srv.terminate()
    srv.wait(timeout=30)
PY
)

{
    echo "## Offline repairs (builtin provider, \`/debug\`)"
    echo
    echo "Machine: $(scripts/machine.sh)"
    echo
    echo "Reproduce: \`bench/model-repair.sh\` (the machine is shared, so expect noise)."
    echo
    echo "The rules themselves, in the library (medians of 15 rounds; a case that no rule"
    echo "may answer costs the same work and counts as not answered):"
    echo
    echo "$inlib"
    echo
    echo "Whole \`/debug\` requests answered by the rules (the repair cases that run clean"
    echo "after one answer), through \`skitty serve\` with warm analysers; the server's own"
    echo "\`timings\`, medians over every request. The checks run twice (the code as sent,"
    echo "then the fix), and so does the sandbox (reproduce, then run the fix):"
    echo
    echo "$e2e"
} | tee /dev/stderr | scripts/bench-section.sh model-repair
