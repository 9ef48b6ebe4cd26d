#!/bin/bash
# Black-box test of `skitty scan` (prints TAP): the exit codes on all four
# languages (0 pass, 1 warn, 2 block, 3 could not complete, 64 usage), the
# JSON report's shape, SARIF 2.1.0 validity against the official schema,
# standard input, the input cap, and --jsonl.
#
#   tests/check/test-scan.sh BUILD_DIR
#
# A scan whose AST section did not run cannot pass: it must exit 3 unless
# it blocks. The expectations below follow that rule.
set -u

build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
skitty="$build/skitty"
work=$(mktemp -d /tmp/skitty-test-scan-XXXXXX)
trap 'rm -rf "$work"' EXIT
export SKITTY_SERVER_DATA_DIR="$root"

n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }

if [ ! -x "$skitty" ] || [ ! -d "$root/node_modules/eslint" ]; then
    echo "1..0 # SKIP skitty not built or node_modules missing"; exit 0
fi
printf 'x = 1\n' > "$work/probe.py"
"$skitty" scan --lang python "$work/probe.py" > "$work/probe.json" 2> "$work/probe.err"
if grep -q 'sandbox' "$work/probe.err"; then
    echo "1..0 # SKIP the sandbox cannot start here: $(head -c 200 "$work/probe.err")"; exit 0
fi

field() { # field FILE PYTHON-EXPRESSION-ON-r
    /usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null
}

# expect NAME LANG EXPECTED(pass|warn|block) CODE
expect() {
    local name=$1 lang=$2 want=$3 code=$4 ext
    case $lang in python) ext=py;; javascript) ext=js;; typescript) ext=ts;; solidity) ext=sol;; esac
    local f="$work/$name.$ext"
    printf '%s' "$code" > "$f"
    "$skitty" scan --lang "$lang" "$f" > "$work/$name.json" 2> "$work/$name.err"
    local rc=$?
    local verdict ast stat
    verdict=$(field "$work/$name.json" 'r["verdict"]')
    ast=$(field "$work/$name.json" 'r["ast_validation"]["status"]')
    stat=$(field "$work/$name.json" 'r["static_analysis"]["status"]')
    local want_rc
    case $want in pass) want_rc=0;; warn) want_rc=1;; block) want_rc=2;; esac
    if [ "$want" != block ] && { [ "$ast" != ok ] || [ "$stat" != ok ]; }; then want_rc=3; fi
    ok $([ "$stat" = ok ] && echo 0 || echo 1) "$lang $name: static_analysis ran (status $stat)"
    ok $([ "$verdict" = "$want" ] || { [ "$want" = pass ] && [ "$ast" != ok ] && [ "$verdict" = warn ]; } && echo 0 || echo 1) \
        "$lang $name: verdict $verdict (want $want; AST $ast)"
    ok $([ "$rc" = "$want_rc" ] && echo 0 || echo 1) "$lang $name: exit $rc (want $want_rc)"
    if [ "$want" = block ]; then
        "$skitty" scan --lang "$lang" --format sarif "$f" > "$work/$name.sarif" 2>/dev/null
        local src=$?
        ok $([ "$src" = 2 ] && echo 0 || echo 1) "$lang $name: --format sarif exits 2 too ($src)"
        node "$root/tests/check/validate-sarif.js" "$work/$name.sarif" > "$work/$name.sarif.out"
        ok $? "$lang $name: SARIF valid against the 2.1.0 schema"
        local nres
        nres=$(field "$work/$name.sarif" 'len(r["runs"][0]["results"])')
        ok $([ "${nres:-0}" -ge 1 ] && echo 0 || echo 1) "$lang $name: SARIF has results ($nres)"
    fi
}

expect python-block python block 'import os
os.system("ls " + user)  # nosec
'
expect python-warn python warn 'def check(x):
    assert x > 0
    return x
'
expect python-pass python pass 'def total(xs):
    return sum(x * 2 for x in xs)


print(total([1, 2, 3]))
'
expect javascript-block javascript block '// eslint-disable-next-line no-eval
const out = eval(userInput);
console.log(out);
'
expect javascript-warn javascript warn 'function pick(obj, key) {
  return obj[key];
}
console.log(pick({ a: 1 }, "a"));
'
expect javascript-pass javascript pass 'function add(a, b) {
  return a + b;
}
console.log(add(1, 2));
'
expect typescript-block typescript block 'const el = document.getElementById("out") as HTMLElement;
const html: string = location.hash;
el.innerHTML = html;
'
expect typescript-warn typescript warn 'const n: number = "seven";
console.log(n);
'
expect typescript-pass typescript pass 'interface Point { x: number; y: number }
function norm(p: Point): number {
  return Math.sqrt(p.x * p.x + p.y * p.y);
}
console.log(norm({ x: 3, y: 4 }));
'
expect solidity-block solidity block '// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;
contract Wallet {
    address public owner;
    constructor() { owner = msg.sender; }
    function withdraw(address payable to, uint256 amount) external {
        // solhint-disable-next-line avoid-tx-origin
        require(tx.origin == owner, "not owner");
        to.transfer(amount);
    }
}
'
expect solidity-warn solidity warn '// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;
contract Tally {
    uint256 count;
    function bump() external {
        count += 1;
    }
}
'
expect solidity-pass solidity pass '// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;
contract Counter {
    uint256 public total;
    function add(uint256 x) external {
        total += x;
    }
}
'

# The report's shape.
r="$work/python-block.json"
keys=$(field "$r" '",".join(sorted(r.keys()))')
ok $([ "$keys" = "ast_validation,static_analysis,verdict" ] && echo 0 || echo 1) "report keys: $keys"
fkeys=$(field "$r" '",".join(sorted(r["static_analysis"]["findings"][0].keys()))')
ok $([ "$fkeys" = "category,column,cwe,line,message,rule,severity,tool" ] && echo 0 || echo 1) \
    "finding keys: $fkeys"

# Standard input.
printf 'import pickle\npickle.loads(data)\n' | "$skitty" scan --lang python - > "$work/stdin.json" 2>/dev/null
ok $([ $? = 2 ] && echo 0 || echo 1) "stdin: pickle.loads blocks (exit 2)"

# Usage errors and inputs that cannot be scanned.
cp "$work/probe.py" "$work/probe.txt"
"$skitty" scan "$work/probe.txt" > /dev/null 2>&1
ok $([ $? = 64 ] && echo 0 || echo 1) "no --lang and no known extension: exit 64"
"$skitty" scan --lang cobol "$work/probe.py" > /dev/null 2>&1
ok $([ $? = 64 ] && echo 0 || echo 1) "unknown language: exit 64"
"$skitty" scan --lang python --format xml "$work/probe.py" > /dev/null 2>&1
ok $([ $? = 64 ] && echo 0 || echo 1) "unknown format: exit 64"
"$skitty" scan --lang python "$work/does-not-exist.py" > /dev/null 2>&1
ok $([ $? = 3 ] && echo 0 || echo 1) "missing file: exit 3"
head -c 3000 /dev/zero | tr '\0' 'x' > "$work/big.py"
SKITTY_SERVER_MAX_CODE_BYTES=1024 "$skitty" scan --lang python "$work/big.py" > /dev/null 2> "$work/big.err"
ok $([ $? = 3 ] && grep -q 'larger' "$work/big.err" && echo 0 || echo 1) "input over max_code_bytes: exit 3, says why"
printf 'x = "\xff\xfe"\n' > "$work/bad-utf8.py"
"$skitty" scan --lang python "$work/bad-utf8.py" > /dev/null 2>&1
ok $([ $? = 3 ] && echo 0 || echo 1) "invalid UTF-8: exit 3"

# --jsonl: one report per line, in order, ids kept; bad lines reported.
cat > "$work/in.jsonl" <<'EOF'
{"id": "a", "lang": "python", "code": "eval(input())\n"}
not json
{"id": "b", "lang": "javascript", "code": "console.log(1);\n"}
{"id": "c", "lang": "fortran", "code": "x"}
EOF
"$skitty" scan --jsonl "$work/in.jsonl" > "$work/out.jsonl" 2>/dev/null
rc=$?
lines=$(wc -l < "$work/out.jsonl")
ok $([ "$lines" = 4 ] && echo 0 || echo 1) "jsonl: one output line per input line ($lines)"
summary=$(/usr/bin/python3 - "$work/out.jsonl" <<'PY'
import json, sys
out = [json.loads(l) for l in open(sys.argv[1])]
print(out[0].get("id"), out[0].get("verdict"), "error" in out[1], out[2].get("id"), "error" in out[3], "ms" in out[0])
PY
)
ok $([ "$summary" = "a block True b True True" ] && echo 0 || echo 1) "jsonl: ids, verdicts and errors in order ($summary)"
ok $([ $rc = 3 ] && echo 0 || echo 1) "jsonl: exit 3 when a line could not be scanned"

# Analysers down (a data dir without workers): never pass; exit 3 either way.
mkdir -p "$work/dd/workers" "$work/dd/node_modules"
ln -s "$root/policy" "$work/dd/policy"
printf 'def f(x):\n    return x + 1\n' > "$work/clean.py"
SKITTY_SERVER_DATA_DIR="$work/dd" "$skitty" scan --lang python "$work/clean.py" > "$work/down.json" 2>/dev/null
rc=$?
got="$(field "$work/down.json" 'r["verdict"]') $(field "$work/down.json" 'r["static_analysis"]["status"]') $rc"
ok $([ "$got" = "warn unavailable 3" ] && echo 0 || echo 1) "analysers down: verdict warn, section unavailable, exit 3 ($got)"
SKITTY_CHECKS_ON_INCOMPLETE=block SKITTY_SERVER_DATA_DIR="$work/dd" "$skitty" scan --lang python "$work/clean.py" > "$work/down2.json" 2>/dev/null
rc=$?
got="$(field "$work/down2.json" 'r["verdict"]') $rc"
ok $([ "$got" = "block 3" ] && echo 0 || echo 1) "analysers down, on_incomplete=block: verdict block, still exit 3 ($got)"

# A line past the cap is skipped with an error, and the next one still scans.
{ printf '{"id":"long","lang":"python","code":"'; head -c 20000 /dev/zero | tr '\0' a; printf '"}\n'
  printf '{"id":"after","lang":"python","code":"x = 1\\n"}\n'; } > "$work/long.jsonl"
SKITTY_SERVER_MAX_CODE_BYTES=1024 "$skitty" scan --jsonl "$work/long.jsonl" > "$work/long.out" 2>/dev/null
summary=$(/usr/bin/python3 - "$work/long.out" <<'PY'
import json, sys
out = [json.loads(l) for l in open(sys.argv[1])]
print(len(out), out[0].get("error"), out[1].get("id"), "verdict" in out[1])
PY
)
ok $([ "$summary" = "2 line too long after True" ] && echo 0 || echo 1) "jsonl: an over-long line is refused, the next one scanned ($summary)"

echo "1..$n"
[ "$failed" = 0 ]
