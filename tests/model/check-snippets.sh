#!/bin/sh
# Vet the offline catalogue (data/catalog): every snippet is our own code and
# must be a working, policy-clean program. Prints TAP.
#
#   python      runs with /usr/bin/python3 -I, exits 0, prints something
#   javascript  runs with node, exits 0, prints something
#   typescript  type-checks with tsc --strict, transpiles with esbuild, runs
#               with node, exits 0, prints something
#   solidity    compiles with solc-js 0.8.37 with no error and no warning
#   all         a tripwire of forbidden constructs per language (dynamic code,
#               processes, files, network, environment, deserialisation,
#               weak randomness; tx.origin, assembly, selfdestruct,
#               delegatecall, send/transfer, unchecked low-level calls), and
#               the analysers: bandit, ESLint with the security plugins (only
#               its noisy array-index rule allowed), solhint (only
#               not-rely-on-time allowed, for the contracts that need time).
#
# These are our vetted files, not untrusted code, so they run directly.
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
cat_dir="$root/data/catalog"
nm="$root/node_modules"
n=0
failed=0

ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
not_ok() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
}

if ! command -v node >/dev/null 2>&1 || [ ! -x /usr/bin/python3 ] || [ ! -d "$nm/solc" ] ||
    [ ! -x "$nm/.bin/esbuild" ] || [ ! -x "$nm/.bin/tsc" ]; then
    echo "1..0 # SKIP needs /usr/bin/python3, node and node_modules (run scripts/install-deps.sh)"
    exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run NAME COMMAND...: exit 0 within 20 s and some output.
run() {
    name=$1
    shift
    if out=$(timeout 20 "$@" 2>"$tmp/err" </dev/null) && [ -n "$out" ]; then
        ok "$name"
    else
        not_ok "$name" "$(head -c 2000 "$tmp/err")"
    fi
}

count() {
    find "$cat_dir/$1" -maxdepth 1 -name "*.$2" | wc -l
}

for lang in python:py javascript:js typescript:ts solidity:sol; do
    l=${lang%%:*}
    e=${lang#*:}
    c=$(count "$l" "$e")
    if [ "$c" -ge 30 ]; then ok "$l: $c tasks (at least 30)"; else not_ok "$l: only $c tasks"; fi
done

# ---- Python ---------------------------------------------------------------
for f in "$cat_dir"/python/*.py; do
    run "python runs $(basename "$f")" /usr/bin/python3 -I "$f"
done

# ---- JavaScript -----------------------------------------------------------
for f in "$cat_dir"/javascript/*.js; do
    run "node runs $(basename "$f")" node "$f"
done

# ---- TypeScript -----------------------------------------------------------
if out=$("$nm/.bin/tsc" --noEmit --strict --target es2022 --lib es2022,dom \
        --moduleDetection force --types node --skipLibCheck "$cat_dir"/typescript/*.ts 2>&1); then
    ok "tsc --strict type-checks every TypeScript snippet"
else
    not_ok "tsc --strict type-checks every TypeScript snippet" "$out"
fi
mkdir -p "$tmp/ts"
if out=$("$nm/.bin/esbuild" "$cat_dir"/typescript/*.ts --outdir="$tmp/ts" --log-level=warning 2>&1); then
    ok "esbuild transpiles every TypeScript snippet"
else
    not_ok "esbuild transpiles every TypeScript snippet" "$out"
fi
for f in "$cat_dir"/typescript/*.ts; do
    b=$(basename "$f" .ts)
    run "node runs $b.ts (transpiled)" node "$tmp/ts/$b.js"
done

# ---- Solidity -------------------------------------------------------------
# solc-check.js prints its own TAP lines; renumber them into ours.
node "$root/tests/model/solc-check.js" --strict "$cat_dir"/solidity/*.sol >"$tmp/solc" 2>&1
while IFS= read -r line; do
    case "$line" in
    "ok "*) ok "$(echo "$line" | sed 's/^ok [0-9]* - //') (no error, no warning)" ;;
    "not ok "*) not_ok "$(echo "$line" | sed 's/^not ok [0-9]* - //')" ;;
    "#"*) echo "$line" ;;
    esac
done <"$tmp/solc"

# ---- Tripwires: constructs no snippet may contain --------------------------
# grep -E over whole files (comments included: the header must not mention
# them either).
PY_BAD='(^|[^.[:alnum:]_])(eval|exec|compile|open|input|__import__|getattr|setattr)\(|subprocess|os\.(system|popen|spawn|exec|environ|remove|unlink)|^ *(import|from) +(os|sys|socket|urllib|http|requests|pickle|marshal|shelve|yaml|ctypes|random|shutil|tempfile|pathlib|importlib|builtins)\b|getenv'
JS_BAD='(^|[^.[:alnum:]_])(eval|Function|require|fetch|import)\(|new +Function|child_process|process\.(env|exit|binding)|\bfs\b|XMLHttpRequest|WebSocket|Math\.random|innerHTML|outerHTML|document\.write|^ *import |setTimeout\( *["'\''`]'
TS_BAD="$JS_BAD"'|(:|as|<) *any\b'
SOL_BAD='tx\.origin|assembly|selfdestruct|suicide|delegatecall|callcode|\.send\(|\.transfer\(|block\.difficulty|prevrandao|blockhash'

# tripwire DIR EXT PATTERN: the files matching, as "file:line:text".
tripwire() {
    grep -EnH "$3" "$1"/*."$2" 2>/dev/null | sed "s|$1/||"
}
check_tripwire() {
    hits=$(tripwire "$cat_dir/$1" "$2" "$3")
    if [ -z "$hits" ]; then
        ok "$1: no forbidden construct"
    else
        not_ok "$1: forbidden constructs" "$hits"
    fi
}
check_tripwire python py "$PY_BAD"
check_tripwire javascript js "$JS_BAD"
check_tripwire typescript ts "$TS_BAD"
check_tripwire solidity sol "$SOL_BAD"

# The tripwire itself must fire: one planted construct per language.
mkdir -p "$tmp/bad"
printf 'import subprocess\nsubprocess.run(["ls"])\n' >"$tmp/bad/a.py"
printf 'const cp = require("child_process");\n' >"$tmp/bad/a.js"
printf 'const x: any = eval("1");\n' >"$tmp/bad/a.ts"
printf 'contract A { function f() public { require(tx.origin == msg.sender); } }\n' >"$tmp/bad/a.sol"
if [ -n "$(tripwire "$tmp/bad" py "$PY_BAD")" ] && [ -n "$(tripwire "$tmp/bad" js "$JS_BAD")" ] &&
    [ -n "$(tripwire "$tmp/bad" ts "$TS_BAD")" ] && [ -n "$(tripwire "$tmp/bad" sol "$SOL_BAD")" ]; then
    ok "the tripwires catch a planted construct in each language"
else
    not_ok "a tripwire missed a planted construct"
fi

# Solidity: the licence line, a 0.8 pragma, and every low-level call checked.
bad=""
for f in "$cat_dir"/solidity/*.sol; do
    b=$(basename "$f")
    grep -q '^// SPDX-License-Identifier: ' "$f" || bad="$bad $b(no SPDX)"
    grep -Eq '^pragma solidity \^0\.8\.[0-9]+;' "$f" || bad="$bad $b(pragma)"
    # Each `(bool X, ) = ....call{...}(...)` must be followed by require(X, ...).
    unchecked=$(awk '
        /\.call[{(]/ {
            if (match($0, /\(bool [A-Za-z_]+,/)) { v = substr($0, RSTART + 6, RLENGTH - 7); want = 1; next }
            print FILENAME ":" NR ": unchecked call"; next
        }
        want { if ($0 !~ "require\\(" v) print FILENAME ":" NR ": result of call not required"; want = 0 }
    ' "$f")
    [ -n "$unchecked" ] && bad="$bad $unchecked"
done
if [ -z "$bad" ]; then
    ok "solidity: SPDX line, ^0.8 pragma and checked low-level calls in every contract"
else
    not_ok "solidity: SPDX, pragma or unchecked call" "$bad"
fi

# ---- The analysers --------------------------------------------------------
if command -v bandit >/dev/null 2>&1; then
    bandit -q -f json -r "$cat_dir/python" >"$tmp/bandit.json" 2>/dev/null
    res=$(/usr/bin/python3 -I -c '
import json, sys
d = json.load(open(sys.argv[1]))
for r in d.get("results", []):
    print(r["filename"].split("/")[-1], r["line_number"], r["test_id"], r["issue_text"])
for e in d.get("errors", []):
    print("error:", e)
' "$tmp/bandit.json" 2>&1)
    if [ -z "$res" ]; then ok "bandit: no finding in any Python snippet"; else not_ok "bandit findings" "$res"; fi
else
    echo "ok $((n = n + 1)) - bandit # SKIP bandit not installed"
fi

# ESLint and solhint only lint files under their working directory.
(cd "$root" && node_modules/.bin/eslint --no-config-lookup -c tests/model/eslint.config.mjs \
    -f json data/catalog/javascript data/catalog/typescript) >"$tmp/eslint.json" 2>"$tmp/err"
res=$(node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
// detect-object-injection flags every arr[i] with a variable index; the
// notes call it noisy, and numeric indexing is what these algorithms do.
for (const f of r) for (const m of f.messages)
  if (m.ruleId !== "security/detect-object-injection")
    console.log(f.filePath.split("/").slice(-2).join("/") + ":" + m.line, m.ruleId, m.message);
if (r.length < 60) console.log("only " + r.length + " files linted");
' "$tmp/eslint.json" 2>&1)
if [ -z "$res" ]; then ok "eslint (security plugins): no finding but array indexing"; else not_ok "eslint findings" "$res"; fi

(cd "$root" && node_modules/.bin/solhint --disc -c tests/model/solhint.json -f json \
    'data/catalog/solidity/*.sol') >"$tmp/solhint.json" 2>"$tmp/err"
res=$(node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
for (const m of r)
  if (m.ruleId && m.ruleId !== "not-rely-on-time")
    console.log(m.filePath.split("/").pop() + ":" + m.line, m.ruleId, m.message);
' "$tmp/solhint.json" 2>&1)
if [ -z "$res" ]; then ok "solhint (security rules): no finding but not-rely-on-time"; else not_ok "solhint findings" "$res"; fi

echo "1..$n"
[ "$failed" -eq 0 ]
