#!/usr/bin/env bash
# tests/cli/onnx.sh: end-to-end tests of the ONNX import (sim/workload/wl_onnx.c) on the models
# tools/gen_onnx.py writes under $BUILD/onnx (made by `make test`, or here when missing):
#   1. the generated ResNet-50, MobileNet v2, BERT-base (128 and 512), GPT-2 small, ViT-B/16
#      and Llama-2-7B prefill and decode equal the JSON zoo in every layer's shape and MACs (every JSON layer appears, in order,
#      with identical fields; the other ONNX layers are MAC-free: batch-norm, activations,
#      Flatten, biases, head reshapes);
#   2. BERT-base: the MACs of a hand derivation (below), fixed and symbolic shapes (--dim);
#   3. `flopwatt run configs/tpu_v1_like.json` on the ResNet-50 and BERT-base models;
#   4. one hand-worked case per operator attribute (pads, strides, dilations, group, auto_pad
#      SAME_UPPER/SAME_LOWER/VALID, 1-D conv, transA/transB, alpha/beta, batched MatMul
#      broadcasting, ceil_mode, Reshape/Transpose/Concat shapes, unsupported op with value_info);
#   5. malformed models: exit 2, exactly one line naming the specific defect, nothing on stdout.
# Writes only under $BUILD.
set -uo pipefail
build=${BUILD:-build}
fw=${FLOPWATT:-$build/flopwatt}
py=${ONNX_PYTHON:-/usr/bin/python3}
models="$build/onnx"
tmp="$build/tmp/cli_onnx"
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0
checks=0
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}
check() { checks=$((checks + 1)); }
if [[ ! -f "$models/.generated" ]]; then
    "$py" tools/gen_onnx.py "$models" && touch "$models/.generated" ||
        { echo "onnx: tools/gen_onnx.py failed" >&2; exit 1; }
fi

# 1. Zoo equality: every layer of the JSON file, in order, with the same fields, in the ONNX
#    import; the extra ONNX layers carry no MACs. (JSON file, ONNX file, --dim options)
zoo_pairs=(
    "resnet50 resnet50"
    "mobilenet_v2 mobilenet_v2"
    "bert_base_128 bert_base"
    "bert_base_512 bert_base_dyn --dim batch=1 --dim seq=512"
    "gpt2_small gpt2_small"
    "vit_b16 vit_b16"
    "llama2_7b_prefill_2048 llama2_7b_prefill_2048"
    "llama2_7b_decode_2048 llama2_7b_decode_2048"
)
for pair in "${zoo_pairs[@]}"; do
    read -r net onnx dims <<<"$pair"
    if [[ ! -f "configs/workloads/$net.json" ]]; then
        echo "note: configs/workloads/$net.json not in the zoo yet: $onnx.onnx not compared"
        continue
    fi
    check
    "$fw" workload --json "configs/workloads/$net.json" >"$tmp/$net.json.out" ||
        fail "$net.json: exit $?"
    # shellcheck disable=SC2086
    "$fw" workload --json "$models/$onnx.onnx" $dims >"$tmp/$net.onnx.out" 2>"$tmp/err" ||
        fail "$onnx.onnx: exit $? ($(cat "$tmp/err"))"
    python3 - "$tmp/$net.json.out" "$tmp/$net.onnx.out" >"$tmp/cmp" 2>&1 <<'EOF' ||
import json, sys
# the graph's edges are compared by the unit test, not here: ONNX layers read the MAC-free
# layers in between (biases, activations) where the JSON names the next MAC layer
ref = [{k: v for k, v in l.items() if k != "inputs"} for l in json.load(open(sys.argv[1]))["layers"]]
got = [{k: v for k, v in l.items() if k != "inputs"} for l in json.load(open(sys.argv[2]))["layers"]]
names = {l["name"] for l in ref}
matched = [l for l in got if l["name"] in names]
extra = [l for l in got if l["name"] not in names]
assert len(matched) == len(ref), "%d of %d JSON layers found" % (len(matched), len(ref))
for a, b in zip(ref, matched):
    assert a == b, "layer %s differs:\n json %s\n onnx %s" % (a["name"], a, b)
bad = [l["name"] for l in extra if l["macs"] != 0 or l["type"] not in ("eltwise", "pool")]
assert not bad, "extra ONNX layers with MACs: %s" % bad
print(len(ref), len(extra))
EOF
        fail "$net: ONNX import differs from the JSON zoo: $(cat "$tmp/cmp")"
done

# 2. BERT-base MACs by hand: per encoder layer and image, with sequence S, hidden 768, 12 heads
#    of 64, FFN 3072: Q, K, V and output projections 4 x S x 768 x 768, attention scores and
#    context 2 x 12 x S x S x 64, FFN 2 x S x 768 x 3072; 12 layers; the pooler 768 x 768 on
#    the first token.
bert_macs() { echo $(($1 * (12 * (4 * $2 * 768 * 768 + 2 * 12 * $2 * $2 * 64 + 2 * $2 * 768 * 3072) + 768 * 768))); }
total_macs() { "$fw" workload --json "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["macs"])'; }
check
got=$(total_macs "$models/bert_base.onnx")
[[ "$got" == "$(bert_macs 1 128)" ]] || fail "bert_base: $got MACs, hand derivation $(bert_macs 1 128)"
# weights: 12 x (4 x 768 x 768 + 2 x 768 x 3072) + the pooler's 768 x 768 (biases and layer-norm
# scales are not counted; the attention products read activations, no weights)
check
got=$("$fw" workload --json "$models/bert_base.onnx" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["weights"])')
[[ "$got" == "$((12 * (4 * 768 * 768 + 2 * 768 * 3072) + 768 * 768))" ]] || fail "bert_base: $got weights"
check
got=$(total_macs "$models/bert_base_dyn.onnx" --dim batch=8 --dim seq=512)
[[ "$got" == "$(bert_macs 8 512)" ]] ||
    fail "bert_base_dyn batch 8 seq 512: $got MACs, hand derivation $(bert_macs 8 512)"
check
got=$(total_macs "$models/bert_base_dyn.onnx" --dim seq=128 --batch 2)
[[ "$got" == "$(bert_macs 2 128)" ]] || fail "bert_base_dyn --batch 2: $got MACs"
check
"$fw" workload "$models/bert_base_dyn.onnx" --dim seq=128 >/dev/null 2>"$tmp/err"
[[ $? -eq 2 ]] && grep -q "dimension 0 is symbolic ('batch'): give --dim batch=N" "$tmp/err" ||
    fail "bert_base_dyn without --dim batch: $(cat "$tmp/err")"
check
got=$(total_macs "$models/resnet50.onnx" --batch 4)
[[ "$got" == "$((4 * 3857973248))" ]] || fail "resnet50.onnx --batch 4: $got MACs"

# The graph's edges through `workload --dot`: ResNet-50 has 175 layers (54 with MACs, 121
# batch-norm, ReLU, pooling, Flatten and addition layers), each reading one tensor, the 16
# residual additions two: 175 + 16 = 191 edges.
check
edges=$("$fw" workload --dot "$models/resnet50.onnx" | grep -c -- '->')
[[ "$edges" == 191 ]] || fail "resnet50.onnx --dot: $edges edges, expected 191"

# 3. run on the TPU-like config: ResNet-50 from ONNX gives the JSON zoo's report (MAC-free
#    layers are not simulated); BERT-base runs and reports its MACs.
check
"$fw" run configs/tpu_v1_like.json "$models/resnet50.onnx" >"$tmp/run_onnx.txt" 2>"$tmp/err" ||
    fail "run resnet50.onnx: exit $? ($(cat "$tmp/err"))"
"$fw" run configs/tpu_v1_like.json configs/workloads/resnet50.json >"$tmp/run_json.txt"
grep "^total:" "$tmp/run_json.txt" >"$tmp/a"
grep "^total:" "$tmp/run_onnx.txt" >"$tmp/b"
[[ -s "$tmp/a" ]] && cmp -s "$tmp/a" "$tmp/b" ||
    fail "run resnet50: ONNX '$(cat "$tmp/b")' vs JSON '$(cat "$tmp/a")'"
check
"$fw" run configs/tpu_v1_like.json "$models/bert_base.onnx" >"$tmp/run_bert.txt" 2>"$tmp/err" ||
    fail "run bert_base.onnx: exit $? ($(cat "$tmp/err"))"
# the text summary writes counts with thousands separators
bert_sep=$(printf '%s' "$(bert_macs 1 128)" | sed -E ':a; s/([0-9])([0-9]{3})($|,)/\1,\2\3/; ta')
grep -q "^total: .* $bert_sep MACs" "$tmp/run_bert.txt" ||
    fail "run bert_base.onnx: no total line with $bert_sep MACs"
check
"$fw" run configs/tpu_v1_like.json "$models/bert_base_dyn.onnx" --dim batch=2 --dim seq=64 \
    >/dev/null 2>"$tmp/err" || fail "run bert_base_dyn --dim: exit $? ($(cat "$tmp/err"))"

# 4. Hand-worked cases. Fields: type, in_h, in_w, in_c, filt_r, filt_s, filters, stride_h,
#    stride_w, pad_top, pad_bottom, pad_left, pad_right, dil_h, dil_w, groups, batch, out_h,
#    out_w, gemm_m, gemm_n, gemm_k, macs (a CSV row of `workload --csv` without the name and
#    the last three counts).
case_is() {
    local name=$1 want=$2
    check
    local row
    row=$("$fw" workload --csv "$models/cases/$name.onnx" 2>"$tmp/err" | sed -n 2p |
        cut -d, -f2-24)
    [[ "$row" == "$want" ]] || fail "case $name: got '$row', hand-worked '$want' ($(cat "$tmp/err"))"
}
# out_h = (10 + 1 + 0 - 1*(3-1) - 1) / 2 + 1 = 5; out_w = (12 + 2 + 1 - 2*(5-1) - 1) / 3 + 1 = 3;
# MACs = 5*3 pixels x 8 filters x 3*5*3 = 5400
case_is conv_pads "conv,10,12,3,3,5,8,2,3,1,0,2,1,1,2,1,1,5,3,15,8,45,5400"
# group 4: K = 3*3*8/4 = 18, N = 12/4 = 3, M = 6*6*2 images = 72; MACs = 72*3*18*4 = 15552
case_is conv_group "conv,6,6,8,3,3,12,1,1,1,1,1,1,1,1,4,2,6,6,72,3,18,15552"
# SAME: out = ceil(8/2) = 4, total pad = (4-1)*2 + 3 - 8 = 1: UPPER puts it after, LOWER before
case_is conv_same_upper "dwconv,8,8,4,3,3,4,2,2,0,1,0,1,1,1,4,1,4,4,16,1,9,576"
case_is conv_same_lower "dwconv,8,8,4,3,3,4,2,2,1,0,1,0,1,1,4,1,4,4,16,1,9,576"
# VALID: out = (9 - 4) / 2 + 1 = 3; MACs = 9 x 3 x 32
case_is conv_valid "conv,9,9,2,4,4,3,2,2,0,0,0,0,1,1,1,1,3,3,9,3,32,864"
# 1-D: L = 20, k 5, stride 2, pads 0/1: out = (21 - 5) / 2 + 1 = 9; MACs = 9 x 6 x 20
case_is conv1d "conv,1,20,4,1,5,6,1,2,0,0,0,1,1,1,1,1,1,9,9,6,20,1080"
# transA: A stored 6x4 -> M 4, K 6; transB: B stored 5x6 -> N 5; MACs 4*5*6
case_is gemm_trans "gemm,4,6,1,1,6,5,1,1,0,0,0,0,1,1,1,1,4,1,4,5,6,120"
# alpha/beta/C add no MACs; rows = the model batch 3 -> fc 7 -> 2 for 3 images: 42
case_is gemm_bias "fc,1,1,7,1,1,2,1,1,0,0,0,0,1,1,1,3,1,1,3,2,7,42"
# [2,1,4,6] x [3,6,5], two activations: batch dims broadcast to [2,3] = 2 images (the model
# batch) x 3 heads of 4x6 by 6x5: a matmul with G = 6 groups (wl.h): in_c = G*K = 36,
# filters = G*N = 30, batch folded (1); 720 MACs
case_is matmul_bcast "matmul,4,1,36,1,1,30,1,1,0,0,0,0,1,1,6,1,4,1,4,5,6,720"
# [2,3,4] x weights [4,5]: M 3 per image, 2 images: 120
case_is matmul_weights "gemm,3,4,1,1,4,5,1,1,0,0,0,0,1,1,1,2,3,1,6,5,4,120"
# [6] x [6,5]: a vector (M 1): 30
case_is matmul_vec "gemm,1,6,1,1,6,5,1,1,0,0,0,0,1,1,1,1,1,1,1,5,6,30"
# ceil_mode: ceil((6 - 3) / 2) + 1 = 3 outputs, written as one extra padding row/column
case_is maxpool_ceil "pool,6,6,3,3,3,3,2,2,0,1,0,1,1,1,1,1,3,3,0,0,0,0"
# SAME_LOWER pooling: out = ceil(5/2) = 3, total pad = 2*2 + 2 - 5 = 1, before
case_is avgpool_same "pool,5,5,2,2,2,2,2,2,1,0,1,0,1,1,1,1,3,3,0,0,0,0"
# Reshape [2,3,4] by [0,-1] -> [2,12]; Transpose [2,3,4] perm [0,2,1] -> [2,4,3];
# Concat [1,3,4,4] + [1,5,4,4] on axis 1 -> [1,8,4,4]
case_is reshape "eltwise,1,1,12,1,1,12,1,1,0,0,0,0,1,1,1,2,1,1,0,0,0,0"
case_is transpose "eltwise,4,1,3,1,1,3,1,1,0,0,0,0,1,1,1,2,4,1,0,0,0,0"
case_is concat "eltwise,4,4,8,1,1,8,1,1,0,0,0,0,1,1,1,1,4,4,0,0,0,0"
# Shape -> Gather -> Unsqueeze -> Concat gives the Reshape target [2, 3, 8] (no layers: constants);
# Slice axis 1 from 1 to 5 step 2 of [2, 6, 4] -> [2, 2, 4]; Gather of a [100, 16] table by
# [2, 5] indices -> [2, 5, 16] (model batch 2: per image [3, 8], [2, 4], [5, 16])
check
"$fw" workload --csv "$models/cases/shape_math.onnx" >"$tmp/sm" 2>"$tmp/err" ||
    fail "shape_math: exit $? ($(cat "$tmp/err"))"
[[ $(tail -n +2 "$tmp/sm" | cut -d, -f1 | tr '\n' ' ') == "reshape slice embed " ]] ||
    fail "shape_math: layers $(tail -n +2 "$tmp/sm" | cut -d, -f1 | tr '\n' ' ')"
grep -q "^reshape,eltwise,3,1,8,1,1,8,1,1,0,0,0,0,1,1,1,2,3,1,0,0,0,0,0,48,48$" "$tmp/sm" ||
    fail "shape_math: reshape row $(grep ^reshape "$tmp/sm")"
grep -q "^slice,eltwise,2,1,4,1,1,4,1,1,0,0,0,0,1,1,1,2,2,1,0,0,0,0,0,16,16$" "$tmp/sm" ||
    fail "shape_math: slice row $(grep ^slice "$tmp/sm")"
grep -q "^embed,eltwise,5,1,16,1,1,16,1,1,0,0,0,0,1,1,1,2,5,1,0,0,0,0,0,160,160$" "$tmp/sm" ||
    fail "shape_math: embed row $(grep ^embed "$tmp/sm")"
# the same graph with its nodes in reverse order: the same layers (in dependency order)
check
"$fw" workload --csv "$models/cases/unsorted.onnx" 2>"$tmp/err" | sort >"$tmp/un" ||
    fail "unsorted: exit $? ($(cat "$tmp/err"))"
sort "$tmp/sm" | cmp -s - "$tmp/un" || fail "unsorted: layers differ from shape_math"
# an operator flopwatt does not know, with its output shape in the graph: listed, warned
case_is unknown_hinted "eltwise,2,2,3,1,1,3,1,1,0,0,0,0,1,1,1,1,2,2,0,0,0,0"
check
grep -q "warning: node 'roi' (RoiAlignX): unsupported operator, listed without MACs" "$tmp/err" ||
    fail "unknown_hinted: no warning ($(cat "$tmp/err"))"

# 5. Malformed models: status 2, one line, the specific reason, nothing on stdout.
bad() {
    local name=$1 want=$2
    shift 2
    check
    "$fw" workload "$models/bad/$name.onnx" "$@" >"$tmp/out" 2>"$tmp/err"
    local st=$?
    [[ $st -eq 2 ]] || fail "bad $name: exit status $st, expected 2 ($(cat "$tmp/err"))"
    [[ ! -s "$tmp/out" ]] || fail "bad $name: wrote to stdout"
    [[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "bad $name: $(wc -l <"$tmp/err") lines on stderr"
    grep -qF -- "$want" "$tmp/err" || fail "bad $name: '$(cat "$tmp/err")' lacks '$want'"
}
bad empty "empty file, not an ONNX model"
bad truncated "field 7 (graph): truncated: declares"
bad wire_type "byte 0: model: field 1 (ir_version) has wire type 2 (length)"
bad wire_type_invalid "byte 2: model: field 1 (ir_version): wire type 6 (invalid) is not valid"
bad field_zero "byte 2: model: field number 0 is not valid"
bad varint_long "field 1 (ir_version): varint longer than 10 bytes"
bad length_over "field 7 (graph): truncated: declares 127 bytes, 2 remain"
bad nested_deep "messages nested deeper than 24 levels"
bad no_graph "no graph (is this an ONNX model?)"
bad no_nodes "the graph has no nodes"
bad missing_input "node 'conv_pads' (Conv): input 'nope' is not a graph input, an initializer or the output of any node"
bad cycle "node 'r1' (Relu): its inputs are never computed (the graph has a cycle)"
bad unknown_op "node 'foo' (FooBar): unsupported operator"
bad negative_dim "graph.input 'x0': dimension 1 is -3 (must be at least 1)"
bad symbolic_dim "graph.input 'x0': dimension 0 is symbolic ('batch'): give --dim batch=N"
bad unknown_dim "graph.input 'x0': dimension 2 has no value"
bad zero_dim_weight "graph.initializer 'w0': dimension 0 is 0"
bad group_divide "node 'g' (Conv): group 3 does not divide the input channels (8) and the filters (9)"
bad pads_count "node 'p' (Conv): attribute 'pads' has 3 values, expected 4"
bad attr_type "node 'conv_pads' (Conv): attribute 'strides' must be a list of integers"
bad auto_pad_bad "auto_pad 'SAME' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID"
bad auto_pad_and_pads "pads given together with auto_pad SAME_UPPER"
bad ceil_mode_bad "ceil_mode must be 0 or 1, not 2"
bad kernel_too_big "input size 4 plus padding is smaller than the kernel extent 7"
bad conv_rank "node 'cr' (Conv): weight 'w0' has rank 4, expected 3"
bad matmul_k "node 'mk' (MatMul): inner dimensions differ: A has K = 6, B has 5"
bad matmul_bcast "node 'mb' (MatMul): batch dimensions of A and B do not broadcast"
bad add_bcast "node 'ab' (Add): input 'x1' does not broadcast with input 0"
bad reshape_dynamic "node 'rs' (Reshape): shape input 'x1' is not a constant"
bad transpose_perm "node 'tp' (Transpose): perm is not a permutation of 0..2"
bad concat_no_axis "node 'ca' (Concat): attribute 'axis' is missing"
bad duplicate_output "node 'r' (Relu): output 'y' is also the output of another node"
bad output_unproduced "graph.output 'ghost': no node produces it"
bad no_output "node 'conv_pads' (Conv): no output"
bad symbolic_dim "--dim seq: the model's inputs have no dimension of that name" --dim batch=1 --dim seq=4
# command-line --dim errors
usage_dim() {
    local want=$1
    shift
    check
    "$fw" workload "$models/bert_base_dyn.onnx" "$@" >/dev/null 2>"$tmp/err"
    [[ $? -eq 2 ]] && grep -qF -- "$want" "$tmp/err" || fail "workload $*: '$(cat "$tmp/err")'"
}
usage_dim "expected NAME=N" --dim seq
usage_dim "'0' is not an integer" --dim seq=0
usage_dim "--dim seq given twice" --dim seq=4 --dim seq=8
check
"$fw" workload configs/workloads/tiny.json --dim seq=4 >/dev/null 2>"$tmp/err"
[[ $? -eq 2 ]] && grep -q "dim applies to ONNX models only" "$tmp/err" ||
    fail "--dim on a JSON workload: '$(cat "$tmp/err")'"

echo "onnx CLI: $checks checks, $fails failed"
[[ $fails -eq 0 ]]
