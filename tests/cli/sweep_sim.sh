#!/usr/bin/env bash
# tests/cli/sweep_sim.sh: `flopwatt sweep` with the real evaluator (config + fast engine):
#   - every point of a small ResNet-50 sweep equals `flopwatt run --set ...` of that point
#     (total cycles, stall cycles, MACs; energy and area within 1e-8, since run sums per-layer
#     prices and the sweep prices the summed counters): the axes reach the simulator as the
#     config keys;
#   - MACs equal the workload's total (3,857,973,248 for ResNet-50 v1, networks.md: 3.86 G);
#     latency_cycles >= MACs / (rows x cols) (at most R x C MACs per cycle); utilization,
#     gops, power_{chip,system}_w, gops_per_w_{chip,system} and pj_per_mac_{chip,system} follow
#     from their definitions; chip + DRAM = system; the energy components are positive and below
#     the total;
#   - --skip-invalid records invalid points as NaN rows;
#   - every point is checked before any runs: an invalid config value stops the sweep before it
#     starts, naming the point and the JSON path (--dry-run: the count and the first);
#   - --resume after a spec edit that fixes or removes the invalid values keeps the finished
#     rows (renumbered by content) and ends with the files of a fresh run of the edited spec.
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
# Derived metrics from their definitions (independent formulas), per point.
python3 - "$tmp/out/points.csv" <<'EOF' || fail "derived metrics"
import csv, sys
clock_mhz = 500  # configs/edge32x32.json
for row in csv.DictReader(open(sys.argv[1])):
    v = {k: float(x) for k, x in row.items() if k not in ("workload", "precision")}
    r, cycles, macs = v["array.rows"], v["latency_cycles"], v["macs"]
    def near(a, b, what, tol=1e-9):
        assert abs(a - b) <= tol * abs(b), (row["point"], what, a, b)
    assert cycles >= macs / (r * r), "more than R*C MACs per cycle"
    near(v["utilization"], macs / (cycles * r * r), "utilization")
    near(v["latency_ms"], cycles / (clock_mhz * 1e3), "latency_ms")
    near(v["gops"], 2 * macs / (v["latency_ms"] * 1e-3) / 1e9, "gops")
    near(v["pe_count"], r * r, "pe_count")
    for part in ("chip", "system"):
        e = v["energy_%s_pj" % part]
        near(v["power_%s_w" % part], e * 1e-12 / (v["latency_ms"] * 1e-3), "power_" + part)
        near(v["gops_per_w_" + part], 2 * macs / (e * 1e-12) / 1e9, "gops_per_w_" + part)
        near(v["pj_per_mac_" + part], e / macs, "pj_per_mac_" + part)
    e = v["energy_system_pj"]
    near(v["energy_chip_pj"] + v["energy_dram_pj"], e, "chip + DRAM = system")
    assert v["area_mm2"] > 0
    parts = v["energy_mac_pj"] + v["energy_sram_pj"] + v["energy_dram_pj"]
    assert 0 < parts < e, (row["point"], parts, e)
    assert v["energy_dram_pj"] > 0 and v["dram_bytes"] > 0
EOF
# Each point against `flopwatt run` of the same config (cycles, stalls, MACs).
checked=0
while IFS=, read -r point rows prec sram cycles stalls macs energy area; do
    case $prec in
    int8) pj='{"input":"int8","accumulator":"int32"}' ;;
    fp16) pj='{"input":"fp16","accumulator":"fp32"}' ;;
    esac
    "$fw" run configs/edge32x32.json configs/workloads/resnet50.json --csv \
        --set array.rows=$rows --set array.cols=$rows --set "precision=$pj" \
        --set sram.ifmap.size_bytes=$sram >"$tmp/run.csv"
    ref=$(grep '^total,' "$tmp/run.csv")
    IFS=, read -r _ rcycles _ rstalls _ <<<"$ref"
    rmacs=$(echo "$ref" | cut -d, -f9)
    # energy: run prices every layer and sums; the sweep prices the summed counters once
    python3 - "$tmp/run.csv" "$energy" "$area" <<'EOF' || fail "point $point: energy/area differ from flopwatt run"
import csv, sys
rows = csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#"))
total = [r for r in rows if r["layer"] == "total"][0]
for key, got in (("energy_system_pj", float(sys.argv[2])), ("area_mm2", float(sys.argv[3]))):
    want = float(total[key])
    assert abs(got - want) <= 1e-8 * want, (key, got, want)
EOF
    [[ "$cycles" == "$rcycles" ]] || fail "point $point: sweep cycles $cycles, run $rcycles"
    [[ "$stalls" == "$rstalls" ]] || fail "point $point: sweep stalls $stalls, run $rstalls"
    [[ "$macs" == "$rmacs" && "$macs" == 3857973248 ]] || fail "point $point: macs $macs (run $rmacs)"
    checked=$((checked + 1))
done < <(python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    print(",".join(r[k] for k in ("point", "array.rows", "precision", "sram.ifmap.size_bytes",
                                  "latency_cycles", "stall_cycles", "macs", "energy_system_pj",
                                  "area_mm2")))' "$tmp/out/points.csv")
[[ $checked -eq 8 ]] || fail "checked $checked points"

# --config-of N: run of the printed config and workload = the sweep's row N; summary.json
# carries the version (provenance)
"$fw" sweep "$tmp/spec.json" --config-of 5 >"$tmp/p5.json" 2>"$tmp/p5.err" || fail "--config-of 5"
p5w=$(sed -n 's/^flopwatt sweep: point 5 runs workload //p' "$tmp/p5.err")
p5=$("$fw" run "$tmp/p5.json" "$p5w" --json | jq -r .total.cycles)
want=$(awk -F, 'NR > 1 && $1 == 5 {print $6}' "$tmp/out/points.csv")
[[ -n "$p5" && "$p5" == "$want" ]] || fail "--config-of 5: run gives $p5 cycles, the sweep $want"
jq -e --arg v "$("$fw" --version | cut -d' ' -f2)" '.flopwatt_version == $v and .engine == "fast"' \
    "$tmp/out/summary.json" >/dev/null || fail "summary.json provenance"

sed 's/"values": \[16, 32\]/"values": [16, 0]/' "$tmp/spec.json" >"$tmp/bad.json"
sed 's/"values": \[16, 32\]/"values": [16]/' "$tmp/spec.json" >"$tmp/sixteen.json"
# every point is checked before the first runs: nothing runs, the first invalid point is named
"$fw" sweep "$tmp/bad.json" --out "$tmp/bad" >/dev/null 2>"$tmp/bad.err"
rc=$?
[[ $rc -eq 2 ]] || fail "invalid axis value: exit $rc, want 2"
grep -q "^flopwatt sweep: 4 of 8 points are invalid (nothing ran); the first: point 4 (workload=.*array.rows=0, precision=int8, sram.ifmap.size_bytes=32768): .*edge32x32.json: array.rows: .*(fix the spec, or --skip-invalid records them as invalid)$" "$tmp/bad.err" ||
    fail "invalid axis value message: $(cat "$tmp/bad.err")"
[[ -e "$tmp/bad" ]] && fail "an invalid sweep must not create its directory"
# --dry-run: the count and the first invalid point, nothing written
"$fw" sweep "$tmp/bad.json" --dry-run --out "$tmp/dry" >"$tmp/dry.out" 2>&1
[[ $? -eq 2 ]] || fail "--dry-run with invalid points: exit 2 expected"
grep -q "^sweep $tmp/bad.json: 8 points, 4 invalid; the first: point 4 (.*array.rows=0.*): " "$tmp/dry.out" ||
    fail "--dry-run output: $(cat "$tmp/dry.out")"
"$fw" sweep "$tmp/spec.json" --dry-run >"$tmp/dry.out" 2>&1 && grep -q "^sweep $tmp/spec.json: 8 points, 0 invalid$" "$tmp/dry.out" ||
    fail "--dry-run of a valid spec: $(cat "$tmp/dry.out")"
[[ -e "$tmp/dry" || -e spec-sweep ]] && fail "--dry-run must write nothing"

# --skip-invalid: the invalid points get NaN metrics, are infeasible, and the sweep completes.
"$fw" sweep "$tmp/bad.json" --skip-invalid -j2 --out "$tmp/skip" >"$tmp/skip.out" 2>&1 || fail "--skip-invalid: $(cat "$tmp/skip.out")"
grep -q "^4 feasible, .*, 4 invalid$" "$tmp/skip.out" || fail "--skip-invalid counts: $(cat "$tmp/skip.out")"
grep -q "^flopwatt sweep: 4 invalid points skipped (NaN rows); the first: point 4 (.*array.rows=0.*): .*array.rows: " "$tmp/skip.out" ||
    fail "--skip-invalid should name the first skipped point: $(cat "$tmp/skip.out")"
[[ $(awk -F, '$3 == 0 && $6 == "nan" && $(NF-1) == 0 && $NF == 0' "$tmp/skip/points.csv" | wc -l) -eq 4 ]] ||
    fail "--skip-invalid rows: $(cat "$tmp/skip/points.csv")"
cp -r "$tmp/skip" "$tmp/skip2"
"$fw" sweep "$tmp/bad.json" --resume -j2 --out "$tmp/skip" >/dev/null 2>"$tmp/skip.err"
[[ $? -eq 2 ]] && grep -q "4 of 8 points are invalid (nothing ran)" "$tmp/skip.err" ||
    fail "resume without --skip-invalid must stop before running: $(cat "$tmp/skip.err")"
# the spec fixed (0 -> 32): --resume keeps the 4 finished rows and runs the 4 fixed points; the
# files equal a fresh run of the fixed spec
"$fw" sweep "$tmp/spec.json" --resume -j2 --out "$tmp/skip" >"$tmp/fixed.out" 2>"$tmp/fixed.err" ||
    fail "resume after fixing the spec: $(cat "$tmp/fixed.err")"
grep -q "4 finished rows kept (renumbered), 4 dropped" "$tmp/fixed.err" || fail "fixed: $(cat "$tmp/fixed.err")"
grep -q "(4 resumed, 4 evaluated" "$tmp/fixed.out" || fail "fixed: $(cat "$tmp/fixed.out")"
for f in points.csv pareto.csv summary.json; do
    cmp -s "$tmp/skip/$f" "$tmp/out/$f" || fail "resume after fix: $f differs from a fresh run"
done
# the invalid value removed instead ([16, 0] -> [16]): the 4 rows are renumbered, nothing runs
"$fw" sweep "$tmp/sixteen.json" -j2 --out "$tmp/sixteen" >/dev/null 2>&1 || fail "sixteen"
"$fw" sweep "$tmp/sixteen.json" --resume -j2 --out "$tmp/skip2" >"$tmp/rm.out" 2>"$tmp/rm.err" ||
    fail "resume after removing the invalid value: $(cat "$tmp/rm.err")"
grep -q "(4 resumed, 0 evaluated" "$tmp/rm.out" || fail "removed: $(cat "$tmp/rm.out")"
for f in points.csv pareto.csv summary.json; do
    cmp -s "$tmp/skip2/$f" "$tmp/sixteen/$f" || fail "resume after removal: $f differs from a fresh run"
done
# a spec with other axes is still refused
sed 's/"sram.ifmap.size_bytes"/"sram.filter.size_bytes"/' "$tmp/spec.json" >"$tmp/other_axes.json"
"$fw" sweep "$tmp/other_axes.json" --resume --out "$tmp/sixteen" >/dev/null 2>"$tmp/oa.err"
[[ $? -eq 2 ]] && grep -q "belongs to another sweep (the axes differ)" "$tmp/oa.err" ||
    fail "other axes: $(cat "$tmp/oa.err")"

if [[ $fails -ne 0 ]]; then
    echo "sweep_sim.sh: $fails failures" >&2
    exit 1
fi
echo "sweep_sim.sh: ok ($checked points equal flopwatt run; bounds and derived metrics hold; invalid value names point and path)"
