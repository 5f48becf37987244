// fw_fp_fma: combinational floating-point multiply-add, the arithmetic core of the FP PE.
//   op_i = `FW_OP_FMA: c + a*b rounded once to the ACC format (a, b in the IN format)
//   op_i = `FW_OP_MUL: a*b rounded to the ACC format (c_i ignored)
//   op_i = `FW_OP_ADD: a + c rounded to the ACC format (b_i ignored; a is read as a*1.0)
// Semantics follow the C model models/numerics (nx_fma/nx_mul/nx_add/nx_mac_fp) bit for bit:
// five rounding modes (rnd_i = nx_round: 0 near_even, 1 minMag, 2 min, 3 max, 4 near_maxMag),
// subnormals or flush-to-zero (ftz_i), tininess after (default) or before rounding, TestFloat
// flag bits {invalid, infinite, overflow, underflow, inexact} = flags_o[4:0], canonical NaN.
//
// Datapath (exact until the single rounding):
//   1. unpack a, b, c (subnormals normalized);
//   2. exact product P (2*(IN_MAN_BITS+1) bits);
//   3. the operand with the larger top exponent (X) is placed at the top of a W-bit window, the
//      other (Y) is shifted right by the exponent difference; bits shifted out of the window are
//      OR-ed ("jammed") into its lowest bit, which lies far below the rounding position, so the
//      window sum rounds exactly like the infinitely precise sum;
//   4. add or subtract, take the magnitude, count leading zeros, normalize;
//   5. if the exponent is below emin, shift right to the subnormal position (sticky kept);
//   6. round with the mode, detect overflow / tininess, pack.
`default_nettype none
`include "fw_formats.vh"
`include "fw_pe_defs.vh"

module fw_fp_fma #(
  parameter integer IN_EXP_BITS  = 5,
  parameter integer IN_MAN_BITS  = 10,
  parameter integer IN_BIAS      = 15,
  parameter integer IN_HAS_INF   = 1,
  parameter integer IN_IEEE_NAN  = 1,
  parameter integer ACC_EXP_BITS = 5,
  parameter integer ACC_MAN_BITS = 10,
  parameter integer ACC_BIAS     = 15,
  parameter integer ACC_HAS_INF  = 1,
  parameter integer ACC_IEEE_NAN = 1,
  parameter [ACC_EXP_BITS+ACC_MAN_BITS:0] ACC_QNAN = 16'h7E00,
  // -1: the operation comes from op_i; 0..2: fixed to that `FW_OP_* (op_i unused), so that
  // synthesis of a MAC-only unit drops the mul/add selection logic.
  parameter integer OP_FIXED = -1
) (
  input  wire [1:0]                         op_i,   // `FW_OP_*
  input  wire [IN_EXP_BITS+IN_MAN_BITS:0]   a_i,
  input  wire [IN_EXP_BITS+IN_MAN_BITS:0]   b_i,
  input  wire [ACC_EXP_BITS+ACC_MAN_BITS:0] c_i,
  input  wire [2:0]                         rnd_i,  // `FW_RND_* (nx_round)
  input  wire                               ftz_i,
  input  wire                               tininess_before_i,
  output reg  [ACC_EXP_BITS+ACC_MAN_BITS:0] res_o,
  output reg  [4:0]                         flags_o // `FW_FLAG_* bits
);
  localparam integer IN_W  = 1 + IN_EXP_BITS + IN_MAN_BITS;
  localparam integer ACC_W = 1 + ACC_EXP_BITS + ACC_MAN_BITS;

  // ---- sizes
  localparam integer EW  = (IN_EXP_BITS > ACC_EXP_BITS ? IN_EXP_BITS : ACC_EXP_BITS) + 4;
  localparam integer WP  = 2 * (IN_MAN_BITS + 1);             // exact product
  localparam integer WC  = ACC_MAN_BITS + 1;                  // addend significand
  localparam integer WM  = WP > WC ? WP : WC;
  localparam integer W   = 2 * WM + 6;                        // alignment window (jam at bit 0)
  localparam integer NW  = W + 1;                             // sum with carry
  localparam integer P   = ACC_MAN_BITS + 1;                  // result precision
  localparam integer DW  = $clog2(W + 1);
  localparam integer LZW = $clog2(NW + 1);
  localparam integer KW  = $clog2(P + 2);
  localparam integer EMIN = 1 - ACC_BIAS;
  // Largest unbiased exponent of a finite number; E4M3 also uses the all-ones exponent.
  localparam integer EMAX = (1 << ACC_EXP_BITS) - (ACC_IEEE_NAN != 0 ? 2 : 1) - ACC_BIAS;
  localparam [EW-1:0] EMIN_E = EMIN[EW-1:0];
  localparam [EW-1:0] EMAX_E = EMAX[EW-1:0];
  localparam [EW-1:0] BIAS_E = ACC_BIAS[EW-1:0];
  localparam [IN_W-1:0] IN_ONE = {1'b0, IN_BIAS[IN_EXP_BITS-1:0], {IN_MAN_BITS{1'b0}}};
  localparam [ACC_W-1:0] ACC_INF = {1'b0, {ACC_EXP_BITS{1'b1}}, {ACC_MAN_BITS{1'b0}}};
  // Largest finite magnitude: IEEE-like 0.1..10.1..1, E4M3 0.1..1.1..10.
  localparam [ACC_W-1:0] ACC_MAXF = (ACC_IEEE_NAN != 0)
      ? {1'b0, {(ACC_EXP_BITS-1){1'b1}}, 1'b0, {ACC_MAN_BITS{1'b1}}}
      : {1'b0, {ACC_EXP_BITS{1'b1}}, {(ACC_MAN_BITS-1){1'b1}}, 1'b0};

  // ---- 1. unpack
  wire [1:0] op = (OP_FIXED < 0) ? op_i : OP_FIXED[1:0];
  wire use_c = (op != `FW_OP_MUL);
  wire [IN_W-1:0] b_eff = (op == `FW_OP_ADD) ? IN_ONE : b_i;

  wire a_s, a_z, a_inf, a_nan, a_snan, b_s, b_z, b_inf, b_nan, b_snan;
  wire c_s, c_z, c_inf, c_nan, c_snan;
  wire [IN_MAN_BITS:0] a_sig, b_sig;
  wire [ACC_MAN_BITS:0] c_sig;
  wire signed [EW-1:0] a_exp, b_exp, c_exp;

  fw_fp_unpack #(.EXP_BITS(IN_EXP_BITS), .MAN_BITS(IN_MAN_BITS), .BIAS(IN_BIAS),
                 .HAS_INF(IN_HAS_INF), .IEEE_NAN(IN_IEEE_NAN), .EW(EW)) u_unpack_a (
    .x_i(a_i), .ftz_i(ftz_i), .sign_o(a_s), .zero_o(a_z), .inf_o(a_inf), .nan_o(a_nan),
    .snan_o(a_snan), .sig_o(a_sig), .exp_o(a_exp));
  fw_fp_unpack #(.EXP_BITS(IN_EXP_BITS), .MAN_BITS(IN_MAN_BITS), .BIAS(IN_BIAS),
                 .HAS_INF(IN_HAS_INF), .IEEE_NAN(IN_IEEE_NAN), .EW(EW)) u_unpack_b (
    .x_i(b_eff), .ftz_i(ftz_i), .sign_o(b_s), .zero_o(b_z), .inf_o(b_inf), .nan_o(b_nan),
    .snan_o(b_snan), .sig_o(b_sig), .exp_o(b_exp));
  fw_fp_unpack #(.EXP_BITS(ACC_EXP_BITS), .MAN_BITS(ACC_MAN_BITS), .BIAS(ACC_BIAS),
                 .HAS_INF(ACC_HAS_INF), .IEEE_NAN(ACC_IEEE_NAN), .EW(EW)) u_unpack_c (
    .x_i(c_i), .ftz_i(ftz_i), .sign_o(c_s), .zero_o(c_z), .inf_o(c_inf), .nan_o(c_nan),
    .snan_o(c_snan), .sig_o(c_sig), .exp_o(c_exp));

  // ---- special operands (SoftFloat mulAdd rules)
  wire p_s      = a_s ^ b_s;
  wire p_zero   = a_z | b_z;
  wire p_inv    = (a_inf & b_z) | (a_z & b_inf);                   // inf * 0
  wire p_inf    = (a_inf | b_inf) & ~a_nan & ~b_nan & ~p_inv;
  wire cu_nan   = use_c & c_nan;
  wire cu_inf   = use_c & c_inf;
  wire inf_diff = p_inf & cu_inf & (p_s ^ c_s);                    // inf - inf
  wire any_nan  = a_nan | b_nan | cu_nan;
  wire invalid  = a_snan | b_snan | (use_c & c_snan) | p_inv | inf_diff;
  wire res_nan  = any_nan | p_inv | inf_diff;

  // ---- 2. exact product; value = p_sig * 2^(p_top - WP), value < 2^p_top
  wire [WP-1:0] p_sig = {{(IN_MAN_BITS+1){1'b0}}, a_sig} * {{(IN_MAN_BITS+1){1'b0}}, b_sig};
  wire signed [EW-1:0] p_top = a_exp + b_exp + 2;
  wire signed [EW-1:0] c_top = c_exp + 1;
  wire c_zero = ~use_c | c_z;

  // ---- 3. alignment
  wire x_is_p = ~p_zero & (c_zero | (p_top >= c_top));
  wire y_none = p_zero | c_zero;
  wire [W-1:0] p_win = {p_sig, {(W-WP){1'b0}}};
  wire [W-1:0] c_win = {c_sig, {(W-WC){1'b0}}};
  wire [W-1:0] x_win = x_is_p ? p_win : c_win;
  wire [W-1:0] y_raw = y_none ? {W{1'b0}} : (x_is_p ? c_win : p_win);
  wire x_s = x_is_p ? p_s : c_s;
  wire y_s = x_is_p ? c_s : p_s;
  wire signed [EW-1:0] x_top = x_is_p ? p_top : c_top;
  wire signed [EW-1:0] d = x_is_p ? (p_top - c_top) : (c_top - p_top);
  localparam [EW-1:0] W_E = W[EW-1:0];
  wire [DW-1:0] d_cl = (d > $signed(W_E)) ? W[DW-1:0] : d[DW-1:0];
  wire [2*W-1:0] y_sh = {y_raw, {W{1'b0}}} >> d_cl;
  wire [W-1:0] y_win = y_sh[2*W-1:W] | {{(W-1){1'b0}}, |y_sh[W-1:0]};

  // ---- 4. add / subtract, magnitude, normalize
  wire eff_sub = x_s ^ y_s;
  wire [NW-1:0] sum = eff_sub ? ({1'b0, x_win} - {1'b0, y_win}) : ({1'b0, x_win} + {1'b0, y_win});
  wire neg = eff_sub & sum[NW-1];
  wire [NW-1:0] mag = neg ? (~sum + 1'b1) : sum;
  wire r_s = neg ? y_s : x_s;
  wire mag_zero = ~|mag;

  wire [LZW-1:0] lz;
  fw_lzc #(.WIDTH(NW), .CNT_W(LZW)) u_lzc (.x_i(mag), .cnt_o(lz));
  wire [NW-1:0] n = mag << lz;
  // Bit NW-1 of the window has weight 2^x_top.
  wire signed [EW-1:0] e_msb = x_top - $signed({{(EW-LZW){1'b0}}, lz});

  // Fully normalized rounding inputs (used for tininess after rounding).
  wire [P-1:0] sig_full = n[NW-1 -: P];
  wire g_full  = n[NW-1-P];
  wire st_full = |n[NW-2-P:0];

  // ---- 5. subnormal: shift right by emin - e_msb (clamped to P+1: beyond that all is sticky)
  wire tiny_b = e_msb < $signed(EMIN_E);
  wire signed [EW-1:0] k = $signed(EMIN_E) - e_msb;
  localparam integer KMAX = P + 1;
  localparam [EW-1:0] KMAX_E = KMAX[EW-1:0];
  wire [KW-1:0] k_cl = ~tiny_b ? {KW{1'b0}} : ((k > $signed(KMAX_E)) ? KMAX[KW-1:0] : k[KW-1:0]);
  wire [NW+P:0] n_sh = {n, {(P+1){1'b0}}} >> k_cl;
  wire [P-1:0] sig = n_sh[NW+P -: P];
  wire g  = n_sh[NW];
  wire st = (|n_sh[NW-1:0]);
  wire signed [EW-1:0] e_base = tiny_b ? $signed(EMIN_E) : e_msb;

  // ---- 6. round, overflow, tininess, pack
  function automatic rnd_inc(input [2:0] rnd, input s, input lsb, input gb, input sb);
    case (rnd)
      `FW_RND_NEAR_EVEN:   rnd_inc = gb & (sb | lsb);
      `FW_RND_MINMAG:      rnd_inc = 1'b0;
      `FW_RND_MIN:         rnd_inc = s & (gb | sb);
      `FW_RND_MAX:         rnd_inc = ~s & (gb | sb);
      `FW_RND_NEAR_MAXMAG: rnd_inc = gb;
      default:            rnd_inc = gb & (sb | lsb);
    endcase
  endfunction

  wire inc = rnd_inc(rnd_i, r_s, sig[0], g, st);
  wire [P:0] sig_r = {1'b0, sig} + {{P{1'b0}}, inc};
  wire carry = sig_r[P];
  wire [P-1:0] sig_f = carry ? sig_r[P:1] : sig_r[P-1:0];
  wire signed [EW-1:0] e_fin = e_base + {{(EW-1){1'b0}}, carry};
  wire inexact = g | st;
  wire overflow = (e_fin > $signed(EMAX_E)) |
                  ((ACC_IEEE_NAN == 0) & (e_fin == $signed(EMAX_E)) & (&sig_f[P-2:0]));
  wire inc_full = rnd_inc(rnd_i, r_s, sig_full[0], g_full, st_full);
  wire tiny_a = tiny_b & ~((e_msb == $signed(EMIN_E) - 1) & (&sig_full) & inc_full);
  wire tiny = tininess_before_i ? tiny_b : tiny_a;
  wire [ACC_EXP_BITS-1:0] e_field = e_fin[ACC_EXP_BITS-1:0] + BIAS_E[ACC_EXP_BITS-1:0];
  wire [ACC_W-1:0] packed_r = {r_s, sig_f[P-1] ? e_field[ACC_EXP_BITS-1:0] : {ACC_EXP_BITS{1'b0}},
                               sig_f[P-2:0]};
  // Overflow goes to infinity when the mode rounds away from zero in the value's direction,
  // else to the largest finite value. Formats without infinity (E4M3) give NaN instead.
  wire ovf_up = (rnd_i == `FW_RND_NEAR_EVEN) | (rnd_i == `FW_RND_NEAR_MAXMAG) |
                ((rnd_i == `FW_RND_MIN) & r_s) | ((rnd_i == `FW_RND_MAX) & ~r_s);

  always @* begin
    res_o = packed_r;
    flags_o = 5'b0;
    if (res_nan) begin
      res_o = ACC_QNAN;
      flags_o = invalid ? `FW_FLAG_INVALID : 5'b0;
    end else if (p_inf) begin
      res_o = (ACC_HAS_INF != 0) ? (ACC_INF | {p_s, {(ACC_W-1){1'b0}}}) : ACC_QNAN;
    end else if (cu_inf) begin
      res_o = c_i;
    end else if (p_zero & c_zero) begin
      // Exact zero from zero operands: product sign for mul, IEEE sum-of-zeros rule otherwise.
      res_o = {(op == `FW_OP_MUL) ? p_s : ((p_s == c_s) ? p_s : (rnd_i == `FW_RND_MIN)),
               {(ACC_W-1){1'b0}}};
    end else if (mag_zero) begin
      res_o = {(rnd_i == `FW_RND_MIN), {(ACC_W-1){1'b0}}};
    end else if (overflow) begin
      flags_o = `FW_FLAG_OVERFLOW | `FW_FLAG_INEXACT;
      if (ovf_up)
        res_o = (ACC_HAS_INF != 0) ? (ACC_INF | {r_s, {(ACC_W-1){1'b0}}}) : ACC_QNAN;
      else
        res_o = ACC_MAXF | {r_s, {(ACC_W-1){1'b0}}};
    end else if (ftz_i & tiny) begin
      res_o = {r_s, {(ACC_W-1){1'b0}}};
      flags_o = `FW_FLAG_UNDERFLOW | `FW_FLAG_INEXACT;
    end else begin
      flags_o = (inexact ? `FW_FLAG_INEXACT : 5'b0) | ((tiny & inexact) ? `FW_FLAG_UNDERFLOW : 5'b0);
    end
  end
endmodule

`default_nettype wire
