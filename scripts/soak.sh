#!/bin/sh
# make soak: the long soak (SOAK_SECONDS, default 600) and the faults under
# load, with their figures written to BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
secs=${SOAK_SECONDS:-600}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
"$build/tests/api/test-soak" "$build/skitty" "$secs" "$tmp/soak.md" | tee "$tmp/soak.tap" || status=1
"$build/tests/api/test-faults" "$build/skitty" "$build/tests/api/fake-openai" "$tmp/faults.md" \
    | tee "$tmp/faults.tap" || status=1
{
    echo "## Soak and faults"
    echo
    echo "Machine: $(scripts/machine.sh). Command: \`make soak\` (SOAK_SECONDS=$secs; 8 clients, builtin provider; mixed languages, endpoints, hostile code and malformed requests)."
    echo
    cat "$tmp/soak.md" 2>/dev/null || echo "(the soak did not report)"
    echo
    cat "$tmp/faults.md" 2>/dev/null || echo "(the fault test did not report)"
    echo
    echo "Checks: $(grep -c '^ok' "$tmp/soak.tap" "$tmp/faults.tap" | awk -F: '{s+=$2} END {print s}') passed, $(grep -c '^not ok' "$tmp/soak.tap" "$tmp/faults.tap" | awk -F: '{s+=$2} END {print s}') failed."
} | scripts/bench-section.sh soak
exit $status
