#!/usr/bin/env bash
# tools/bench/rtl.sh BUILD: throughput of the verilated PE harness (build/rtl/pe_fp, one vector
# per simulated cycle, all PE instances evaluated every cycle) against the C model on the same
# vectors (`flopwatt fp`), in vectors per second with the ratio; the array co-simulation's
# simulated cycles per second; and one verilated int8->int32 weight-stationary array
# (build/rtl/array_bench 4x3, array_bench16 16x16: the harness with that array alone, -O2)
# against `flopwatt run --engine pe` on the same layer and array size, CPU time and ratio (issue
# 14 part 5 asks for the pe engine >= 50x faster). The RTL time includes its driver (operand
# generation, schedule bookkeeping, the check of every result and of the output tensor).
set -euo pipefail
build=${1:-build}
fw=${FLOPWATT:-$build/flopwatt}
make -s "$fw" rtl "$build/rtl/array_bench" "$build/rtl/array_bench16" >/dev/null
mkdir -p "$build/bench"
n=200000
rate() { awk -v n="$1" -v ns="$2" 'BEGIN { printf "%.0f", n / (ns / 1e9) }'; }
echo "rtl: $n vectors per FUNCTION (tools/vecgen.c, seed 1)"
for fn in f32_mulAdd f16_mulAdd bf16_mul f8e4m3_add f16_mac_f32 i8_mac_i32; do
    "$build/tools/vecgen" -n "$n" -seed 1 "$fn" >"$build/bench/rtl_vec.txt"
    s=$(date +%s%N)
    "$build/rtl/pe_fp" "$fn" <"$build/bench/rtl_vec.txt" >/dev/null
    m=$(date +%s%N)
    "$fw" fp "$fn" <"$build/bench/rtl_vec.txt" >/dev/null
    e=$(date +%s%N)
    r=$(rate "$n" $((m - s)))
    c=$(rate "$n" $((e - m)))
    awk -v f="$fn" -v r="$r" -v c="$c" 'BEGIN { printf "  %-14s RTL %9d vectors/s   C model %9d vectors/s   C/RTL %6.1fx\n", f, r, c, c / r }'
done
cycles=0 cpu_s=0
for p in int8 fp16 bf16 fp32 fp16_fp32; do
    t=$( { /usr/bin/time -f '%U %S' "$build/rtl/array_$p" -seed 3 -seqs 40 -stall 0 >"$build/bench/rtl_seq.txt"; } 2>&1 )
    cpu_s=$(awk -v a="$cpu_s" -v t="$t" 'BEGIN { split(t, x, " "); print a + x[1] + x[2] }')
    cycles=$((cycles + $(awk '{ for (i = 1; i <= NF; i++) if ($i == "schedule") s += $(i - 1) } END { print s + 0 }' "$build/bench/rtl_seq.txt")))
done
awk -v c="$cycles" -v s="$cpu_s" 'BEGIN { printf "  array co-simulation (build/rtl/array_<precision>, 3-4 arrays of 4x3 PEs per model, one enabled): %d simulated cycles in %.2f CPU-s: %.0f cycles per CPU-s\n", c, s, c / (s > 0 ? s : 0.01) }'

# One array, same layer: the pe engine against one verilated array of the same size (layer
# co-simulation mode: the driver runs the simulator's fold starts and checks every result and
# the output tensor against the pe engine's dump). CPU seconds (user + sys, /usr/bin/time), not
# wall time: the machine is shared. Goal (issue 14 part 5): pe engine >= 50x faster.
cpu() { /usr/bin/time -f '%U %S' -o "$build/bench/rtl_time.txt" "$@" >"$build/bench/rtl_cmd.txt"
        awk '{ print $1 + $2 }' "$build/bench/rtl_time.txt"; }
bench_layer() { # LABEL MODEL ROWS COLS LAYER_JSON DRIVER_SHAPE...
    local label=$1 model=$2 rows=$3 cols=$4 wl=$5
    shift 5
    local sets=(--set array.rows="$rows" --set array.cols="$cols" --set array.dataflow=ws
                --set array.max_stream=0 --set array.mac_pipeline_cycles=1
                --set precision.input=int8 --set precision.accumulator=int32 --ideal-memory --seed 5)
    "$fw" run configs/test8x8.json "$wl" --engine pe "${sets[@]}" \
        --trace "$build/bench/rtl_trace.csv" --dump-outputs "$build/bench/rtl_out.txt" >/dev/null
    local best_pe="" rep t
    for rep in 1 2 3; do
        t=$(cpu "$fw" run configs/test8x8.json "$wl" --engine pe "${sets[@]}")
        best_pe=$(awk -v a="$t" -v b="$best_pe" 'BEGIN { print (b == "" || a < b) ? a : b }')
    done
    local rtl out cycles
    rtl=$(cpu "$model" -layer L -df ws -prec 'int8->int32' "$@" -seed 5 \
          -trace "$build/bench/rtl_trace.csv" -dump "$build/bench/rtl_out.txt")
    out=$(cat "$build/bench/rtl_cmd.txt")
    cycles=$(awk -F, '$1 == "L" {c = $10} END {print c}' "$build/bench/rtl_trace.csv")
    awk -v l="$label" -v r="$rows" -v c="$cols" -v pe="$best_pe" -v rtl="$rtl" -v cy="$cycles" \
        -v out="$out" 'BEGIN {
        printf "  %s on one %dx%d int8->int32 ws array (%d cycles): pe engine %.2f CPU-s (best of 3, %.3g PE-updates/s), verilated array %.2f CPU-s (%.0f cycles/s, %.3g PE-updates/s): pe engine %.1fx faster (goal 50x: %.2fx the goal)\n",
            l, r, c, cy, pe, cy * r * c / pe, rtl, cy / rtl, cy * r * c / rtl, rtl / pe, rtl / pe / 50
        print "    (driver: " out ")" }'
}
m=2048 n=48 k=64
printf '{"name": "bench_rtl", "batch": 1, "layers": [{"name": "L", "type": "gemm", "m": %d, "n": %d, "k": %d}]}\n' \
    "$m" "$n" "$k" >"$build/bench/rtl_gemm.json"
bench_layer "GEMM ${m}x${n}x${k}" "$build/rtl/array_bench" 4 3 "$build/bench/rtl_gemm.json" \
    -m "$m" -n "$n" -k "$k"
# the pe engine's benchmark layer (tools/bench/sim.sh), ResNet-50 res5a_branch2b
echo '{"name": "bench_rtl", "batch": 1, "layers": [{"name": "L", "type": "conv", "in_h": 7, "in_w": 7, "in_c": 512, "filters": 512, "kernel": 3, "pad": 1}]}' \
    >"$build/bench/rtl_conv.json"
bench_layer "res5a_branch2b (7x7x512, 3x3, 512 filters)" "$build/rtl/array_bench16" 16 16 \
    "$build/bench/rtl_conv.json" -conv 7,7,512,3,3,512,1,1,1
