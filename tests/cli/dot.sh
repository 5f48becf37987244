#!/usr/bin/env bash
# tests/cli/dot.sh: `flopwatt workload --dot` writes a Graphviz graph that `dot -Tsvg` accepts
# (exit 0, an <svg> document) with one node per layer plus the network's input and one edge per
# tensor read (each layer's "inputs" in the workload file, 1 for the default), for a CNN with
# branches, a transformer and a SCALE-Sim CSV; a residual add has its two producers; layer
# names with quotes and backslashes are escaped.
# Writes only under $BUILD.
set -uo pipefail
build=${BUILD:-build}
fw=${FLOPWATT:-$build/flopwatt}
tmp="$build/tmp/cli_dot"
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0
checks=0
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}
cat >"$tmp/odd.json" <<'JSON'
{"name": "odd \"net\"", "layers": [
  {"name": "a\"b\\c", "type": "fc", "in_features": 4, "out_features": 2},
  {"name": "relu", "type": "eltwise", "in_h": 1, "in_w": 1, "in_c": 2}]}
JSON
for w in configs/workloads/resnet50.json configs/workloads/bert_base_128.json \
    configs/workloads/scalesim/alexnet.csv "$tmp/odd.json"; do
    checks=$((checks + 1))
    b=$(basename "$w")
    if ! "$fw" workload "$w" --dot >"$tmp/$b.dot" 2>"$tmp/err.txt"; then
        fail "$w: exit $?: $(head -1 "$tmp/err.txt")"
        continue
    fi
    if ! dot -Tsvg "$tmp/$b.dot" >"$tmp/$b.svg" 2>"$tmp/dot_err.txt"; then
        fail "$w: dot -Tsvg failed: $(head -2 "$tmp/dot_err.txt")"
        continue
    fi
    grep -q "<svg" "$tmp/$b.svg" || fail "$w: no <svg> in dot's output"
    # the tensors read, from the workload file itself (JSON "inputs", default 1)
    read -r layers reads < <(python3 - "$w" <<'PY'
import json, sys
p = sys.argv[1]
if p.endswith('.json'):
    ls = json.load(open(p))['layers']
    print(len(ls), sum(len(l.get('inputs', [0])) for l in ls))
else:
    n = sum(1 for i, l in enumerate(open(p)) if i and l.strip())
    print(n, n)
PY
)
    nodes=$(grep -c 'class="node"' "$tmp/$b.svg")
    edges=$(grep -c 'class="edge"' "$tmp/$b.svg")
    [ "$nodes" = $((layers + 1)) ] || fail "$w: $nodes nodes for $layers layers and the input"
    [ "$edges" = "$reads" ] || fail "$w: $edges edges for $reads tensors read"
done
grep -q 'a\\"b\\\\c' "$tmp/odd.json.dot" || fail "quote and backslash not escaped in the name"
# ResNet-50's first residual add reads the projection shortcut and the block's last conv
grep -q '^  n[0-9]* -> n[0-9]*;$' "$tmp/resnet50.json.dot" || fail "no layer edges in resnet50"
add=$(grep -n '"res2a_add\\n' "$tmp/resnet50.json.dot" | sed 's/^[0-9]*:  n\([0-9]*\) .*/\1/')
[ "$(grep -c -- "-> n$add;" "$tmp/resnet50.json.dot")" = 2 ] || fail "res2a_add: not two producers"
echo "dot: $checks checks, $fails failed"
[ $fails = 0 ]
