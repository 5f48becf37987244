#!/usr/bin/env bash
# tests/cli/workload.sh: end-to-end tests of `flopwatt workload`: the table and its totals line,
# --json/--csv consistency, --batch, --scalesim round trip, determinism, and bad inputs (each:
# exit status 2, exactly one line on stderr, nothing on stdout). Writes only under $BUILD.
set -uo pipefail
build=${BUILD:-build}
fw=${FLOPWATT:-$build/flopwatt}
tmp="$build/tmp/cli_workload"
rm -rf "$tmp"
mkdir -p "$tmp"
if ! "$fw" --help >/dev/null 2>&1; then
    echo "workload CLI: $fw does not run" >&2
    exit 1
fi
fails=0
checks=0
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}
check() { checks=$((checks + 1)); }

# 1. The issue's acceptance line: ResNet-152 prints its table and ~11.3 G MACs.
check
out=$("$fw" workload configs/workloads/resnet152.json) || fail "resnet152 exit status $?"
grep -q "11.28 G MACs" <<<"$out" || fail "resnet152 totals line lacks '11.28 G MACs'"
grep -q "^res5c_branch2c " <<<"$out" || fail "resnet152 table lacks res5c_branch2c"

# 2. Every zoo file and both SCALE-Sim files load; the output is byte-identical run to run.
for f in configs/workloads/*.json configs/workloads/scalesim/*.csv; do
    check
    "$fw" workload "$f" >"$tmp/a.txt" 2>"$tmp/err" || fail "$f: exit $? ($(cat "$tmp/err"))"
    "$fw" workload "$f" >"$tmp/b.txt" 2>/dev/null
    cmp -s "$tmp/a.txt" "$tmp/b.txt" || fail "$f: two runs differ"
done

# 3. --json is valid JSON whose totals are the sums of its layers, FLOPs = 2 x MACs, and the
#    MACs agree with --csv; --batch 2 doubles MACs but not weights. Published figure
#    (networks.md): ResNet-50 v1 3.86 G within 0.5%.
check
"$fw" workload configs/workloads/resnet50.json --json >"$tmp/r50.json" || fail "--json exit"
"$fw" workload configs/workloads/resnet50.json --csv >"$tmp/r50.csv" || fail "--csv exit"
"$fw" workload configs/workloads/resnet50.json --json --batch 2 >"$tmp/r50b2.json" ||
    fail "--batch 2 exit"
python3 - "$tmp/r50.json" "$tmp/r50.csv" "$tmp/r50b2.json" <<'PY' || fail "json/csv checks"
import csv, json, sys
j = json.load(open(sys.argv[1]))
t = j["total"]
assert t["macs"] == sum(l["macs"] for l in j["layers"]), "total macs != sum"
assert t["weights"] == sum(l["weights"] for l in j["layers"]), "total weights != sum"
assert t["flops"] == 2 * t["macs"], "flops != 2 macs"
assert t["layers"] == len(j["layers"])
assert abs(t["macs"] - 3.86e9) / 3.86e9 < 0.005, t["macs"]
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == len(j["layers"])
assert sum(int(r["macs"]) for r in rows) == t["macs"], "csv macs != json macs"
assert all(r["layer"] == l["name"] for r, l in zip(rows, j["layers"]))
for l in j["layers"]:
    g = l["gemm_m"] * l["gemm_n"] * l["gemm_k"] * l["groups"]
    assert g == l["macs"], l["name"]
b2 = json.load(open(sys.argv[3]))
assert b2["batch"] == 2 and b2["total"]["macs"] == 2 * t["macs"]
assert b2["total"]["weights"] == t["weights"]
PY

# 4. --scalesim export, then import of the export: same MAC total (AlexNet with groups).
check
"$fw" workload configs/workloads/alexnet.json --scalesim >"$tmp/alexnet.csv" || fail "--scalesim"
a=$("$fw" workload configs/workloads/alexnet.json --json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["total"]["macs"])')
b=$("$fw" workload "$tmp/alexnet.csv" --json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["total"]["macs"])')
[[ -n "$a" && "$a" == "$b" ]] || fail "alexnet MACs $a after CSV round trip $b"

# 5. Bad inputs: status 2, one line on stderr naming the file, nothing on stdout.
bad() { # NAME CONTENT EXPECTED-SUBSTRING
    check
    printf '%s' "$2" >"$tmp/$1"
    "$fw" workload "$tmp/$1" >"$tmp/out" 2>"$tmp/err"
    local st=$?
    [[ $st -eq 2 ]] || fail "$1: exit status $st, expected 2"
    [[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "$1: stderr is not one line: $(cat "$tmp/err")"
    [[ ! -s "$tmp/out" ]] || fail "$1: wrote to stdout"
    grep -qF "flopwatt workload: $tmp/$1" "$tmp/err" || fail "$1: message lacks the file"
    grep -qF -- "$3" "$tmp/err" || fail "$1: expected '$3' in: $(cat "$tmp/err")"
}
L='{"name": "w", "layers": [{"name": "c1", "type": "conv", "in_h": 8, "in_w": 8, "in_c": 4, "filters": 4'
bad syntax.json '{"name": "w", "layers": [' ':1:26: JSON syntax error'
bad nolayers.json '{"name": "w"}' 'layers: missing required key'
bad unknown.json "$L"', "kernel": 3, "strides": 2}]}' "layers[0].strides: unknown key (did you mean 'stride_h'?) (layer 'c1')"
bad type.json "$L"', "kernel": "3"}]}' "layers[0].kernel: expected an integer, found a string"
bad stride0.json "$L"', "kernel": 3, "stride": 0}]}' "layers[0].stride: 0 is out of range"
bad groups.json "$L"', "kernel": 3, "groups": 3}]}' "layers[0].groups: 3 does not divide in_c (4)"
bad output.json "$L"', "kernel": 9}]}' "layers[0].in_h: 8 plus padding 0 + 0 is smaller"
bad kind.json '{"name": "w", "layers": [{"name": "x", "type": "lstm"}]}' "'lstm' is not one of"
bad both.json "$L"', "kernel": 3, "filt_s": 3}]}' "give either kernel or filt_r and filt_s"
bad pad.json "$L"', "kernel": 3, "pad": "full"}]}' "'full' is not one of: same, valid"
bad dup.json '{"name": "w", "layers": [{"name": "a", "type": "fc", "in_features": 1, "out_features": 1}, {"name": "a", "type": "fc", "in_features": 1, "out_features": 1}]}' "duplicate layer name 'a'"
H='Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,'
bad header.csv $'Name, H,\n' ':1: not a SCALE-Sim topology header'
bad missing.csv "$H"$'\nc1, 8, 8, 3, 3, 4, 4,\n' ":2: column 'Strides': missing value"
bad number.csv "$H"$'\nc1, 8, 8, 3, 3, x4, 4, 1,\n' ":2: column 'Channels': 'x4' is not an integer"
bad filter.csv "$H"$'\nc1, 5, 5, 7, 3, 4, 4, 1,\n' ":2: column 'Filter Height': 7 is larger than IFMAP Height (5)"
bad empty.csv '' ':1: empty file: no SCALE-Sim header'
bad gemm.csv $'Layer, M, N, K,\ng, 1, 0, 1,\n' ":2: column 'N': '0' is not an integer"

# 6. Usage errors and I/O errors.
usage() { # EXPECTED-STATUS ARGS...
    check
    local want=$1
    shift
    "$fw" workload "$@" >/dev/null 2>"$tmp/err"
    local st=$?
    [[ $st -eq $want ]] || fail "workload $*: exit status $st, expected $want"
    [[ $(wc -l <"$tmp/err") -ge 1 ]] || fail "workload $*: no message"
}
usage 2
usage 2 configs/workloads/tiny.json --bogus
usage 2 configs/workloads/tiny.json --batch 0
usage 2 configs/workloads/tiny.json --batch
usage 2 configs/workloads/tiny.json --json --csv
usage 2 configs/workloads/tiny.json --scalesim
usage 3 "$tmp/no-such-file.json"

echo "workload CLI: $checks checks, $fails failed"
[[ $fails -eq 0 ]]
