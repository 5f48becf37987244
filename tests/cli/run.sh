#!/usr/bin/env bash
# tests/cli/run.sh: end-to-end tests of `flopwatt run`: fast and pe engines print identical
# counters on the tiny workload; JSON keys with units; --ideal-memory removes stalls; --layer,
# --set, --dump-outputs; byte-identical reruns; bad inputs exit 2 with one line naming the
# file and JSON path. Writes only under $BUILD.
set -euo pipefail
fw=${FLOPWATT:-build/flopwatt}
build=${BUILD:-build}
tmp="$build/tmp/cli_run"
rm -rf "$tmp"
mkdir -p "$tmp"
fail() { echo "run.sh: $*" >&2; exit 1; }
source tests/cli/lib.bash
tiny=configs/workloads/tiny.json

# fast and pe: the same CSV (every counter), on each dataflow and schedule
for df in ws os is; do
    for sch in pipelined serial; do
        "$fw" run configs/test8x8.json "$tiny" --set array.dataflow=$df --set array.schedule=$sch \
            --csv >"$tmp/fast.csv"
        "$fw" run configs/test8x8.json "$tiny" --set array.dataflow=$df --set array.schedule=$sch \
            --csv --engine pe --dump-outputs "$tmp/out_$df.hex" >"$tmp/pe.csv"
        # the '#' provenance lines name the engine; the table must be identical
        sed -i '/^#/d' "$tmp/fast.csv" "$tmp/pe.csv"
        cmp -s "$tmp/fast.csv" "$tmp/pe.csv" || { diff "$tmp/fast.csv" "$tmp/pe.csv" | head; \
            fail "$df $sch: pe and fast counters differ"; }
    done
done
# long variant: a whole network, pe = fast in every counter (MobileNet v2, 8x8, chunked stream)
if [[ -n "${FLOPWATT_LONG:-}" ]]; then
    s=(--set precision.input=int8 --set precision.accumulator=int32 --csv)
    "$fw" run configs/test8x8.json configs/workloads/mobilenet_v2.json "${s[@]}" >"$tmp/mv2_fast.csv"
    "$fw" run configs/test8x8.json configs/workloads/mobilenet_v2.json "${s[@]}" --engine pe \
        >"$tmp/mv2_pe.csv"
    cmp -s <(grep -v '^#' "$tmp/mv2_fast.csv") <(grep -v '^#' "$tmp/mv2_pe.csv") ||
        fail "mobilenet_v2: pe and fast differ"
fi
# same outputs whatever the dataflow (the accumulation order does not depend on it)
cmp -s "$tmp/out_ws.hex" "$tmp/out_os.hex" || fail "ws and os outputs differ"
cmp -s "$tmp/out_ws.hex" "$tmp/out_is.hex" || fail "ws and is outputs differ"
# one hex line per output element plus a header per MAC layer
layers=$(grep -c '^layer ' "$tmp/out_ws.hex")
[[ $layers -ge 5 ]] || fail "dump has $layers layers"

# JSON: keys with units, totals consistent
"$fw" run configs/edge32x32.json configs/workloads/resnet50.json --json >"$tmp/r50.json"
jq -e '.total.cycles > 0 and .total.macs == 3857973248 and .total.utilization > 0
       and .total.utilization <= 1 and .total.gops > 0 and (.total | has("gflops") | not)
       and .total.cycles == .total.compute_cycles + .total.stall_cycles
       and (.layers | length) == 54 and (.layers[0] | has("dram_gbps") and has("macs"))
       and ([.layers[].cycles] | add) == .total.cycles' "$tmp/r50.json" >/dev/null \
    || fail "resnet50 JSON totals"
# energy columns from sim/energy: present per layer and in total, chip components sum to the
# chip energy, chip + DRAM = system; edge32x32 is int8, so its efficiency keys say GOPS
jq -e '(.total | has("energy_chip_pj") and has("energy_system_pj") and has("power_chip_w")
            and has("power_system_w") and has("gops_per_w_chip") and has("gops_per_w_system")
            and has("area_mm2") and (has("gflops_per_w_chip") | not) and (has("power_w") | not))
       and (.layers[0] | has("energy_chip_pj") and has("energy_dram_pj"))
       and (.total | ((.energy_mac_pj + .energy_reg_pj + .energy_sram_ifmap_pj
            + .energy_sram_filter_pj + .energy_sram_ofmap_pj + .energy_wire_pj
            + .energy_leakage_pj + .energy_clock_pj - .energy_chip_pj) | fabs)
            < 1e-6 * .energy_chip_pj)
       and (.total | ((.energy_chip_pj + .energy_dram_pj - .energy_system_pj) | fabs)
            < 1e-8 * .energy_system_pj)
       and (.total | ((.power_system_w / .power_chip_w - .energy_system_pj / .energy_chip_pj)
            | fabs) < 1e-7)' \
    "$tmp/r50.json" >/dev/null \
    || fail "energy columns"
# a floating config names its efficiency GFLOPS; dram.type none prices no DRAM: system = chip
"$fw" run configs/edge32x32.json configs/workloads/resnet50.json --layer conv1 --json \
    --set 'precision={"input":"fp16","accumulator":"fp32"}' \
    | jq -e '(.total | has("gflops_per_w_chip") and has("gflops_per_w_system") and has("gflops")
              and (has("gops_per_w_chip") | not))' >/dev/null || fail "fp16: GFLOPS keys"
"$fw" run configs/edge32x32.json configs/workloads/resnet50.json --layer conv1 --json \
    --set dram.type=none \
    | jq -e '.total.dram_gbps > 0 and .total.energy_dram_pj == 0
             and .total.energy_system_pj == .total.energy_chip_pj
             and .total.power_system_w == .total.power_chip_w' >/dev/null \
    || fail "dram.type none: no DRAM energy"
"$fw" run configs/edge32x32.json configs/workloads/resnet50.json --json >"$tmp/r50b.json"
cmp -s "$tmp/r50.json" "$tmp/r50b.json" || fail "reruns differ"
"$fw" run configs/edge32x32.json configs/workloads/resnet50.json --json --ideal-memory \
    | jq -e '.total.stall_cycles == 0 and .ideal_memory == true' >/dev/null || fail "ideal memory"
"$fw" run configs/edge32x32.json configs/workloads/resnet50.json --layer conv1 --json \
    --set array.rows=64 | jq -e '(.layers | length) == 1 and .config.rows == 64' >/dev/null \
    || fail "--layer / --set"
"$fw" run configs/edge32x32.json configs/workloads/resnet50.json --json --batch 2 \
    | jq -e '.total.macs == 2 * 3857973248' >/dev/null || fail "--batch 2"
"$fw" run configs/tpu_v1_like.json configs/workloads/scalesim/alexnet.csv >"$tmp/alex.txt"
grep -q '^total ' "$tmp/alex.txt" || fail "text table from a SCALE-Sim CSV"

# Inter-layer residency on the TPU-v1-like config (unified buffer holds outputs): ResNet-50 at
# batch 1 moves only the weights, the input image and the final output through DRAM. Oracle:
# the workload file itself (weights = kernel^2 x in_c / groups x filters per conv, in x out per
# fc; image 224 x 224 x 3; 1000 outputs; int8 = 1 byte each), not the simulator.
r50=configs/workloads/resnet50.json
want=$(jq '[.layers[] | if .type == "conv" then .kernel * .kernel * .in_c / (.groups // 1) * .filters
            elif .type == "fc" then .in_features * .out_features else 0 end] | add
           + 224 * 224 * 3 + 1000' "$r50")
"$fw" run configs/tpu_v1_like.json "$r50" --json >"$tmp/r50.json"
got=$(jq '.total.dram_ifmap_read_bytes + .total.dram_filter_read_bytes
          + .total.dram_ofmap_read_bytes + .total.dram_ofmap_write_bytes' "$tmp/r50.json")
[[ "$got" == "$want" ]] || fail "resnet50 batch 1 on tpu_v1_like: $got DRAM bytes, want $want"
jq -e '(.layers[0].input_from == "dram") and (.layers[-1].output_to == "dram")
       and ([.layers[1:-1][] | select(.input_from != "unified_buffer")] | length == 0)' \
    "$tmp/r50.json" >/dev/null || fail "resnet50 batch 1: every inner layer should read on chip"
# Batches larger than the buffer holds run as sub-batches (sim/engine/net.h): with the size b the
# runner reports, DRAM = weights x ceil(N / b) + N x (image + outputs), and inside a sub-batch
# every inner layer reads on chip (no spill). At N = 16 the whole batch spills (a stage-2 block's
# output and its residual input, 2 x 12.8 MB, exceed the 24 MiB buffer): b < 16.
weights=$((want - 224 * 224 * 3 - 1000))
for n in 16 32; do
    "$fw" run configs/tpu_v1_like.json "$r50" --batch $n --json >"$tmp/r50b.json"
    b=$(jq '.sub_batch' "$tmp/r50b.json")
    [[ $b -ge 1 && $b -lt $n ]] || fail "resnet50 batch $n: sub-batch '$b', expected 1..$((n - 1))"
    got=$(jq '.total.dram_ifmap_read_bytes + .total.dram_filter_read_bytes
              + .total.dram_ofmap_read_bytes + .total.dram_ofmap_write_bytes' "$tmp/r50b.json")
    exp=$((weights * ((n + b - 1) / b) + n * (224 * 224 * 3 + 1000)))
    [[ "$got" == "$exp" ]] || fail "resnet50 batch $n in sub-batches of $b: $got DRAM bytes, want $exp"
    jq -e '[.layers[1:-1][] | select(.input_from != "unified_buffer")] | length == 0' \
        "$tmp/r50b.json" >/dev/null || fail "resnet50 batch $n: an inner layer read from DRAM"
done
# --sub-batch N pins the size: the whole batch of 16 spills, so it moves more than the chosen one
"$fw" run configs/tpu_v1_like.json "$r50" --batch 16 --sub-batch 16 --json >"$tmp/r50w.json"
jq -e 'has("sub_batch") | not' "$tmp/r50w.json" >/dev/null || fail "--sub-batch 16 should run whole"
"$fw" run configs/tpu_v1_like.json "$r50" --csv >"$tmp/r50.csv"
awk '!/^#/ {print; exit}' "$tmp/r50.csv" | grep -q ',input_from,output_to$' || fail "CSV residency columns"
"$fw" run configs/edge32x32.json "$r50" --csv >"$tmp/r50e.csv"
awk '!/^#/ {print; exit}' "$tmp/r50e.csv" | grep -q 'input_from' && fail "residency columns without a unified buffer"

# The text summary for people, against the JSON of the same run (raw numbers): counts with
# thousands separators, energy and time in engineering units (4 significant digits), the
# breakdown's shares of the system energy, the stall hint naming the operand and the level with
# the most stall cycles (ResNet-50 on tpu_v1_like: 71% of the cycles stall, mostly on filters
# from DRAM; README "TPU-v1-like"), no hint when stalls are under half of the run.
"$fw" run configs/tpu_v1_like.json "$r50" >"$tmp/r50.txt"
python3 - "$tmp/r50.txt" "$tmp/r50.json" <<'EOF' || fail "text summary disagrees with --json"
import json, re, sys
text = open(sys.argv[1]).read()
t = json.load(open(sys.argv[2]))["total"]
def sep(n):  # independent of the C formatter
    s = str(n)
    out = ""
    while len(s) > 3:
        out = "," + s[-3:] + out
        s = s[:-3]
    return s + out
def eng(x, unit):  # value in the base unit -> the 4-digit engineering text
    for p, f in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3), ("", 1), ("m", 1e-3),
                 ("u", 1e-6), ("n", 1e-9), ("p", 1e-12)):
        if abs(x) >= f * 0.99995 or p == "p":
            v = x / f
            break
    return "%s %s%s" % (("%#.4g" % v).rstrip("."), p, unit)
line = re.search(r"^total: (.*)$", text, re.M).group(1)
assert line.startswith("%s cycles (%s at 700 MHz), %s MACs, %s," % (
    sep(t["cycles"]), eng(t["time_s"], "s"), sep(t["macs"]), eng(t["gops"] * 1e9, "OPS"))), line
assert "energy: chip %s, system %s;" % (eng(t["energy_chip_pj"] * 1e-12, "J"),
                                         eng(t["energy_system_pj"] * 1e-12, "J")) in text
parts = {"MAC": "energy_mac_pj", "PE register": "energy_reg_pj",
         "SRAM ifmap": "energy_sram_ifmap_pj", "SRAM filter": "energy_sram_filter_pj",
         "SRAM ofmap": "energy_sram_ofmap_pj", "wire": "energy_wire_pj", "DRAM": "energy_dram_pj",
         "leakage": "energy_leakage_pj", "clock": "energy_clock_pj"}
total_share = 0
for label, key in parts.items():
    m = re.search(r"^  %s +(\S+ \S+) +([0-9.]+)%%$" % re.escape(label), text, re.M)
    assert m, label
    assert m.group(1) == eng(t[key] * 1e-12, "J"), (label, m.group(1))
    share = 100 * t[key] / t["energy_system_pj"]
    assert abs(float(m.group(2)) - share) <= 0.05 + 1e-9, (label, m.group(2), share)
    total_share += float(m.group(2))
assert abs(total_share - 100) < 0.5, total_share
assert "stalls: %s cycles" % sep(t["stall_cycles"]) in text
ops = {"ifmap": t["stall_ifmap_cycles"], "filter": t["stall_filter_cycles"],
       "ofmap": t["stall_ofmap_cycles"]}
worst_op = max(ops, key=ops.get)
levels = {l["name"]: l["stall_cycles"] for l in t["levels"]}
levels["DRAM"] = t["stall_dram_cycles"]
worst_level = max(levels, key=levels.get)
hint = re.search(r"^hint: (.*)$", text, re.M).group(1)
want = ("memory stalls are %.0f%% of the run; the most by operand: %s (%.0f%% of them), "
        "by level: %s (%.0f%%); more DRAM bandwidth" % (
            100 * t["stall_cycles"] / t["cycles"], worst_op, 100 * ops[worst_op] / t["stall_cycles"],
            worst_level, 100 * levels[worst_level] / t["stall_cycles"]))
assert hint.startswith(want), (hint, want)
assert worst_op == "filter" and worst_level == "DRAM"
EOF
"$fw" run configs/tpu_v1_like.json "$r50" --ideal-memory >"$tmp/r50i.txt"
! grep -q '^hint:' "$tmp/r50i.txt" || fail "a stall hint with ideal memory"
grep -q '^stalls: 0 cycles (0.0% of the run)' "$tmp/r50i.txt" || fail "no stall line with ideal memory"
"$fw" run configs/edge32x32.json "$r50" --json | jq -e '.total.stall_cycles * 2 < .total.cycles' >/dev/null &&
    "$fw" run configs/edge32x32.json "$r50" | grep -q '^hint:' && fail "a stall hint when stalls are under half"
# progress: nothing on a stderr that is not a terminal; on a terminal (script(1) gives one) a
# line naming the layer once the run passed a second, erased at the end
"$fw" run configs/test8x8.json "$tiny" --engine pe >/dev/null 2>"$tmp/progress.err"
[[ ! -s "$tmp/progress.err" ]] || fail "progress output on a stderr that is not a terminal"
if command -v script >/dev/null; then
    script -qec "$fw run configs/test8x8.json configs/workloads/alexnet.json --engine pe --layer conv2 >/dev/null" \
        /dev/null >"$tmp/progress.tty" </dev/null
    grep -aq 'flopwatt run: layer 1/1 conv2, 0% of the MACs done, [0-9]* s' "$tmp/progress.tty" ||
        fail "no progress line on a terminal: $(od -c "$tmp/progress.tty" | head -3)"
fi

# --trace: one CSV row per fold, the same from both engines
"$fw" run configs/test8x8.json "$tiny" --trace "$tmp/fast_trace.csv" --json >"$tmp/t.json"
"$fw" run configs/test8x8.json "$tiny" --trace "$tmp/pe_trace.csv" --engine pe >/dev/null
cmp -s "$tmp/fast_trace.csv" "$tmp/pe_trace.csv" || fail "traces differ between engines"
folds=$(jq '.total.folds' "$tmp/t.json")
[[ $(($(wc -l <"$tmp/fast_trace.csv") - 1)) -eq $folds ]] || fail "trace rows != $folds folds"

# bad inputs: exit 2, one line, file and path
expect_fail() { expect_exit2 "$1" run "${@:2}"; }
expect_fail "flopwatt run: --sub-batch: bad value 'x'" configs/test8x8.json "$tiny" --sub-batch x
expect_fail "flopwatt run: --set array.depth=2: array.depth: unknown key" \
    configs/test8x8.json "$tiny" --set array.depth=2
expect_fail "flopwatt run: --set array.dataflow=rs: array.dataflow" \
    configs/test8x8.json "$tiny" --set array.dataflow=rs
expect_fail "flopwatt run: --engine: expected fast or pe, got 'slow'" \
    configs/test8x8.json "$tiny" --engine slow
expect_fail "no layer named 'nope'" configs/test8x8.json "$tiny" --layer nope
expect_fail "--dump-outputs needs --engine pe" configs/test8x8.json "$tiny" --dump-outputs "$tmp/x"
expect_fail "unknown node" configs/test8x8.json "$tiny" --set tech.node_nm=11
expect_fail "flopwatt run: --set array.rowz=3: array.rowz: unknown key (did you mean 'rows'?)" \
    configs/test8x8.json "$tiny" --set array.rowz=3
sed 's/"clock_mhz"/"clock_mz"/' configs/test8x8.json >"$tmp/typo.json"
expect_fail "typo.json: clock_mz: unknown key (did you mean 'clock_mhz'? 'clock_mhz' is required and missing)" \
    "$tmp/typo.json" "$tiny"
printf '{"clock_mhz": 1}\n' >"$tmp/bad.json"
expect_fail "bad.json: array: missing required key" "$tmp/bad.json" "$tiny"
# provenance: version, the config after --set (rerunning it alone gives the same totals), the
# workload path and its FNV-1a 64 (computed here independently), batch, engine
"$fw" run configs/test8x8.json "$tiny" --json --set array.rows=4 --batch 2 >"$tmp/prov.json"
jq -e --arg v "$("$fw" --version | cut -d' ' -f2)" '.provenance | .flopwatt_version == $v
    and .config_path == "configs/test8x8.json" and .sets == ["array.rows=4"]
    and .config_resolved.array.rows == 4 and .workload_path == "configs/workloads/tiny.json"
    and .batch == 2 and .engine == "fast"' "$tmp/prov.json" >/dev/null || fail "provenance keys"
fnv=$(python3 -c 'import sys
h = 0xcbf29ce484222325
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 0x100000001b3) % 2**64
print("%016x" % h)' "$tiny")
[[ $(jq -r .provenance.workload_fnv64 "$tmp/prov.json") == "$fnv" ]] || fail "workload hash"
jq .provenance.config_resolved "$tmp/prov.json" >"$tmp/resolved.json"
"$fw" run "$tmp/resolved.json" "$tiny" --json --batch 2 | jq -e --slurpfile a "$tmp/prov.json" \
    '.total == $a[0].total' >/dev/null || fail "rerun from config_resolved differs"
"$fw" run configs/test8x8.json "$tiny" --csv --engine pe >"$tmp/prov.csv"
[[ $(grep -c '^#' "$tmp/prov.csv") -eq 3 ]] && grep -q "^# flopwatt .* run, engine pe, batch 1" \
    "$tmp/prov.csv" && grep -q "^# workload $tiny fnv64 $fnv$" "$tmp/prov.csv" ||
    fail "CSV provenance comment: $(grep '^#' "$tmp/prov.csv")"

# an unwritable --dump-outputs or --trace file: one line, exit 3, no crash (a goto once
# jumped past the trace file's declaration and the cleanup closed garbage: exit 139)
for opt in --dump-outputs --trace; do
    set +e
    "$fw" run configs/test8x8.json "$tiny" --engine pe $opt "$tmp/no/such/dir/f" \
        >"$tmp/out" 2>"$tmp/err"
    rc=$?
    set -e
    [[ $rc -eq 3 ]] || fail "$opt to an unwritable path: exit $rc, expected 3"
    [[ $(cat "$tmp/err") == "flopwatt run: $tmp/no/such/dir/f: cannot write: No such file or directory" ]] \
        || fail "$opt to an unwritable path: '$(cat "$tmp/err")'"
done
echo "run.sh: ok"
