// rtl/fw_pe_defs.vh: operation codes of the PE datapath (RTL-only; the number formats, rounding
// modes and flag bits come from the C model through the generated rtl/fw_formats.vh).
`ifndef FW_PE_DEFS_VH
`define FW_PE_DEFS_VH
`define FW_OP_FMA 2'd0  // c + a*b (the MAC)
`define FW_OP_MUL 2'd1  // a*b, c ignored
`define FW_OP_ADD 2'd2  // a + c, b ignored

// The parameter list of a MAC datapath (fw_mac_unit) and its pass-through, shared by the array
// modules so that a precision is named once at the top (defaults: fp16 fused, not zero-gated).
`ifndef FW_MAC_PARAMS
`define FW_MAC_PARAMS \
  parameter integer IS_INT       = 0, \
  parameter integer IN_W         = `FW_FP16_WIDTH, \
  parameter integer ACC_W        = `FW_FP16_WIDTH, \
  parameter integer IN_EXP_BITS  = `FW_FP16_EXP_BITS, \
  parameter integer IN_MAN_BITS  = `FW_FP16_MAN_BITS, \
  parameter integer IN_BIAS      = `FW_FP16_BIAS, \
  parameter integer IN_HAS_INF   = `FW_FP16_HAS_INF, \
  parameter integer IN_IEEE_NAN  = `FW_FP16_IEEE_NAN, \
  parameter integer ACC_EXP_BITS = `FW_FP16_EXP_BITS, \
  parameter integer ACC_MAN_BITS = `FW_FP16_MAN_BITS, \
  parameter integer ACC_BIAS     = `FW_FP16_BIAS, \
  parameter integer ACC_HAS_INF  = `FW_FP16_HAS_INF, \
  parameter integer ACC_IEEE_NAN = `FW_FP16_IEEE_NAN, \
  parameter [ACC_EXP_BITS+ACC_MAN_BITS:0] ACC_QNAN = `FW_FP16_QNAN, \
  parameter integer FUSED        = 1, \
  parameter integer ZERO_GATE    = 0
`define FW_MAC_PARAMS_PASS \
  .IS_INT(IS_INT), .IN_W(IN_W), .ACC_W(ACC_W), \
  .IN_EXP_BITS(IN_EXP_BITS), .IN_MAN_BITS(IN_MAN_BITS), .IN_BIAS(IN_BIAS), \
  .IN_HAS_INF(IN_HAS_INF), .IN_IEEE_NAN(IN_IEEE_NAN), \
  .ACC_EXP_BITS(ACC_EXP_BITS), .ACC_MAN_BITS(ACC_MAN_BITS), .ACC_BIAS(ACC_BIAS), \
  .ACC_HAS_INF(ACC_HAS_INF), .ACC_IEEE_NAN(ACC_IEEE_NAN), .ACC_QNAN(ACC_QNAN), .FUSED(FUSED), \
  .ZERO_GATE(ZERO_GATE)
`endif

`endif
