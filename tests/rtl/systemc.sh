#!/usr/bin/env bash
# tests/rtl/systemc.sh: the SystemC testbench (build/rtl/sc_array: the weight-stationary and
# output-stationary 4x3 fp16->fp32 RTL arrays (rtl/tb/fw_sc_top.v; ws also run as input
# stationary) verilated with --sc, clocked by an sc_clock, fed by SystemC models of the
# SRAM buffers and of a DRAM port; rtl/tb/sc_main.cpp) against `flopwatt run --engine pe` with
# modelled memory on the same config: fold start cycles (memory stalls), the layer's cycles
# including the write-back tail, and the output bits must be identical. Three memory systems
# (bandwidth, latency, single/double buffering) x three dataflows (ws, os, is) x four GEMM layers.
# Environment: BUILD, FLOPWATT. Writes under $BUILD/rtl/systemc.
set -euo pipefail
build=${BUILD:-build}
flopwatt=${FLOPWATT:-$build/flopwatt}
work="$build/rtl/systemc"
mkdir -p "$work"

layers=("g1 9 7 10" "g2 5 4 3" "g3 1 3 17" "g4 6 8 4")
{
    echo '{"name": "rtl_sc", "batch": 1, "layers": ['
    sep=""
    for l in "${layers[@]}"; do
        read -r name m n k <<< "$l"
        printf '%s {"name": "%s", "type": "gemm", "m": %s, "n": %s, "k": %s}' "$sep" "$name" "$m" "$n" "$k"
        sep=$',\n'
    done
    echo ']}'
} > "$work/gemm.json"

# gbps latency ifmap_db filter_db ofmap_db -> bandwidth at 200 MHz in 1/1000 bytes per cycle
memories=("3.2 20 1 1 1" "1 50 0 1 1" "0.3 5 1 0 0")
fail=0
runs=0
for df in ws os is; do
for mem in "${memories[@]}"; do
    read -r gbps lat dbi dbf dbo <<< "$mem"
    mb=$(awk -v g="$gbps" 'BEGIN{printf "%d", g * 1e9 / 200e6 * 1000}')
    tf() { [[ $1 == 1 ]] && echo true || echo false; }
    sets=(--set array.rows=4 --set array.cols=3 --set array.dataflow=$df
          --set array.max_stream=0 --set array.mac_pipeline_cycles=1
          --set array.schedule=pipelined --set clock_mhz=200
          --set precision.input=fp16 --set precision.accumulator=fp32
          --set dram.bandwidth_gbps="$gbps" --set dram.latency_cycles="$lat"
          --set sram.ifmap.double_buffered="$(tf "$dbi")"
          --set sram.filter.double_buffered="$(tf "$dbf")"
          --set sram.ofmap.double_buffered="$(tf "$dbo")")
    "$flopwatt" run configs/test8x8.json "$work/gemm.json" --engine pe "${sets[@]}" --seed 7 \
        --trace "$work/trace.csv" --dump-outputs "$work/out.txt" > /dev/null
    "$flopwatt" run configs/test8x8.json "$work/gemm.json" "${sets[@]}" --json > "$work/run.json"
    i=0
    for l in "${layers[@]}"; do
        read -r name m n k <<< "$l"
        cycles=$(awk -v n="\"$name\"," '$1 == "\"name\":" && $2 == n {f = 1}
                 f && $1 == "\"cycles\":" {sub(",", "", $2); print $2; exit}' "$work/run.json")
        if ! "$build/rtl/sc_array" -layer "$name" -df "$df" -m "$m" -n "$n" -k "$k" -seed $((7 + i)) \
            -trace "$work/trace.csv" -dump "$work/out.txt" -cycles "$cycles" -bw "$mb" \
            -lat "$lat" -db "$dbi,$dbf,$dbo" 2> "$work/stderr.txt" | sed "s|\$| [$gbps GB/s, latency $lat, double buffered $dbi$dbf$dbo]|"; then
            fail=1
            grep -v -e 'SystemC 2' -e 'Copyright' -e 'ALL RIGHTS' -e '^$' "$work/stderr.txt" || true
        fi
        i=$((i + 1))
        runs=$((runs + 1))
    done
done
done
[[ $fail -eq 0 ]] || { echo "systemc: FAILED"; exit 1; }
echo "systemc: $runs layer runs: stalls, fold starts, layer cycles and outputs identical (SystemC + RTL vs flopwatt run --engine pe)"
