#!/bin/sh
# Run every benchmark script; each writes its own section of BENCHMARKS.md.
#
#   bench/run.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
for b in scan; do
    echo "== bench/$b.sh"
    "bench/$b.sh" "$build"
done
