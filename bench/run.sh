#!/bin/sh
# make bench: run every benchmark script in bench/ (bench/<name>.sh); each
# writes its own section of BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/.."
status=0
for b in bench/*.sh; do
    [ "$b" = bench/run.sh ] && continue
    echo "== $b"
    "$b" || status=1
done
exit $status
