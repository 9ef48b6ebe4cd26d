#!/bin/sh
# The pipeline end to end: latency per language and endpoint, sustained
# throughput, peak memory, the naive way and the ceiling (see e2e.py).
set -eu
cd "$(dirname "$0")/.."
/usr/bin/python3 bench/e2e.py | scripts/bench-section.sh e2e
