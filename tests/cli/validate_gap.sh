#!/usr/bin/env bash
# tests/cli/validate_gap.sh: tools/validate_gap.sh and tools/min_factor.py (models/tech/README.md,
# "The DianNao gap") keep working and say what `flopwatt validate` says:
#   - the base line carries the shipped model's GOPS/W and verdicts from `validate --json`;
#   - each what-if zeroes what it names (wires, leakage and clock, registers);
#   - the ratio line: the SRAM ratio from validate's own breakdown, and the largest ratio that
#     passes both chips, recomputed here from the published figures alone
#     (2300 x 1.35 / (452 / 0.485 x 0.65) = 5.13);
#   - min_factor.py: two cases worked by hand (answers 3 and 5), and on the real chips an exact
#     answer no larger than a brute-force grid's (factors 10^(i/4)) and within two grid steps
#     of it.
set -uo pipefail
fw=${FLOPWATT:-build/flopwatt}
tmp=${BUILD:-build}/test-validate-gap
rm -rf "$tmp" && mkdir -p "$tmp"
fail() { echo "validate_gap.sh: FAIL: $*" >&2; exit 1; }

tools/validate_gap.sh "$fw" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; fail "script exit $?"; }
"$fw" validate --json --chip DianNao --chip "TPU v1" | jq '.chips' >"$tmp/val.json"
[[ $(grep -c '^[A-Za-z_.0-9+]*  |  DianNao: ' "$tmp/out") -eq 6 ]] || fail "expected 6 variant lines"

base=$(grep '^base  |' "$tmp/out")
want=$(jq -r '.[] | "\(.chip): \((.gops_per_w_model * 100 | round) / 100) GOPS/W"' "$tmp/val.json")
while IFS= read -r w; do
    grep -qF "$w" <<<"$base" || fail "base line lacks '$w'"
done <<<"$want"
jq -e '.[0].efficiency_pass == false and .[1].efficiency_pass' "$tmp/val.json" >/dev/null &&
    { grep -q 'DianNao: .* FAIL .*TPU v1: .* pass ' <<<"$base" || fail "base verdicts"; }

grep '^no_wires  |' "$tmp/out" | grep -q 'wires 0 leak.*wires 0 leak' || fail "no_wires"
grep '^no_leak_clk  |' "$tmp/out" | grep -q 'leak+clk 0).*leak+clk 0)' || fail "no_leak_clk"
grep '^no_regs  |' "$tmp/out" | grep -q 'regs 0 sram.*regs 0 sram' || fail "no_regs"

ratio=$(grep "energy per MAC by component" "$tmp/out")
sram=$(jq -r '(.[0].pj_per_mac.sram / .[1].pj_per_mac.sram * 100 | round) / 100' "$tmp/val.json")
grep -qF "sram $sram," <<<"$ratio" || fail "sram ratio $sram not in: $ratio"
both=$(python3 -c 'print(round(2300 * 1.35 / (452 / 0.485 * 0.65), 2))')
grep -qF "passing both needs at most $both" <<<"$ratio" || fail "bound $both not in: $ratio"

# tools/min_factor.py, the smallest common change of the component classes that passes both
# chips: two cases worked by hand, then the real chips against a brute-force grid
mf=tools/min_factor.py
syn() { # energies of chip A, of chip B (5 classes each), passing ranges A, B
    python3 - "$@" <<'PY'
import json, sys
a = list(map(float, sys.argv[1].split(","))); b = list(map(float, sys.argv[2].split(",")))
ra = list(map(float, sys.argv[3].split(","))); rb = list(map(float, sys.argv[4].split(",")))
k = ["arithmetic", "registers", "sram", "wires", "leakage_clock"]
print(json.dumps([{"chip": n, "pj_per_mac": dict(zip(k, e)), "pass_pj_per_mac_min": r[0],
                   "pass_pj_per_mac_max": r[1]} for n, e, r in (("A", a, ra), ("B", b, rb))]))
PY
}
# both chips 3 pJ in total, both must reach 9..10: everything x3
syn 1,1,0.5,0.5,0 1,1,0.5,0.5,0 9,10 9,10 | python3 "$mf" | grep -qF "within [1/3, 3]" ||
    fail "min_factor: uniform case"
# A: arithmetic 4 must fall to 1..2 (x1/2 or less); B: registers 1 must rise to 5..6 (x5)
syn 4,0,0,0,0 0,1,0,0,0 1,2 5,6 | python3 "$mf" | grep -qF "within [1/5, 5]" ||
    fail "min_factor: two-class case"
exact=$(python3 "$mf" <"$tmp/val.json" | sed -n 's/.*within \[1\/\([0-9.e+]*\),.*/\1/p')
[[ -n $exact ]] || fail "min_factor: no factor for the real chips"
grid=$(python3 "$mf" --grid 4 <"$tmp/val.json")
python3 -c "import sys; e, g = float(sys.argv[1]), float(sys.argv[2]); sys.exit(not (e <= g * 1.001 and g <= e * 10 ** 0.5))" \
    "$exact" "$grid" || fail "min_factor: exact $exact vs grid $grid"
echo "validate_gap.sh: ok"
