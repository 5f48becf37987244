#!/usr/bin/env bash
# tools/validate_gap.sh: how far is each published chip of `flopwatt validate` from the model, and
# which modelling choice moves it how much?
#
# Runs `flopwatt validate --json` in a scratch copy of its inputs (configs/validate,
# configs/workloads/alexnet.json, models/tech/data) once per variant: one alternative choice at a
# time, then combined. The variants are what-ifs for the analysis in models/tech/README.md
# ("The DianNao gap"), not calibrations: the shipped data and configs are never changed.
#
#   base         the shipped model
#   vdd_1.0V     DianNao-like config at 1.0 V instead of the node's nominal 1.1 V
#   no_wires     wires cost nothing (wire distance fraction 0)
#   no_leak_clk  leakage and clock cost nothing (both fractions 0)
#   no_regs      registers cost nothing (1e-9 pJ/bit: the data must stay > 0)
#   arith+sram   all of the above: only the multiply-add and the SRAM accesses are priced, at 1.0 V
# (A 16-bit accumulator, as in DianNao's datapath, is not a variant: the numerics model accepts
# int32 or int48 accumulators for integer inputs only.)
#
# Usage: tools/validate_gap.sh [FLOPWATT]   (default build/flopwatt; run from the repository root)
# Prints one line per variant: per chip the modelled GOPS/W, the error against the published
# figure, and the modelled pJ per MAC by component; then the DianNao/TPU ratio of the modelled
# energy per MAC by component against the largest ratio that lets both pass. Needs jq.
set -euo pipefail

fw=${1:-build/flopwatt}
[[ -x $fw ]] || { echo "validate_gap.sh: $fw: not an executable (make build/flopwatt)" >&2; exit 2; }
fw=$(cd "$(dirname "$fw")" && pwd)/$(basename "$fw")
command -v jq >/dev/null || { echo "validate_gap.sh: jq not found (tools/deps.sh)" >&2; exit 2; }
root=$(pwd)
[[ -f $root/configs/validate/diannao_like.json ]] ||
    { echo "validate_gap.sh: run from the repository root" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# edit FILE JQ-FILTER: rewrite a scratch file in place
edit() { jq "$2" "$1" >"$1.new" && mv "$1.new" "$1"; }

# variant NAME CHANGE...: fresh scratch tree, apply the changes, print the line
variant() {
    local name=$1 d=$scratch/$1
    shift
    mkdir -p "$d/configs/workloads" "$d/data"
    cp -r "$root/configs/validate" "$root/configs/chips" "$d/configs/"
    cp "$root/configs/workloads/alexnet.json" "$d/configs/workloads/"
    cp "$root"/models/tech/data/*.json "$d/data/"
    local dn=$d/configs/validate/diannao_like.json
    for change in "$@"; do
        case $change in
        vdd) edit "$dn" '.tech.vdd_v = 1.0' ;;
        wires) edit "$d/data/memory.json" '.wire.energy_pj_per_bit_mm = 1e-9' ;;
        leak) edit "$d/data/assumptions.json" \
            '.leakage_fraction_of_peak_dynamic = 0 | .clock_fraction_of_peak_dynamic = 0' ;;
        regs) edit "$d/data/memory.json" '.register.access_pj_per_bit = 1e-9' ;;
        *) echo "validate_gap.sh: unknown change $change" >&2; exit 2 ;;
        esac
    done
    local out rc=0
    out=$(cd "$d" && FLOPWATT_DATA="$d/data" "$fw" validate --json --chip DianNao --chip "TPU v1") ||
        rc=$?
    [[ $rc -eq 0 ]] || { echo "validate_gap.sh: $name: flopwatt validate exit $rc" >&2; exit 2; }
    out=$(jq '.chips' <<<"$out")
    printf '%s\n' "$out" >"$d/validate.json"
    jq -r --arg name "$name" '
        def r(x): (x * 100 | round) / 100;
        [$name] + (map("\(.chip): \(r(.gops_per_w_model)) GOPS/W \(r(.efficiency_error_percent))%"
                       + (if .efficiency_pass then " pass" else " FAIL" end)
                       + " (pJ/MAC arith \(r(.pj_per_mac.arithmetic)) regs \(r(.pj_per_mac.registers))"
                       + " sram \(r(.pj_per_mac.sram)) wires \(r(.pj_per_mac.wires))"
                       + " leak+clk \(r(.pj_per_mac.leakage_clock)))"))
        | join("  |  ")' <<<"$out"
}

echo "flopwatt validate under alternative modelling choices (what-ifs, nothing shipped changes);"
echo "pass = efficiency within 35% of the published figure"
variant base
variant vdd_1.0V vdd
variant no_wires wires
variant no_leak_clk leak
variant no_regs regs
variant arith+sram vdd wires leak regs

# Could the per-action constants be changed so that both chips pass? Every on-chip constant is
# stored at 45 nm and moved to a node by the same factor, so multiplying a component class
# (arithmetic, registers, SRAM, wires, leakage and clock) by a factor changes it in both chips
# alike. Printed: the DianNao/TPU ratio of the modelled energy per MAC by class, and the
# smallest m such that some factors within [1/m, m], one per class, put both chips within
# their bounds. Exact: the (DianNao, TPU) energies reachable with factors in [1/m, m] form a
# zonotope (a sum of segments); m is bisected on whether it meets the rectangle of passing
# energies. tests/cli/validate_gap.sh checks it against a brute-force grid.
base=$(<"$scratch/base/validate.json")
jq -r '
    def r(x): (x * 100 | round) / 100;
    (.[0].pj_per_mac) as $d | (.[1].pj_per_mac) as $t
    | "\(.[0].chip)/\(.[1].chip) energy per MAC by component (shipped model): "
      + ([$d | keys_unsorted[] as $k | "\($k) \(r($d[$k] / $t[$k]))"] | join(", "))
      + "; published \(r(.[0].published_pj_per_mac / .[1].published_pj_per_mac))"
      + "; passing both needs at most \(r(.[0].pass_pj_per_mac_max / .[1].pass_pj_per_mac_min))"' \
    <<<"$base"
python3 "$(dirname "${BASH_SOURCE[0]}")/min_factor.py" <<<"$base"
