#!/usr/bin/env bash
# tests/cli/sparse.sh: end-to-end tests of zero gating (array.zero_gating) and the workload's
# operand densities (ifmap_density, weight_density): gating leaves cycles and every counter
# unchanged and removes exactly the zero-operand MACs' energy from the MAC component
# (energy_mac_pj on = off x (1 - zero_macs / macs)), the chip energy drops by
# energy_gating_saved_pj; the expected zero-operand MACs of a padding-free layer are
# macs x (1 - di x dw); the text report prints dense-equivalent and effective throughput with
# units; bad values exit 2 with one line naming the file and JSON path. Writes only under $BUILD.
set -euo pipefail
fw=${FLOPWATT:-build/flopwatt}
build=${BUILD:-build}
tmp="$build/tmp/cli_sparse"
rm -rf "$tmp"
mkdir -p "$tmp"
fail() { echo "sparse.sh: $*" >&2; exit 1; }
cfg=configs/test8x8.json

# tiny with ifmap density 0.5 and weight density 0.8 on every MAC layer
jq '.layers |= map(if .type == "conv" or .type == "fc" or .type == "gemm"
                   then . + {"ifmap_density": 0.5, "weight_density": 0.8} else . end)' \
    configs/workloads/tiny.json >"$tmp/tiny_sparse.json"
"$fw" run $cfg "$tmp/tiny_sparse.json" --json >"$tmp/off.json"
"$fw" run $cfg "$tmp/tiny_sparse.json" --json --set array.zero_gating=true >"$tmp/on.json"

# gating changes no counter (cycles included) and no energy component but MAC and registers
jq -e -s '[.[0].layers, .[1].layers] | transpose | all(.[];
    .[0].cycles == .[1].cycles and .[0].macs == .[1].macs and .[0].zero_macs == .[1].zero_macs
    and .[0].reg_reads == .[1].reg_reads and .[0].energy_dram_pj == .[1].energy_dram_pj
    and .[0].energy_leakage_pj == .[1].energy_leakage_pj)' "$tmp/off.json" "$tmp/on.json" \
    >/dev/null || fail "gating changed a counter or a non-MAC energy"
# MAC energy: on = off x (1 - zero/macs); chip energy: on = off - saved; off saves nothing
jq -e -s '[.[0].layers, .[1].layers] | transpose | all(.[];
    ((.[1].energy_mac_pj - .[0].energy_mac_pj * (1 - .[0].zero_macs / .[0].macs))
        / .[0].energy_mac_pj | fabs) < 1e-6
    and ((.[0].energy_chip_pj - .[1].energy_gating_saved_pj - .[1].energy_chip_pj)
        / .[0].energy_chip_pj | fabs) < 1e-6
    and .[0].energy_gating_saved_pj == 0 and .[1].energy_gating_saved_pj > 0)' \
    "$tmp/off.json" "$tmp/on.json" >/dev/null || fail "gating energy is not the zero MACs' share"
# expected zero-operand MACs of the padding-free layers: round(macs x (1 - 0.5 x 0.8))
for l in pwconv1x1 fc64x10 gemm8x12x16 conv3x3_s2; do
    jq -e --arg l "$l" '.layers[] | select(.name == $l)
        | .zero_macs == ((.macs * 0.6) | round)' "$tmp/off.json" >/dev/null ||
        fail "$l: zero_macs is not macs x 0.6"
done
# conv3x3_pad1 (5x5x3 in, 3x3, pad 1, 4 filters): per (c, f) 5x5x9 = 225 MACs. Output rows 0
# and 4 see 2 filter rows inside the input, rows 1-3 see 3: 13 of the 15 (row, filter row)
# pairs; likewise 13 columns: 169 MACs read the input, 56 read padding. Zero-operand MACs =
# 12 x (225 - 0.5 x 0.8 x 169) = 12 x 157.4 = 1888.8 -> 1889
jq -e '.layers[] | select(.name == "conv3x3_pad1") | .macs == 2700 and .zero_macs == 1889' \
    "$tmp/off.json" >/dev/null || fail "conv3x3_pad1: zero_macs is not 1889"
# effective throughput: gflops_nonzero = gflops x (1 - zero/macs)
jq -e '.total | ((.gflops_nonzero - .gflops * (1 - .zero_macs / .macs)) / .gflops | fabs) < 1e-6' \
    "$tmp/on.json" >/dev/null || fail "gflops_nonzero is not the non-zero MACs' rate"
# text: the zero-operand line with units, shown when gating is on or a density is given
"$fw" run $cfg "$tmp/tiny_sparse.json" --set array.zero_gating=true >"$tmp/on.txt"
grep -Eq '^zero-operand MACs: [0-9,]+ of [0-9,]+ \(.*\); [0-9.]+ [kMGT]?FLOPS dense-equivalent .*, [0-9.]+ [kMGT]?FLOPS effective' \
    "$tmp/on.txt" || fail "no effective/dense throughput line: $(grep zero "$tmp/on.txt")"
"$fw" run $cfg configs/workloads/tiny.json >"$tmp/dense.txt"
! grep -q '^zero-operand' "$tmp/dense.txt" || fail "zero-operand line on a dense run without gating"
# the pe engine counts from its sparse operand data: within 10% of the expectation on tiny
"$fw" run $cfg "$tmp/tiny_sparse.json" --json --engine pe >"$tmp/pe.json"
jq -e -s '(.[0].total.zero_macs - .[1].total.zero_macs | fabs) < 0.1 * .[1].total.zero_macs' \
    "$tmp/pe.json" "$tmp/off.json" >/dev/null || fail "pe zero_macs far from fast's"

# bad values: exit 2, one line naming the file and the JSON path
expect_bad() { # expect_bad WHAT PATTERN CMD...
    local what=$1 pat=$2
    shift 2
    set +e
    "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
    local rc=$?
    set -e
    [[ $rc -eq 2 ]] || fail "$what: exit $rc, want 2"
    [[ $(wc -l <"$tmp/bad.err") -eq 1 ]] || fail "$what: not one line: $(cat "$tmp/bad.err")"
    grep -q -- "$pat" "$tmp/bad.err" || fail "$what: '$(cat "$tmp/bad.err")' lacks '$pat'"
}
jq '.array.zero_gating = 1' $cfg >"$tmp/bad_cfg.json"
expect_bad "zero_gating 1" "array.zero_gating" "$fw" run "$tmp/bad_cfg.json" configs/workloads/tiny.json
jq '.layers[0].ifmap_density = 1.5' configs/workloads/tiny.json >"$tmp/bad_wl.json"
expect_bad "ifmap_density 1.5" "layers\[0\].ifmap_density" "$fw" run $cfg "$tmp/bad_wl.json"
jq '.layers[8].weight_density = -0.1' configs/workloads/tiny.json >"$tmp/bad_wl2.json"
expect_bad "weight_density -0.1" "weight_density" "$fw" run $cfg "$tmp/bad_wl2.json"
jq '.layers[7].ifmap_density = 0.5' configs/workloads/tiny.json >"$tmp/bad_wl3.json"
expect_bad "density on a pool" "ifmap_density" "$fw" run $cfg "$tmp/bad_wl3.json"
echo "sparse.sh: ok"
