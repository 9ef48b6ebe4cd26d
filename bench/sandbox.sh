#!/bin/sh
# Sandbox start-up benchmark: `skitty run` against the plain interpreters
# and hardened bubblewrap, and the in-library spawn-to-reap overhead.
# Writes the "sandbox" section of BENCHMARKS.md. Needs root.
#
#   bench/sandbox.sh [-n ROUNDS]      (BUILD=dir to use another build)
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
if [ "$(id -u)" -ne 0 ]; then
    echo "bench/sandbox.sh: needs root (the sandbox does)" >&2
    exit 1
fi
ninja -C "$BUILD" skitty bench/sandbox-spawn >/dev/null
out=$(mktemp)
trap 'rm -f "$out"' EXIT
/usr/bin/python3 bench/sandbox_bench.py --build "$BUILD" "$@" > "$out"
cat "$out"
scripts/bench-section.sh sandbox < "$out"
