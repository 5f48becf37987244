#!/usr/bin/env bash
# tests/cli/energy.sh: end-to-end tests of `flopwatt ceiling` and `flopwatt validate`: the default
# ladder covers 90/65/28 nm x int8/fp16/bf16/fp32 with the quoted 65 nm fp32 figure and the GPU
# points; --json shape and hand-derived values (65 nm fp32 arithmetic = 2000 / (4.6 pJ x
# 1.680750/0.69885)); --target-gflops-per-w; FLOPWATT_DATA with a broken copy of the data;
# validate: the chip database's table, JSON and statistics (recomputed); byte-identical reruns; bad inputs exit 2 with
# one line. Writes only under $BUILD.
set -euo pipefail
fw=${FLOPWATT:-build/flopwatt}
build=${BUILD:-build}
tmp="$build/tmp/cli_energy"
rm -rf "$tmp"
mkdir -p "$tmp"
fail() { echo "energy.sh: $*" >&2; exit 1; }

# default ladder: 12 rows, the quoted figure, GPUs, sources
"$fw" ceiling >"$tmp/ceil.txt"
for node in "90 nm hp (fit)" "65 nm hp (fit)" "28 nm hp (interpolated)"; do
    for p in "int8->int32" "fp16->fp32" "bf16->fp32" "fp32->fp32"; do
        grep -qF -- "$node" "$tmp/ceil.txt" || fail "no $node"
        grep -F -- "$node" "$tmp/ceil.txt" | grep -qF -- " $p " || fail "no $node $p row"
    done
done
grep -q "^quoted: 650 GFLOPS/W for fp32 at 65 nm" "$tmp/ceil.txt" || fail "no quoted figure"
grep -q "Tesla K40 (GK110B) .* 18.3 GFLOPS/W" "$tmp/ceil.txt" || fail "no K40 point (4290/235)"
grep -q "achieved rung: absent" "$tmp/ceil.txt" || fail "absent achieved rung not stated"
grep -q "^These ladders are references at the stated reuse" "$tmp/ceil.txt" || fail "reference not stated"
# the seed question against both rungs: 180.8 (datapath) and 19.7 (as built: 4.6 x 9.1766 pJ
# at 45 nm, Kaul's unit) GFLOPS/W at 65 nm / 1.1 V; neither reaches 650 at any supply
grep -q "^  datapath rung (the fp32 MAC alone) at 65 nm, 1.1 V: 180.8 GFLOPS/W, .*not reachable" \
    "$tmp/ceil.txt" || fail "seed question: datapath"
grep -q "^  as built rung (the fp32 MAC alone) at 65 nm, 1.1 V: 19.7 GFLOPS/W, .*not reachable" \
    "$tmp/ceil.txt" || fail "seed question: as built"
grep -q "^  180 nm: not available: excluded: " "$tmp/ceil.txt" || fail "180 nm reason not printed"
grep -q "bf16 multiply: 0.5818 pJ at 45 nm / 0.9 V: derived" "$tmp/ceil.txt" || fail "bf16 source"
"$fw" ceiling >"$tmp/ceil2.txt"
cmp -s "$tmp/ceil.txt" "$tmp/ceil2.txt" || fail "ceiling output not byte-identical"

# JSON: list of 12 entries, 5 rungs each, in order, falling
"$fw" ceiling --json >"$tmp/ceil.json"
jq -e 'length == 12 and all(.[]; (.ladder | length) == 5 and (.ladder_as_built | length) == 5
        and ([.ladder[].level] == ["arithmetic", "+registers", "+sram", "+dram", "+leakage_clock"])
        and .ladder[0].gflops_per_w > .ladder[4].gflops_per_w and .reuse == "reference" and .arith_source == null
        and ([range(5) as $i | .ladder[$i].gflops_per_w >= .ladder_as_built[$i].gflops_per_w]
             | all)
        and has("node_nm") and has("precision") and has("vdd_v") and has("mac_energy_pj"))' \
    "$tmp/ceil.json" >/dev/null || fail "ceiling JSON shape"
# 65 nm fp32 at 1.1 V: MAC 4.6 pJ x 1.680750/0.69885 = 11.0631 pJ -> 180.78 GFLOPS/W
jq -e '[.[] | select(.node_nm == 65 and .precision == "fp32")][0]
       | (.mac_energy_pj - 11.0631 | fabs) < 0.001 and (.ladder[0].gflops_per_w - 180.78 | fabs) < 0.01
         and .vdd_v == 1.1' "$tmp/ceil.json" >/dev/null || fail "65 nm fp32 value"
# --vdd moves the energy: 65 nm at 1.0 V: 4.6 x 1.332/0.69885 = 8.7675 pJ
"$fw" ceiling --node 65 --precision fp32 --vdd 1.0 --json >"$tmp/v.json"
jq -e 'length == 1 and (.[0].mac_energy_pj - 8.7675 | fabs) < 0.001' "$tmp/v.json" >/dev/null \
    || fail "--vdd 1.0"
# target: the 65 nm fp32 arithmetic ceiling reaches 2000/8.7675 = 228.11 GFLOPS/W at 1.0 V
"$fw" ceiling --node 65 --precision fp32 --target-gflops-per-w 228.1125 --json >"$tmp/t.json"
jq -e '(.[0].target.vdd_v - 1.0 | fabs) < 0.001 and .[0].target.reachable and .[0].target.plausible' \
    "$tmp/t.json" >/dev/null || fail "target supply"
"$fw" ceiling --node 65 --precision fp32 --target-gflops-per-w 650 >"$tmp/t.txt"
grep -q "65 nm hp fp32->fp32, datapath: 65 nm: not reachable" "$tmp/t.txt" || fail "650 at 65 nm reachable?"
grep -q "65 nm hp fp32->fp32, as built: 65 nm: not reachable" "$tmp/t.txt" || fail "650 as built?"
# process flavour: LP 45 nm at its nominal 1.1 V costs 1.213130/0.69885 = 1.7359x the HP
# reference: int8 MAC 0.3 pJ x 1.7359 = 0.52077 pJ
"$fw" ceiling --node 45 --precision int8 --process lp --json \
    | jq -e '.[0].process == "lp" and .[0].vdd_v == 1.1 and (.[0].mac_energy_pj - 0.52077 | fabs) < 1e-4' \
    >/dev/null || fail "--process lp"
# every node: 13 usable nodes (180 nm excluded), arithmetic ceiling rising as the node shrinks
"$fw" ceiling --node all --precision int8 --precision fp32 --json >"$tmp/all.json"
jq -e 'length == 26 and ([.[] | select(.precision == "int8") | .ladder[0].gflops_per_w]
       | . == sort) and ([.[].node_method] | index("excluded") == null)
       and ([.[] | select(.node_method == "interpolated") | .node_nm] | unique == [22, 28, 40])' \
    "$tmp/all.json" >/dev/null || fail "--node all"
# IN/ACC precision
"$fw" ceiling --node 28 --precision fp16/fp16 --json | jq -e '.[0].accumulator == "fp16"' \
    >/dev/null || fail "fp16/fp16"
# achieved rung with a config and a workload
"$fw" ceiling --config configs/test8x8.json --workload configs/workloads/tiny.json --json \
    >"$tmp/a.json"
jq -e '.[0].reuse == "design" and (.[0].ladder | . as $l | length == 6
       and $l[5].level == "achieved" and $l[5].gflops_per_w > 0
       and all($l[0:5][]; .gflops_per_w >= $l[5].gflops_per_w))' \
    "$tmp/a.json" >/dev/null || fail "achieved rung"
# the issue's case: TPU-v1-like on ResNet-50 achieved 268.5 GOPS/W above a reference ceiling of
# 226.6; with the design's own reuse every rung of both ladders is at or above what it achieves
"$fw" ceiling --config configs/tpu_v1_like.json --workload configs/workloads/resnet50.json --json \
    >"$tmp/tpu.json"
jq -e '.[0] | (.ladder | . as $l | all($l[0:5][]; .gflops_per_w >= $l[5].gflops_per_w))
       and (.ladder_as_built | . as $l | all($l[0:5][]; .gflops_per_w >= $l[5].gflops_per_w))
       and .arith_source == "datapath"' "$tmp/tpu.json" >/dev/null || fail "TPU ceiling is a bound"
# shipped inputs by name, as run takes them (cli_find.h): the same bytes as the paths
"$fw" ceiling --config tpu_v1_like --workload=resnet50 --json >"$tmp/tpu_named.json" &&
    cmp -s "$tmp/tpu.json" "$tmp/tpu_named.json" || fail "ceiling --config/--workload by name"

# bad inputs: exit 2, one line
bad() {
    local want=$1
    shift
    set +e
    "$fw" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    set -e
    [[ $rc -eq 2 ]] || fail "$*: exit $rc, want 2"
    grep -qF -- "$want" "$tmp/err" || { cat "$tmp/err"; fail "$*: message"; }
}
bad "flopwatt ceiling: node 11 nm: unknown node (known: 130, 90, 65" ceiling --node 11
bad "flopwatt ceiling: node 180 nm: excluded" ceiling --node 180
bad "flopwatt ceiling: --precision: unknown input format 'int4'" ceiling --precision int4
bad "flopwatt ceiling: --vdd: bad value 'x'" ceiling --vdd x
bad "flopwatt ceiling: supply 0.2 V at 65 nm: outside the model's range" ceiling --node 65 --vdd 0.2
bad "flopwatt ceiling: --config and --workload go together" ceiling --config configs/test8x8.json
bad "flopwatt ceiling: unknown option '--bogus' (try 'flopwatt ceiling --help')" ceiling --bogus 1
bad "flopwatt ceiling: --process: expected hp or lp, got 'ulp'" ceiling --process ulp
bad "flopwatt ceiling: with --config, node, precision, supply and process come from the config" \
    ceiling --config configs/test8x8.json --workload configs/workloads/tiny.json --process lp
bad "flopwatt validate: unknown option '--x' (try 'flopwatt validate --help')" validate --x
# configs whose tech block the model cannot price
bad "flopwatt run: configs/test8x8.json: tech.node_nm: node 11 nm: unknown node" \
    run configs/test8x8.json configs/workloads/tiny.json --set tech.node_nm=11
bad "flopwatt run: configs/test8x8.json: tech.vdd_v: supply 0.3 V at 65 nm: outside" \
    run configs/test8x8.json configs/workloads/tiny.json --set tech.vdd_v=0.3

# FLOPWATT_DATA: a copy of the data is used; a broken copy fails naming file and path
mkdir -p "$tmp/data"
cp models/tech/data/*.json "$tmp/data/"
FLOPWATT_DATA="$tmp/data" "$fw" ceiling >"$tmp/ceil3.txt"
cmp -s "$tmp/ceil.txt" "$tmp/ceil3.txt" || fail "FLOPWATT_DATA copy gives other output"
sed -i 's/"energy_pj": 0.03,/"energy_pj": -0.03,/' "$tmp/data/arith.json"
set +e
FLOPWATT_DATA="$tmp/data" "$fw" ceiling >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "broken data: exit $rc"
grep -qF "flopwatt ceiling: $tmp/data/arith.json: rows[0].energy_pj: -0.03 must be > 0" \
    "$tmp/err" || { cat "$tmp/err"; fail "broken data message"; }

# validate over the chip database: exit 0 whatever the errors (the tool ran); the peak throughput
# of the peak-basis chips is the published one (configs built to it); the JSON adds up
"$fw" validate --json >"$tmp/val.json" || fail "validate exit $?"
jq -e '(.chips | length) >= 10
       and ([.chips[] | select(.chip == "DianNao")][0].throughput_gops_model == 452)
       and (([.chips[] | select(.chip == "TPU v1")][0].throughput_gops_model - 91750.4) | fabs) < 0.001
       and all(.chips[]; (.gops_per_w_model > 0) and (.gops_per_w_published > 0)
                         and (.measurement == "silicon" or .measurement == "post-layout"))
       and .summary.all.chips == (.chips | length)
       and .summary.silicon.chips + .summary.post_layout.chips == .summary.all.chips' \
    "$tmp/val.json" >/dev/null || fail "validate JSON"
# the breakdown adds up: classes = modelled energy per MAC, 2 ops per MAC over it = the
# efficiency (6 significant digits printed, hence the 1e-5 tolerances)
jq -e 'all(.chips[]; (.pj_per_mac | .arithmetic + .registers + .sram + .wires + .leakage_clock)
                     as $e | (($e - .pj_per_mac_model) | fabs) < 1e-5 * $e
            and (((2000 / $e) / .gops_per_w_model - 1) | fabs) < 1e-5
            and (((.published_pj_per_mac * .gops_per_w_published) / 2000 - 1) | fabs) < 1e-5
            and (((.gops_per_w_model / .gops_per_w_published - 1) * 100
                  - .efficiency_error_percent) | fabs) < 1e-3)' "$tmp/val.json" >/dev/null \
    || fail "validate JSON breakdown"
# published figures from the papers (independent of the code): TPU v1 92 TOPS / 40 W; Eyeriss
# 278 mW at 35 frames/s of the conv layers; the summary statistics recomputed here
jq -e '([.chips[] | select(.chip == "TPU v1")][0].gops_per_w_published == 2300)
       and ([.chips[] | select(.chip == "Eyeriss AlexNet")][0] | .basis == "workload"
            and .power_w_published == 0.278)' "$tmp/val.json" >/dev/null || fail "published figures"
python3 - "$tmp/val.json" <<'PY' || fail "summary statistics"
import json, math, statistics, sys
d = json.load(open(sys.argv[1]))
for key, m in (("silicon", "silicon"), ("post_layout", "post-layout"), ("all", None)):
    e = [c["efficiency_error_percent"] for c in d["chips"] if m is None or c["measurement"] == m]
    s = d["summary"][key]
    assert s["chips"] == len(e)
    assert abs(s["median_abs_error_percent"] - statistics.median(abs(x) for x in e)) < 1e-3
    assert abs(s["worst_abs_error_percent"] - max(abs(x) for x in e)) < 1e-3
    g = math.exp(sum(math.log(1 + x / 100) for x in e) / len(e))
    assert abs(s["geomean_ratio"] / g - 1) < 1e-4, (s, g)
PY
# --max-error opts into a failing status; a bound above every error passes
set +e
"$fw" validate --max-error 1 >/dev/null 2>"$tmp/err"; rc=$?
set -e
[[ $rc -eq 1 ]] && grep -q "|efficiency error| .* > 1%" "$tmp/err" || fail "--max-error 1: exit $rc"
"$fw" validate --max-error 100000 >/dev/null || fail "--max-error 100000"
"$fw" validate >"$tmp/val.txt"
grep -q "^DianNao .* 452 .* 452 " "$tmp/val.txt" || fail "validate text"
grep -q "^  silicon  .* median |error|" "$tmp/val.txt" || fail "validate summary text"
# outside the repository root, validate uses its built-in copies of the same inputs
abs_fw=$(cd "$(dirname "$fw")" && pwd)/$(basename "$fw")
(cd "$tmp" && "$abs_fw" validate --json >val_elsewhere.json) || fail "validate from elsewhere"
jq 'del(.chips[].file)' "$tmp/val.json" >"$tmp/a.json"
jq 'del(.chips[].file)' "$tmp/val_elsewhere.json" >"$tmp/b.json"
cmp -s "$tmp/a.json" "$tmp/b.json" || fail "validate from elsewhere differs"
(cd "$tmp" && "$abs_fw" validate >val_elsewhere.txt) || fail "validate text from elsewhere"
grep -q "^inputs: copies built into the binary" "$tmp/val_elsewhere.txt" \
    || fail "built-in inputs not stated"
echo "energy.sh: ok"
