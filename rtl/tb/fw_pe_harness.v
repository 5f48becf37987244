// fw_pe_harness: Verilator top of the PE harness (build/rtl/pe_fp, build/rtl/pe_int).
// One PE instance per format configuration, all PIPE_DEPTH = 2 (the harness streams one vector
// per cycle and so exercises the output pipeline), plus zero-gated copies (ZERO_GATE = 1) of six
// of them at id 64 + the ungated id (pe_fp -gate). sel_i picks the instance that receives
// valid_i; the outputs of the instances are OR-ed under their valid bits (only one instance
// holds valid data at a time because the driver streams one function per run).
// The configuration ids are the FW_CFG_* constants below; rtl/tb/pe_main.cpp maps FUNCTION
// names onto them. Harness only (uses SystemVerilog `` macro pasting): not for synthesis.
`default_nettype none
`include "fw_formats.vh"
`include "fw_pe_defs.vh"

// A floating-point PE instance number ID with input format IN, accumulator ACC (upper-case
// format names of fw_formats.vh), fused FU (1) or unfused (0) and zero-gated ZG (1) or not.
`define FW_HARNESS_FP(ID, IN, ACC, FU, ZG = 0) \
  wire v_``ID; wire [`FW_``ACC``_WIDTH-1:0] r_``ID; wire [4:0] f_``ID; \
  fw_fp_mac_pe #( \
    .IN_EXP_BITS(`FW_``IN``_EXP_BITS), .IN_MAN_BITS(`FW_``IN``_MAN_BITS), \
    .IN_BIAS(`FW_``IN``_BIAS), .IN_HAS_INF(`FW_``IN``_HAS_INF), \
    .IN_IEEE_NAN(`FW_``IN``_IEEE_NAN), \
    .ACC_EXP_BITS(`FW_``ACC``_EXP_BITS), .ACC_MAN_BITS(`FW_``ACC``_MAN_BITS), \
    .ACC_BIAS(`FW_``ACC``_BIAS), .ACC_HAS_INF(`FW_``ACC``_HAS_INF), \
    .ACC_IEEE_NAN(`FW_``ACC``_IEEE_NAN), .ACC_QNAN(`FW_``ACC``_QNAN), \
    .FUSED(FU), .PIPE_DEPTH(PIPE_DEPTH), .ZERO_GATE(ZG) \
  ) u_pe_``ID ( \
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(valid_i & (sel_i == ID)), .op_i(op_i), \
    .a_i(a_i[`FW_``IN``_WIDTH-1:0]), .b_i(b_i[`FW_``IN``_WIDTH-1:0]), \
    .c_i(c_i[`FW_``ACC``_WIDTH-1:0]), .rnd_i(rnd_i), .ftz_i(ftz_i), \
    .tininess_before_i(tininess_before_i), .valid_o(v_``ID), .res_o(r_``ID), .flags_o(f_``ID));

`define FW_HARNESS_INT(ID, IN, ACC, ZG = 0) \
  wire v_``ID; wire [`FW_``ACC``_WIDTH-1:0] r_``ID; wire [4:0] f_``ID; \
  fw_int_mac_pe #(.IN_W(`FW_``IN``_WIDTH), .ACC_W(`FW_``ACC``_WIDTH), \
                  .PIPE_DEPTH(PIPE_DEPTH), .ZERO_GATE(ZG)) u_pe_``ID ( \
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(valid_i & (sel_i == ID)), .sat_i(sat_i), \
    .a_i(a_i[`FW_``IN``_WIDTH-1:0]), .b_i(b_i[`FW_``IN``_WIDTH-1:0]), \
    .c_i(c_i[`FW_``ACC``_WIDTH-1:0]), .valid_o(v_``ID), .res_o(r_``ID), .flags_o(f_``ID));

// Output OR of one instance, zero-extended to 48 bits.
`define FW_HARNESS_OUT(ID, ACC) \
  {{(48-`FW_``ACC``_WIDTH){1'b0}}, r_``ID & {`FW_``ACC``_WIDTH{v_``ID}}}

module fw_pe_harness #(
  parameter integer PIPE_DEPTH = 2
) (
  input  wire        clk_i,
  input  wire        rst_ni,
  input  wire        valid_i,
  input  wire [6:0]  sel_i,
  input  wire [1:0]  op_i,
  input  wire [31:0] a_i,
  input  wire [31:0] b_i,
  input  wire [47:0] c_i,
  input  wire [2:0]  rnd_i,
  input  wire        ftz_i,
  input  wire        tininess_before_i,
  input  wire        sat_i,
  output wire        valid_o,
  output wire [47:0] res_o,
  output wire [4:0]  flags_o
);
  // same-format PEs (mul, add, mulAdd)
  `FW_HARNESS_FP(0, FP32, FP32, 1)
  `FW_HARNESS_FP(1, FP16, FP16, 1)
  `FW_HARNESS_FP(2, BF16, BF16, 1)
  `FW_HARNESS_FP(3, FP8E5M2, FP8E5M2, 1)
  `FW_HARNESS_FP(4, FP8E4M3, FP8E4M3, 1)
  // mixed precision, fused (even ids) and unfused (odd ids)
  `FW_HARNESS_FP(6, FP16, FP32, 1)
  `FW_HARNESS_FP(7, FP16, FP32, 0)
  `FW_HARNESS_FP(8, BF16, FP32, 1)
  `FW_HARNESS_FP(9, BF16, FP32, 0)
  `FW_HARNESS_FP(10, FP8E4M3, FP16, 1)
  `FW_HARNESS_FP(11, FP8E4M3, FP16, 0)
  `FW_HARNESS_FP(12, FP8E5M2, FP16, 1)
  `FW_HARNESS_FP(13, FP8E5M2, FP16, 0)
  `FW_HARNESS_FP(14, FP8E4M3, FP32, 1)
  `FW_HARNESS_FP(15, FP8E4M3, FP32, 0)
  `FW_HARNESS_FP(16, FP8E5M2, FP32, 1)
  `FW_HARNESS_FP(17, FP8E5M2, FP32, 0)
  `FW_HARNESS_FP(18, FP8E4M3, BF16, 1)
  `FW_HARNESS_FP(19, FP8E4M3, BF16, 0)
  `FW_HARNESS_FP(20, FP8E5M2, BF16, 1)
  `FW_HARNESS_FP(21, FP8E5M2, BF16, 0)
  // integer MACs
  `FW_HARNESS_INT(32, INT8, INT32)
  `FW_HARNESS_INT(33, INT16, INT32)
  `FW_HARNESS_INT(34, INT8, INT48)
  `FW_HARNESS_INT(35, INT16, INT48)
  // zero-gated copies (id 64 + the ungated id)
  `FW_HARNESS_FP(65, FP16, FP16, 1, 1)
  `FW_HARNESS_FP(68, FP8E4M3, FP8E4M3, 1, 1)
  `FW_HARNESS_FP(70, FP16, FP32, 1, 1)
  `FW_HARNESS_FP(71, FP16, FP32, 0, 1)
  `FW_HARNESS_INT(96, INT8, INT32, 1)
  `FW_HARNESS_INT(99, INT16, INT48, 1)

  assign valid_o = v_0 | v_1 | v_2 | v_3 | v_4 | v_6 | v_7 | v_8 | v_9 | v_10 | v_11 | v_12 |
                   v_13 | v_14 | v_15 | v_16 | v_17 | v_18 | v_19 | v_20 | v_21 | v_32 | v_33 |
                   v_34 | v_35 | v_65 | v_68 | v_70 | v_71 | v_96 | v_99;
  assign res_o =
      `FW_HARNESS_OUT(0, FP32) | `FW_HARNESS_OUT(1, FP16) | `FW_HARNESS_OUT(2, BF16) |
      `FW_HARNESS_OUT(3, FP8E5M2) | `FW_HARNESS_OUT(4, FP8E4M3) |
      `FW_HARNESS_OUT(6, FP32) | `FW_HARNESS_OUT(7, FP32) | `FW_HARNESS_OUT(8, FP32) |
      `FW_HARNESS_OUT(9, FP32) | `FW_HARNESS_OUT(10, FP16) | `FW_HARNESS_OUT(11, FP16) |
      `FW_HARNESS_OUT(12, FP16) | `FW_HARNESS_OUT(13, FP16) | `FW_HARNESS_OUT(14, FP32) |
      `FW_HARNESS_OUT(15, FP32) | `FW_HARNESS_OUT(16, FP32) | `FW_HARNESS_OUT(17, FP32) |
      `FW_HARNESS_OUT(18, BF16) | `FW_HARNESS_OUT(19, BF16) | `FW_HARNESS_OUT(20, BF16) |
      `FW_HARNESS_OUT(21, BF16) |
      `FW_HARNESS_OUT(32, INT32) | `FW_HARNESS_OUT(33, INT32) | `FW_HARNESS_OUT(34, INT48) |
      `FW_HARNESS_OUT(35, INT48) | `FW_HARNESS_OUT(65, FP16) | `FW_HARNESS_OUT(68, FP8E4M3) |
      `FW_HARNESS_OUT(70, FP32) | `FW_HARNESS_OUT(71, FP32) | `FW_HARNESS_OUT(96, INT32) |
      `FW_HARNESS_OUT(99, INT48);
  assign flags_o =
      (f_0 & {5{v_0}}) | (f_1 & {5{v_1}}) | (f_2 & {5{v_2}}) | (f_3 & {5{v_3}}) |
      (f_4 & {5{v_4}}) | (f_6 & {5{v_6}}) | (f_7 & {5{v_7}}) | (f_8 & {5{v_8}}) |
      (f_9 & {5{v_9}}) | (f_10 & {5{v_10}}) | (f_11 & {5{v_11}}) | (f_12 & {5{v_12}}) |
      (f_13 & {5{v_13}}) | (f_14 & {5{v_14}}) | (f_15 & {5{v_15}}) | (f_16 & {5{v_16}}) |
      (f_17 & {5{v_17}}) | (f_18 & {5{v_18}}) | (f_19 & {5{v_19}}) | (f_20 & {5{v_20}}) |
      (f_21 & {5{v_21}}) | (f_32 & {5{v_32}}) | (f_33 & {5{v_33}}) | (f_34 & {5{v_34}}) |
      (f_35 & {5{v_35}}) | (f_65 & {5{v_65}}) | (f_68 & {5{v_68}}) | (f_70 & {5{v_70}}) |
      (f_71 & {5{v_71}}) | (f_96 & {5{v_96}}) | (f_99 & {5{v_99}});
endmodule

`default_nettype wire
