// fw_array_ws: ROWS x COLS weight-stationary systolic array implementing the schedule written
// down in sim/engine/arr.h (same cycle for every event, relative to the fold start x_f).
// PE(i, j): row i (0 = top), column j (0 = left). Per fold, driven at the edges:
//   - load: column j's stationary (filter) values enter the column's load chain at the top
//     (ld_valid_i[j]) during cycles [x_f + j, x_f + j + ROWS), the value of row ROWS-1 first;
//     with the last one (ld_last_i[j]) every PE of the column copies the value arriving at it
//     into its shadow register (cycle x_f + ROWS - 1 + j);
//   - stream: e(t, i) is presented on row i (x_valid_i[i], x_first_i[i] = (t == 0)) at cycle
//     x_f + ROWS + t + i*P; PE(i, j) uses it at cycle a = x_f + ROWS + t + i*P + j and passes
//     it right (P = MAC_PIPE, array.mac_pipeline_cycles);
//   - swap: with e(0, i) a PE first copies its shadow into its active stationary register;
//   - partial sums: ps_i[j] (ps_valid_i[j]) is presented at cycle x_f + ROWS + t + j: the
//     accumulator zero or the previous reduction fold's partial sum; PE(i, j) computes
//     p = mac(p_in, x, w) when it holds a streamed element, else passes p_in (rows >= sr are
//     bypassed), into a P-stage partial-sum pipeline: p reaches the PE below at cycle a + P;
//   - result: out_valid_o[j] / out_o[j] after the rising edge that ends cycle
//     x_f + ROWS + t + ROWS*P - 1 + j (the cycle in which the bottom row's last stage wrote it).
// The MAC is combinational; its P registers follow it (retiming would move them inside).
// en_i = 0 stalls the whole array for one cycle (nothing moves, inputs are ignored): the
// schedule's cycles are counted in enabled cycles.
`default_nettype none
`include "fw_formats.vh"
`include "fw_pe_defs.vh"

module fw_array_ws #(
  parameter integer ROWS = 4,
  parameter integer COLS = 4,
  parameter integer MAC_PIPE = 1,  // P = array.mac_pipeline_cycles: partial-sum stages per PE
  `FW_MAC_PARAMS
) (
  input  wire                  clk_i,
  input  wire                  rst_ni,
  input  wire                  en_i,
  input  wire [2:0]            rnd_i,
  input  wire                  ftz_i,
  input  wire                  tininess_before_i,
  input  wire                  sat_i,
  input  wire [COLS-1:0]       ld_valid_i,
  input  wire [COLS-1:0]       ld_last_i,
  input  wire [COLS*IN_W-1:0]  ld_i,
  input  wire [ROWS-1:0]       x_valid_i,
  input  wire [ROWS-1:0]       x_first_i,
  input  wire [ROWS*IN_W-1:0]  x_i,
  input  wire [COLS-1:0]       ps_valid_i,
  input  wire [COLS*ACC_W-1:0] ps_i,
  output wire [COLS-1:0]       out_valid_o,
  output wire [COLS*ACC_W-1:0] out_o
);
  // Links between PEs. Horizontal (streamed operand): index i*(COLS+1) + j enters PE(i, j).
  // Vertical (load chain and partial sums): index i*COLS + j enters PE(i, j).
  localparam integer NH = ROWS * (COLS + 1);
  localparam integer NV = (ROWS + 1) * COLS;
  wire [NH-1:0]       h_v, h_f;
  wire [NH*IN_W-1:0]  h_x;
  wire [NV-1:0]       v_ldv, v_psv;
  wire [NV*IN_W-1:0]  v_ld;
  wire [NV*ACC_W-1:0] v_ps;

  genvar i, j;
  generate
    for (i = 0; i < ROWS; i = i + 1) begin : g_row_in
      assign h_v[i*(COLS+1)] = x_valid_i[i];
      assign h_f[i*(COLS+1)] = x_first_i[i];
      assign h_x[i*(COLS+1)*IN_W +: IN_W] = x_i[i*IN_W +: IN_W];
    end
    for (j = 0; j < COLS; j = j + 1) begin : g_col_io
      assign v_ldv[j] = ld_valid_i[j];
      assign v_ld[j*IN_W +: IN_W] = ld_i[j*IN_W +: IN_W];
      assign v_psv[j] = ps_valid_i[j];
      assign v_ps[j*ACC_W +: ACC_W] = ps_i[j*ACC_W +: ACC_W];
      assign out_valid_o[j] = v_psv[ROWS*COLS + j];
      assign out_o[j*ACC_W +: ACC_W] = v_ps[(ROWS*COLS + j)*ACC_W +: ACC_W];
    end
    for (i = 0; i < ROWS; i = i + 1) begin : g_row
      for (j = 0; j < COLS; j = j + 1) begin : g_col
        localparam integer H = i * (COLS + 1) + j;
        localparam integer V = i * COLS + j;
        // ---- load chain and shadow register
        reg            ldv_q;
        reg [IN_W-1:0] ld_q, shadow_q, active_q;
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) ldv_q <= 1'b0;
          else if (en_i) ldv_q <= v_ldv[V];
        end
        always @(posedge clk_i) begin
          if (en_i && v_ldv[V]) ld_q <= v_ld[V*IN_W +: IN_W];
          if (en_i && v_ldv[V] && ld_last_i[j]) shadow_q <= v_ld[V*IN_W +: IN_W];
        end
        assign v_ldv[V + COLS] = ldv_q;
        assign v_ld[(V + COLS)*IN_W +: IN_W] = ld_q;

        // ---- streamed operand, swap, MAC
        wire            xv = h_v[H];
        wire            xf = h_f[H];
        wire [IN_W-1:0] x  = h_x[H*IN_W +: IN_W];
        wire [IN_W-1:0] w  = (xv && xf) ? shadow_q : active_q;
        wire [ACC_W-1:0] p_in = v_ps[V*ACC_W +: ACC_W];
        wire [ACC_W-1:0] p_mac;
        fw_mac_unit #(`FW_MAC_PARAMS_PASS) u_mac (
          .clk_i(clk_i), .valid_i(en_i & xv & v_psv[V]),
          .a_i(x), .b_i(w), .c_i(p_in), .rnd_i(rnd_i), .ftz_i(ftz_i),
          .tininess_before_i(tininess_before_i), .sat_i(sat_i), .res_o(p_mac));
        reg             xv_q, xf_q;
        reg [IN_W-1:0]  x_q;
        // Partial-sum pipeline: stage 0 takes the MAC (or bypass) result, stage P-1 feeds the
        // PE below.
        reg             psv_q [0:MAC_PIPE-1];
        reg [ACC_W-1:0] ps_q  [0:MAC_PIPE-1];
        integer s;
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            xv_q <= 1'b0;
            for (s = 0; s < MAC_PIPE; s = s + 1) psv_q[s] <= 1'b0;
          end else if (en_i) begin
            xv_q <= xv;
            psv_q[0] <= v_psv[V];
            for (s = 1; s < MAC_PIPE; s = s + 1) psv_q[s] <= psv_q[s-1];
          end
        end
        always @(posedge clk_i) begin
          if (en_i) begin
            xf_q <= xf;
            if (xv) x_q <= x;
            if (xv && xf) active_q <= shadow_q;
            if (v_psv[V]) ps_q[0] <= xv ? p_mac : p_in;
            for (s = 1; s < MAC_PIPE; s = s + 1)
              if (psv_q[s-1]) ps_q[s] <= ps_q[s-1];
          end
        end
        assign h_v[H + 1] = xv_q;
        assign h_f[H + 1] = xf_q;
        assign h_x[(H + 1)*IN_W +: IN_W] = x_q;
        assign v_psv[V + COLS] = psv_q[MAC_PIPE-1];
        assign v_ps[(V + COLS)*ACC_W +: ACC_W] = ps_q[MAC_PIPE-1];
      end
    end
  endgenerate

  /* verilator lint_off UNUSEDSIGNAL */
  // The right edge's streamed operands and the bottom edge's load chain leave the array unused.
  wire unused_edges = ^{h_v, h_f, h_x, v_ldv[NV-1 -: COLS], v_ld[NV*IN_W-1 -: COLS*IN_W]};
  /* verilator lint_on UNUSEDSIGNAL */
endmodule

`default_nettype wire
