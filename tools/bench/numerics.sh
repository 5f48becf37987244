#!/usr/bin/env bash
# tools/bench/numerics.sh BUILD: nx reference-model throughput per format and op with the ratio
# to the host's native fp32/fp16 operation (tools/bench_nx.c, built here into BUILD/bench) and,
# when SOFTFLOAT_DIR points at a Berkeley SoftFloat 3e tree or build directory (softfloat.a in
# it or in build/Linux-x86_64-GCC, softfloat.h in source/include: SoftFloat is not a Debian
# package and is not vendored), the ratio to SoftFloat; and `flopwatt fp` streaming throughput
# in lines per second.
set -euo pipefail
build=${1:-build}
fw=${FLOPWATT:-$build/flopwatt}
make -s "$build/lib/libflopwatt_numerics.a" "$fw" >/dev/null
mkdir -p "$build/bench"
sf=()
if [[ -n "${SOFTFLOAT_DIR:-}" ]]; then
    for d in "$SOFTFLOAT_DIR" "$SOFTFLOAT_DIR/build/Linux-x86_64-GCC"; do
        [[ -f "$d/softfloat.a" ]] && lib="$d/softfloat.a"
    done
    for d in "$SOFTFLOAT_DIR/source/include" "$SOFTFLOAT_DIR/../../source/include"; do
        [[ -f "$d/softfloat.h" ]] && inc="$d"
    done
    if [[ -n "${lib:-}" && -n "${inc:-}" ]]; then
        sf=(-DBENCH_SOFTFLOAT -I"$inc" "$lib")
    else
        echo "numerics: SOFTFLOAT_DIR=$SOFTFLOAT_DIR has no softfloat.a and softfloat.h: SoftFloat column skipped"
    fi
fi
${CC:-gcc} -std=c11 -O2 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -Imodels tools/bench_nx.c \
    "$build/lib/libflopwatt_numerics.a" "${sf[@]}" -lm -o "$build/bench/bench_nx"
echo "numerics: nx calls on 4096 finite operands x 2000 passes (8.2 M ops each), near_even, CPU time, best of 3"
"$build/bench/bench_nx" 2000

lines=2000000
awk -v n=$lines 'BEGIN { s = 12345; for (i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648; a = s % 65536
    s = (s * 1103515245 + 12345) % 2147483648; b = s % 65536
    s = (s * 1103515245 + 12345) % 2147483648; c = s % 65536
    printf "%04X %04X %04X\n", a, b, c } }' >"$build/bench/fp_vec.txt"
echo "flopwatt fp: $lines random f16 lines (3 operands each), input from a file"
for fn in f16_mulAdd f16_mac_f32; do
    in="$build/bench/fp_vec.txt"
    if [[ $fn == f16_mac_f32 ]]; then
        awk '{ printf "0000%s %s %s\n", $1, $2, $3 }' "$in" >"$build/bench/fp_vec_mac.txt"
        in="$build/bench/fp_vec_mac.txt"
    fi
    start=$(date +%s%N)
    "$fw" fp "$fn" <"$in" >/dev/null
    end=$(date +%s%N)
    awk -v fn="$fn" -v n=$lines -v ns=$((end - start)) 'BEGIN {
        printf "  %-16s %8.2f s  %6.2f M lines/s\n", fn, ns / 1e9, n / (ns / 1e9) / 1e6 }'
done
