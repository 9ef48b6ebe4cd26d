#!/bin/sh
# Black-box tests of the command line: help for every subcommand, the
# documented exit codes for usage errors, and the refusal to listen beyond
# loopback without API keys.
#
# usage: test-cli.sh SKITTY
skitty=$1
n=0
fail=0
check() { # check DESCRIPTION EXPECTED_STATUS COMMAND...
    desc=$1 want=$2
    shift 2
    out=$("$@" 2>&1)
    got=$?
    n=$((n + 1))
    if [ "$got" -eq "$want" ]; then
        echo "ok $n - $desc"
    else
        echo "not ok $n - $desc (exit $got, want $want)"
        echo "$out" | sed 's/^/#   /' | head -5
        fail=1
    fi
}
contains() { # contains DESCRIPTION NEEDLE COMMAND...
    desc=$1 needle=$2
    shift 2
    out=$("$@" 2>&1)
    n=$((n + 1))
    case $out in
    *"$needle"*) echo "ok $n - $desc" ;;
    *) echo "not ok $n - $desc"; echo "$out" | sed 's/^/#   /' | head -5; fail=1 ;;
    esac
}

check "no command is a usage error" 64 "$skitty"
check "unknown command is a usage error" 64 "$skitty" frobnicate
check "--help" 0 "$skitty" --help
for c in serve generate complete debug scan run guard audit catalog version; do
    check "$c --help exits 0" 0 "$skitty" "$c" --help
    contains "$c --help prints usage" "usage: skitty $c" "$skitty" "$c" --help
done
check "version" 0 "$skitty" version
contains "version names the libraries" "libmicrohttpd" "$skitty" version
check "generate: unknown language is a usage error" 64 "$skitty" generate --lang rust "x"
check "generate: unknown flag is a usage error" 64 "$skitty" generate --frob "x"
check "debug without an error is a usage error" 64 "$skitty" debug --lang python -
check "serve: stray argument is a usage error" 64 "$skitty" serve extra
check "serve: refuses 0.0.0.0 without keys" 3 "$skitty" serve --listen 0.0.0.0:0
contains "serve: says why" "without API keys" "$skitty" serve --listen 0.0.0.0:0
check "serve: a bad listen address" 64 "$skitty" serve --listen nowhere
tmp=$(mktemp)
printf '[server]\nlisen = 1\n' > "$tmp"
check "serve: an unknown setting stops the start" 3 "$skitty" serve --config "$tmp"
contains "serve: names the file, line and key" "$tmp:2: unknown setting server.lisen" "$skitty" serve --config "$tmp"
rm -f "$tmp"
check "audit: unknown action is a usage error" 64 "$skitty" audit frob
check "audit export: only jsonl" 64 "$skitty" audit export --format csv --db /tmp/skitty-cli-test.db
rm -f /tmp/skitty-cli-test.db*
# scan --format text: several files, language from the extension, quoted lines.
dir=$(mktemp -d)
printf 'import os\n\ndef run(name):\n    os.system("ls " + name)\n' > "$dir/bad.py"
printf 'console.log("ok");\n' > "$dir/good.js"
printf 'x\n' > "$dir/notes.txt"
check "scan text: a blocked file among others exits 2" 2 "$skitty" scan --format text "$dir/good.js" "$dir/bad.py"
contains "scan text: the finding names file, line and rule" "bad.py:4:5: critical process [ast-policy" "$skitty" scan --format text "$dir/bad.py"
contains "scan text: the code line is quoted" '      4 |     os.system("ls " + name)' "$skitty" scan --format text "$dir/bad.py"
check "scan text: a clean file exits 0" 0 "$skitty" scan --format text "$dir/good.js"
check "scan: an unknown extension without --lang is a usage error" 64 "$skitty" scan "$dir/notes.txt"
check "scan json: one file only" 64 "$skitty" scan "$dir/good.js" "$dir/bad.py"
check "pre-commit hook: block fails the commit" 1 env SKITTY="$skitty" scripts/pre-commit-scan.sh "$dir/bad.py"
check "pre-commit hook: clean passes" 0 env SKITTY="$skitty" scripts/pre-commit-scan.sh "$dir/good.js"
rm -rf "$dir"
echo "1..$n"
exit $fail
