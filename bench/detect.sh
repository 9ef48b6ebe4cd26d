#!/bin/sh
# Detection benchmark: recall and false alarms of the code checks over the
# public datasets in ../shared/datasets (see bench/detect.py for the sets
# and the protocol). Writes its section of BENCHMARKS.md.
#
#   bench/detect.sh                 the AST policy and the analysers (the stages in $STAGES,
#                                   default "ast,analysers"; bench/detect.py lists them)
#   STAGES=ast,analysers bench/detect.sh
#
# Skips, with a message, when the datasets folder is absent. Not part of
# `make test`: run it with `make bench-detect`.
set -eu
cd "$(dirname "$0")/.."
: "${SKITTY_DATASETS:=$(cd .. && pwd)/shared/datasets}"
[ -d "$SKITTY_DATASETS" ] || SKITTY_DATASETS=/work/shared/datasets
export SKITTY_DATASETS
if [ ! -d "$SKITTY_DATASETS" ]; then
    echo "bench-detect: skipped: no datasets folder ($SKITTY_DATASETS)"
    exit 0
fi
BUILD=${BUILD:-build}
export BUILD
ninja -C "$BUILD" >/dev/null
STAGES=${STAGES:-ast,analysers}
export STAGES
out=$(mktemp)
trap 'rm -f "$out"' EXIT
/usr/bin/python3 bench/detect.py > "$out"
{
    echo "## Detection (make bench-detect)"
    echo
    echo "Machine: $(scripts/machine.sh). Command: \`STAGES=$STAGES bench/detect.sh\` over \`$SKITTY_DATASETS\`."
    echo "Stages: $STAGES. Rules: policy/*.scm at $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
    echo
    cat "$out"
} | scripts/bench-section.sh detect
cat "$out"
