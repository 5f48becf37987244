#!/usr/bin/env bash
# tests/rtl/array.sh: co-simulation of the RTL arrays (rtl/fw_array_ws.v, rtl/fw_array_os.v,
# rtl/fw_array_tree.v; 4x3, per precision int8->int32, fp16, bf16, fp32, fp16->fp32) against the
# schedule of sim/engine/arr.h and the C model: build/rtl/array_<precision> (one model per
# precision) drives every operand at the cycle
# the schedule names, with random stalls, and requires every result at the documented cycle with
# the bits of the C model's nx_mac chain (rtl/tb/array_main.cpp). 20 random fold sequences
# (1-3 folds each, pipelined or serial fold schedule) per dataflow (ws, os, tree) and precision,
# plus the ws arrays with MAC pipelines of 3 and 2 cycles; 400 with FLOPWATT_LONG=1.
# Environment: BUILD (default build).
set -euo pipefail
build=${BUILD:-build}
seqs=20
[[ "${FLOPWATT_LONG:-0}" == 1 ]] && seqs=400
for p in int8 fp16 bf16 fp32 fp16_fp32; do
    "$build/rtl/array_$p" -seed 11 -seqs "$seqs" -stall 15
    "$build/rtl/array_$p" -seed 12 -seqs 5 -stall 0
done
