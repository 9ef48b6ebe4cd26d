#!/bin/sh
# Benchmark of the offline model (the builtin provider): latency of loading
# the catalogue, answering prompts and completing code (typical and worst
# cases within the caps), and retrieval quality on the labelled prompt sets.
# Prints markdown and writes the "model-builtin" section of BENCHMARKS.md.
#
#   bench/model-builtin.sh [BUILD_DIR]     (default: build)
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
ninja -C "$build" tests/model/bench-model-builtin tests/model/test-model-retrieval >/dev/null

latency=$("$build/tests/model/bench-model-builtin" tests/model/queries.tsv tests/model/complete-cases)

quality() {
    out=$("$build/tests/model/test-model-retrieval" "tests/model/$2" 0 1000 || true)
    lab=$(echo "$out" | sed -n 's/^# \([0-9]*\) labelled prompts: top-1 accuracy \([0-9.]*%\) (\([0-9]*\) correct, \([0-9]*\) wrong snippet, \([0-9]*\) no answer)/\1|\2|\4|\5/p')
    off=$(echo "$out" | sed -n 's/^# \([0-9]*\) off-topic prompts: \([0-9]*\) answered.*/\2 of \1/p')
    echo "| $1 | $(echo "$lab" | cut -d'|' -f1) | $(echo "$lab" | cut -d'|' -f2) | $(echo "$lab" | cut -d'|' -f3) | $(echo "$lab" | cut -d'|' -f4) | $off |"
}

{
    echo "## Offline model (builtin provider)"
    echo
    echo "Machine: $(scripts/machine.sh)"
    echo
    echo "Reproduce: \`bench/model-builtin.sh\` (medians of 31 rounds; the machine is shared, so expect noise)."
    echo
    echo "$latency"
    echo
    echo "Retrieval quality (top-1 answer per prompt; a withheld answer counts as a miss):"
    echo
    echo "| prompt set | labelled | top-1 | wrong snippet | no answer | off-topic answered |"
    echo "|---|---:|---:|---:|---:|---:|"
    quality "development (tuned on)" queries.tsv
    quality "held-out 1 (tuned on after a first measurement)" queries-heldout.tsv
    quality "held-out 2 (never tuned on)" queries-heldout2.tsv
} | tee /dev/stderr | scripts/bench-section.sh model-builtin
