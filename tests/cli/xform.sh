#!/usr/bin/env bash
# tests/cli/xform.sh: end-to-end tests of Winograd / FFT layers (workload key "algorithm",
# run --algorithm; sim/engine/eng_xform.h): the pe engine prints the error against the direct
# convolution for fp32, fp16, bf16 and int8 (int8: identical outputs, error 0; the FFT refused
# for int8 with its reason); JSON carries the transform counters and the error columns, the
# transform energy is a component of the chip energy; fast and pe give the same counters;
# --dump-outputs of an int8 Winograd run equals the direct run's; MACs against the closed
# form tiles x positions x C x K; bad inputs exit 2 with one line naming file, JSON path and
# reason. Writes only under $BUILD.
set -euo pipefail
fw=${FLOPWATT:-build/flopwatt}
build=${BUILD:-build}
tmp="$build/tmp/cli_xform"
rm -rf "$tmp"
mkdir -p "$tmp"
fail() { echo "xform.sh: $*" >&2; exit 1; }
cfg=configs/test8x8.json

cat >"$tmp/w.json" <<'EOF'
{"name": "wino", "layers": [
  {"name": "c3", "type": "conv", "in_h": 10, "in_w": 10, "in_c": 8, "filters": 8, "kernel": 3,
   "pad": 1, "algorithm": "winograd_f2x2_3x3"},
  {"name": "s2", "type": "conv", "in_h": 10, "in_w": 10, "in_c": 8, "filters": 8, "kernel": 3,
   "stride": 2, "pad": 1}
]}
EOF

# the error section for every floating precision; F2: 5 x 5 tiles of 16 positions x 8 x 8
for p in fp32 fp16 bf16; do
    "$fw" run $cfg "$tmp/w.json" --engine pe --set "precision={\"input\":\"$p\",\"accumulator\":\"fp32\"}" \
        >"$tmp/$p.txt"
    grep -q "^numerical error against the exact direct convolution (pe engine; ulp of the fp32 output format), transformed | direct in the array's order:" \
        "$tmp/$p.txt" || fail "$p: no error section"
    grep -Eq '^c3 +winograd_f2x2_3x3 +800 ' "$tmp/$p.txt" || fail "$p: no error row for c3"
    grep -Eq '^s2 ' <(sed -n '/^numerical error/,$p' "$tmp/$p.txt") && fail "$p: direct layer in the error table"
done
# int8: identical to direct (error 0, no output differs)
"$fw" run $cfg "$tmp/w.json" --engine pe --set 'precision={"input":"int8","accumulator":"int32"}' \
    >"$tmp/int8.txt"
grep -Eq '^c3 +winograd_f2x2_3x3 +800( +0\.000e\+00){3} +0 \|( +0\.000e\+00){3} +0 \| +0\.0 +0$' \
    "$tmp/int8.txt" || fail "int8: not exact: $(grep '^c3 ' "$tmp/int8.txt" | tail -1)"
for a in winograd_f2x2_3x3 winograd_f4x4_3x3; do
    "$fw" run $cfg "$tmp/w.json" --engine pe --layer c3 --algorithm $a \
        --set 'precision={"input":"int8","accumulator":"int32"}' --dump-outputs "$tmp/$a.hex" >/dev/null
done
"$fw" run $cfg "$tmp/w.json" --engine pe --layer c3 --algorithm direct \
    --set 'precision={"input":"int8","accumulator":"int32"}' --dump-outputs "$tmp/direct.hex" >/dev/null
cmp -s "$tmp/direct.hex" "$tmp/winograd_f2x2_3x3.hex" || fail "int8 F2 dump differs from direct"
cmp -s "$tmp/direct.hex" "$tmp/winograd_f4x4_3x3.hex" || fail "int8 F4 dump differs from direct"

# JSON: counters and error columns; MACs = tiles x positions x C x K; DRAM: the raw 4x4 input
# tiles (fp16) and the outputs (fp32); the transform energy is
# part of the chip energy; fast == pe in every counter (zero_macs aside)
"$fw" run $cfg "$tmp/w.json" --engine pe --json >"$tmp/pe.json"
"$fw" run $cfg "$tmp/w.json" --json >"$tmp/fast.json"
jq -e '.layers[0] | .macs == 25 * 16 * 8 * 8 and .xform_in_adds == 25 * 8 * 32 + 64 * 28
       and .xform_in_muls == 64 * 14 and .xform_out_adds == 25 * 8 * 24 and .xform_out_muls == 0
       and .wide_macs == 0 and .error_max_rel > 0 and .error_mean_rel > 0
       and .dram_ifmap_read_bytes == 25 * 16 * 8 * 2 and .dram_ofmap_write_bytes == 800 * 4
       and .error_outputs_differing_from_direct > 0' "$tmp/pe.json" >/dev/null \
    || fail "pe JSON counters"
jq -e '.layers[1] | .xform_in_adds == 0 and .error_max_rel == 0 and .macs == 25 * 9 * 64' \
    "$tmp/pe.json" >/dev/null || fail "direct layer in pe JSON"
jq -e '.total | (.energy_mac_pj + .energy_reg_pj + .energy_sram_ifmap_pj + .energy_sram_filter_pj
       + .energy_sram_ofmap_pj + .energy_wire_pj + .energy_leakage_pj + .energy_clock_pj
       + .energy_xform_pj - .energy_chip_pj | fabs) < 1e-6 * .energy_chip_pj and .energy_xform_pj > 0' \
    "$tmp/fast.json" >/dev/null || fail "transform energy not a chip component"
jq -e --slurpfile p "$tmp/pe.json" '[.layers[] | del(.zero_macs, .gflops_nonzero)]
       == [$p[0].layers[] | del(.zero_macs, .gflops_nonzero, .error_max_rel, .error_mean_rel,
           .error_max_ulp, .error_norm_rel, .direct_error_max_rel, .direct_error_mean_rel,
           .direct_error_max_ulp, .direct_error_norm_rel, .error_outputs_differing_from_direct)]' \
       "$tmp/fast.json" >/dev/null \
    || fail "pe and fast counters differ"
# a direct-only run has no transform columns
"$fw" run $cfg configs/workloads/tiny.json --json | jq -e '.total | has("xform_in_adds") | not' \
    >/dev/null || fail "transform columns on a direct run"

# --algorithm applies where it can and says so
"$fw" run $cfg "$tmp/w.json" --algorithm winograd_f4x4_3x3 2>"$tmp/note.err" >/dev/null
grep -qx 'flopwatt run: --algorithm winograd_f4x4_3x3: applied to 1 of 2 conv layers (the others stay direct: stride, dilation or filter size)' \
    "$tmp/note.err" || fail "--algorithm note: $(cat "$tmp/note.err")"

# errors: one line, exit 2
expect_err() { # expected-line command...
    local want=$1
    shift
    set +e
    "$@" >/dev/null 2>"$tmp/err"
    local rc=$?
    set -e
    [[ $rc -eq 2 ]] || fail "exit $rc for: $*"
    [[ "$(cat "$tmp/err")" == "$want" ]] || fail "message: $(cat "$tmp/err") (want: $want)"
}
jq '.layers[1].algorithm = "winograd_f2x2_3x3"' "$tmp/w.json" >"$tmp/bad1.json"
expect_err "flopwatt run: $tmp/bad1.json: layers[1].algorithm: winograd_f2x2_3x3 needs stride 1, the layer has 2x2 (layer 's2')" \
    "$fw" run $cfg "$tmp/bad1.json"
jq '.layers[0].weight_sparsity = "2:4"' "$tmp/w.json" >"$tmp/bad3.json"
expect_err "flopwatt run: $tmp/bad3.json: layers[0].algorithm: winograd_f2x2_3x3 on 2:4 weights: the transformed filters are not N:M sparse (not modelled) (layer 'c3')" \
    "$fw" run $cfg "$tmp/bad3.json"
jq '.layers[0].algorithm = "winograd"' "$tmp/w.json" >"$tmp/bad2.json"
"$fw" run $cfg "$tmp/bad2.json" >/dev/null 2>"$tmp/err" && fail "bad algorithm name accepted"
grep -q "layers\[0\].algorithm" "$tmp/err" || fail "bad name: $(cat "$tmp/err")"
expect_err "flopwatt run: $tmp/w.json: layer 's2': --algorithm: fft needs stride 1, the layer has 2x2" \
    "$fw" run $cfg "$tmp/w.json" --layer s2 --algorithm fft
expect_err "flopwatt run: --algorithm: expected direct, winograd_f2x2_3x3, winograd_f4x4_3x3 or fft, got 'f23'" \
    "$fw" run $cfg "$tmp/w.json" --algorithm f23
expect_err "flopwatt run: $tmp/w.json: layer c3: algorithm fft is not defined for integer inputs (int8): its twiddle factors are irrational" \
    "$fw" run $cfg "$tmp/w.json" --layer c3 --algorithm fft --set 'precision={"input":"int8","accumulator":"int32"}'
# a precision the algorithm does not allow stops the run before any layer is simulated
jq '.layers[0].algorithm = "fft"' "$tmp/w.json" >"$tmp/fft.json"
expect_err "flopwatt run: $tmp/fft.json: layer c3: algorithm fft is not defined for integer inputs (int8): its twiddle factors are irrational" \
    "$fw" run $cfg "$tmp/fft.json" --engine pe --set 'precision={"input":"int8","accumulator":"int32"}'
expect_err "flopwatt run: --set array.transform_ops_per_cycle=-1: array.transform_ops_per_cycle: -1 is out of range [0, 8192]" \
    "$fw" run $cfg "$tmp/w.json" --set array.transform_ops_per_cycle=-1
echo "xform.sh: ok"
