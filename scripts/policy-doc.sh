#!/bin/sh
# Regenerate the rules table of docs/policy.md from the policy files
# (between <!-- BEGIN rules --> and <!-- END rules -->).
#   scripts/policy-doc.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
ninja -C "$build" >/dev/null
table=$(mktemp)
trap 'rm -f "$table"' EXIT
"$build/skitty" policy list --policy policy --format md > "$table"
/usr/bin/python3 - docs/policy.md "$table" <<'PY'
import re, sys
path, table = sys.argv[1], open(sys.argv[2]).read().strip("\n")
text = open(path).read()
text = re.sub(r"<!-- BEGIN rules -->.*?<!-- END rules -->",
              lambda m: "<!-- BEGIN rules -->\n" + table + "\n<!-- END rules -->", text, flags=re.S)
open(path, "w").write(text)
PY
