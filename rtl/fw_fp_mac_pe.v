// fw_fp_mac_pe: floating-point MAC processing element. res = c + a*b with a, b in the IN format
// and c, res in the ACC format (mixed precision when ACC is wider), or a*b / a+c (op_i).
//   FUSED = 1: one fw_fp_fma, one rounding (nx_mac_fp fused, nx_fma/nx_mul/nx_add).
//   FUSED = 0: the product is first rounded to the ACC format, then added (nx_mac_fp unfused):
//              two fw_fp_fma in series, flags OR-ed.
// Pipeline: the arithmetic is combinational; PIPE_DEPTH register stages sit at the OUTPUT
// (fw_pipe on {res, flags}), so a result appears PIPE_DEPTH cycles after its operands, one
// result per cycle. Rounding mode, FTZ and tininess are inputs, sampled with the operands.
// ZERO_GATE = 1 (needs a running clk_i, also with PIPE_DEPTH = 0 as in fw_mac_unit): zero
// gating by operand isolation. When fw_fp_zero_gate says the MAC's result is exactly c (a or b
// zero, the other finite, c not NaN, with the signed-zero and FTZ conditions proved there), the
// datapath's a and b inputs hold the last computed MAC's operands (fw_operand_hold, registers not
// clocked in gated cycles) and the PE outputs c with no flags: bit-identical to ZERO_GATE = 0
// (tests/rtl/pe.sh, -gate).
`default_nettype none
`include "fw_formats.vh"
`include "fw_pe_defs.vh"

module fw_fp_mac_pe #(
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
  parameter integer PIPE_DEPTH   = 1,
  parameter integer OP_FIXED     = -1,  // -1: op_i selects; else the fixed `FW_OP_* (op_i unused)
  parameter integer ZERO_GATE    = 0
) (
  input  wire                               clk_i,
  input  wire                               rst_ni,
  input  wire                               valid_i,
  input  wire [1:0]                         op_i,    // `FW_OP_*
  input  wire [IN_EXP_BITS+IN_MAN_BITS:0]   a_i,
  input  wire [IN_EXP_BITS+IN_MAN_BITS:0]   b_i,
  input  wire [ACC_EXP_BITS+ACC_MAN_BITS:0] c_i,
  input  wire [2:0]                         rnd_i,   // `FW_RND_*
  input  wire                               ftz_i,
  input  wire                               tininess_before_i,
  output wire                               valid_o,
  output wire [ACC_EXP_BITS+ACC_MAN_BITS:0] res_o,
  output wire [4:0]                         flags_o
);
  localparam integer ACC_W = 1 + ACC_EXP_BITS + ACC_MAN_BITS;
  wire [1:0] op = (OP_FIXED < 0) ? op_i : OP_FIXED[1:0];
  localparam integer IN_W = 1 + IN_EXP_BITS + IN_MAN_BITS;
  wire [ACC_W-1:0] core_res;
  wire [4:0] core_flags;
  wire [IN_W-1:0] a_m, b_m;   // the datapath's a and b inputs
  wire gate;                  // zero-gated MAC: the result is c, no flags
  generate
    if (ZERO_GATE != 0) begin : g_gate
      wire gate_ok;
      fw_fp_zero_gate #(
        .IN_EXP_BITS(IN_EXP_BITS), .IN_MAN_BITS(IN_MAN_BITS), .IN_IEEE_NAN(IN_IEEE_NAN),
        .ACC_EXP_BITS(ACC_EXP_BITS), .ACC_MAN_BITS(ACC_MAN_BITS), .ACC_IEEE_NAN(ACC_IEEE_NAN)
      ) u_gate (.op_i(op), .a_i(a_i), .b_i(b_i), .c_i(c_i), .rnd_i(rnd_i), .ftz_i(ftz_i),
                .gate_o(gate_ok));
      assign gate = valid_i & gate_ok;
      fw_operand_hold #(.W(IN_W)) u_hold (.clk_i(clk_i), .valid_i(valid_i), .gate_i(gate),
        .a_i(a_i), .b_i(b_i), .a_o(a_m), .b_o(b_m));
    end else begin : g_plain
      assign gate = 1'b0;
      assign a_m = a_i;
      assign b_m = b_i;
    end
  endgenerate
  wire [ACC_W-1:0] res_d = gate ? c_i : core_res;
  wire [4:0] flags_d = gate ? 5'b0 : core_flags;

  generate
    if (FUSED != 0) begin : g_fused
      fw_fp_fma #(
        .IN_EXP_BITS(IN_EXP_BITS), .IN_MAN_BITS(IN_MAN_BITS), .IN_BIAS(IN_BIAS),
        .IN_HAS_INF(IN_HAS_INF), .IN_IEEE_NAN(IN_IEEE_NAN),
        .ACC_EXP_BITS(ACC_EXP_BITS), .ACC_MAN_BITS(ACC_MAN_BITS), .ACC_BIAS(ACC_BIAS),
        .ACC_HAS_INF(ACC_HAS_INF), .ACC_IEEE_NAN(ACC_IEEE_NAN), .ACC_QNAN(ACC_QNAN),
        .OP_FIXED(OP_FIXED)
      ) u_fma (
        .op_i(op), .a_i(a_m), .b_i(b_m), .c_i(c_i), .rnd_i(rnd_i), .ftz_i(ftz_i),
        .tininess_before_i(tininess_before_i), .res_o(core_res), .flags_o(core_flags));
    end else begin : g_unfused
      // Stage 1: a*b (a*1.0 for ADD) rounded to ACC. Stage 2: + c (skipped for MUL).
      localparam [IN_EXP_BITS+IN_MAN_BITS:0] IN_ONE =
          {1'b0, IN_BIAS[IN_EXP_BITS-1:0], {IN_MAN_BITS{1'b0}}};
      wire [ACC_W-1:0] prod, sum;
      wire [4:0] prod_flags, sum_flags;
      fw_fp_fma #(
        .IN_EXP_BITS(IN_EXP_BITS), .IN_MAN_BITS(IN_MAN_BITS), .IN_BIAS(IN_BIAS),
        .IN_HAS_INF(IN_HAS_INF), .IN_IEEE_NAN(IN_IEEE_NAN),
        .ACC_EXP_BITS(ACC_EXP_BITS), .ACC_MAN_BITS(ACC_MAN_BITS), .ACC_BIAS(ACC_BIAS),
        .ACC_HAS_INF(ACC_HAS_INF), .ACC_IEEE_NAN(ACC_IEEE_NAN), .ACC_QNAN(ACC_QNAN),
        .OP_FIXED(1)
      ) u_mul (
        .op_i(`FW_OP_MUL), .a_i(a_m), .b_i((op == `FW_OP_ADD) ? IN_ONE : b_m), .c_i(c_i),
        .rnd_i(rnd_i), .ftz_i(ftz_i), .tininess_before_i(tininess_before_i),
        .res_o(prod), .flags_o(prod_flags));
      fw_fp_fma #(
        .IN_EXP_BITS(ACC_EXP_BITS), .IN_MAN_BITS(ACC_MAN_BITS), .IN_BIAS(ACC_BIAS),
        .IN_HAS_INF(ACC_HAS_INF), .IN_IEEE_NAN(ACC_IEEE_NAN),
        .ACC_EXP_BITS(ACC_EXP_BITS), .ACC_MAN_BITS(ACC_MAN_BITS), .ACC_BIAS(ACC_BIAS),
        .ACC_HAS_INF(ACC_HAS_INF), .ACC_IEEE_NAN(ACC_IEEE_NAN), .ACC_QNAN(ACC_QNAN),
        .OP_FIXED(2)
      ) u_add (
        .op_i(`FW_OP_ADD), .a_i(prod), .b_i(prod), .c_i(c_i),
        .rnd_i(rnd_i), .ftz_i(ftz_i), .tininess_before_i(tininess_before_i),
        .res_o(sum), .flags_o(sum_flags));
      assign core_res   = (op == `FW_OP_MUL) ? prod : sum;
      assign core_flags = (op == `FW_OP_MUL) ? prod_flags : (prod_flags | sum_flags);
    end
  endgenerate

  wire [ACC_W+4:0] out_q;
  fw_pipe #(.WIDTH(ACC_W + 5), .DEPTH(PIPE_DEPTH)) u_pipe (
    .clk_i(clk_i), .rst_ni(rst_ni), .valid_i(valid_i), .data_i({res_d, flags_d}),
    .valid_o(valid_o), .data_o(out_q));
  assign res_o   = out_q[ACC_W+4:5];
  assign flags_o = out_q[4:0];
endmodule

`default_nettype wire
