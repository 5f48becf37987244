#!/usr/bin/env bash
# tests/rtl/gates_energy.sh: smoke test of the gate-level activity energy (`make gates-energy`,
# tools/gates_energy.py) on the smallest PE, int8->int32: Yosys synthesises it (tools/gates.sh,
# GATES_ONLY), 400-MAC streams from tools/macstream run through the netlist. Checks:
#   - every result of the netlist equals the C model's (the simulation is right);
#   - the flip-flop toggles equal an independent count from the stream alone: the output
#     register holds res of the previous cycle, so its toggles are the Hamming distances between
#     successive results (from 0 before the first), plus 1 for the valid bit rising; the flag
#     bits stay 0 (no overflow in these chains);
#   - random operands toggle cells; 90% zero activations cost strictly less energy per MAC than
#     random ones, and all-zero operands (no toggles at all) strictly less than that;
#   - a stream with one wrong result is reported (exit 1, naming the line);
#   - the zero-gated int8->int32 PE (ZERO_GATE = 1, operand isolation): every result equals the C
#     model's on the random and the 90%-zero streams, and with 90% zero activations it costs
#     strictly less than the ungated PE (the gate fires and holds the multiplier's inputs), with
#     random operands strictly more (the isolation's own registers and multiplexers).
# Environment: BUILD. Writes under $BUILD/rtl/gates_smoke. Needs yosys, python3.
set -euo pipefail
build=${BUILD:-build}
work="$build/rtl/gates_smoke"
mkdir -p "$work"
fail=0
GATES_OUT="$work" GATES_ONLY=int8__int32,int8__int32_gated BUILD="$build" tools/gates.sh > "$work/gates.log" 2>&1 \
    || { cat "$work/gates.log"; exit 1; }
field() { tr ' ' '\n' <<< "$1" | awk -F= -v k="$2" '$1==k {print $2}'; }

declare -A energy gated
for z in 0 90 -100; do
    "$build/tools/macstream" int8 int32 1 400 "$z" 7 > "$work/s$z.txt"
    line=$(python3 tools/gates_energy.py "$work/int8__int32.json" "$work/s$z.txt")
    echo "zeros=$z: $line"
    [[ $(field "$line" mismatches) == 0 && $(field "$line" checked) == 399 ]] \
        || { echo "FAIL zeros=$z: netlist results differ from the C model"; fail=1; }
    want_ff=1 prev=0 k=0
    while read -r _ _ _ res; do
        k=$((k + 1)); [[ $k -lt 400 ]] || break
        d=$(( prev ^ 16#$res )); prev=$(( 16#$res ))
        while (( d )); do want_ff=$(( want_ff + (d & 1) )); d=$(( d >> 1 )); done
    done < "$work/s$z.txt"
    [[ $(field "$line" toggles_ff) == "$want_ff" ]] \
        || { echo "FAIL zeros=$z: flip-flop toggles $(field "$line" toggles_ff), expected $want_ff"; fail=1; }
    energy[$z]=$(field "$line" energy_per_mac)
    if [[ $z == -100 ]]; then
        [[ $(field "$line" toggles_comb) == 0 ]] || { echo "FAIL: all-zero stream toggles cells"; fail=1; }
    else
        [[ $(field "$line" toggles_comb) -gt 0 ]] || { echo "FAIL zeros=$z: no toggles"; fail=1; }
    fi
done
awk -v r="${energy[0]}" -v z="${energy[90]}" -v a="${energy[-100]}" 'BEGIN{exit !(a < z && z < r)}' \
    || { echo "FAIL: energy per MAC not all-zero ${energy[-100]} < 90% zeros ${energy[90]} < random ${energy[0]}"; fail=1; }

for z in 0 90; do
    line=$(python3 tools/gates_energy.py "$work/int8__int32_gated.json" "$work/s$z.txt")
    echo "gated zeros=$z: $line"
    [[ $(field "$line" mismatches) == 0 && $(field "$line" checked) == 399 ]] \
        || { echo "FAIL gated zeros=$z: netlist results differ from the C model"; fail=1; }
    gated[$z]=$(field "$line" energy_per_mac)
done
awk -v g="${gated[90]}" -v u="${energy[90]}" -v g0="${gated[0]}" -v u0="${energy[0]}" \
    'BEGIN{exit !(g < u && g0 > u0)}' \
    || { echo "FAIL: gated PE not cheaper at 90% zeros (${gated[90]} vs ${energy[90]}) or not dearer on random operands (${gated[0]} vs ${energy[0]})"; fail=1; }

awk 'NR == 37 { $4 = "00000005" } 1' "$work/s0.txt" > "$work/bad.txt"
if python3 tools/gates_energy.py "$work/int8__int32.json" "$work/bad.txt" > /dev/null 2> "$work/bad.err"; then
    echo "FAIL: a wrong result in the stream was not reported"; fail=1
elif ! grep -q 'bad.txt:37: netlist res_o' "$work/bad.err"; then
    echo "FAIL: wrong message: $(cat "$work/bad.err")"; fail=1
fi
[[ $fail == 0 ]] && echo "gates_energy: ok (energy per MAC random ${energy[0]}, 90% zeros ${energy[90]}, all zero ${energy[-100]} units; zero-gated random ${gated[0]}, 90% zeros ${gated[90]})"
exit $fail
