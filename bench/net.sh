#!/bin/sh
# Connection set-up through a run's egress proxy versus direct (see
# bench/net.py); writes the "network" section of BENCHMARKS.md. Root only.
#
#   bench/net.sh [BUILD_DIR]      BENCH_NET_N=300
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
/usr/bin/python3 bench/net.py "$build/skitty" "${BENCH_NET_N:-300}" > "$out"
cat "$out"
scripts/bench-section.sh network < "$out"
