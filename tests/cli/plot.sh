#!/usr/bin/env bash
# tests/cli/plot.sh: `flopwatt plot`:
#   - trend: the printed growth factors equal an ordinary least-squares fit of log2 values
#     computed here independently (python, closed form) from the reference figures;
#   - pareto: on a sweep of the analytic test evaluator, the front data file holds exactly the
#     rows of points.csv marked pareto; SVG and PNG files are written and look like SVG / PNG;
#   - layers: the bar data equal the report's per-layer *_pj keys in uJ;
#   - ceiling: the bar data equal the ladder levels of each entry, filters work, and the real
#     `flopwatt ceiling --json` plots;
#   - bad input: exit 2 and one line on stderr.
# Writes only under $BUILD.
set -uo pipefail
build=${BUILD:-build}
fw=${FLOPWATT:-$build/flopwatt}
tmp="$build/tmp/cli_plot"
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0
fail() {
    echo "plot.sh: FAIL: $*" >&2
    fails=$((fails + 1))
}
is_svg_png() { # DIR NAME
    head -c 400 "$1/$2.svg" | grep -q "<svg" || fail "$1/$2.svg is not SVG"
    [[ $(head -c 4 "$1/$2.png" | od -An -tx1 | tr -d ' \n') == 89504e47 ]] || fail "$1/$2.png is not PNG"
}

"$fw" plot trend --until 2020 --out "$tmp/trend" >"$tmp/trend.out" || fail "plot trend"
is_svg_png "$tmp/trend" trend
python3 - "$tmp/trend.out" <<'EOF' || fail "trend fit differs from the independent least-squares fit"
import math, re, sys
def fit(xs, ys):
    ly = [math.log2(y) for y in ys]
    n = len(xs); mx = sum(xs) / n; my = sum(ly) / n
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ly)) / sum((x - mx) ** 2 for x in xs)
    return 2 ** b
# reference figures: DESIGN.md / networks.md (GFLOP per image), energy-data.md (peak / TDP)
demand = fit([2013, 2014, 2015], [2.0, 4.5, 22.6])
gpu = fit([2013, 2015, 2015, 2016, 2016],
          [4290 / 235, 6100 / 250, 6840 / 250, 10600 / 300, 11760 / 250])
text = open(sys.argv[1]).read()
got = [float(v) for v in re.findall(r"x([0-9.]+) per year", text)]
assert len(got) == 3, text
assert abs(got[0] - demand) < 0.006, (got[0], demand)
assert abs(got[1] - gpu) < 0.006, (got[1], gpu)
assert abs(got[2] - demand / gpu) < 0.006, (got[2], demand / gpu)
EOF

cat >"$tmp/base.json" <<'EOF'
{"array": {"rows": 8, "cols": 8}, "precision": "int8", "node_nm": 28}
EOF
cat >"$tmp/w.json" <<'EOF'
{"name": "w", "batch": 1, "layers": [{"name": "g", "type": "gemm", "m": 64, "n": 64, "k": 64}]}
EOF
cat >"$tmp/spec.json" <<'EOF'
{"base": "base.json", "workloads": ["w.json"],
 "axes": [{"path": "array.rows", "values": [4, 8, 16, 32]},
          {"path": "array.cols", "values": [4, 8, 16, 32]},
          {"path": "precision", "values": ["int8", "fp16"]},
          {"path": "node_nm", "values": [65, 28]}],
 "constraints": [{"metric": "area_mm2", "max": 25}],
 "objectives": [{"metric": "latency_cycles", "goal": "minimize"},
                {"metric": "energy_pj", "goal": "minimize"}]}
EOF
FLOPWATT_SWEEP_TEST_EVAL=analytic "$fw" sweep "$tmp/spec.json" --out "$tmp/sweep" >/dev/null || fail "sweep"
"$fw" plot pareto "$tmp/sweep" --out "$tmp/pareto" >/dev/null || fail "plot pareto"
is_svg_png "$tmp/pareto" pareto
want=$(awk -F, 'NR > 1 && $NF == 1 { print $1 }' "$tmp/sweep/points.csv" | sort -n | tr '\n' ' ')
got=$(awk '{ print $3 }' "$tmp/pareto/pareto_front.dat" | sort -n | tr '\n' ' ')
[[ -n "$want" && "$want" == "$got" ]] || fail "front points: plotted '$got', points.csv '$want'"
grep -q "with steps" "$tmp/pareto/pareto.gp" || fail "the two plotted objectives should draw the staircase"
"$fw" plot pareto "$tmp/sweep" --color node_nm --x area_mm2 --y macs --out "$tmp/p2" >/dev/null || fail "plot pareto --color"
grep -q "title 'node_nm'" "$tmp/p2/pareto.gp" || fail "--color node_nm"

# layers: a report shaped like `flopwatt run --json` with per-layer energy keys (*_pj); the
# segments are every *_pj key except energy_pj, in the first layer's order, in uJ; layers
# without energy (pooling) are left out.
cat >"$tmp/run.json" <<'EOF'
{"config": {"name": "t"}, "layers": [
  {"name": "conv1", "macs": 100, "mac_pj": 2000000, "sram_pj": 500000, "dram_pj": 1500000, "energy_pj": 4000000},
  {"name": "pool1", "macs": 0, "mac_pj": 0, "sram_pj": 0, "dram_pj": 0, "energy_pj": 0},
  {"name": "fc", "macs": 10, "mac_pj": 250000, "sram_pj": 125000, "dram_pj": 3000000, "energy_pj": 3375000}],
 "total": {"energy_pj": 7375000}}
EOF
"$fw" plot layers "$tmp/run.json" --out "$tmp/layers" >/dev/null || fail "plot layers"
is_svg_png "$tmp/layers" layers
printf '"conv1" 2 0.5 1.5\n"fc" 0.25 0.125 3\n' | cmp -s - "$tmp/layers/layers.dat" ||
    fail "layers.dat: $(cat "$tmp/layers/layers.dat")"
# segments are named in words (the key without _pj), the axis in the unit of the bars
for k in mac sram dram; do
    grep -q "title '$k'" "$tmp/layers/layers.gp" || fail "layers.gp lacks segment $k"
done
grep -q "title 'energy" "$tmp/layers/layers.gp" && fail "energy_pj is the total, not a segment"
grep -q "_pj'" "$tmp/layers/layers.gp" && fail "a legend entry in pJ key names: $(grep title "$tmp/layers/layers.gp")"
grep -q "set ylabel 'system energy (uJ)'" "$tmp/layers/layers.gp" || fail "layers: bars of 3.4-4.6 uJ on a uJ axis"
grep -q 'set title "t on ' "$tmp/layers/layers.gp" || fail "layers: the design in the title"
# ... and on the real report of AlexNet: one bar per MAC layer (8: conv1-5, fc6-8), the
# segments summing to the layer's energy_system_pj.
"$fw" run configs/edge32x32.json configs/workloads/alexnet.json --json >"$tmp/alexnet.json" &&
    "$fw" plot layers "$tmp/alexnet.json" --out "$tmp/layers_real" >/dev/null || fail "plot layers of flopwatt run --json"
python3 - "$tmp/alexnet.json" "$tmp/layers_real/layers.dat" <<'EOF' || fail "real layers.dat"
import json, shlex, sys
report = json.load(open(sys.argv[1]))
want = [(l["name"], l["energy_system_pj"]) for l in report["layers"]
        if l.get("energy_system_pj", 0) > 0]
rows = [shlex.split(line) for line in open(sys.argv[2])]
assert len(rows) == len(want) == 8, (len(rows), len(want))
for (name, e), row in zip(want, rows):
    assert row[0] == name, (row[0], name)
    got = sum(float(v) for v in row[1:]) * 1e6
    assert abs(got - e) <= 1e-6 * e, (name, got, e)
EOF
echo '{"layers": [{"name": "a", "macs": 1}]}' >"$tmp/noenergy.json"

# ceiling: the list of `flopwatt ceiling --json`; one row per (node, precision), one column per
# level (each after its predecessor in the entry naming it first), ? where an entry lacks a level; --node/--precision filter.
cat >"$tmp/ceiling.json" <<'EOF'
[{"node_nm": 65, "precision": "fp32", "unit": "GFLOPS/W", "ladder": [
   {"level": "arithmetic", "gflops_per_w": 650}, {"level": "+registers", "gflops_per_w": 300},
   {"level": "+dram", "gflops_per_w": 20}]},
 {"node_nm": 28, "precision": "int8", "unit": "GOPS/W", "ladder": [
   {"level": "arithmetic", "gflops_per_w": 12000}, {"level": "+registers", "gflops_per_w": 3000},
   {"level": "+sram", "gflops_per_w": 1000}, {"level": "+dram", "gflops_per_w": 200},
   {"level": "achieved", "gflops_per_w": 150}]}]
EOF
"$fw" plot ceiling "$tmp/ceiling.json" --out "$tmp/ceiling" >/dev/null || fail "plot ceiling"
is_svg_png "$tmp/ceiling" ceiling
# one block per node (one panel each)
[[ $(grep -v '^#' "$tmp/ceiling/ceiling.dat") == $'"65 nm fp32" 650 300 ? 20 ?\n\n\n"28 nm int8" 12000 3000 1000 200 150' ]] ||
    fail "ceiling.dat: $(cat "$tmp/ceiling/ceiling.dat")"
"$fw" plot ceiling "$tmp/ceiling.json" --node 28 --out "$tmp/ceiling28" >/dev/null || fail "plot ceiling --node"
[[ $(grep -v '^#' "$tmp/ceiling28/ceiling.dat" | grep -c .) -eq 1 ]] || fail "--node 28 keeps one entry"
grep -q 'multiplot layout 2,1' "$tmp/ceiling/ceiling.gp" || fail "ceiling: one panel per node"
"$fw" ceiling --json >"$tmp/real_ceiling.json" 2>/dev/null &&
    { "$fw" plot ceiling "$tmp/real_ceiling.json" --out "$tmp/real_ceiling" >/dev/null || fail "plot of flopwatt ceiling --json"; }

# pareto with 3 objectives: one panel per pair of objectives, the front over all three circled
# in each, and the figure says so; axes in engineering units from the metric table.
sed 's/"objectives": \[/"objectives": [{"metric": "area_mm2", "goal": "minimize"},/' \
    "$tmp/spec.json" >"$tmp/spec3.json"
FLOPWATT_SWEEP_TEST_EVAL=analytic "$fw" sweep "$tmp/spec3.json" --out "$tmp/sweep3" >/dev/null || fail "sweep3"
"$fw" plot pareto "$tmp/sweep3" --out "$tmp/pareto3" >/dev/null || fail "plot pareto, 3 objectives"
is_svg_png "$tmp/pareto3" pareto
grep -q 'multiplot layout 2,2' "$tmp/pareto3/pareto.gp" || fail "3 objectives: 3 panels and a legend"
[[ $(grep -c "^plot 'pareto_" "$tmp/pareto3/pareto.gp") -eq 3 ]] || fail "3 objectives: 3 pairwise panels"
grep -q 'front over.*all 3 objectives' "$tmp/pareto3/pareto.gp" || fail "3 objectives: the figure does not say which front"
want=$(awk -F, 'NR > 1 && $NF == 1 { print $1 }' "$tmp/sweep3/points.csv" | sort -n | tr '\n' ' ')
got=$(awk '{ print $4 }' "$tmp/pareto3/pareto_front.dat" | sort -n | tr '\n' ' ')
[[ -n "$want" && "$want" == "$got" ]] || fail "3-objective front points: plotted '$got', points.csv '$want'"
grep -q "with steps" "$tmp/pareto3/pareto.gp" && fail "a staircase drawn for a 3-objective front"
# the shipped example (real evaluator): energy in mJ (not pJ at 1e10), latency in ms, area in mm2
"$fw" sweep configs/sweeps/example.json -j2 --out "$tmp/example" >"$tmp/example.out" 2>&1 &&
    "$fw" plot pareto "$tmp/example" --x latency_ms --y energy_system_pj --out "$tmp/example_plot" >/dev/null ||
    fail "plot of the example sweep"
grep -q "set ylabel 'system energy (mJ)'" "$tmp/example_plot/pareto.gp" &&
    grep -q "set xlabel 'latency (ms)'" "$tmp/example_plot/pareto.gp" &&
    grep -q 'edge32x32 sweep on resnet50' "$tmp/example_plot/pareto.gp" ||
    fail "example pareto: labels $(grep label "$tmp/example_plot/pareto.gp")"
# its points scaled to mJ: the plotted y of point 62 (the energy optimum) is its energy_system_pj / 1e9
python3 - "$tmp/example/points.csv" "$tmp/example_plot/pareto.gp" "$tmp/example_plot/pareto_front.dat" <<'EOF' || fail "example pareto: y scale"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
gp = open(sys.argv[2]).read()
scale = float(re.search(r"using \(\$1\*[0-9.e+-]+\):\(\$2\*([0-9.e+-]+)\)", gp).group(1))
assert abs(scale - 1e-9) < 1e-21, scale
front = [l.split() for l in open(sys.argv[3])]
for x, y, p in front:
    r = next(r for r in rows if r["point"] == p)
    assert float(y) == float(r["energy_system_pj"]) and r["pareto"] == "1", (p, y)
EOF

# ... and the front table the sweep prints: objectives in words and engineering units, each
# value equal to pareto.csv's at 4 significant digits (mJ = pJ / 1e9)
python3 - "$tmp/example.out" "$tmp/example/pareto.csv" <<'EOF' || fail "sweep front table: $(grep -A2 '^Pareto' "$tmp/example.out")"
import csv, sys
lines = open(sys.argv[1]).read().splitlines()
i = next(k for k, l in enumerate(lines) if l.startswith("Pareto front of"))
head = lines[i + 1]
assert "latency (ms)" in head and "system energy (mJ)" in head and "area (mm2)" in head, head
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == 7
for line in lines[i + 2:i + 2 + len(rows)]:
    cells = line.split()
    r = next(r for r in rows if r["point"] == cells[0])
    assert cells[-2] == "%.4g" % (float(r["energy_system_pj"]) / 1e9), (cells, r["energy_system_pj"])
    assert cells[-3] == "%.4g" % float(r["latency_ms"]), cells
EOF

# layers of a deep network: more than 40 layers become one bar per stage (name up to its first
# digits: res2, res3, ...), each the sum of its layers' segments; gating savings are no segment
python3 - "$tmp/deep.json" <<'EOF'
import json, sys
layers = [{"name": "conv1", "mac_pj": 1e6, "dram_pj": 1e6, "energy_gating_saved_pj": 5e6}]
for stage, blocks in (("res2", 3), ("res3", 4), ("res4", 6), ("res5", 3)):
    for b in range(blocks):
        for part in ("a", "b", "c"):
            layers.append({"name": "%s%s_branch2%s" % (stage, chr(97 + b), part),
                           "mac_pj": 2e6, "dram_pj": 3e6, "energy_gating_saved_pj": 5e6})
layers.append({"name": "fc1000", "mac_pj": 1e6, "dram_pj": 4e6, "energy_gating_saved_pj": 5e6})
json.dump({"config": {"name": "deep"}, "workload": "net", "layers": layers}, open(sys.argv[1], "w"))
EOF
"$fw" plot layers "$tmp/deep.json" --out "$tmp/deep" >/dev/null || fail "plot layers of 50 layers"
printf '"conv1 (1)" 1 1\n"res2 (9)" 18 27\n"res3 (12)" 24 36\n"res4 (18)" 36 54\n"res5 (9)" 18 27\n"fc1000 (1)" 1 4\n' |
    cmp -s - "$tmp/deep/layers.dat" || fail "stages of a deep network: $(cat "$tmp/deep/layers.dat")"
grep -q "saved" "$tmp/deep/layers.gp" && fail "energy saved by zero gating drawn as a segment"
grep -q "set xlabel 'stage (layers in it)'" "$tmp/deep/layers.gp" || fail "deep layers: x label"

bad() { # bad EXPECTED ARGS...
    local want=$1
    shift
    "$fw" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
    local rc=$?
    [[ $rc -eq 2 ]] || fail "$* exited $rc, want 2"
    [[ $(wc -l <"$tmp/bad.err") -eq 1 ]] || fail "$*: stderr should be one line: $(cat "$tmp/bad.err")"
    grep -qF -- "$want" "$tmp/bad.err" || fail "$*: stderr lacks '$want': $(cat "$tmp/bad.err")"
}
bad "unknown kind 'pie'" plot pie x
bad "no column 'watts'" plot pareto "$tmp/sweep" --y watts --out "$tmp/bad"
bad "--until 1999: expected a year after 2016" plot trend --until 1999 --out "$tmp/bad"
bad "missing input" plot pareto
bad "no ladder entries match" plot ceiling "$tmp/ceiling.json" --precision fp8e4m3 --out "$tmp/bad"
bad "(root): expected the list of" plot ceiling "$tmp/run.json" --out "$tmp/bad"
bad "no per-layer energy keys" plot layers "$tmp/noenergy.json" --out "$tmp/bad"

if [[ $fails -ne 0 ]]; then
    echo "plot.sh: $fails failures" >&2
    exit 1
fi
echo "plot.sh: ok (trend fits equal an independent least-squares fit; pareto front plotted = points.csv front, 2 and 3 objectives; energy axis in mJ; stages of a deep network summed; 7 bad inputs)"
