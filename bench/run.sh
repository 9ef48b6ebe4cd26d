#!/bin/sh
# make bench: the performance benchmarks (sandbox, warm scan, AST stage,
# offline model, end to end, network proxy versus direct); each writes its
# own section of BENCHMARKS.md. The detection and guard figures have their
# own targets (make bench-detect, bench-guard).
set -eu
cd "$(dirname "$0")/.."
status=0
for b in sandbox scan ast-latency model-builtin e2e net; do
    echo "== bench/$b.sh"
    "bench/$b.sh" || status=1
done
exit $status
