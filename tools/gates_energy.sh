#!/usr/bin/env bash
# tools/gates_energy.sh: relative energy per MAC of each PE variant from switching activity in its
# synthesised gate netlist (the `make gates-energy` target of rtl/rtl.mk; not in `make test`).
# For every variant tools/gates.sh synthesised ($BUILD/gates/variants.txt, TAG.json), streams of
# GATES_ENERGY_N (default 4000) MACs from tools/macstream.c (pe-engine operand data, the
# activation operand zero in 0%, 50%, 90% of the MACs, and an all-zero stream) run through the
# netlist in tools/gates_energy.py, which checks every result against the C model and counts
# toggles per cell, weighted per cell type (documented there and in rtl/README.md).
# Writes $BUILD/gates/energy.md and prints it; the model's MAC energy per precision is
# `flopwatt ceiling --node 45 --precision IN/ACC --json` (.[0].mac_energy_pj).
# Needs the netlists (make gates), build/tools/macstream, build/flopwatt, python3, jq.
set -euo pipefail
build=${BUILD:-build}
out="$build/gates"
n=${GATES_ENERGY_N:-4000}
flopwatt=${FLOPWATT:-$build/flopwatt}
[[ -f $out/variants.txt ]] || { echo "gates_energy.sh: $out/variants.txt missing: run make gates" >&2; exit 2; }

table="$out/energy.md"
{
    echo "| PE variant | cells | units/MAC random | / int8 | 50% zeros | 90% zeros | all zero | clock share | model MAC pJ | / int8 |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$table.tmp"
base_e="" base_pj=""
field() { tr ' ' '\n' <<< "$1" | awk -F= -v k="$2" '$1==k {print $2}'; }
while IFS=: read -r tag name kind in acc fused _gate; do
    declare -A e=()
    for z in 0 50 90 -100; do
        "$build/tools/macstream" "$in" "$acc" "$fused" "$n" "$z" 1 > "$out/stream_$tag.txt"
        line=$(python3 tools/gates_energy.py "$out/$tag.json" "$out/stream_$tag.txt")
        echo "gates-energy: $name zeros=$z: $line" >&2
        e[$z]=$(field "$line" energy_per_mac)
        [[ $z != 0 ]] || { cells=$(field "$line" cells); clk=$(field "$line" energy_clock); }
    done
    rm -f "$out/stream_$tag.txt"
    pj=$("$flopwatt" ceiling --node 45 --precision "$in/$acc" --json 2>/dev/null | jq '.[0].mac_energy_pj')
    [[ -n $base_e ]] || { base_e=${e[0]}; base_pj=$pj; }
    awk -v name="$name" -v cells="$cells" -v r="${e[0]}" -v z50="${e[50]}" -v z90="${e[90]}" \
        -v z100="${e[-100]}" -v clk="$clk" -v be="$base_e" -v pj="$pj" -v bpj="$base_pj" 'BEGIN{
        printf "| %s | %d | %.0f | %.2f | %.0f (%.2f) | %.0f (%.2f) | %.0f (%.2f) | %.2f | %.2f | %.1f |\n",
            name, cells, r, r / be, z50, z50 / r, z90, z90 / r, z100, z100 / r, clk / r, pj, pj / bpj }' \
        >> "$table.tmp"
    unset e
done < "$out/variants.txt"
mv "$table.tmp" "$table"
cat "$table"
