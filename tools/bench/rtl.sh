#!/usr/bin/env bash
# tools/bench/rtl.sh BUILD: throughput of the verilated PE harness (build/rtl/pe_fp, one vector
# per simulated cycle, all PE instances evaluated every cycle) against the C model on the same
# vectors (`flopwatt fp`), in vectors per second with the ratio; the array co-simulation's
# simulated cycles per second; and one verilated 4x3 int8->int32 weight-stationary array
# (build/rtl/array_bench: the harness with only the int8 ws/os pair, -O2) against
# `flopwatt run --engine pe` on the same GEMM layer and array, wall time and ratio (issue 14
# part 5 asks for the pe engine >= 50x faster). The RTL time includes its driver (operand
# generation, schedule bookkeeping, the check of every result and of the output tensor).
set -euo pipefail
build=${1:-build}
fw=${FLOPWATT:-$build/flopwatt}
make -s "$fw" rtl "$build/rtl/array_bench" >/dev/null
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
s=$(date +%s%N)
out=$("$build/rtl/array" -seed 3 -seqs 40 -stall 0)
e=$(date +%s%N)
cycles=$(echo "$out" | awk '{ for (i = 1; i <= NF; i++) if ($i == "schedule") s += $(i - 1) } END { print s }')
awk -v c="$cycles" -v ns=$((e - s)) 'BEGIN { printf "  array co-simulation: %d simulated cycles (10 arrays of 4x3 PEs, one enabled) in %.2f s: %.0f cycles/s\n", c, ns / 1e9, c / (ns / 1e9) }'

# One array, same layer: pe engine vs the verilated array (layer co-simulation mode).
m=2048 n=48 k=64
printf '{"name": "bench_rtl", "batch": 1, "layers": [{"name": "g", "type": "gemm", "m": %d, "n": %d, "k": %d}]}\n' \
    "$m" "$n" "$k" > "$build/bench/rtl_layer.json"
sets=(--set array.rows=4 --set array.cols=3 --set array.dataflow=ws --set array.max_stream=0
      --set array.mac_pipeline_cycles=1 --set precision.input=int8 --set precision.accumulator=int32
      --ideal-memory --seed 5)
"$fw" run configs/test8x8.json "$build/bench/rtl_layer.json" --engine pe "${sets[@]}" \
    --trace "$build/bench/rtl_trace.csv" --dump-outputs "$build/bench/rtl_out.txt" >/dev/null
# CPU seconds (user + system, /usr/bin/time), not wall time: the machine is shared.
cpu() { /usr/bin/time -f '%U %S' -o "$build/bench/rtl_time.txt" "$@" >/dev/null
        awk '{ print $1 + $2 }' "$build/bench/rtl_time.txt"; }
best_pe=""
for rep in 1 2 3; do
    t=$(cpu "$fw" run configs/test8x8.json "$build/bench/rtl_layer.json" --engine pe "${sets[@]}")
    best_pe=$(awk -v a="$t" -v b="$best_pe" 'BEGIN { print (b == "" || a < b) ? a : b }')
done
rtl=$(cpu "$build/rtl/array_bench" -layer g -df ws -prec 'int8->int32' -m "$m" -n "$n" -k "$k" \
      -seed 5 -trace "$build/bench/rtl_trace.csv" -dump "$build/bench/rtl_out.txt")
out=$("$build/rtl/array_bench" -layer g -df ws -prec 'int8->int32' -m "$m" -n "$n" -k "$k" \
      -seed 5 -trace "$build/bench/rtl_trace.csv" -dump "$build/bench/rtl_out.txt")
cycles=$(awk -F, '$1 == "g" {c = $10} END {print c}' "$build/bench/rtl_trace.csv")
awk -v m="$m" -v n="$n" -v k="$k" -v pe="$best_pe" -v rtl="$rtl" -v c="$cycles" -v out="$out" 'BEGIN {
    printf "  one 4x3 int8->int32 ws array, GEMM %dx%dx%d (%d cycles): pe engine %.2f CPU-s (best of 3), verilated array %.2f CPU-s (%.0f cycles per CPU-s): pe engine %.1fx faster\n",
        m, n, k, c, pe, rtl, c / rtl, rtl / pe
    print "  (array_bench: " out ")" }'
