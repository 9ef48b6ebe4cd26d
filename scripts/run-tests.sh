#!/bin/sh
# Run the test suite of one or more build directories and end with one line
# that counts the tests passed, failed and skipped over all of them.
#
#   scripts/run-tests.sh BUILD_DIR[:SUITE,...] ...
#
# A directory may name the suites to run in it (e.g. build-asan:unit,api).
set -u

cd "$(dirname "$0")/.."
status=0
pass=0; fail=0; skip=0
for spec in "$@"; do
    dir=${spec%%:*}
    suites=""
    if [ "$dir" != "$spec" ]; then
        for s in $(echo "${spec#*:}" | tr , ' '); do suites="$suites --suite $s"; done
    fi
    echo "== tests in $dir${suites:+ ($suites )}"
    # shellcheck disable=SC2086
    meson test -C "$dir" --print-errorlogs --num-processes 2 $suites || status=1
    log="$dir/meson-logs/testlog.json"
    if [ -f "$log" ]; then
        counts=$(/usr/bin/python3 - "$log" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line).get("result")
    if r in ("OK", "EXPECTEDFAIL"): p += 1
    elif r == "SKIP": s += 1
    else: f += 1
print(p, f, s)
PY
)
        pass=$((pass + $(echo "$counts" | cut -d' ' -f1)))
        fail=$((fail + $(echo "$counts" | cut -d' ' -f2)))
        skip=$((skip + $(echo "$counts" | cut -d' ' -f3)))
    fi
done
[ "$fail" -gt 0 ] && status=1
echo "tests: $pass passed, $fail failed, $skip skipped"
exit $status
