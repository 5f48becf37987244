#!/usr/bin/env bash
# tests/cli/chips.sh: the chip database (configs/chips), `flopwatt calibrate` and calibration
# overlays (--tech FILE). Checks: every chip file's published figures carry a citation and
# where it is stated, and a silicon/post-layout flag (read from the files with jq, not through the
# loader); every chip runs; malformed chip files give one line naming the file and JSON path,
# exit 2; calibrate refuses fewer chips than classes; its leave-one-out error for a chip equals
# validating that chip with an overlay fitted on the others (brute-force refit through the CLI);
# an overlay doubling the arithmetic doubles the ceiling's and a sweep's MAC energy. Writes only under $BUILD.
set -euo pipefail
fw=${FLOPWATT:-build/flopwatt}
build=${BUILD:-build}
tmp="$build/tmp/cli_chips"
rm -rf "$tmp"
mkdir -p "$tmp"
fail() { echo "chips.sh: FAIL: $*" >&2; exit 1; }

# every figure cites a key of its file's citations and says where; measurement is a flag
n=0
for f in configs/chips/*.json; do
    jq -e '(.measurement == "silicon" or .measurement == "post-layout")
           and (.published | length) > 0
           and (.citations as $c | all(.published[]; (.source | in($c)) and (.where | length) > 0))
           and all(.citations[]; (.authors | length) > 0 and (.venue | length) > 0 and .year > 1950)' \
        "$f" >/dev/null || fail "$f: a figure without a citation, or no measurement flag"
    n=$((n + 1))
done
[[ $n -ge 10 ]] || fail "only $n chip files"
# every chip loads and runs (validate exits 0 and lists each of them)
"$fw" validate --json >"$tmp/val.json" || fail "validate exit $?"
[[ $(jq '.chips | length' "$tmp/val.json") -eq $n ]] || fail "validate does not list every chip"

# malformed chip files: one line naming the file and the JSON path, exit 2
bad() { # NAME JQ-FILTER EXPECTED-MESSAGE [EXIT, default 2]
    mkdir -p "$tmp/$1"
    jq "$2" configs/chips/diannao.json >"$tmp/$1/x.json"
    set +e
    "$fw" validate --chips "$tmp/$1" >/dev/null 2>"$tmp/$1/err"
    local rc=$?
    set -e
    [[ $rc -eq ${4:-2} ]] || fail "$1: exit $rc"
    [[ $(wc -l <"$tmp/$1/err") -eq 1 ]] || fail "$1: not one line: $(cat "$tmp/$1/err")"
    grep -qF "$3" "$tmp/$1/err" || fail "$1: '$(cat "$tmp/$1/err")' lacks '$3'"
}
bad source '.published.power_w.source = "nope"' \
    "$tmp/source/x.json: published.power_w.source: 'nope' is not a key of citations"
bad flag '.measurement = "simulated"' "$tmp/flag/x.json: measurement"
bad value '.published.power_w.value = -1' "$tmp/value/x.json: published.power_w.value"
bad where 'del(.published.area_mm2.where)' "$tmp/where/x.json: published.area_mm2.where"
bad unknown '.published.watts = {}' "$tmp/unknown/x.json: published.watts"
bad noeff 'del(.published.power_w)' "$tmp/noeff/x.json: published: no efficiency"
bad config '.config = "nowhere.json"' "$tmp/config/x.json: nowhere.json" 3 # unreadable: I/O
mkdir -p "$tmp/syntax" && printf '{"name": "x",\n "measurement": }\n' >"$tmp/syntax/x.json"
set +e
"$fw" validate --chips "$tmp/syntax" >/dev/null 2>"$tmp/syntax/err"; rc=$?
set -e
[[ $rc -eq 2 ]] && grep -q "$tmp/syntax/x.json:2:" "$tmp/syntax/err" || fail "syntax: $rc $(cat "$tmp/syntax/err")"

# calibrate refuses fewer chips than classes (5)
set +e
"$fw" calibrate --chip DianNao --chip "TPU v1" --chip UNPU --chip Origami >/dev/null 2>"$tmp/err"
rc=$?
set -e
[[ $rc -eq 2 ]] && grep -qF "4 chips cannot determine 5 class factors" "$tmp/err" ||
    fail "calibrate with 4 chips: exit $rc $(cat "$tmp/err")"

# leave-one-out = a brute-force refit without the chip, then validate with that overlay
"$fw" calibrate --json --out "$tmp/all.json" >"$tmp/cal.json" || fail "calibrate exit $?"
jq -e '.chips | length >= 10' "$tmp/cal.json" >/dev/null || fail "calibrate JSON"
jq -e '.fitted_on | length >= 10' "$tmp/all.json" >/dev/null || fail "overlay lacks fitted_on"
for held in "TPU v1" "Eyeriss AlexNet"; do
    others=()
    while IFS= read -r c; do others+=(--chip "$c"); done \
        < <(jq -r --arg h "$held" '.chips[].chip | select(. != $h)' "$tmp/cal.json")
    "$fw" calibrate "${others[@]}" --out "$tmp/loo.json" >/dev/null || fail "refit without $held"
    jq -e --arg h "$held" '.fitted_on | index($h) == null' "$tmp/loo.json" >/dev/null ||
        fail "overlay fitted without $held lists it"
    got=$("$fw" validate --tech "$tmp/loo.json" --chip "$held" --json |
        jq '.chips[0].efficiency_error_percent')
    want=$(jq --arg h "$held" '.chips[] | select(.chip == $h) | .leave_one_out_error_percent' \
        "$tmp/cal.json")
    python3 -c "import sys; g, w = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(g - w) > 1e-3 * max(1, abs(w)))" \
        "$got" "$want" || fail "$held: leave-one-out $want% vs refit $got%"
done
# the uncalibrated column is validate's error without an overlay
jq -s -e '(.[0].chips | map({(.chip): .uncalibrated_error_percent}) | add) as $u
          | all(.[1].chips[]; (($u[.chip] - .efficiency_error_percent) | fabs) < 1e-3)' \
    "$tmp/cal.json" "$tmp/val.json" >/dev/null || fail "uncalibrated errors differ from validate"

# an overlay is applied where named, and only there
printf '{"fitted_on": ["hand"], "scale": {"arithmetic": 2}}\n' >"$tmp/x2.json"
a=$("$fw" ceiling --node 65 --precision int8 --json | jq '.[0].mac_energy_pj')
b=$("$fw" ceiling --node 65 --precision int8 --json --tech "$tmp/x2.json" | jq '.[0].mac_energy_pj')
python3 -c "import sys; a, b = map(float, sys.argv[1:]); sys.exit(abs(b / a - 2) > 2e-5)" "$a" "$b" ||
    fail "ceiling --tech: $a -> $b, not x2"
"$fw" run configs/test8x8.json configs/workloads/tiny.json --json >"$tmp/r1.json"
printf '{"fitted_on": [], "scale": {"arithmetic": 3, "registers": 3, "sram": 3, "wires": 3}}\n' \
    >"$tmp/x3.json"
"$fw" run configs/test8x8.json configs/workloads/tiny.json --json --tech "$tmp/x3.json" >"$tmp/r3.json"
[[ -s $tmp/r3.json ]] || fail "run --tech printed nothing"
cmp -s "$tmp/r1.json" "$tmp/r3.json" && fail "run --tech changed nothing"
"$fw" run configs/test8x8.json configs/workloads/tiny.json --json >"$tmp/r1b.json"
cmp -s "$tmp/r1.json" "$tmp/r1b.json" || fail "run without --tech is not the generic model"
# sweep --tech: the MAC energy of every point doubles, SRAM and DRAM stay; a resume with other
# factors is refused (the evaluator's name carries them)
cat >"$tmp/spec.json" <<SPEC
{"base": "$PWD/configs/test8x8.json", "workloads": ["$PWD/configs/workloads/tiny.json"],
 "axes": [{"paths": ["array.rows", "array.cols"], "values": [4, 8]}],
 "objectives": [{"metric": "energy_chip_pj", "goal": "minimize"}]}
SPEC
"$fw" sweep "$tmp/spec.json" --out "$tmp/sw1" >/dev/null || fail "sweep"
"$fw" sweep "$tmp/spec.json" --out "$tmp/sw2" --tech "$tmp/x2.json" >/dev/null || fail "sweep --tech"
python3 - "$tmp/sw1/points.csv" "$tmp/sw2/points.csv" <<'PY' || fail "sweep --tech: MAC energy not x2"
import csv, sys
a, b = (list(csv.DictReader(open(f))) for f in sys.argv[1:])
assert len(a) == len(b) == 2
for x, y in zip(a, b):
    assert abs(float(y["energy_mac_pj"]) / float(x["energy_mac_pj"]) - 2) < 1e-9
    assert y["energy_sram_pj"] == x["energy_sram_pj"] and y["energy_dram_pj"] == x["energy_dram_pj"]
PY
set +e
"$fw" sweep "$tmp/spec.json" --out "$tmp/sw1" --resume --tech "$tmp/x2.json" >/dev/null 2>&1; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "sweep --resume with an overlay over a sweep without: exit $rc"
printf '{"fitted_on": [], "scale": {"arithmetic": 0}}\n' >"$tmp/x0.json"
set +e
"$fw" validate --tech "$tmp/x0.json" >/dev/null 2>"$tmp/err"; rc=$?
set -e
[[ $rc -eq 2 ]] && grep -qF "$tmp/x0.json: scale.arithmetic" "$tmp/err" || fail "bad overlay: $rc"
echo "chips.sh: ok"
