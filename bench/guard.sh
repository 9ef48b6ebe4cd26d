#!/bin/sh
# The prompt guard's measurement (make bench-guard): detection and false
# positives on the held-out halves of the public data sets, detection at a
# 1% false-positive rate on the benign coding pool, each layer alone,
# latency for a 2 KB prompt, and the secret scanner on real code. Writes
# the "guard" section of BENCHMARKS.md and prints it.
#
#   DATASETS=/work/shared/datasets BUILD=build bench/guard.sh
#
# Nothing here is trained on: tools/guard-eval reports only the test split
# that tools/guard-train never reads (see tools/guard-data.h for the split).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DATASETS=${DATASETS:-/work/shared/datasets}
ITERATIONS=${ITERATIONS:-5000}
out=bench/out/guard
mkdir -p "$out"

for t in "$BUILD/tools/guard-eval" "$BUILD/tools/guard-train"; do
    [ -x "$t" ] || { echo "bench-guard: $t missing; run make build" >&2; exit 1; }
done

echo "bench-guard: scoring the test splits" >&2
"$BUILD/tools/guard-eval" --data "$DATASETS" --weights data/guard/classifier.bin > "$out/scores.jsonl"
echo "bench-guard: latency ($ITERATIONS checks of 2 KB prompts, twice)" >&2
# Twice: at normal priority (what a process on this shared machine sees,
# preempted by other jobs) and, when allowed, under SCHED_FIFO, which keeps
# other jobs' bursts out and so measures the guard's own latency.
"$BUILD/tools/guard-eval" --latency --data "$DATASETS" --weights data/guard/classifier.bin \
    --bytes 2048 --iterations "$ITERATIONS" > "$out/latency.json"
rm -f "$out/latency-rt.json"
if [ "$(id -u)" -eq 0 ] && command -v chrt >/dev/null; then
    chrt -f 50 "$BUILD/tools/guard-eval" --latency --data "$DATASETS" \
        --weights data/guard/classifier.bin --bytes 2048 --iterations "$ITERATIONS" \
        > "$out/latency-rt.json" || rm -f "$out/latency-rt.json"
fi
echo "bench-guard: secret scanner on code" >&2
"$BUILD/tools/guard-eval" --secrets --data "$DATASETS" > "$out/secrets.jsonl"

weights_sha=$(sha256sum data/guard/classifier.bin | cut -c1-16)
/usr/bin/python3 bench/guard-report.py "$out" "$(scripts/machine.sh)" "$weights_sha" \
    > "$out/report.md"
cat "$out/report.md"
scripts/bench-section.sh guard < "$out/report.md"
