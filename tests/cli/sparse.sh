#!/usr/bin/env bash
# tests/cli/sparse.sh: end-to-end tests of zero gating (array.zero_gating) and the workload's
# operand densities (ifmap_density, weight_density): gating leaves cycles and every counter
# unchanged and removes exactly the zero-operand MACs' energy from the MAC component
# (energy_mac_pj on = off x (1 - zero_macs / macs)), the chip energy drops by
# energy_gating_saved_pj; the expected zero-operand MACs of a padding-free layer are
# macs x (1 - di x dw); the text report prints dense-equivalent and effective throughput with
# units; bad values exit 2 with one line naming the file and JSON path. Zero skipping: cycles and
# energy saved add up per layer, outputs unchanged; N:M: ResNet-50 2:4 MACs and metadata against
# the workload's GEMM dimensions; the shipped sparse sweep runs. Writes only under $BUILD.
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
# zero skipping (array.zero_skipping, eng.h): per layer, cycles + skip_saved_cycles = the
# cycles without skipping, the skipped MACs are zero-operand MACs, and the chip energy drops by
# exactly energy_skipping_saved_pj (the traffic is unchanged: only MACs, registers, leakage and
# clock move); ws and os (lock-step lanes, independent rows), fast and pe
for df in ws os; do
    for eng in fast pe; do
        "$fw" run $cfg "$tmp/tiny_sparse.json" --json --engine $eng --set array.dataflow=\"$df\" \
            >"$tmp/s_off.json"
        "$fw" run $cfg "$tmp/tiny_sparse.json" --json --engine $eng --set array.dataflow=\"$df\" \
            --set array.zero_skipping=true >"$tmp/s_on.json"
        jq -e -s '[.[0].layers, .[1].layers] | transpose | all(.[];
            .[1].cycles + .[1].skip_saved_cycles == .[0].cycles
            and .[1].skipped_macs <= .[1].zero_macs and .[0].skipped_macs == 0
            and .[1].dram_ifmap_read_bytes == .[0].dram_ifmap_read_bytes
            and ((.[0].energy_chip_pj - .[1].energy_skipping_saved_pj - .[1].energy_chip_pj)
                 / .[0].energy_chip_pj | fabs) < 1e-6)' "$tmp/s_off.json" "$tmp/s_on.json" \
            >/dev/null || fail "$df $eng: skipping savings do not add up"
        jq -e '.total.skip_saved_cycles > 0 and .total.skipped_macs > 0' "$tmp/s_on.json" \
            >/dev/null || fail "$df $eng: skipping saved nothing at density 0.5"
    done
done
# skipping never changes outputs (pe, every dataflow): the dumps are byte-identical
for df in ws os is tree; do
    "$fw" run $cfg "$tmp/tiny_sparse.json" --engine pe --set array.dataflow=\"$df\" \
        --dump-outputs "$tmp/d_off.hex" >/dev/null
    "$fw" run $cfg "$tmp/tiny_sparse.json" --engine pe --set array.dataflow=\"$df\" \
        --set array.zero_skipping=true --set array.zero_gating=true \
        --dump-outputs "$tmp/d_on.hex" >/dev/null
    cmp -s "$tmp/d_off.hex" "$tmp/d_on.hex" || fail "$df: skipping changed the outputs"
done
# the text report's compute-reduction table: one row per MAC layer and a total
"$fw" run $cfg "$tmp/tiny_sparse.json" --set array.zero_skipping=true >"$tmp/s.txt"
grep -q '^compute reduction' "$tmp/s.txt" || fail "no compute reduction table"
grep -q '(zero skipping saved [0-9.]* [pnum]*J' "$tmp/s.txt" || fail "no skipping saved line"
[[ $(sed -n '/^compute reduction/,$p' "$tmp/s.txt" | grep -c '^total ') -eq 1 ]] ||
    fail "compute reduction table without its total"

# N:M: ResNet-50 with 2:4 weights on an array taking 2:4: every conv/fc layer's MACs are
# M x N x k x groups with k = (K / 4) 2 + min(2, K mod 4) (K from flopwatt workload), dense MACs
# the workload's; metadata = ceil(k N groups x 2 bits / 8) bytes; without array support the
# layer runs dense
"$fw" workload configs/workloads/resnet50_2to4.json --json >"$tmp/r50w.json"
"$fw" run configs/edge32x32.json configs/workloads/resnet50_2to4.json --json \
    --set 'array.nm_sparsity="2:4"' >"$tmp/r50nm.json"
"$fw" run configs/edge32x32.json configs/workloads/resnet50_2to4.json --json >"$tmp/r50d.json"
python3 - "$tmp/r50w.json" "$tmp/r50nm.json" "$tmp/r50d.json" <<'PY' || fail "N:M counts"
import json, sys
wl, nm, dense = (json.load(open(f)) for f in sys.argv[1:])
rows = {l["name"]: l for l in nm["layers"]}
drows = {l["name"]: l for l in dense["layers"]}
n = 0
for l in wl["layers"]:
    if l["macs"] == 0:
        continue
    k = l["gemm_k"]
    kc = k // 4 * 2 + min(2, k % 4)
    groups = l["macs"] // (l["gemm_m"] * l["gemm_n"] * k)
    r = rows[l["name"]]
    assert r["macs"] == l["gemm_m"] * l["gemm_n"] * kc * groups, (l["name"], r["macs"])
    assert r["dense_macs"] == l["macs"], l["name"]
    assert r["nm_metadata_bytes"] == (kc * l["gemm_n"] * groups * 2 + 7) // 8, l["name"]
    assert drows[l["name"]]["macs"] == l["macs"] and drows[l["name"]]["nm_metadata_bytes"] == 0
    assert r["nm_dense_cycles"] == drows[l["name"]]["cycles"], l["name"]
    n += 1
assert n == 54, n
assert nm["total"]["cycles"] < dense["total"]["cycles"]
PY

# bad N:M values: one line naming the file and the JSON path, exit 2
jq '.layers[0].weight_sparsity = "5:4"' configs/workloads/tiny.json >"$tmp/bad_nm.json"
expect_bad "weight_sparsity 5:4" "layers\[0\].weight_sparsity" "$fw" run $cfg "$tmp/bad_nm.json"
jq '.layers[0].weight_sparsity = "2:4" | .layers[0].weight_density = 0.9' \
    configs/workloads/tiny.json >"$tmp/bad_nm2.json"
expect_bad "weight_density above N/M" "weight_density" "$fw" run $cfg "$tmp/bad_nm2.json"
expect_bad "nm_sparsity 2:2" "array.nm_sparsity" "$fw" run $cfg configs/workloads/tiny.json \
    --set 'array.nm_sparsity="2:2"'
expect_bad "nm_sparsity x" "array.nm_sparsity" "$fw" run $cfg configs/workloads/tiny.json \
    --set 'array.nm_sparsity="x"'
expect_bad "nm_sparsity with levels" "nm_sparsity with memory.levels" "$fw" run \
    configs/rs_like.json configs/workloads/tiny.json --set 'array.nm_sparsity="2:4"'

# compression (bitmask of the activations, 1 + 0.56 x 8 = 5.48 bits per int8 element): on
# VGG-16 every layer after the first moves ceil(e x 5480 / 8000) ifmap bytes where it moved e,
# within rounding per fold; the first layer's dense image grows by 9/8; the uncompressed run
# is the baseline's; the decompressor costs energy
"$fw" run configs/edge32x32.json configs/workloads/vgg16_sparse.json --json \
    --set 'compression={"format": "bitmask", "operands": ["ifmap"]}' >"$tmp/cmp.json"
"$fw" run configs/edge32x32.json configs/workloads/vgg16_sparse.json --json >"$tmp/nocmp.json"
jq -e -s '[.[0].layers, .[1].layers] | transpose | (.[0] as $first | all(.[1:][];
        (.[0].dram_ifmap_read_bytes - .[1].dram_ifmap_read_bytes * 5.48 / 8 | fabs)
            <= .[0].folds + 1))
    and (.[0][0].dram_ifmap_read_bytes - .[0][1].dram_ifmap_read_bytes * 9 / 8 | fabs)
            <= .[0][0].folds + 1
    and all(.[]; .[0].cmp_dense_dram_bytes == (.[1].dram_ifmap_read_bytes
            + .[1].dram_filter_read_bytes + .[1].dram_ofmap_read_bytes
            + .[1].dram_ofmap_write_bytes) and .[0].cmp_dense_cycles == .[1].cycles
            and .[0].energy_compression_pj > 0)' "$tmp/cmp.json" "$tmp/nocmp.json" >/dev/null ||
    fail "compressed ifmap bytes are not 5.48/8 of the dense ones"
jq '.compression = {"format": "zip"}' $cfg >"$tmp/bad_cmp.json"
expect_bad "compression zip" "compression.format" "$fw" run "$tmp/bad_cmp.json" \
    configs/workloads/tiny.json
jq '.compression = {"format": "rle", "operands": ["ofmap"]}' $cfg >"$tmp/bad_cmp2.json"
expect_bad "compression of ofmap" "compression.operands" "$fw" run "$tmp/bad_cmp2.json" \
    configs/workloads/tiny.json
jq '.compression = {"format": "csr"}' configs/rs_like.json >"$tmp/bad_cmp3.json"
expect_bad "compression with levels" "compression: compression with memory.levels" \
    "$fw" run "$tmp/bad_cmp3.json" configs/workloads/tiny.json

# operands from .npy files (tools/write_npy.py writes them without NumPy): a padded int8 conv
# whose activations and weights hold zeros; the pe engine's zero-operand MACs and its outputs
# equal a direct convolution computed here in Python; bad files give one line
mkdir -p "$tmp/npy"
python3 - "$tmp/npy" <<'PY'
import json, os, subprocess, sys
d = sys.argv[1]
H = W = 4; C = 2; K = 3; R = 3
x = [((i * 7) % 5) - 2 for i in range(H * W * C)]          # -2..2: a fifth are zeros
w = [((i * 5) % 7) - 3 for i in range(K * R * R * C)]      # -3..3: a seventh are zeros
subprocess.check_call(["python3", "tools/write_npy.py", d + "/x.npy", "|i1", "4,4,2"] +
                      [str(v) for v in x])
subprocess.check_call(["python3", "tools/write_npy.py", d + "/w.npy", "|i1", "3,3,3,2"] +
                      [str(v) for v in w])
json.dump({"name": "npy", "layers": [{"name": "c", "type": "conv", "in_h": H, "in_w": W,
           "in_c": C, "filters": K, "kernel": R, "pad": 1, "ifmap_npy": "x.npy",
           "weight_npy": "w.npy"}]}, open(d + "/wl.json", "w"))
zero = 0
out = []
for oy in range(H):
    for ox in range(W):
        for k in range(K):
            acc = 0
            for r in range(R):
                for s in range(R):
                    for c in range(C):
                        y, xx = oy + r - 1, ox + s - 1
                        a = x[(y * W + xx) * C + c] if 0 <= y < H and 0 <= xx < W else 0
                        b = w[((k * R + r) * R + s) * C + c]
                        zero += a == 0 or b == 0
                        acc += a * b
            out.append(acc & 0xFFFFFFFF)
open(d + "/want.txt", "w").write("%d\n" % zero + "".join("%08x\n" % v for v in out))
PY
"$fw" run configs/edge32x32.json "$tmp/npy/wl.json" --engine pe --json \
    --dump-outputs "$tmp/npy/out.hex" >"$tmp/npy/pe.json"
[[ $(jq '.layers[0].zero_macs' "$tmp/npy/pe.json") -eq $(head -1 "$tmp/npy/want.txt") ]] ||
    fail "npy: zero_macs $(jq '.layers[0].zero_macs' "$tmp/npy/pe.json"), want $(head -1 "$tmp/npy/want.txt")"
cmp -s <(grep -v '^layer' "$tmp/npy/out.hex") <(tail -n +2 "$tmp/npy/want.txt") ||
    fail "npy: pe outputs differ from the direct convolution of the files"
jq '.layers[0].weight_npy = "x.npy"' "$tmp/npy/wl.json" >"$tmp/npy/bad1.json"
expect_bad "npy shape" "layers\[0\].weight_npy: 'x.npy' has shape (4, 4, 2), the layer needs (3, 3, 3, 2)" \
    "$fw" run configs/edge32x32.json "$tmp/npy/bad1.json"
jq '.layers[0].ifmap_density = 0.5' "$tmp/npy/wl.json" >"$tmp/npy/bad2.json"
expect_bad "npy and density" "layers\[0\].ifmap_density: given with ifmap_npy" \
    "$fw" run configs/edge32x32.json "$tmp/npy/bad2.json"
printf 'not npy' >"$tmp/npy/junk.npy"
jq '.layers[0].ifmap_npy = "junk.npy"' "$tmp/npy/wl.json" >"$tmp/npy/bad3.json"
expect_bad "npy junk" "ifmap_npy: .*junk.npy: not a .npy file" \
    "$fw" run configs/edge32x32.json "$tmp/npy/bad3.json"

# the shipped sweep over the options runs: 3 workloads x 2 dataflows x 2^4 options
"$fw" sweep configs/sweeps/sparse.json -j2 --out "$tmp/sweep" >"$tmp/sweep.out"
[[ $(($(wc -l <"$tmp/sweep/points.csv") - 1)) -eq 96 ]] || fail "sparse sweep: not 96 points"
echo "sparse.sh: ok"
