#!/bin/sh
# Replace one section of BENCHMARKS.md with standard input, keeping the
# others. Each benchmark script owns one section, marked by
#   <!-- BEGIN name --> ... <!-- END name -->
# A missing section is appended.
#
#   some-bench | scripts/bench-section.sh NAME
set -eu
cd "$(dirname "$0")/.."
name=$1
file=BENCHMARKS.md
[ -f "$file" ] || printf '# Benchmarks\n\nEvery figure here was written by a script; each section names the machine and the command that reproduces it.\n' > "$file"
body=$(mktemp)
trap 'rm -f "$body"' EXIT
cat > "$body"
/usr/bin/python3 - "$file" "$name" "$body" <<'PY'
import sys, re
path, name, body = sys.argv[1], sys.argv[2], open(sys.argv[3]).read().rstrip("\n")
text = open(path).read()
begin, end = f"<!-- BEGIN {name} -->", f"<!-- END {name} -->"
block = f"{begin}\n{body}\n{end}"
if begin in text and end in text:
    text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda m: block, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
PY
