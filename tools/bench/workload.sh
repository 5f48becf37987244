#!/usr/bin/env bash
# tools/bench/workload.sh BUILD: how fast `flopwatt workload` reads and prints networks (whole
# process per run: start-up, strict JSON/CSV reading, validation, lowering, output).
set -euo pipefail
build=${1:-build}
fw=${FLOPWATT:-$build/flopwatt}
runs=200
bench() { # LABEL FILE ARGS... (runs: $runs)
    local label=$1 file=$2
    shift 2
    local layers
    layers=$("$fw" workload "$file" --json 2>/dev/null | python3 -c \
        'import json,sys; print(json.load(sys.stdin)["total"]["layers"])')
    local start end
    start=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do
        "$fw" workload "$file" "$@" >/dev/null 2>&1
    done
    end=$(date +%s%N)
    local ns=$(((end - start) / runs))
    awk -v l="$label" -v n="$layers" -v ns="$ns" 'BEGIN {
        printf "  %-34s %4d layers  %7.2f ms/run  %9.0f layers/s\n", l, n, ns / 1e6, n / (ns / 1e9) }'
}
echo "workload: $runs runs each"
bench "resnet152.json table" configs/workloads/resnet152.json
bench "resnet152.json --json" configs/workloads/resnet152.json --json
bench "mobilenet_v2.json --csv" configs/workloads/mobilenet_v2.json --csv
bench "scalesim/resnet50.csv table" configs/workloads/scalesim/resnet50.csv
# A SCALE-Sim topology of 10^5 rows, all of one name (renamed L_2 ... L_100000): the reader's
# cost per row must not grow with the rows before it (a name scan made this cubic).
big="$build/tmp/bench_workload/scalesim_1e5.csv"
mkdir -p "$(dirname "$big")"
awk 'BEGIN { print "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,"
    for (i = 0; i < 100000; i++) print "L, 56, 56, 3, 3, 64, 64, 1," }' >"$big"
runs=5
bench "10^5-row topology, one name, --csv" "$big" --csv
