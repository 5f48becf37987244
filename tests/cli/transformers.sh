#!/usr/bin/env bash
# tests/cli/transformers.sh: the transformer/LLM zoo (configs/workloads/bert_base_*, gpt2_small,
# vit_b16, llama2_7b_*). Every layer's MACs against the closed forms written here by hand
# (token-wise linear layer: T x n x k; attention per head h of size dk over a context of S keys:
# Q.K^T T x S x dk, scores x V T x dk x S; patch embedding 196 x 768 x 768), each file's total
# against the hand-derived totals (configs/README.md); and a Llama-2-7B decode step's KV-cache
# traffic: the attention matmuls read K and V of 32 layers x 32 heads x 128 x L int8 elements
# from DRAM, 262,144 x L bytes, exactly linear in the cache length L, while their MACs are the
# same count (one MAC per cache element read). Both engines on a small matmul layer. Writes only
# under $BUILD.
set -uo pipefail
build=${BUILD:-build}
fw=${FLOPWATT:-$build/flopwatt}
tmp="$build/tmp/cli_transformers"
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0
checks=0
fail() {
    echo "FAIL: $*" >&2
    fails=$((fails + 1))
}
# 1. per-layer and total MACs
for spec in "bert_base_128 128 128 768 12 3072 12 2 11174215680" \
    "bert_base_512 512 512 768 12 3072 12 2 48318971904" \
    "gpt2_small 1024 1024 768 12 3072 12 2 145824153600" \
    "vit_b16 197 197 768 12 3072 12 2 17563828224" \
    "llama2_7b_prefill_2048 2048 2048 4096 32 11008 32 3 14630806093824" \
    "llama2_7b_decode_2048 1 2048 4096 32 11008 32 3 7143948288"; do
    set -- $spec
    checks=$((checks + 1))
    "$fw" workload "configs/workloads/$1.json" --json >"$tmp/$1.json" || { fail "$1: exit $?"; continue; }
    python3 - "$tmp/$1.json" "$@" <<'PY' || fail "$1 MACs"
import json, sys
path, name, T, S, D, H, F, L, ffn_mats, total = sys.argv[1:]
T, S, D, H, F, L, ffn_mats, total = map(int, (T, S, D, H, F, L, ffn_mats, total))
dk = D // H
expect = {'qkv': T * 3 * D * D, 'qk': H * T * S * dk, 'av': H * T * dk * S, 'proj': T * D * D,
          # the Llama FFN: gate and up (2 x F outputs) then down; BERT/GPT/ViT: up, down
          'ffn1': T * (ffn_mats - 1) * F * D, 'ffn2': T * D * F}
d = json.load(open(path))
bad = []
per_block = 0
for l in d['layers']:
    suffix = l['name'].split('_', 1)[1] if l['name'][0] in 'lh' and '_' in l['name'] else l['name']
    if suffix in expect:
        if l['macs'] != expect[suffix]:
            bad.append(f"{l['name']}: {l['macs']} != {expect[suffix]}")
        per_block += l['macs']
    elif l['macs'] and l['name'] not in ('pooler', 'lm_head', 'patch_embed', 'head'):
        bad.append(f"{l['name']}: unexpected MAC layer")
assert per_block == L * sum(expect.values()), (per_block, L * sum(expect.values()))
# the total: the blocks, plus pooler (768 x 768), LM heads (d x vocabulary), the ViT's patch
# embedding (196 patches x 768 x 16*16*3) and classifier (768 x 1000)
extra = {'bert': D * D, 'gpt2': T * D * 50257, 'llam': T * D * 32000,
         'vit_': 196 * 768 * 768 + 768 * 1000}[name[:4]]
if d['total']['macs'] != total or L * sum(expect.values()) + extra != total:
    bad.append(f"total {d['total']['macs']}, hand {total}, closed form {L * sum(expect.values()) + extra}")
# the graph: Q.K^T reads the Q/K/V projection, scores x V the softmax and the projection, the
# first residual add the output projection and the block's input
src = json.load(open(f'configs/workloads/{name}.json'))['layers']
ins = {l['name']: l.get('inputs') for l in src}
p0 = 'h0_' if name.startswith('gpt2') else 'l0_'
if ins[p0 + 'qk'] != [p0 + 'qkv'] or ins[p0 + 'av'] != [p0 + 'softmax', p0 + 'qkv']:
    bad.append(f"attention inputs {ins[p0 + 'qk']} {ins[p0 + 'av']}")
if ins[p0 + 'add1'] != [p0 + 'proj', 'input']:
    bad.append(f"residual inputs {ins[p0 + 'add1']}")
if bad:
    print(name + ': ' + '; '.join(bad[:4]), file=sys.stderr)
    sys.exit(1)
PY
done
# 2. decode: the KV cache's DRAM traffic is linear in L and dominates the attention's MACs
for L in 256 512 1024 2048 4096; do
    checks=$((checks + 1))
    python3 tools/gen_zoo.py --llama-decode $L >"$tmp/dec$L.json"
    "$fw" run configs/tpu_v1_like.json "$tmp/dec$L.json" --json >"$tmp/dec$L.out.json" ||
        fail "decode $L: exit $?"
done
python3 - "$tmp" <<'PY' || fail "decode traffic"
import json, sys
tot = {}
for L in (256, 512, 1024, 2048, 4096):
    d = json.load(open(f'{sys.argv[1]}/dec{L}.out.json'))
    att = [l for l in d['layers'] if l['name'].endswith(('_qk', '_av'))]
    kv = sum(l['dram_filter_read_bytes'] for l in att)
    macs = sum(l['macs'] for l in att)
    assert len(att) == 64, len(att)
    assert kv == 2 * 32 * 32 * 128 * L, (L, kv)      # K and V caches, int8, read once
    assert macs == 2 * 32 * 32 * 128 * L, (L, macs)  # one MAC per cache element
    tot[L] = d['total']['dram_filter_read_bytes']
# the whole step's filter-side traffic: weights (fixed) + cache (linear): equal steps per L
step = (tot[4096] - tot[2048]) / 2048
for a, b in ((256, 512), (512, 1024), (1024, 2048)):
    assert tot[b] - tot[a] == step * (b - a), (a, b, tot)
assert step == 262144, step
PY
# 3. a matmul layer runs in both engines with equal counters
cat >"$tmp/mm.json" <<'JSON'
{"name": "mm", "batch": 2, "layers": [
  {"name": "qk", "type": "matmul", "m": 9, "n": 7, "k": 5, "heads": 3},
  {"name": "sm", "type": "softmax", "in_h": 9, "in_w": 1, "in_c": 21},
  {"name": "av", "type": "matmul", "m": 9, "n": 5, "k": 7, "heads": 3}]}
JSON
checks=$((checks + 1))
"$fw" run configs/test8x8.json "$tmp/mm.json" --csv >"$tmp/fast.csv" &&
    "$fw" run configs/test8x8.json "$tmp/mm.json" --csv --engine pe >"$tmp/pe.csv" &&
    cmp -s <(grep -v '^#' "$tmp/fast.csv") <(grep -v '^#' "$tmp/pe.csv") ||
    fail "matmul: pe and fast differ or fail" # ('#' provenance lines name the engine)
grep -q '^qk,' "$tmp/pe.csv" && grep -q '^av,' "$tmp/pe.csv" || fail "matmul rows missing"
echo "transformers: $checks checks, $fails failed"
[ $fails = 0 ]
