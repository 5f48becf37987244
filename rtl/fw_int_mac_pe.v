// fw_int_mac_pe: integer MAC processing element, res = c + a*b in two's complement (nx_mac_int).
// a, b: IN_W-bit signed; c, res: ACC_W-bit signed accumulator (ACC_W >= 2*IN_W). When the exact
// sum does not fit in ACC_W bits, the result wraps modulo 2^ACC_W (sat_i = 0) or saturates to
// the nearest bound (sat_i = 1), and flags_o carries the overflow bit (`FW_FLAG_OVERFLOW) in
// both cases. PIPE_DEPTH register stages at the output, like fw_fp_mac_pe.
// ZERO_GATE = 1 (needs a running clk_i, also with PIPE_DEPTH = 0 as in fw_mac_unit): zero
// gating by operand isolation. When a or b is zero the multiplier's inputs hold the last computed
// MAC's operands (fw_operand_hold, registers not clocked in gated cycles) and the PE outputs c
// with no flag. Exact: c + 0*b = c, which fits in ACC_W bits, so neither wrap nor saturation nor
// the overflow flag applies; the results are bit-identical to ZERO_GATE = 0 on every input
// (tests/rtl/pe.sh, -gate).
`default_nettype none
`include "fw_formats.vh"

module fw_int_mac_pe #(
  parameter integer IN_W       = `FW_INT8_WIDTH,
  parameter integer ACC_W      = `FW_INT32_WIDTH,
  parameter integer PIPE_DEPTH = 1,
  parameter integer ZERO_GATE  = 0
) (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             valid_i,
  input  wire             sat_i,
  input  wire [IN_W-1:0]  a_i,
  input  wire [IN_W-1:0]  b_i,
  input  wire [ACC_W-1:0] c_i,
  output wire             valid_o,
  output wire [ACC_W-1:0] res_o,
  output wire [4:0]       flags_o
);
  wire [IN_W-1:0] a_m, b_m;   // the multiplier's inputs
  wire gate;                   // zero-gated MAC: the result is c
  generate
    if (ZERO_GATE != 0) begin : g_gate
      assign gate = valid_i & ((a_i == {IN_W{1'b0}}) | (b_i == {IN_W{1'b0}}));
      fw_operand_hold #(.W(IN_W)) u_hold (.clk_i(clk_i), .valid_i(valid_i), .gate_i(gate),
        .a_i(a_i), .b_i(b_i), .a_o(a_m), .b_o(b_m));
    end else begin : g_plain
      assign gate = 1'b0;
      assign a_m = a_i;
      assign b_m = b_i;
    end
  endgenerate
  wire signed [2*IN_W-1:0] prod = $signed(a_m) * $signed(b_m);
  wire signed [ACC_W:0] sum = $signed({c_i[ACC_W-1], c_i}) +
                              $signed({{(ACC_W+1-2*IN_W){prod[2*IN_W-1]}}, prod});
  // The ACC_W+1-bit sum is exact; it overflows ACC_W bits when its top two bits differ.
  wire ovf = sum[ACC_W] ^ sum[ACC_W-1];
  wire [ACC_W-1:0] sat_val = sum[ACC_W] ? {1'b1, {(ACC_W-1){1'b0}}} : {1'b0, {(ACC_W-1){1'b1}}};
  wire [ACC_W-1:0] res_d = gate ? c_i : (ovf & sat_i) ? sat_val : sum[ACC_W-1:0];
  wire [4:0] flags_d = (ovf & ~gate) ? `FW_FLAG_OVERFLOW : 5'b0;

  wire [ACC_W+4:0] out_q;
  fw_pipe #(.WIDTH(ACC_W + 5), .DEPTH(PIPE_DEPTH)) u_pipe (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(valid_i), .data_i({res_d, flags_d}),
    .valid_o(valid_o), .data_o(out_q));
  assign res_o   = out_q[ACC_W+4:5];
  assign flags_o = out_q[4:0];
endmodule

`default_nettype wire
