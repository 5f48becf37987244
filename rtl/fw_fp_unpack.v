// fw_fp_unpack: classifies one floating-point operand of a format from the format table
// (rtl/fw_formats.vh) and returns its significand normalized (leading one at sig_o[MAN_BITS])
// with the unbiased exponent of that leading one: value = sig_o * 2^(exp_o - MAN_BITS).
// Subnormals are normalized here (ftz_i=0) or read as zero of the same sign (ftz_i=1, no flag).
// Formats without IEEE NaNs (OCP E4M3) have one NaN pattern (S.1..1.1..1) and use the all-ones
// exponent for normal numbers.
`default_nettype none

module fw_fp_unpack #(
  parameter integer EXP_BITS = 5,
  parameter integer MAN_BITS = 10,
  parameter integer BIAS     = 15,
  parameter integer HAS_INF  = 1,
  parameter integer IEEE_NAN = 1,
  parameter integer EW       = 9    // width of the signed exponent output
) (
  input  wire [EXP_BITS+MAN_BITS:0] x_i,
  input  wire                       ftz_i,
  output wire                       sign_o,
  output wire                       zero_o,
  output wire                       inf_o,
  output wire                       nan_o,
  output wire                       snan_o,
  output wire [MAN_BITS:0]          sig_o,
  output wire signed [EW-1:0]       exp_o
);
  localparam integer LZW = $clog2(MAN_BITS + 1);

  wire [EXP_BITS-1:0] e = x_i[EXP_BITS+MAN_BITS-1:MAN_BITS];
  wire [MAN_BITS-1:0] f = x_i[MAN_BITS-1:0];
  wire e_ones = &e;
  wire e_zero = ~|e;
  wire f_zero = ~|f;

  assign sign_o = x_i[EXP_BITS+MAN_BITS];
  generate
    if (IEEE_NAN != 0) begin : g_ieee
      assign nan_o  = e_ones & ~f_zero;
      // Quiet NaNs have the top fraction bit set (SoftFloat/TestFloat convention).
      assign snan_o = e_ones & ~f_zero & ~f[MAN_BITS-1];
      assign inf_o  = (HAS_INF != 0) & e_ones & f_zero;
    end else begin : g_one_nan
      assign nan_o  = e_ones & (&f);
      assign snan_o = 1'b0;
      assign inf_o  = 1'b0;
    end
  endgenerate

  wire sub = e_zero & ~f_zero;
  assign zero_o = e_zero & (f_zero | ftz_i);

  // Subnormal: value = f * 2^(1 - BIAS - MAN_BITS); shift the leading one of f to bit MAN_BITS.
  wire [LZW-1:0] lz;
  fw_lzc #(.WIDTH(MAN_BITS), .CNT_W(LZW)) u_lzc (.x_i(f), .cnt_o(lz));
  wire [MAN_BITS:0] sub_sig = {f, 1'b0} << lz;

  localparam [EW-1:0] BIAS_E = BIAS[EW-1:0];
  wire [EW-1:0] e_ext  = {{(EW-EXP_BITS){1'b0}}, e};
  wire [EW-1:0] lz_ext = {{(EW-LZW){1'b0}}, lz};
  assign sig_o = sub ? sub_sig : {1'b1, f};
  // Normal: e - BIAS. Subnormal: 1 - BIAS - (lz + 1) = -BIAS - lz.
  assign exp_o = sub ? $signed(-BIAS_E - lz_ext) : $signed(e_ext - BIAS_E);
endmodule

`default_nettype wire
