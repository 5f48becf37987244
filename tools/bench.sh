#!/usr/bin/env bash
# tools/bench.sh BUILD: `make bench`. Runs every tools/bench/*.sh in name order; each prints its
# figures with units and ratios. Benchmarks are measurements, not tests: they never fail on a
# slow machine, only on an error.
set -euo pipefail
build=${1:-build}
export BUILD="$build"
export FLOPWATT="$build/flopwatt"
echo "flopwatt bench on $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
bash tools/bench-capacity.sh
for b in tools/bench/*.sh; do
    [[ -f "$b" ]] || continue
    echo "==== $b"
    FLOPWATT_BENCH_ALL=1 bash "$b" "$build"
done
