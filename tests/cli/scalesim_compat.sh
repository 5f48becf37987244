#!/usr/bin/env bash
# tests/cli/scalesim_compat.sh: `flopwatt run --compat scalesim` prints SCALE-Sim v2's per-layer
# compute cycles as its COMPUTE_REPORT does, on every shipped config (configs/*.json, whatever
# their array.max_stream, schedule or MAC pipeline) x ws/os/is x SCALE-Sim's own AlexNet and
# ResNet-50 topologies. The oracle is written here from SCALE-Sim v2's compute model
# (sim/README.md, "SCALE-Sim v2 compute cycles, derived"): per layer, with R x C the array,
# output E = ceil((H - F + S) / S); ws: Sr = Fh*Fw*Ch, Sc = N, T = Eh*Ew; is: Sr = Fh*Fw*Ch,
# Sc = Eh*Ew, T = N; os: Sr = Eh*Ew, Sc = N, T = Fh*Fw*Ch; fold length L = 2R + C + T - 2 (ws, is)
# or T + R + C - 2 (os); its demand matrix has ceil(Sr/R) * ceil(Sc/C) * L rows, and its report
# prints the index of the last one, one less. Also: --compat with the tree dataflow is an error.
# Writes only under $BUILD.
set -uo pipefail
build=${BUILD:-build}
fw=${FLOPWATT:-$build/flopwatt}
tmp="$build/tmp/cli_scalesim_compat"
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0
checks=0
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}
for cfg in configs/*.json; do
    for df in ws os is; do
        for topo in configs/workloads/scalesim/alexnet.csv configs/workloads/scalesim/resnet50.csv; do
            checks=$((checks + 1))
            out="$tmp/$(basename "$cfg" .json)_${df}_$(basename "$topo" .csv).csv"
            if ! "$fw" run "$cfg" "$topo" --compat scalesim --set "array.dataflow=$df" --csv \
                >"$out" 2>"$tmp/err.txt"; then
                fail "$cfg $df $topo: exit status $?: $(head -1 "$tmp/err.txt")"
                continue
            fi
            python3 - "$cfg" "$df" "$topo" "$out" <<'PY' || fail "$cfg $df $topo"
import csv, json, math, sys
cfg, df, topo, out = sys.argv[1:]
a = json.load(open(cfg))['array']
R, C = a['rows'], a['cols']
expect = {}
for no, line in enumerate(open(topo).read().splitlines()):
    if no == 0 or not line.strip():
        continue
    e = line.split(',')[:-1]
    name = e[0].strip()
    H, W, Fh, Fw, Ch, N, S = (int(x) for x in e[1:8])
    Eh, Ew = math.ceil((H - Fh + S) / S), math.ceil((W - Fw + S) / S)
    Sr, Sc, T = {'ws': (Fh * Fw * Ch, N, Eh * Ew), 'is': (Fh * Fw * Ch, Eh * Ew, N),
                 'os': (Eh * Ew, N, Fh * Fw * Ch)}[df]
    L = T + R + C - 2 + (0 if df == 'os' else R)
    expect[name] = math.ceil(Sr / R) * math.ceil(Sc / C) * L - 1
rows = [r for r in csv.DictReader(l for l in open(out) if not l.startswith('#'))
        if r['layer'] != 'total']
got = {r['layer']: int(r['cycles']) for r in rows}
bad = [f'{k}: flopwatt {got.get(k)}, SCALE-Sim {v}' for k, v in expect.items() if got.get(k) != v]
if bad or len(got) != len(expect):
    print(f'{cfg} {df} {topo}: {len(bad)} layers differ: ' + '; '.join(bad[:3]), file=sys.stderr)
    sys.exit(1)
PY
        done
    done
done
# the README tour's command: SCALE-Sim's ResNet-50 on edge32x32 (ws): the sum of its report
checks=$((checks + 1))
t=$("$fw" run configs/edge32x32.json configs/workloads/scalesim/resnet50.csv --compat scalesim --csv |
    awk -F, '$1 == "total" {print $2}')
[ "$t" = 5753486 ] || fail "tour: total $t cycles, expected 5753486"
checks=$((checks + 1))
"$fw" run configs/edge32x32.json configs/workloads/scalesim/alexnet.csv --compat scalesim \
    --set array.dataflow=tree >/dev/null 2>"$tmp/err.txt"
st=$?
[ $st = 2 ] && grep -q "dataflow tree is not one of SCALE-Sim's" "$tmp/err.txt" ||
    fail "--compat scalesim with tree: status $st: $(cat "$tmp/err.txt")"
echo "scalesim compat: $checks checks, $fails failed"
[ $fails = 0 ]
