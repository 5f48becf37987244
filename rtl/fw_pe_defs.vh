// rtl/fw_pe_defs.vh: operation codes of the PE datapath (RTL-only; the number formats, rounding
// modes and flag bits come from the C model through the generated rtl/fw_formats.vh).
`ifndef FW_PE_DEFS_VH
`define FW_PE_DEFS_VH
`define FW_OP_FMA 2'd0  // c + a*b (the MAC)
`define FW_OP_MUL 2'd1  // a*b, c ignored
`define FW_OP_ADD 2'd2  // a + c, b ignored
`endif
