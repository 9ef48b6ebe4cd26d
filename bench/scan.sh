#!/bin/sh
# Warm `skitty scan` latency per language (p50/p99) against the analysers'
# cold CLIs spawned per sample, in the same run; writes the "scan" section
# of BENCHMARKS.md. Needs a build with the sandbox (the workers run in it).
#
#   bench/scan.sh [BUILD_DIR]      BENCH_SCAN_N=100 BENCH_SCAN_ROUNDS=3 BENCH_SCAN_COLD_N=15
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
/usr/bin/python3 bench/scan.py "$build/skitty" > "$out"
cat "$out"
scripts/bench-section.sh scan < "$out"
