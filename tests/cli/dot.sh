#!/usr/bin/env bash
# tests/cli/dot.sh: `flopwatt workload --dot` writes a Graphviz graph that `dot -Tsvg` accepts
# (exit 0, an <svg> document) with one node per layer and one edge per consecutive pair, for a
# CNN, a transformer and a SCALE-Sim CSV; layer names with quotes and backslashes are escaped.
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
    layers=$("$fw" workload "$w" --json 2>/dev/null | python3 -c \
        'import json,sys; print(len(json.load(sys.stdin)["layers"]))')
    nodes=$(grep -c 'class="node"' "$tmp/$b.svg")
    edges=$(grep -c 'class="edge"' "$tmp/$b.svg")
    [ "$nodes" = "$layers" ] || fail "$w: $nodes nodes for $layers layers"
    [ "$edges" = $((layers - 1)) ] || fail "$w: $edges edges for $layers layers"
done
grep -q 'a\\"b\\\\c' "$tmp/odd.json.dot" || fail "quote and backslash not escaped in the name"
echo "dot: $checks checks, $fails failed"
[ $fails = 0 ]
