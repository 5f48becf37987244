#!/usr/bin/env bash
# tools/gates_gating.sh: the energy saved by zero gating, measured on gate netlists and compared
# with the energy model's (`make gates-gating`, rtl/rtl.mk; not in `make test`, ~10 min of
# synthesis and simulation on the loaded machine).
# For each PE in PAIRS, tools/gates.sh synthesises the ungated PE and its zero-gated copy
# (ZERO_GATE = 1, operand isolation) into $BUILD/gates/gating/; tools/macstream writes one
# stream of GATES_ENERGY_N (default 4000) MACs per zero fraction z in ZEROS (the activation a zero
# in z% of the MACs, chains of 16 MACs as in an output-stationary accumulation, the same seed for
# both PEs) and tools/gates_energy.py runs it through both netlists (every result checked
# against the C model) and prices the toggles (relative units, rtl/README.md).
# Model: with array.zero_gating a zero-operand MAC is not charged its MAC energy and two operand
# register reads (sim/energy/en.h); register reads of pipeline flip-flops are priced 0
# (models/tech: flipflop_read_fraction_of_register), so the model's PE energy per MAC at zero
# fraction z is (1 - z) x MAC + registers. The MAC and register energies per MAC are read from
# `flopwatt run` on a 64x64x64 GEMM, configs/test8x8.json as output stationary at 45 nm / 0.9 V
# (the node of the Horowitz MAC rows), dense and ungated: energy_mac_pj and energy_reg_pj / macs.
# Writes $BUILD/gates/gating.md and prints it. Needs yosys, python3, jq, build/flopwatt,
# build/tools/macstream.
set -euo pipefail
build=${BUILD:-build}
out="$build/gates/gating"
n=${GATES_ENERGY_N:-4000}
flopwatt=${FLOPWATT:-$build/flopwatt}
zeros=(${ZEROS:-0 25 50 75 90})
# ungated tag:gated tag:C model input:accumulator:fused (tags of tools/gates.sh)
pairs=(${PAIRS:-int8__int32:int8__int32_gated:int8:int32:1 fp8e4m3:fp8e4m3_gated:fp8e4m3:fp8e4m3:1
       fp16:fp16_gated:fp16:fp16:1 fp16__fp32:fp16__fp32_gated:fp16:fp32:1})
mkdir -p "$out"
only=""
for p in "${pairs[@]}"; do
    IFS=: read -r tu tg _ <<< "$p"
    only+="${only:+,}$tu,$tg"
done
# Synthesis only when a netlist is missing or older than an RTL source.
stale=0
for t in ${only//,/ }; do
    [[ -f $out/$t.json ]] || { stale=1; break; }
    for f in rtl/*.v rtl/*.vh tools/gates.sh; do [[ $f -nt $out/$t.json ]] && stale=1; done
done
if [[ $stale == 1 ]]; then
    GATES_OUT="$out" GATES_ONLY="$only" BUILD="$build" tools/gates.sh > "$out/gates.txt"
fi

field() { tr ' ' '\n' <<< "$1" | awk -F= -v k="$2" '$1==k {print $2}'; }
printf '{"name":"g","layers":[{"name":"g","type":"gemm","m":64,"n":64,"k":64}]}\n' \
    > "$out/gemm.json"
table="$build/gates/gating.md"
{
    echo "| PE | cells ungated / gated | zeros | ungated units/MAC | gated units/MAC | gated / ungated | ungated / dense | gated / dense | model MAC / dense | model MAC+reg / dense |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$table.tmp"
for p in "${pairs[@]}"; do
    IFS=: read -r tu tg in acc fused <<< "$p"
    run=$("$flopwatt" run configs/test8x8.json "$out/gemm.json" --json --set array.dataflow=os \
        --set tech.node_nm=45 --set tech.vdd_v=0.9 --set precision.input="$in" \
        --set precision.accumulator="$acc" --set precision.fused="$([[ $fused == 1 ]] && echo true || echo false)")
    mac=$(jq '.layers[0].energy_mac_pj / .layers[0].macs' <<< "$run")
    reg=$(jq '.layers[0].energy_reg_pj / .layers[0].macs' <<< "$run")
    base=""
    for z in "${zeros[@]}"; do
        "$build/tools/macstream" "$in" "$acc" "$fused" "$n" "$z" 1 > "$out/stream.txt"
        lu=$(python3 tools/gates_energy.py "$out/$tu.json" "$out/stream.txt")
        lg=$(python3 tools/gates_energy.py "$out/$tg.json" "$out/stream.txt")
        echo "gates-gating: $tu zeros=$z: $lu" >&2
        echo "gates-gating: $tg zeros=$z: $lg" >&2
        eu=$(field "$lu" energy_per_mac) eg=$(field "$lg" energy_per_mac)
        [[ -n $base ]] || base=$eu
        awk -v name="$(awk -F: -v t="$tu" '$1 == t {print $2}' "$out/variants.txt")" -v cu="$(field "$lu" cells)" -v cg="$(field "$lg" cells)" -v z="$z" \
            -v eu="$eu" -v eg="$eg" -v b="$base" -v mac="$mac" -v reg="$reg" 'BEGIN{
            printf "| %s | %d / %d | %d%% | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
                name, cu, cg, z, eu, eg, eg / eu, eu / b, eg / b, 1 - z / 100,
                ((1 - z / 100) * mac + reg) / (mac + reg) }' >> "$table.tmp"
    done
    echo "gates-gating: $tu model: MAC $mac pJ, registers $reg pJ per MAC (os, 45 nm)" >&2
done
rm -f "$out/stream.txt"
mv "$table.tmp" "$table"
cat "$table"
