#!/bin/sh
# Black-box test of `skitty policy`: listing, checking and exit codes.
#   policy-cli.sh SKITTY POLICY_DIR
set -u
skitty=$1
policy=$2
n=0
fail=0
t() { # t DESCRIPTION WANT_RC COMMAND...
    desc=$1; want=$2; shift 2
    n=$((n + 1))
    out=$("$@" 2>&1); rc=$?
    if [ "$rc" -eq "$want" ]; then echo "ok $n - $desc"; else
        echo "not ok $n - $desc (exit $rc, want $want)"; echo "$out" | sed 's/^/#   /' | head -5; fail=1; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'import os\nos.system(cmd)\n' > "$tmp/bad.py"
printf 'import random\nx = random.random()\n' > "$tmp/advice.py"
printf 'def add(a, b):\n    return a + b\n' > "$tmp/good.py"
printf 'def f(:\n' > "$tmp/broken.py"
t "list every rule" 0 "$skitty" policy list --policy "$policy"
t "list as markdown" 0 "$skitty" policy list --policy "$policy" --format md --lang solidity
t "a violation exits 2" 2 "$skitty" policy check --policy "$policy" --lang python "$tmp/bad.py"
t "an advisory exits 1" 1 "$skitty" policy check --policy "$policy" --lang python "$tmp/advice.py"
t "clean code exits 0" 0 "$skitty" policy check --policy "$policy" --lang python "$tmp/good.py"
t "a syntax error is a violation" 2 "$skitty" policy check --policy "$policy" --lang python "$tmp/broken.py"
t "allowing the category clears it" 0 "$skitty" policy check --policy "$policy" --allow process --lang python "$tmp/bad.py"
t "an unknown category is refused" 3 "$skitty" policy check --policy "$policy" --allow bogus --lang python "$tmp/good.py"
t "a missing policy directory" 3 "$skitty" policy list --policy "$tmp/none"
t "an unknown language" 64 "$skitty" policy check --policy "$policy" --lang cobol "$tmp/good.py"
t "the tree of a file" 0 "$skitty" policy tree --lang python "$tmp/good.py"
out=$("$skitty" policy list --policy "$policy" --format json)
n=$((n + 1))
if echo "$out" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); assert len(r) > 50 and all(x["id"] and x["category"] for x in r)'; then
    echo "ok $n - the JSON listing parses and names every rule"; else echo "not ok $n - JSON listing"; fail=1; fi
doc=$(dirname "$policy")/docs/policy.md
n=$((n + 1))
if [ -f "$doc" ] && echo "$out" | /usr/bin/python3 -c 'import json,sys; d=open(sys.argv[1]).read(); m=[x["id"] for x in json.load(sys.stdin) if "`%s`" % x["id"] not in d]; print(" ".join(m)); sys.exit(1 if m else 0)' "$doc" >"$tmp/missing"; then
    echo "ok $n - docs/policy.md lists every rule"; else echo "not ok $n - docs/policy.md misses: $(cat "$tmp/missing") (run scripts/policy-doc.sh)"; fail=1; fi
echo "1..$n"
exit $fail
