// fw_fp_zero_gate: when may a floating-point MAC c + a*b be gated, i.e. its result replaced by c
// with no flags, bit for bit (fw_fp_mac_pe with ZERO_GATE = 1)? gate_o is high exactly when
//   (1) the operation is the MAC (op FMA; a*b and a+c are never gated);
//   (2) a or b is a zero encoding (+0 or -0; a subnormal read as zero under FTZ is not gated:
//       the ungated datapath handles it);
//   (3) neither a nor b is infinite or NaN (inf*0 and NaN*0 are NaN, invalid);
//   (4) c is not NaN (the result would be the canonical NaN, with invalid for a signaling one);
//   (5) c is not a subnormal under FTZ (it would read as zero and the result be a signed zero);
//   (6) if c is a zero: its sign s_c equals the product's s_p = s_a ^ s_b, or s_c is the sign
//       IEEE 754 gives a sum of opposite zeros: 1 (-0) when rounding toward -inf (min), 0 (+0)
//       in every other mode.
// Proof that the result is then c with flags 0, fused or unfused, in every rounding mode, with
// or without FTZ and tininess before rounding: by (2) and (3) the exact product is a zero of
// sign s_p, raising no flag (unfused: rounding a zero to ACC gives the same zero, no flag). By
// (4) c is a number or an infinity. c infinite: inf + 0 = inf exactly, no flag. c finite
// nonzero (normal, or subnormal without FTZ by (5)): the exact sum is c, representable, so every
// rounding mode returns c unchanged with no inexact flag, hence no underflow (IEEE 754 and the C
// model raise underflow only with inexact) and no overflow. c zero: the sum of two zeros of equal
// sign is that zero in every mode; of opposite signs it is +0, or -0 under min (IEEE 754 6.3),
// which (6) requires to be c. Every other case goes through the datapath (not gated): the gate
// never changes a result, which tests/rtl/pe.sh checks on vectors with a fraction of zero
// operands and every corner triple (signed zeros, infinities, NaNs, subnormals).
`default_nettype none
`include "fw_formats.vh"
`include "fw_pe_defs.vh"

module fw_fp_zero_gate #(
  parameter integer IN_EXP_BITS  = `FW_FP16_EXP_BITS,
  parameter integer IN_MAN_BITS  = `FW_FP16_MAN_BITS,
  parameter integer IN_IEEE_NAN  = `FW_FP16_IEEE_NAN,
  parameter integer ACC_EXP_BITS = `FW_FP16_EXP_BITS,
  parameter integer ACC_MAN_BITS = `FW_FP16_MAN_BITS,
  parameter integer ACC_IEEE_NAN = `FW_FP16_IEEE_NAN
) (
  input  wire [1:0]                         op_i,
  input  wire [IN_EXP_BITS+IN_MAN_BITS:0]   a_i,
  input  wire [IN_EXP_BITS+IN_MAN_BITS:0]   b_i,
  input  wire [ACC_EXP_BITS+ACC_MAN_BITS:0] c_i,
  input  wire [2:0]                         rnd_i,
  input  wire                               ftz_i,
  output wire                               gate_o
);
  localparam integer IM = IN_MAN_BITS, IE = IN_EXP_BITS;
  localparam integer CM = ACC_MAN_BITS, CE = ACC_EXP_BITS;
  wire a_zero = a_i[IE+IM-1:0] == {(IE+IM){1'b0}};
  wire b_zero = b_i[IE+IM-1:0] == {(IE+IM){1'b0}};
  // Infinite or NaN: exponent all ones (IEEE formats); E4M3 (no infinities, IEEE_NAN = 0): only
  // S.1111.111, the NaN, is not finite.
  wire a_nonfin = (&a_i[IE+IM-1:IM]) & ((IN_IEEE_NAN != 0) | (&a_i[IM-1:0]));
  wire b_nonfin = (&b_i[IE+IM-1:IM]) & ((IN_IEEE_NAN != 0) | (&b_i[IM-1:0]));
  wire c_exp_ones = &c_i[CE+CM-1:CM];
  wire c_exp_zero = c_i[CE+CM-1:CM] == {CE{1'b0}};
  wire c_man_zero = c_i[CM-1:0] == {CM{1'b0}};
  wire c_nan = c_exp_ones & ((ACC_IEEE_NAN != 0) ? ~c_man_zero : (&c_i[CM-1:0]));
  wire c_zero = c_exp_zero & c_man_zero;
  wire c_sub = c_exp_zero & ~c_man_zero;
  wire s_p = a_i[IE+IM] ^ b_i[IE+IM];
  wire s_c = c_i[CE+CM];
  wire zero_sign_ok = (s_c == s_p) | (s_c == (rnd_i == `FW_RND_MIN));
  assign gate_o = (op_i == `FW_OP_FMA) & (a_zero | b_zero) & ~a_nonfin & ~b_nonfin & ~c_nan &
                  ~(c_sub & ftz_i) & (~c_zero | zero_sign_ok);
endmodule

`default_nettype wire
