#!/bin/sh
# Black-box test of `skitty catalog` (the catalogue tool for task authors).
# Prints TAP.   tests/model/test-cli.sh path/to/skitty
set -u
skitty=$1
n=0
failed=0
check() { # check NAME WANT_STATUS GOT_STATUS OUTPUT PATTERN
    n=$((n + 1))
    if [ "$3" -eq "$2" ] && printf '%s' "$4" | grep -q -- "$5"; then
        echo "ok $n - $1"
    else
        failed=$((failed + 1))
        echo "not ok $n - $1 (status $3, want $2)"
        printf '%s\n' "$4" | head -5 | sed 's/^/#   /'
    fi
}

out=$("$skitty" catalog check 2>&1); check "check loads the catalogue" 0 $? "$out" "python: [0-9]* tasks"
out=$("$skitty" catalog search -l python reverse a string 2>&1)
check "search answers the README's example" 0 $? "$out" "answer: python/reverse-string"
out=$("$skitty" catalog search --language solidity write me a poem about cats 2>&1)
check "search says when there is no answer (exit 1)" 1 $? "$out" "answer: none"
out=$("$skitty" catalog search -l python ERC-20 token 2>&1)
check "a Solidity task asked in Python has no answer" 1 $? "$out" "answer: none"
out=$("$skitty" catalog show -l solidity erc20-token 2>&1)
check "show prints the code without the header" 0 $? "$out" "^// SPDX-License-Identifier: MIT"
out=$("$skitty" catalog show -l solidity nope 2>&1); check "show of an unknown id is a usage error" 64 $? "$out" "no solidity task"
out=$("$skitty" catalog list -l typescript 2>&1); check "list names tasks" 0 $? "$out" "typescript *result-type"
out=$("$skitty" catalog search -l cobol x 2>&1); check "an unknown language is a usage error" 64 $? "$out" "language must be one of"
out=$("$skitty" catalog search reverse 2>&1); check "search without a language is a usage error" 64 $? "$out" "needs --language"
out=$("$skitty" catalog --help 2>&1); check "--help" 0 $? "$out" "usage: skitty catalog"
tmp=$(mktemp -d)
mkdir -p "$tmp/data/catalog/python" "$tmp/data/catalog/javascript" "$tmp/data/catalog/typescript" "$tmp/data/catalog/solidity"
printf '# title: T\n# descripton: typo\n# keywords: k\n\nx = 1\n' > "$tmp/data/catalog/python/typo.py"
out=$(SKITTY_SERVER_DATA_DIR="$tmp" "$skitty" catalog check 2>&1)
check "a broken task file: exit 3 naming the file and task" 3 $? "$out" "python/typo.py (task typo): line 2: unknown header key 'descripton'"
rm -rf "$tmp"
echo "1..$n"
[ "$failed" -eq 0 ]
