#!/usr/bin/env bash
# tests/rtl/systemc.sh: the SystemC testbench (build/rtl/sc_array: the weight-stationary and
# output-stationary 4x3 fp16->fp32 RTL arrays (rtl/tb/fw_sc_top.v; ws also run as input
# stationary) verilated with --sc, clocked by an sc_clock, fed by SystemC models of the
# SRAM buffers and of a DRAM port; rtl/tb/sc_main.cpp) against `flopwatt run --engine pe` with
# modelled memory on the same config: fold start cycles (memory stalls), the layer's cycles
# including the write-back tail, and the output bits must be identical. Three memory systems
# (bandwidth, latency, single/double buffering) x three dataflows (ws, os, is) x four GEMM layers
# on the sram shorthand, then three two-level memory.levels hierarchies x the same (per-level
# bandwidth stalls and partial sums spilled to DRAM: rtl/README.md).
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

# Runs the testbench on every layer against $work/trace.csv, out.txt and run.json (made by the
# caller for dataflow $df, DRAM $mb millibytes per cycle and latency $lat): sc_layers TAG ARGS...
# (TAG ends each output line; ARGS go to sc_array). A mismatch sets fail.
sc_layers() {
    local tag=$1 i=0 name m n k cycles
    shift
    for l in "${layers[@]}"; do
        read -r name m n k <<< "$l"
        cycles=$(awk -v n="\"$name\"," '$1 == "\"name\":" && $2 == n {f = 1}
                 f && $1 == "\"cycles\":" {sub(",", "", $2); print $2; exit}' "$work/run.json")
        if ! "$build/rtl/sc_array" -layer "$name" -df "$df" -m "$m" -n "$n" -k "$k" -seed $((7 + i)) \
            -trace "$work/trace.csv" -dump "$work/out.txt" -cycles "$cycles" -bw "$mb" \
            -lat "$lat" "$@" 2> "$work/stderr.txt" | sed "s|\$| [$tag]|"; then
            fail=1
            grep -v -e 'SystemC 2' -e 'Copyright' -e 'ALL RIGHTS' -e '^$' "$work/stderr.txt" || true
        fi
        i=$((i + 1))
    done
}

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
    sc_layers "$gbps GB/s, latency $lat, double buffered $dbi$dbf$dbo" -db "$dbi,$dbf,$dbo"
    runs=$((runs + ${#layers[@]}))
done
done

# Multi-level hierarchies (memory.levels, the tiled model): per-PE scratchpads for filters and
# partial sums and a shared global buffer for ifmaps and outputs, narrow enough that its banks
# stall the array. The testbench gets each level's bits per fold from the trace (what the
# searched mapping moves) and models when they are served: -lv gives each set of banks its bits
# per cycle (banks x ports x word bits x instances, from the config below: a 4x3 array has 12
# per-PE instances), -db the double buffering of the outermost level holding each operand.
# name | memory object (levels, pinned mappings) | DRAM GB/s | latency | -db | -lv sets
hiers=("narrow_glb|{\"levels\": [{\"name\": \"spad\", \"kind\": \"regfile\", \"instances\": \"per_pe\", \"word_bits\": 16, \"double_buffered\": false, \"partitions\": {\"filter\": {\"size_bytes\": 8}, \"ofmap\": {\"size_bytes\": 8, \"word_bits\": 32}}}, {\"name\": \"glb\", \"kind\": \"sram\", \"holds\": [\"ifmap\", \"ofmap\"], \"size_bytes\": 256, \"word_bits\": 32}]}|3.2|5|1,0,1|f,192,192 o,384,384 io,32,32"
       "banked_glb|{\"levels\": [{\"name\": \"spad\", \"kind\": \"regfile\", \"instances\": \"per_pe\", \"word_bits\": 16, \"partitions\": {\"filter\": {\"size_bytes\": 4}, \"ofmap\": {\"size_bytes\": 8, \"word_bits\": 32}}}, {\"name\": \"glb\", \"kind\": \"sram\", \"holds\": [\"ifmap\", \"ofmap\"], \"size_bytes\": 128, \"banks\": 2, \"word_bits\": 64, \"double_buffered\": false}]}|0.3|5|0,1,0|f,192,192 o,384,384 io,128,128"
       "psum_dram|{\"levels\": [{\"name\": \"spad\", \"kind\": \"regfile\", \"instances\": \"per_pe\", \"word_bits\": 16, \"double_buffered\": false, \"partitions\": {\"filter\": {\"size_bytes\": 8}, \"ofmap\": {\"size_bytes\": 8, \"word_bits\": 32}}}, {\"name\": \"glb\", \"kind\": \"sram\", \"partitions\": {\"ifmap\": {\"size_bytes\": 512}}, \"word_bits\": 32}], \"mappings\": {\"g1\": \"NGKPQCRS [N1 G1 K7 C1 P9 Q1 R1 S10] NGKCRSPQ [N1 G1 K7 C1 P3 Q1 R1 S5]\"}}|3.2|10|1,0,0|f,192,192 o,384,384 i,32,32")
hruns=0
level_stalls=0
psum_reads=0
for df in ws os is; do
for h in "${hiers[@]}"; do
    IFS='|' read -r hname memory gbps lat db lvs <<< "$h"
    mb=$(awk -v g="$gbps" 'BEGIN{printf "%d", g * 1e9 / 200e6 * 1000}')
    cat > "$work/hier.json" <<JSON
{"name": "sc_$hname", "clock_mhz": 200,
 "array": {"rows": 4, "cols": 3, "dataflow": "$df", "schedule": "pipelined"},
 "precision": {"input": "fp16", "accumulator": "fp32"},
 "memory": $memory,
 "dram": {"type": "ddr4", "bandwidth_gbps": $gbps, "latency_cycles": $lat},
 "tech": {"node_nm": 65, "vdd_v": 1.0}}
JSON
    "$flopwatt" run "$work/hier.json" "$work/gemm.json" --engine pe --seed 7 \
        --trace "$work/trace.csv" --dump-outputs "$work/out.txt" > /dev/null
    "$flopwatt" run "$work/hier.json" "$work/gemm.json" --json > "$work/run.json"
    level_stalls=$((level_stalls + $(jq '[.total.levels[].stall_cycles] | add' "$work/run.json")))
    psum_reads=$((psum_reads + $(jq '.total.dram_ofmap_read_bytes' "$work/run.json")))
    lvargs=()
    for s in $lvs; do lvargs+=(-lv "$s"); done
    sc_layers "$hname, $gbps GB/s, latency $lat" -db "$db" "${lvargs[@]}"
    hruns=$((hruns + ${#layers[@]}))
done
done
[[ $fail -eq 0 ]] || { echo "systemc: FAILED"; exit 1; }
# the sections above must have exercised what is new here: an on-chip level stalling the array,
# and partial sums spilled to DRAM and read back (psum_dram pins g1 to split its reduction
# across the scratchpad, whose parent for partial sums is DRAM)
(( level_stalls > 0 )) || { echo "systemc: no run stalled on an on-chip level"; exit 1; }
(( psum_reads > 0 )) || { echo "systemc: no run read partial sums back from DRAM"; exit 1; }
echo "systemc: $runs layer runs on the sram shorthand and $hruns on two-level hierarchies: stalls, fold starts, layer cycles and outputs identical (SystemC + RTL vs flopwatt run --engine pe)"
