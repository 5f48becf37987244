#!/usr/bin/env bash
# tests/cli/hier.sh: `flopwatt run` on an explicit storage hierarchy (configs/rs_like.json):
# AlexNet's conv layers move between the compulsory DRAM traffic and the bound derived in
# sim/README.md ("AlexNet on rs_like") from the layer shapes alone; pe == fast in every
# counter on the tiny workload; the chosen mapping in --json and --trace; a pinned mapping
# (memory.mappings) is used as given; bad pins and hierarchies exit 2 with one line naming the
# JSON path. Writes only under $BUILD.
set -euo pipefail
fw=${FLOPWATT:-build/flopwatt}
build=${BUILD:-build}
tmp="$build/tmp/cli_hier"
rm -rf "$tmp"
mkdir -p "$tmp"
fail() { echo "hier.sh: $*" >&2; exit 1; }
source tests/cli/lib.bash
cfg=configs/rs_like.json

# AlexNet conv layers: compulsory <= DRAM bytes <= the strip-mapping bound (README); prints the
# README's table rows
"$fw" run "$cfg" configs/workloads/alexnet.json --json >"$tmp/alexnet.json"
"$fw" workload configs/workloads/alexnet.json --json >"$tmp/wl.json"
python3 - "$tmp/alexnet.json" "$tmp/wl.json" <<'EOF' || fail "AlexNet traffic outside [compulsory, bound]"
import json, math, sys
run = json.load(open(sys.argv[1]))
wl = {l["name"]: l for l in json.load(open(sys.argv[2]))["layers"]}
half = 110592 // 2  # the 108 KiB global buffer, double buffered
bad = 0
for l in run["layers"]:
    x = wl[l["name"]]
    if x["type"] != "conv":
        continue
    # an input already on chip (residency, sim/README.md "Network run") is not read from DRAM,
    # an output kept on chip not written
    i_dram = l.get("input_from", "dram") == "dram"
    o_dram = l.get("output_to", "dram") == "dram"
    I, W, O = x["ifmap_elems"] * i_dram, x["weights"], x["ofmap_elems"] * o_dram
    comp = 2 * (I + W + O)  # int16 in and out, bytes
    dram = sum(l[k] for k in ("dram_ifmap_read_bytes", "dram_filter_read_bytes",
                              "dram_ofmap_read_bytes", "dram_ofmap_write_bytes"))
    g = x["groups"]; K = x["filters"] // g; P = x["out_h"]; Q = x["out_w"]; C = x["in_c"] // g
    H, Wi, s, R = x["in_h"], x["in_w"], x["stride_h"], x["filt_r"]
    bound = None
    for kt in (k for k in range(1, K + 1) if K % k == 0):
        for pt in range(1, P + 1):
            strip = min(H, (pt - 1) * s + R)
            if kt * pt * Q * 4 + strip * Wi * 2 > half:
                continue
            n = math.ceil(P / pt)
            b = 2 * (O + W * n) + i_dram * math.ceil(K / kt) * g * C * Wi * n * strip * 2
            bound = b if bound is None or b < bound else bound
    ok = comp <= dram <= bound
    print(f"| {l['name']} | {'dram' if i_dram else 'glb'} / {'dram' if o_dram else 'glb'} | "
          f"{dram:,} | {comp:,} | {dram / comp:.2f} | {bound:,} | {bound / comp:.2f} | "
          f"{'ok' if ok else 'FAIL'}")
    bad += not ok
sys.exit(bad)
EOF

# pe == fast on the tiny workload (every counter, CSV)
"$fw" run "$cfg" configs/workloads/tiny.json --csv >"$tmp/fast.csv"
"$fw" run "$cfg" configs/workloads/tiny.json --csv --engine pe >"$tmp/pe.csv"
# ('#' provenance lines name the engine)
cmp -s <(grep -v '^#' "$tmp/fast.csv") <(grep -v '^#' "$tmp/pe.csv") || fail "pe and fast differ on the hierarchy"

# the mapping in --json and in the trace; a pin is used as given
grep -q '"mapping": "' "$tmp/alexnet.json" || fail "no mapping in --json"
grep -q '"levels": \[{"name": "spad"' "$tmp/alexnet.json" || fail "no per-level counters"
"$fw" run "$cfg" configs/workloads/alexnet.json --layer conv3 --trace "$tmp/trace.csv" >/dev/null
grep -q '^# mapping conv3: ' "$tmp/trace.csv" || fail "no mapping line in the trace"
pin="GKCNPQRS [N1 G1 K32 C16 P13 Q13 R3 S3] NGKPQCRS [N1 G1 K8 C4 P13 Q13 R3 S3]"
"$fw" run "$cfg" configs/workloads/alexnet.json --layer conv3 --json \
    --set "memory.mappings={\"conv3\": \"$pin\"}" >"$tmp/pin.json"
grep -qF "\"mapping\": \"$pin\"" "$tmp/pin.json" || fail "the pinned mapping was not used"
# the same pin in the workload (layer key "mapping"): the same mapping, the same counters; a
# config pin of the same layer wins over the workload's
jq --arg p "$pin" '(.layers[] | select(.name == "conv3")) += {mapping: $p}' \
    configs/workloads/alexnet.json >"$tmp/alexnet_pin.json"
"$fw" run "$cfg" "$tmp/alexnet_pin.json" --layer conv3 --json >"$tmp/wpin.json"
cmp -s <(jq '.layers' "$tmp/pin.json") <(jq '.layers' "$tmp/wpin.json") ||
    fail "a workload pin differs from the same config pin"
"$fw" run "$cfg" configs/workloads/alexnet.json --layer conv3 --json >"$tmp/searched.json"
"$fw" run "$cfg" "$tmp/alexnet_pin.json" --layer conv3 --json \
    --set "memory.mappings={\"conv3\": \"$(jq -r '.layers[0].mapping' "$tmp/searched.json")\"}" \
    >"$tmp/both.json"
cmp -s <(jq '.layers' "$tmp/searched.json") <(jq '.layers' "$tmp/both.json") ||
    fail "the config pin should win over the workload pin"
jq '(.layers[] | select(.name == "conv3")) += {mapping: "x"}' configs/workloads/alexnet.json \
    >"$tmp/alexnet_bad.json"

# errors: one line, exit 2
expect_error() { expect_exit2 "$1" run "${@:2}"; }
expect_error "memory.mappings.nosuch: the workload has no layer of that name" \
    "$cfg" configs/workloads/alexnet.json --set 'memory.mappings={"nosuch": "x"}'
expect_error "layer conv3: mapping 'x': expected a loop order" \
    "$cfg" configs/workloads/alexnet.json --set 'memory.mappings={"conv3": "x"}'
expect_error "layer conv3: mapping 'x': expected a loop order" "$cfg" "$tmp/alexnet_bad.json"
expect_error "memory.levels[1].banks: 0 is out of range" \
    "$cfg" configs/workloads/alexnet.json --set memory.levels[1].banks=0
echo "hier.sh: ok"
