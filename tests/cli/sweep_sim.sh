#!/usr/bin/env bash
# tests/cli/sweep_sim.sh: `flopwatt sweep` with the real evaluator (config + fast engine):
#   - every point of a small ResNet-50 sweep equals `flopwatt run --set ...` of that point
#     (total cycles, stall cycles, MACs): the axes reach the simulator as the config keys;
#   - MACs equal the workload's total (3,857,973,248 for ResNet-50 v1, networks.md: 3.86 G);
#     latency_cycles >= MACs / (rows x cols) (at most R x C MACs per cycle); utilization and
#     gflops follow from their definitions;
#   - a point with an invalid config value stops the sweep naming the point and the JSON path.
# Writes only under $BUILD.
set -uo pipefail
build=${BUILD:-build}
fw=${FLOPWATT:-$build/flopwatt}
tmp="$build/tmp/cli_sweep_sim"
rm -rf "$tmp"
mkdir -p "$tmp"
root=$(pwd)
fails=0
fail() {
    echo "sweep_sim.sh: FAIL: $*" >&2
    fails=$((fails + 1))
}

cat >"$tmp/spec.json" <<EOF
{
  "base": "$root/configs/edge32x32.json",
  "workloads": ["$root/configs/workloads/resnet50.json"],
  "axes": [
    {"paths": ["array.rows", "array.cols"], "values": [16, 32]},
    {"path": "precision", "values": [{"input": "int8", "accumulator": "int32"},
                                     {"input": "fp16", "accumulator": "fp32"}],
     "labels": ["int8", "fp16"]},
    {"path": "sram.ifmap.size_bytes", "values": [32768, 524288]}
  ],
  "objectives": [{"metric": "latency_ms", "goal": "minimize"},
                 {"metric": "dram_bytes", "goal": "minimize"}]
}
EOF
"$fw" sweep "$tmp/spec.json" -j2 --out "$tmp/out" >/dev/null 2>"$tmp/err" || fail "sweep: $(cat "$tmp/err")"
[[ $(wc -l <"$tmp/out/points.csv") -eq 9 ]] || fail "8 points expected"
checked=0
while IFS=, read -r point wl rows prec sram cycles ms stalls macs util gflops dram pes srams feas par; do
    case $prec in
    int8) pj='{"input":"int8","accumulator":"int32"}' ;;
    fp16) pj='{"input":"fp16","accumulator":"fp32"}' ;;
    esac
    ref=$("$fw" run configs/edge32x32.json configs/workloads/resnet50.json --csv \
        --set array.rows=$rows --set array.cols=$rows --set "precision=$pj" \
        --set sram.ifmap.size_bytes=$sram | grep '^total,')
    IFS=, read -r _ rcycles _ rstalls _ <<<"$ref"
    rmacs=$(echo "$ref" | cut -d, -f9)
    [[ "$cycles" == "$rcycles" ]] || fail "point $point: sweep cycles $cycles, run $rcycles"
    [[ "$stalls" == "$rstalls" ]] || fail "point $point: sweep stalls $stalls, run $rstalls"
    [[ "$macs" == "$rmacs" && "$macs" == 3857973248 ]] || fail "point $point: macs $macs (run $rmacs)"
    python3 - "$rows" "$cycles" "$macs" "$util" "$ms" "$gflops" <<'EOF' || fail "point $point: derived metrics"
import sys
r, cycles, macs, util, ms, gflops = (float(v) for v in sys.argv[1:])
assert cycles >= macs / (r * r), "more than R*C MACs per cycle"
assert abs(util - macs / (cycles * r * r)) <= 1e-12 * util
clock_mhz = 500  # configs/edge32x32.json
assert abs(ms - cycles / (clock_mhz * 1e3)) <= 1e-12 * ms
assert abs(gflops - 2 * macs / (ms * 1e-3) / 1e9) <= 1e-9 * gflops
EOF
    checked=$((checked + 1))
done < <(tail -n +2 "$tmp/out/points.csv")
[[ $checked -eq 8 ]] || fail "checked $checked points"

sed 's/"values": \[16, 32\]/"values": [16, 0]/' "$tmp/spec.json" >"$tmp/bad.json"
"$fw" sweep "$tmp/bad.json" --out "$tmp/bad" >/dev/null 2>"$tmp/bad.err"
rc=$?
[[ $rc -eq 2 ]] || fail "invalid axis value: exit $rc, want 2"
grep -q "^flopwatt sweep: point 4 (workload=.*array.rows=0, precision=int8, sram.ifmap.size_bytes=32768): .*edge32x32.json: array.rows: " "$tmp/bad.err" ||
    fail "invalid axis value message: $(cat "$tmp/bad.err")"

# --skip-invalid: the invalid points get NaN metrics, are infeasible, and the sweep completes.
"$fw" sweep "$tmp/bad.json" --skip-invalid -j2 --out "$tmp/skip" >"$tmp/skip.out" 2>&1 || fail "--skip-invalid: $(cat "$tmp/skip.out")"
grep -q "^4 feasible, .*, 4 invalid$" "$tmp/skip.out" || fail "--skip-invalid counts: $(cat "$tmp/skip.out")"
[[ $(awk -F, '$3 == 0 && $6 == "nan" && $(NF-1) == 0 && $NF == 0' "$tmp/skip/points.csv" | wc -l) -eq 4 ]] ||
    fail "--skip-invalid rows: $(cat "$tmp/skip/points.csv")"
"$fw" sweep "$tmp/bad.json" --resume -j2 --out "$tmp/skip" >/dev/null 2>"$tmp/skip.err"
[[ $? -eq 2 ]] && grep -q "belongs to another sweep" "$tmp/skip.err" || fail "resume without --skip-invalid must be refused"

if [[ $fails -ne 0 ]]; then
    echo "sweep_sim.sh: $fails failures" >&2
    exit 1
fi
echo "sweep_sim.sh: ok ($checked points equal flopwatt run; bounds and derived metrics hold; invalid value names point and path)"
