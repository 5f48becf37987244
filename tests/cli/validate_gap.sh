#!/usr/bin/env bash
# tests/cli/validate_gap.sh: tools/validate_gap.sh (the what-if table of models/tech/README.md,
# "The DianNao gap") keeps working and says what `flopwatt validate` says:
#   - its base line carries the shipped model's GOPS/W and verdicts from `validate --json`;
#   - each what-if zeroes what it names (wires, leakage and clock, registers);
#   - the closing ratio line: the SRAM ratio from validate's own breakdown, and the largest ratio
#     that passes both chips, recomputed here from the published figures alone
#     (2300 x 1.35 / (452 / 0.485 x 0.65) = 5.13).
set -uo pipefail
fw=${FLOPWATT:-build/flopwatt}
tmp=${BUILD:-build}/test-validate-gap
rm -rf "$tmp" && mkdir -p "$tmp"
fail() { echo "validate_gap.sh: FAIL: $*" >&2; exit 1; }

tools/validate_gap.sh "$fw" >"$tmp/out" 2>"$tmp/err" || { cat "$tmp/err"; fail "script exit $?"; }
"$fw" validate --json >"$tmp/val.json" || true
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

ratio=$(tail -1 "$tmp/out")
sram=$(jq -r '(.[0].pj_per_mac.sram / .[1].pj_per_mac.sram * 100 | round) / 100' "$tmp/val.json")
grep -qF "sram $sram," <<<"$ratio" || fail "sram ratio $sram not in: $ratio"
both=$(python3 -c 'print(round(2300 * 1.35 / (452 / 0.485 * 0.65), 2))')
grep -qF "passing both needs at most $both" <<<"$ratio" || fail "bound $both not in: $ratio"
echo "validate_gap.sh: ok"
