#!/usr/bin/env bash
# tools/bench/rtl.sh BUILD: throughput of the verilated PE harness (build/rtl/pe_fp, one vector
# per simulated cycle, all PE instances evaluated every cycle) against the C model on the same
# vectors (`flopwatt fp`), in vectors per second with the ratio; and the array co-simulation's
# simulated cycles per second.
set -euo pipefail
build=${1:-build}
fw=${FLOPWATT:-$build/flopwatt}
make -s "$fw" rtl >/dev/null
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
