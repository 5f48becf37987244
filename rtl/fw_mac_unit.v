// fw_mac_unit: the combinational MAC of one array PE, res = c + a*b, integer (IS_INT = 1:
// fw_int_mac_pe, wrap or saturate) or floating (fw_fp_mac_pe with the operation fixed to the MAC,
// fused or unfused, any IN/ACC formats). No registers: the array PEs own them. Flags are not
// propagated by the array (the C model's pe engine does not report them either).
// ZERO_GATE = 1: the PE's zero gating (operand isolation, fw_operand_hold; result c when the MAC
// provably returns c): its hold registers are clocked by clk_i and load only in cycles with
// valid_i high (the array PE computes a MAC whose result it keeps); with ZERO_GATE = 0, clk_i and
// valid_i are unused.
`default_nettype none
`include "fw_formats.vh"
`include "fw_pe_defs.vh"

module fw_mac_unit #(
  parameter integer IS_INT       = 0,
  parameter integer IN_W         = `FW_FP16_WIDTH,
  parameter integer ACC_W        = `FW_FP16_WIDTH,
  parameter integer IN_EXP_BITS  = `FW_FP16_EXP_BITS,
  parameter integer IN_MAN_BITS  = `FW_FP16_MAN_BITS,
  parameter integer IN_BIAS      = `FW_FP16_BIAS,
  parameter integer IN_HAS_INF   = `FW_FP16_HAS_INF,
  parameter integer IN_IEEE_NAN  = `FW_FP16_IEEE_NAN,
  parameter integer ACC_EXP_BITS = `FW_FP16_EXP_BITS,
  parameter integer ACC_MAN_BITS = `FW_FP16_MAN_BITS,
  parameter integer ACC_BIAS     = `FW_FP16_BIAS,
  parameter integer ACC_HAS_INF  = `FW_FP16_HAS_INF,
  parameter integer ACC_IEEE_NAN = `FW_FP16_IEEE_NAN,
  parameter [ACC_EXP_BITS+ACC_MAN_BITS:0] ACC_QNAN = `FW_FP16_QNAN,
  parameter integer FUSED        = 1,
  parameter integer ZERO_GATE    = 0
) (
  input  wire             clk_i,
  input  wire             valid_i,
  input  wire [IN_W-1:0]  a_i,
  input  wire [IN_W-1:0]  b_i,
  input  wire [ACC_W-1:0] c_i,
  input  wire [2:0]       rnd_i,
  input  wire             ftz_i,
  input  wire             tininess_before_i,
  input  wire             sat_i,
  output wire [ACC_W-1:0] res_o
);
  /* verilator lint_off UNUSEDSIGNAL */
  // Per kind, some mode inputs and the PE's valid/flags outputs have no use here.
  wire       unused_valid;
  wire [4:0] unused_flags;
  wire       unused_modes = ^{rnd_i, ftz_i, tininess_before_i, sat_i};
  /* verilator lint_on UNUSEDSIGNAL */
  generate
    if (IS_INT != 0) begin : g_int
      fw_int_mac_pe #(.IN_W(IN_W), .ACC_W(ACC_W), .PIPE_DEPTH(0), .ZERO_GATE(ZERO_GATE)) u_pe (
        .clk_i(clk_i), .rst_ni(1'b1), .valid_i(valid_i), .sat_i(sat_i), .a_i(a_i), .b_i(b_i),
        .c_i(c_i), .valid_o(unused_valid), .res_o(res_o), .flags_o(unused_flags));
    end else begin : g_fp
      fw_fp_mac_pe #(
        .IN_EXP_BITS(IN_EXP_BITS), .IN_MAN_BITS(IN_MAN_BITS), .IN_BIAS(IN_BIAS),
        .IN_HAS_INF(IN_HAS_INF), .IN_IEEE_NAN(IN_IEEE_NAN),
        .ACC_EXP_BITS(ACC_EXP_BITS), .ACC_MAN_BITS(ACC_MAN_BITS), .ACC_BIAS(ACC_BIAS),
        .ACC_HAS_INF(ACC_HAS_INF), .ACC_IEEE_NAN(ACC_IEEE_NAN), .ACC_QNAN(ACC_QNAN),
        .FUSED(FUSED), .PIPE_DEPTH(0), .OP_FIXED(0), .ZERO_GATE(ZERO_GATE)
      ) u_pe (
        .clk_i(clk_i), .rst_ni(1'b1), .valid_i(valid_i), .op_i(`FW_OP_FMA), .a_i(a_i), .b_i(b_i),
        .c_i(c_i), .rnd_i(rnd_i), .ftz_i(ftz_i), .tininess_before_i(tininess_before_i),
        .valid_o(unused_valid), .res_o(res_o), .flags_o(unused_flags));
    end
  endgenerate
endmodule

`default_nettype wire
