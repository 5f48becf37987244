#!/usr/bin/env bash
# tools/gates.sh: Yosys gate counts of each PE variant (the `make gates` target of rtl/rtl.mk).
# Each variant is a small wrapper (written under $BUILD/gates/) around fw_fp_mac_pe or
# fw_int_mac_pe with the operation fixed to the MAC (c + a*b, parameter OP_FIXED), the
# rounding mode, FTZ and
# tininess (fp) or wrap/saturate (int) left as inputs, and PIPE_DEPTH = 1 (one output register
# stage). Script per variant: synth -top X; abc -g AND,NAND,OR,NOR,XOR,XNOR,MUX; stat (the
# hierarchy is kept: flattening made ABC run for more than 10 minutes on fp32).
# Writes $BUILD/gates/table.md (markdown) and prints it; also, after the counts, the mapped
# netlist flattened (`flatten; write_json`) as $BUILD/gates/TAG.json and the list of variants
# (TAG:NAME:KIND:IN:ACC:FUSED:ZERO_GATE) as $BUILD/gates/variants.txt, for tools/gates_energy.sh
# and tools/gates_gating.sh. The "gated" variants are the same PEs with ZERO_GATE = 1 (operand
# isolation, rtl/fw_operand_hold.v).
# GATES_ONLY=TAG[,TAG...] synthesises only those variants; GATES_OUT=DIR writes there instead. Needs yosys.
set -euo pipefail
build=${BUILD:-build}
out=${GATES_OUT:-$build/gates}
mkdir -p "$out"

# name | kind | in format | acc format | fused | zero gate
variants=(
    "int8->int32:int:INT8:INT32:1:0"
    "int16->int48:int:INT16:INT48:1:0"
    "fp8e4m3:fp:FP8E4M3:FP8E4M3:1:0"
    "fp8e5m2:fp:FP8E5M2:FP8E5M2:1:0"
    "bf16:fp:BF16:BF16:1:0"
    "fp16:fp:FP16:FP16:1:0"
    "fp32:fp:FP32:FP32:1:0"
    "fp16->fp32:fp:FP16:FP32:1:0"
    "fp16->fp32 unfused:fp:FP16:FP32:0:0"
    "fp8e4m3->fp32:fp:FP8E4M3:FP32:1:0"
    "int8->int32 gated:int:INT8:INT32:1:1"
    "fp8e4m3 gated:fp:FP8E4M3:FP8E4M3:1:1"
    "fp16 gated:fp:FP16:FP16:1:1"
    "fp16->fp32 gated:fp:FP16:FP32:1:1"
)

wrapper() { # name kind in acc fused zero_gate -> Verilog on stdout
    local kind=$2 in=$3 acc=$4 fused=$5 gate=$6
    echo '`include "fw_formats.vh"'
    echo '`include "fw_pe_defs.vh"'
    if [[ $kind == int ]]; then
        cat <<EOV
module syn_top (input wire clk_i, input wire rst_ni, input wire valid_i, input wire sat_i,
  input wire [\`FW_${in}_WIDTH-1:0] a_i, input wire [\`FW_${in}_WIDTH-1:0] b_i,
  input wire [\`FW_${acc}_WIDTH-1:0] c_i, output wire valid_o,
  output wire [\`FW_${acc}_WIDTH-1:0] res_o, output wire [4:0] flags_o);
  fw_int_mac_pe #(.IN_W(\`FW_${in}_WIDTH), .ACC_W(\`FW_${acc}_WIDTH), .PIPE_DEPTH(1),
    .ZERO_GATE($gate)) u_pe (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(valid_i), .sat_i(sat_i), .a_i(a_i), .b_i(b_i),
    .c_i(c_i), .valid_o(valid_o), .res_o(res_o), .flags_o(flags_o));
endmodule
EOV
    else
        cat <<EOV
module syn_top (input wire clk_i, input wire rst_ni, input wire valid_i,
  input wire [\`FW_${in}_WIDTH-1:0] a_i, input wire [\`FW_${in}_WIDTH-1:0] b_i,
  input wire [\`FW_${acc}_WIDTH-1:0] c_i, input wire [2:0] rnd_i, input wire ftz_i,
  input wire tininess_before_i, output wire valid_o,
  output wire [\`FW_${acc}_WIDTH-1:0] res_o, output wire [4:0] flags_o);
  fw_fp_mac_pe #(
    .IN_EXP_BITS(\`FW_${in}_EXP_BITS), .IN_MAN_BITS(\`FW_${in}_MAN_BITS),
    .IN_BIAS(\`FW_${in}_BIAS), .IN_HAS_INF(\`FW_${in}_HAS_INF),
    .IN_IEEE_NAN(\`FW_${in}_IEEE_NAN),
    .ACC_EXP_BITS(\`FW_${acc}_EXP_BITS), .ACC_MAN_BITS(\`FW_${acc}_MAN_BITS),
    .ACC_BIAS(\`FW_${acc}_BIAS), .ACC_HAS_INF(\`FW_${acc}_HAS_INF),
    .ACC_IEEE_NAN(\`FW_${acc}_IEEE_NAN), .ACC_QNAN(\`FW_${acc}_QNAN),
    .FUSED($fused), .PIPE_DEPTH(1), .OP_FIXED(0), .ZERO_GATE($gate)) u_pe (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(valid_i), .op_i(\`FW_OP_FMA), .a_i(a_i),
    .b_i(b_i), .c_i(c_i), .rnd_i(rnd_i), .ftz_i(ftz_i), .tininess_before_i(tininess_before_i),
    .valid_o(valid_o), .res_o(res_o), .flags_o(flags_o));
endmodule
EOV
    fi
}

table="$out/table.md"
{
    echo "| PE variant | cells | of which flip-flops | AND/NAND/OR/NOR | XOR/XNOR | MUX | NOT | cells / int8 PE |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
} > "$table.tmp"
base=""
: > "$out/variants.txt.tmp"
for v in "${variants[@]}"; do
    IFS=: read -r name kind in acc fused gate <<< "$v"
    tag=${name//[^a-z0-9]/_}
    if [[ -n ${GATES_ONLY:-} && ,$GATES_ONLY, != *,$tag,* ]]; then continue; fi
    echo "$tag:$name:$kind:${in,,}:${acc,,}:$fused:$gate" >> "$out/variants.txt.tmp"
    wrapper "$name" "$kind" "$in" "$acc" "$fused" "$gate" > "$out/wrap_$tag.v"
    start=$SECONDS
    yosys -q -q -l "$out/$tag.log" -p "read_verilog -Irtl $out/wrap_$tag.v rtl/fw_*.v;
        synth -top syn_top; abc -g AND,NAND,OR,NOR,XOR,XNOR,MUX; stat;
        flatten; opt_clean; write_json $out/$tag.json" > /dev/null
    # The totals of the last `stat`: the block after its "=== design hierarchy ===" line.
    stat=$(awk '/Printing statistics/{buf=""} /design hierarchy/{buf=""} {buf=buf"\n"$0}
                END{print buf}' "$out/$tag.log")
    cnt() { echo "$stat" | awk -v k="$1" '$1==k {s+=$2} END{print s+0}'; }
    cells=$(echo "$stat" | awk '/Number of cells:/ {n=$4} END{print n+0}')
    ff=$(( $(cnt '$_DFF_P_') + $(cnt '$_DFF_PN0_') + $(cnt '$_DFFE_PP_') + $(cnt '$_DFFE_PN0P_') + $(cnt '$_SDFF_PP0_') + $(cnt '$_SDFFE_PP0P_') ))
    logic=$(( $(cnt '$_AND_') + $(cnt '$_NAND_') + $(cnt '$_OR_') + $(cnt '$_NOR_') ))
    xor=$(( $(cnt '$_XOR_') + $(cnt '$_XNOR_') ))
    mux=$(cnt '$_MUX_')
    nots=$(cnt '$_NOT_')
    [[ -n $base ]] || base=$cells
    ratio=$(awk -v a="$cells" -v b="$base" 'BEGIN{printf "%.1f", a/b}')
    echo "| $name | $cells | $ff | $logic | $xor | $mux | $nots | $ratio |" >> "$table.tmp"
    echo "gates: $name: $cells cells ($((SECONDS - start)) s)" >&2
done
mv "$table.tmp" "$table"
mv "$out/variants.txt.tmp" "$out/variants.txt"
cat "$table"
