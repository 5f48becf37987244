#!/usr/bin/env bash
# tools/xform_table.sh [CONFIG] [WORKLOAD] [LAYER]: the README's table of Winograd/FFT savings
# against their numerical error (sim/engine/eng_xform.h). For each precision (fp32, fp16 and
# bf16 into fp32; int8 into int32) and algorithm, one `flopwatt run --engine pe --json` of the
# layer (direct: the fast engine, whose counters are the pe engine's). Prints a Markdown table:
# MACs, chip energy, system energy (+ DRAM), cycles, each with its ratio to direct, the
# transform unit's share of the chip energy, and the errors against the exact direct
# convolution (norm-wise, mean relative, max ulp of the output format) beside the direct
# convolution's own in the array's order, and the bits lost (log2 of the norm-wise ratio).
# A second table: the same layer with --ideal-memory (the fast engine: its counters are the pe
# engine's), i.e. compute, transform and on-chip energy without DRAM stalls or DRAM energy.
# XFORM_TABLE_PART=1 or 2 prints only one of them.
# CPU: about 6 s per pe run of ResNet-50 res2a_branch2b on edge32x32, on one core.
set -euo pipefail
fw=${FLOPWATT:-build/flopwatt}
cfg=${1:-configs/edge32x32.json}
wl=${2:-configs/workloads/resnet50.json}
layer=${3:-res2a_branch2b}
tmp=${BUILD:-build}/tmp/xform_table
mkdir -p "$tmp"
part=${XFORM_TABLE_PART:-all}
precision_of() {
    if [[ $1 == int8 ]]; then echo '{"input":"int8","accumulator":"int32","output":"int32"}'
    else echo "{\"input\":\"$1\",\"accumulator\":\"fp32\",\"output\":\"fp32\"}"; fi
}
if [[ $part != 2 ]]; then
echo "| precision | algorithm | MACs | chip energy | system energy | cycles | transform share of chip | norm-wise error | mean rel. error | max ulp | direct: norm-wise / max ulp | bits lost |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for p in fp32 fp16 bf16 int8; do
    prec=$(precision_of $p)
    "$fw" run "$cfg" "$wl" --layer "$layer" --set "precision=$prec" --json >"$tmp/$p-direct.json"
    for a in direct winograd_f2x2_3x3 winograd_f4x4_3x3 fft; do
        [[ $p == int8 && $a == fft ]] && continue # not defined for integers
        f="$tmp/$p-$a.json"
        if [[ $a == direct ]]; then f="$tmp/$p-direct.json"
        else "$fw" run "$cfg" "$wl" --layer "$layer" --set "precision=$prec" --engine pe \
                --algorithm "$a" --json >"$f"; fi
        jq -r --slurpfile d "$tmp/$p-direct.json" '.total as $t | $d[0].total as $r |
            [$t.macs, $t.macs / $r.macs, $t.energy_chip_pj, $t.energy_chip_pj / $r.energy_chip_pj,
             $t.energy_system_pj, $t.energy_system_pj / $r.energy_system_pj, $t.cycles,
             $t.cycles / $r.cycles, (($t.energy_xform_pj // 0) / $t.energy_chip_pj),
             ($t.error_norm_rel // -1), ($t.error_mean_rel // -1), ($t.error_max_ulp // -1),
             ($t.direct_error_norm_rel // -1), ($t.direct_error_max_ulp // -1)] | @tsv' "$f" |
        while IFS=$'\t' read -r macs rm chip rc sys rs cyc rcy share nrm mean ulp dnrm dulp; do
            if [[ $a == direct ]]; then errs="- | - | - | - | -"
            else
                lost=$(awk -v a="$nrm" -v b="$dnrm" 'BEGIN { if (a == 0 && b == 0) print "0";
                    else if (b == 0) print "all"; else printf "%.1f", log(a / b) / log(2) }')
                errs=$(printf '%.3g | %.3g | %.3g | %.3g / %.3g | %s' "$nrm" "$mean" "$ulp" \
                    "$dnrm" "$dulp" "$lost")
            fi
            printf '| %s | %s | %s (%.3fx) | %.4g uJ (%.3fx) | %.4g uJ (%.3fx) | %s (%.3fx) | %.1f%% | %s |\n' \
                "$p" "$a" "$macs" "$rm" "$(echo "$chip / 1000000" | bc -l)" "$rc" \
                "$(echo "$sys / 1000000" | bc -l)" "$rs" "$cyc" "$rcy" \
                "$(echo "$share * 100" | bc -l)" "$errs"
        done
    done
done
fi
[[ $part == 1 ]] && exit 0
[[ $part == all ]] && echo
echo "| precision (ideal memory) | algorithm | cycles | chip energy | transform share of chip |"
echo "|---|---|---|---|---|"
for p in fp32 fp16 bf16 int8; do
    prec=$(precision_of $p)
    "$fw" run "$cfg" "$wl" --layer "$layer" --set "precision=$prec" --ideal-memory --json \
        >"$tmp/$p-direct-ideal.json"
    for a in direct winograd_f2x2_3x3 winograd_f4x4_3x3 fft; do
        [[ $p == int8 && $a == fft ]] && continue
        f="$tmp/$p-$a-ideal.json"
        [[ $a == direct ]] || "$fw" run "$cfg" "$wl" --layer "$layer" --set "precision=$prec" \
            --ideal-memory --algorithm "$a" --json >"$f"
        jq -r --slurpfile d "$tmp/$p-direct-ideal.json" '.total as $t | $d[0].total as $r |
            [$t.cycles, $t.cycles / $r.cycles, $t.energy_chip_pj, $t.energy_chip_pj / $r.energy_chip_pj,
             (($t.energy_xform_pj // 0) / $t.energy_chip_pj)] | @tsv' "$f" |
        while IFS=$'\t' read -r cyc rcy chip rc share; do
            printf '| %s | %s | %s (%.3fx) | %.4g uJ (%.3fx) | %.1f%% |\n' "$p" "$a" "$cyc" "$rcy" \
                "$(echo "$chip / 1000000" | bc -l)" "$rc" "$(echo "$share * 100" | bc -l)"
        done
    done
done
