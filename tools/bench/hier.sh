#!/usr/bin/env bash
# tools/bench/hier.sh BUILD: the storage hierarchy (configs/rs_like.json: per-PE scratchpads,
# a 108 KiB global buffer, 1.6 GB/s DRAM). Whole ResNet-50 and ResNet-152 (batch 1), on one
# core: (1) every layer's mapping searched (sim/mapping/tl.h) and simulated; (2) the same
# mappings pinned in the config (memory.mappings), so only the simulation runs. Wall time of
# the whole process (start-up, reading, search, simulation, JSON report), best of the runs;
# then the traffic and stalls per level of the network. Targets (issue 11): ResNet-152 mapped
# and simulated < 0.5 s, pinned < 50 ms.
set -euo pipefail
build=${1:-build}
fw=${FLOPWATT:-$build/flopwatt}
runs=5
cfg=configs/rs_like.json
best_ms() { # "WALL CPU": best wall and best CPU (user + sys) time in ms of "$@" over $runs runs,
    # output to $build/bench_hier.json. CPU time is the figure on a shared machine: wall time
    # counts the time the process waited for the core.
    local best=0 best_cpu=0
    for ((i = 0; i < runs; i++)); do
        local start end cpu
        start=$(date +%s%N)
        /usr/bin/time -f '%U %S' -o "$build/bench_hier.time" "$@" --json >"$build/bench_hier.json"
        end=$(date +%s%N)
        cpu=$(awk '{ printf "%d", ($1 + $2) * 1e9 }' "$build/bench_hier.time")
        if [[ $best -eq 0 || $((end - start)) -lt $best ]]; then best=$((end - start)); fi
        if [[ $best_cpu -eq 0 || $cpu -lt $best_cpu ]]; then best_cpu=$cpu; fi
    done
    awk -v ns="$best" -v cpu="$best_cpu" 'BEGIN { printf "%.2f %.0f", ns / 1e6, cpu / 1e6 }'
}
echo "hier: $cfg, whole network, best of $runs runs (taskset: one core)"
for n in resnet50 resnet152; do
    searched=$(best_ms taskset -c 0 "$fw" run "$cfg" configs/workloads/$n.json)
    # pin every layer's chosen mapping: memory.mappings = {layer: mapping}
    pins=$(jq -c '[.layers[] | select(.mapping) | {(.name): .mapping}] | add' "$build/bench_hier.json")
    cp "$build/bench_hier.json" "$build/bench_hier_searched.json"
    jq --argjson p "$pins" '.memory.mappings = $p' "$cfg" >"$build/bench_hier_pinned.json"
    pinned=$(best_ms taskset -c 0 "$fw" run "$build/bench_hier_pinned.json" configs/workloads/$n.json)
    # provenance names the config file and carries the resolved config (with the pins): not compared
    cmp -s <(jq 'del(.config, .provenance)' "$build/bench_hier.json") \
        <(jq 'del(.config, .provenance)' "$build/bench_hier_searched.json") ||
        echo "  warning: $n pinned run differs from the searched one"
    layers=$(jq '.layers | length' "$build/bench_hier.json")
    read -r s_wall s_cpu <<<"$searched"
    read -r p_wall p_cpu <<<"$pinned"
    printf "  %-10s %3d layers  searched + simulated %8s ms (CPU %s ms)  pinned %8s ms (CPU %s ms)\n" \
        "$n" "$layers" "$s_wall" "$s_cpu" "$p_wall" "$p_cpu"
    jq -r '.total as $t | "    cycles \($t.cycles), stalls \($t.stall_cycles) (DRAM \($t.stall_dram_cycles)), DRAM read \($t.dram_ifmap_read_bytes + $t.dram_filter_read_bytes + $t.dram_ofmap_read_bytes) B, written \($t.dram_ofmap_write_bytes) B",
        ($t.levels[] | "    \(.name): " + ([to_entries[] | select(.key != "name") | "\(.key) \(.value)"] | join(", ")))' \
        "$build/bench_hier.json"
done
