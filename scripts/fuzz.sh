#!/bin/sh
# Run every libFuzzer driver for a bounded time (FUZZ_SECONDS each, default
# 60) with ASan+UBSan, starting from its corpus in the tree. Fails on any
# crash, leak or sanitizer report. New inputs go to a scratch directory;
# merge interesting ones into fuzz/corpus/<name>/ by hand. Writes the
# executions per driver to BENCHMARKS.md.
set -eu
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
build=build-fuzz
if [ ! -f $build/build.ninja ]; then
    CC=clang meson setup $build -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debugoptimized -Dwerror=false >/dev/null
fi
ninja -C $build >/dev/null
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
report=$(mktemp)
status=0
for bin in $build/fuzz/fuzz-*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    name=${bin##*/fuzz-}
    mkdir -p "$scratch/$name"
    dict=""
    [ -f fuzz/dict/$name.dict ] && dict="-dict=fuzz/dict/$name.dict"
    [ -z "$dict" ] && [ -f fuzz/dict/json.dict ] && dict="-dict=fuzz/dict/json.dict"
    echo "fuzz: $name for ${secs}s"
    if ASAN_OPTIONS=detect_leaks=1 "$bin" -max_total_time="$secs" -rss_limit_mb=2048 \
        -print_final_stats=1 $dict "$scratch/$name" "fuzz/corpus/$name" >"$scratch/$name.log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
        tail -40 "$scratch/$name.log"
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$scratch/$name.log" | grep -o '[0-9]*$' || echo 0)
    echo "| $name | ${secs} s | $runs | $result |" >> "$report"
done
{
    echo "## Fuzzing"
    echo
    echo "Machine: $(scripts/machine.sh). Command: \`make fuzz\` (FUZZ_SECONDS=$secs per driver, libFuzzer with ASan+UBSan, clang $(clang --version | head -1 | grep -o '[0-9][0-9.]*' | head -1))."
    echo
    echo "| driver | time | executions | result |"
    echo "|---|---|---|---|"
    cat "$report"
} | scripts/bench-section.sh fuzz
rm -f "$report"
exit $status
