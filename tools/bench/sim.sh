#!/usr/bin/env bash
# tools/bench/sim.sh BUILD: simulator speed. (1) The fast engine on full ResNet-50 and ResNet-152
# (batch 1) with 32x32 and 128x128 weight-stationary arrays: wall time per network, whole
# process (start-up, config and workload reading, simulation, report). (2) The pe engine's
# PE-updates per second (every PE every cycle, ideal memory so that no cycle is skipped) on one
# ResNet-50 layer for int8 and fp16 on a 16x16 array.
set -euo pipefail
build=${1:-build}
fw=${FLOPWATT:-$build/flopwatt}
runs=10
cfg=configs/edge32x32.json
echo "sim: fast engine, whole network, best of $runs runs"
for n in resnet50 resnet152; do
    for s in 32 128; do
        best=0
        for ((i = 0; i < runs; i++)); do
            start=$(date +%s%N)
            "$fw" run "$cfg" configs/workloads/$n.json --set array.rows=$s --set array.cols=$s \
                --json >"$build/bench_sim.json"
            end=$(date +%s%N)
            ns=$((end - start))
            if [[ $best -eq 0 || $ns -lt $best ]]; then best=$ns; fi
        done
        read -r folds cycles macs < <(jq -r '"\(.total.folds) \(.total.cycles) \(.total.macs)"' \
            "$build/bench_sim.json")
        awk -v n="$n" -v s="$s" -v ns="$best" -v f="$folds" -v c="$cycles" -v m="$macs" 'BEGIN {
            printf "  %-10s %3dx%-3d ws  %8.2f ms  %7d folds  %12d cycles  %5.2f G simulated MAC/s\n",
                n, s, s, ns / 1e6, f, c, m / ns }'
    done
done
echo "sim: pe engine, resnet50 res5a_branch2b (3x3x512 -> 512, 7x7 out), 16x16 ws, ideal memory;"
echo "     whole process, best of 3 by CPU time (user + sys: the machine is shared), ratio to the"
echo "     issue-14 targets (2e8 int8, 5e7 fp16 -> fp32 PE-updates/s per core)"
for p in "int8 int32 2e8" "fp16 fp32 5e7"; do
    set -- $p
    best_cpu=0 best_wall=0
    for r in 1 2 3; do
        TIMEFORMAT='%R %U %S'
        times=$({ time "$fw" run configs/test8x8.json configs/workloads/resnet50.json --engine pe \
            --ideal-memory --layer res5a_branch2b --set array.rows=16 --set array.cols=16 \
            --set precision.input=$1 --set precision.accumulator=$2 --json >"$build/bench_pe.json"; } 2>&1)
        read -r wall user sys <<<"$times"
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
        if awk -v c="$cpu" -v b="$best_cpu" 'BEGIN { exit !(b == 0 || c < b) }'; then
            best_cpu=$cpu best_wall=$wall
        fi
    done
    read -r cycles macs < <(jq -r '"\(.total.cycles) \(.total.macs)"' "$build/bench_pe.json")
    awk -v p="$1 x $1 -> $2" -v cpu="$best_cpu" -v wall="$best_wall" -v c="$cycles" -v m="$macs" -v t="$3" 'BEGIN {
        u = c * 256
        printf "  %-20s CPU %6.2f s (wall %6.2f s)  %d cycles x 256 PEs = %.3g PE-updates: %.3g PE-updates/s, %.3g MAC/s per CPU-second (%.2fx the target)\n",
            p, cpu, wall, c, u, u / cpu, m / cpu, u / cpu / t }'
done
