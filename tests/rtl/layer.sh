#!/usr/bin/env bash
# tests/rtl/layer.sh: whole GEMM and conv layers on the RTL arrays (build/rtl/array_<precision>,
# 4x3, one model per precision) against
# `flopwatt run --engine pe` on the same config: the simulator writes its fold trace (tiles and
# start/end cycles chosen by its memory model) and its output tensor; the RTL driver re-derives
# the fold order, tiles, operand data and im2col lowering from their documentation (map.h,
# arr.h, wl.h), runs the folds at the simulator's start cycles, and requires identical output
# bits and, per fold, its last result exactly where the simulator's fold end puts it.
# Per precision (int8->int32, fp16, bf16, fp32, fp16->fp32) and dataflow (ws, os, and is, which
# runs on the ws array with the operands' roles swapped as arr.h specifies), with ideal and
# with modelled memory, plus three runs with rounding `min` and flush-to-zero and six with MAC
# pipelines of 2 and 3 cycles (array.mac_pipeline_cycles), and ws/os/is in int8->int32 and
# fp16->fp32 on configs/rs_like.json (a multi-level memory.levels hierarchy), and the zero-gated
# fp16 arrays (ws, os, is; ZERO_GATE = 1) on the layers with ifmap density 0.5 and weight density
# 0.75 (array.zero_gating on; the driver draws the sparse operands as arr.h documents, -zeros).
# A mismatch names the element, both values and the cycle. Environment: BUILD, FLOPWATT. Writes under
# $BUILD/rtl/layer.
set -euo pipefail
build=${BUILD:-build}
flopwatt=${FLOPWATT:-$build/flopwatt}
work="$build/rtl/layer"
mkdir -p "$work"

# GEMM layers "name gemm m n k": partial row and column folds, reduction folds (k > 4), a
# one-row layer. Conv layers "name conv H,W,C,FR,FS,F,STRIDE,PAD,GROUPS": padding, stride 2,
# depthwise (groups = channels).
layers=("g1 gemm 9 7 10" "g2 gemm 5 4 3" "g3 gemm 1 3 17" "g4 gemm 6 8 4"
        "c1 conv 5,6,3,3,3,5,1,1,1" "c2 conv 7,7,2,3,2,4,2,0,1" "dw conv 4,4,4,3,3,4,1,1,4")
[[ "${FLOPWATT_LONG:-0}" == 1 ]] && layers+=("g5 gemm 23 19 29" "c3 conv 9,9,8,3,3,12,1,1,2")
{
    echo '{"name": "rtl_layers", "batch": 1, "layers": ['
    sep=""
    for l in "${layers[@]}"; do
        read -r name kind a b c <<< "$l"
        if [[ $kind == gemm ]]; then
            printf '%s {"name": "%s", "type": "gemm", "m": %s, "n": %s, "k": %s}' "$sep" "$name" "$a" "$b" "$c"
        else
            IFS=, read -r h w ch fr fs nf st pad g <<< "$a"
            printf '%s {"name": "%s", "type": "conv", "in_h": %s, "in_w": %s, "in_c": %s, "filt_r": %s, "filt_s": %s, "filters": %s, "stride": %s, "pad": %s, "groups": %s}' \
                "$sep" "$name" "$h" "$w" "$ch" "$fr" "$fs" "$nf" "$st" "$pad" "$g"
        fi
        sep=$',\n'
    done
    echo ']}'
} > "$work/layers.json"
jq '.layers |= map(. + {"ifmap_density": 0.5, "weight_density": 0.75})' "$work/layers.json" \
    > "$work/layers_sparse.json"

fail=0
count=0
config=configs/test8x8.json
workload="$work/layers.json"
gate_opts=()   # zero-gated runs: the array driver's -gate -zeros, the simulator's zero_gating
run() { # input acc dataflow memory(ideal|modelled) [rounding subnormals mac_pipeline_cycles]
    local in=$1 acc=$2 df=$3 mem=$4 rnd=${5:-near_even} sub=${6:-ieee} pipe=${7:-1}
    local prec="$in->$acc" extra=()
    [[ $in == "$acc" ]] && prec=$in
    [[ $in == int8 ]] && prec="int8->int32"
    [[ $mem == ideal ]] && extra+=(--ideal-memory)
    local opts=()
    [[ $rnd == min ]] && opts+=(-rmin)
    [[ $sub == ftz ]] && opts+=(-ftz)
    [[ $pipe != 1 ]] && opts+=(-P "$pipe")
    ((${#gate_opts[@]})) && { opts+=("${gate_opts[@]}"); extra+=(--set array.zero_gating=true); }
    local seed=$((count * 10 + 3))
    [[ $config == configs/test8x8.json ]] || extra+=(--set precision.output="$acc")
    "$flopwatt" run "$config" "$workload" --engine pe \
        --set array.rows=4 --set array.cols=3 --set array.dataflow="$df" \
        --set array.max_stream=0 --set array.mac_pipeline_cycles="$pipe" \
        --set precision.input="$in" --set precision.accumulator="$acc" \
        --set precision.rounding="$rnd" --set precision.subnormals="$sub" "${extra[@]}" \
        --seed "$seed" --dump-outputs "$work/out.txt" --trace "$work/trace.csv" > "$work/run.txt"
    local model="$build/rtl/array_${in}"
    [[ $in != "$acc" && $in != int8 ]] && model="$build/rtl/array_${in}_${acc}"
    local i=0
    for l in "${layers[@]}"; do
        read -r name kind a b c <<< "$l"
        local shape=(-conv "$a")
        [[ $kind == gemm ]] && shape=(-m "$a" -n "$b" -k "$c")
        if ! "$model" -layer "$name" -df "$df" -prec "$prec" "${shape[@]}" \
            -seed $((seed + i)) -trace "$work/trace.csv" -dump "$work/out.txt" "${opts[@]}" \
            | sed "s/\$/ ($mem memory${opts[*]:+, ${opts[*]}})/"; then
            fail=1
        fi
        i=$((i + 1))
    done
    count=$((count + 1))
}

for p in "int8 int32" "fp16 fp16" "bf16 bf16" "fp32 fp32" "fp16 fp32"; do
    for df in ws os is; do
        for mem in ideal modelled; do
            run $p "$df" "$mem"
        done
    done
done
run fp16 fp16 ws modelled min ftz
run fp16 fp32 os modelled min ftz
run bf16 bf16 is modelled min ftz
# deeper MAC pipelines (array.mac_pipeline_cycles, ws/is): the harness has int8 P=3, fp16->fp32 P=2
for df in ws is; do
    run int8 int32 "$df" modelled near_even ieee 3
    run fp16 fp32 "$df" ideal near_even ieee 2
    run fp16 fp32 "$df" modelled near_even ieee 2
done

# zero-gated fp16 arrays on sparse operands (ifmap zero fraction 0.5, weights 0.25)
workload="$work/layers_sparse.json"
gate_opts=(-gate -zeros 0.5,0.25)
run fp16 fp16 ws modelled
run fp16 fp16 os ideal
run fp16 fp16 is modelled min ftz
workload="$work/layers.json"
gate_opts=()

# a multi-level storage hierarchy (configs/rs_like.json, memory.levels: per-PE register files,
# a global buffer, DRAM; the searched tiling and its per-level stalls decide the fold starts)
config=configs/rs_like.json
for df in ws os is; do
    run int8 int32 "$df" modelled
    run fp16 fp32 "$df" modelled
done

[[ $fail -eq 0 ]] || { echo "layer: FAILED"; exit 1; }
echo "layer: $count runs x ${#layers[@]} layers (GEMM and conv): outputs and fold cycles identical (RTL vs flopwatt run --engine pe)"
