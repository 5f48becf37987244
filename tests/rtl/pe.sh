#!/usr/bin/env bash
# tests/rtl/pe.sh: co-simulation of the PE RTL (build/rtl/pe_fp, Verilator) against the C model
# (`flopwatt fp`, models/numerics): the same vectors (tools/vecgen.c: corner cases, then random
# with a fixed seed) go through both; the output lines (operands, result, flags) must be equal.
# Covers mul/add/mulAdd of every floating format in all five rounding modes, sub, flush-to-zero
# and tininess before rounding, the mixed-precision MACs fused and unfused, and the integer MACs
# (wrap and saturate). Also checks that rtl/fw_formats.vh matches the C model's format table.
# Zero-gated PEs (ZERO_GATE = 1, `pe_fp -gate`: f16, f8e4m3, f16->f32 fused and unfused, i8->i32,
# i16->i48): vectors with 25-75% zero multiplicands (`vecgen -zeros`) after the corner triples
# (signed zeros with infinities, NaNs, subnormals), every rounding mode, FTZ, tininess before;
# their output must be the C model's, like the ungated PEs'.
# FLOPWATT_LONG=1: 55x more vectors for the same-format runs (>= 10^7 per floating format), 10x
# for the mixed and integer MACs.
# Environment: BUILD (default build), FLOPWATT (default $BUILD/flopwatt). Writes under $BUILD/rtl.
set -euo pipefail
build=${BUILD:-build}
flopwatt=${FLOPWATT:-$build/flopwatt}
pe="$build/rtl/pe_fp"
vecgen="$build/tools/vecgen"
work="$build/rtl/test"
mkdir -p "$work"
scale=1
mscale=1
if [[ "${FLOPWATT_LONG:-0}" == 1 ]]; then
    scale=55
    mscale=10
fi

fail=0
total=0
declare -A per_format

# The generated header must be what the format table gives today.
if ! "$build/tools/gen_formats" | cmp -s - rtl/fw_formats.vh; then
    echo "FAIL: rtl/fw_formats.vh is out of date with models/numerics (run: make rtl-formats)"
    fail=1
fi

# check FUNCTION COUNT SEED [OPTIONS...]: one comparison run. The arrays vg_opts and pe_opts add
# options for vecgen and for the RTL only.
vg_opts=()
pe_opts=()
check() {
    local fn=$1 n=$2 seed=$3
    shift 3
    local tag="$fn${*// /}${pe_opts[*]// /}"
    "$vecgen" "${vg_opts[@]}" -n "$n" -seed "$seed" "$fn" > "$work/vec.txt"
    "$pe" "${pe_opts[@]}" "$@" "$fn" < "$work/vec.txt" > "$work/rtl.txt"
    "$flopwatt" fp "$@" "$fn" < "$work/vec.txt" > "$work/c.txt"
    local lines
    lines=$(wc -l < "$work/rtl.txt")
    if [[ $lines -ne $n ]] || ! cmp -s "$work/rtl.txt" "$work/c.txt"; then
        local bad
        bad=$(diff "$work/rtl.txt" "$work/c.txt" | grep -c '^<' || true)
        echo "FAIL: $fn ${pe_opts[*]} ${vg_opts[*]} $*: $bad of $n lines differ (rtl $lines lines); first differences:"
        diff "$work/rtl.txt" "$work/c.txt" | head -n 8 | sed 's/^</  rtl:/; s/^>/  C:  /'
        cp "$work/vec.txt" "$work/fail_$tag.vec"
        fail=1
    fi
    total=$((total + n))
    local fmt=${fn%%_*}
    per_format[$fmt]=$(( ${per_format[$fmt]:-0} + n ))
}

modes=(-rnear_even -rminMag -rmin -rmax -rnear_maxMag)
seed=1
for f in f32 f16 bf16 f8e5m2 f8e4m3; do
    for m in "${modes[@]}"; do
        check "${f}_mul" $((8000 * scale)) $((seed++)) "$m"
        check "${f}_add" $((8000 * scale)) $((seed++)) "$m"
        check "${f}_mulAdd" $((16000 * scale)) $((seed++)) "$m"
        check "${f}_mulAdd" $((2000 * scale)) $((seed++)) "$m" -ftz
        check "${f}_mul" $((2000 * scale)) $((seed++)) "$m" -ftz
        check "${f}_mulAdd" $((2000 * scale)) $((seed++)) "$m" -tininessbefore
    done
    check "${f}_sub" $((4000 * scale)) $((seed++))
    check "${f}_add" $((2000 * scale)) $((seed++)) -ftz -tininessbefore
done
for mac in f16_mac_f32 bf16_mac_f32 f8e4m3_mac_f16 f8e5m2_mac_f16 f8e4m3_mac_f32 f8e5m2_mac_f32 \
    f8e4m3_mac_bf16 f8e5m2_mac_bf16; do
    for fn in "$mac" "${mac/_mac_/_macu_}"; do
        for m in "${modes[@]}"; do
            check "$fn" $((3000 * mscale)) $((seed++)) "$m"
        done
        check "$fn" $((2000 * mscale)) $((seed++)) -ftz
        check "$fn" $((2000 * mscale)) $((seed++)) -tininessbefore
    done
done
for fn in i8_mac_i32 i16_mac_i32 i8_mac_i48 i16_mac_i48; do
    check "$fn" $((10000 * mscale)) $((seed++))
    check "$fn" $((10000 * mscale)) $((seed++)) -sat
done

# Zero-gated PEs: same outputs as the C model (so as the ungated PEs) on vectors with zeros.
pe_opts=(-gate)
gated=$total
for fn in f16_mulAdd f8e4m3_mulAdd f16_mac_f32 f16_macu_f32; do
    vg_opts=(-zeros 50)
    for m in "${modes[@]}"; do
        check "$fn" $((12000 * mscale)) $((seed++)) "$m"
    done
    vg_opts=(-zeros 25)
    check "$fn" $((12000 * mscale)) $((seed++)) -rmin -ftz
    vg_opts=(-zeros 75)
    check "$fn" $((12000 * mscale)) $((seed++)) -ftz -tininessbefore
done
vg_opts=()
for fn in f16_mul f16_add f8e4m3_mul; do    # never gated: the result is not c
    check "$fn" $((2000 * mscale)) $((seed++)) -rmin
done
vg_opts=(-zeros 50)
for fn in i8_mac_i32 i16_mac_i48; do
    check "$fn" $((10000 * mscale)) $((seed++))
    check "$fn" $((10000 * mscale)) $((seed++)) -sat
done
vg_opts=()
pe_opts=()
echo "pe: zero-gated PEs: $((total - gated)) vectors"

for fmt in "${!per_format[@]}"; do
    echo "pe: $fmt: ${per_format[$fmt]} vectors"
done | sort
if [[ $fail -ne 0 ]]; then
    echo "pe: FAILED ($total vectors compared)"
    exit 1
fi
echo "pe: $total vectors, 0 mismatches in results and flags (RTL vs C model)"
