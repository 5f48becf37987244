// fw_array_os: ROWS x COLS output-stationary systolic array implementing the schedule written
// down in sim/engine/arr.h. PE(i, j) owns output (m = row0 + i, n = col0 + j). Per fold:
//   - ifmap (m = row0 + i, k) is presented on row i (x_valid_i[i], with x_first_i[i] = (k == 0)
//     and x_last_i[i] = (k == T-1)) at cycle x_f + k + i and moves right one PE per cycle;
//   - filter (k, n = col0 + j) is presented on column j (w_valid_i[j]) at cycle x_f + k + j and
//     moves down one PE per cycle;
//   - both meet in PE(i, j) at cycle x_f + k + i + j: acc = mac(k == 0 ? 0 : acc, x, w);
//   - after the MAC of k = T-1 the accumulator goes onto column j's result bus: out_valid_o[j]
//     / out_o[j] after the rising edge that ends cycle x_f + T - 1 + i + j (rows of one column
//     finish on distinct cycles, so one bus per column suffices; the row is implied by the
//     cycle, and given on out_row_o[j] for checking).
// en_i = 0 stalls the whole array for one cycle (nothing moves, inputs are ignored).
`default_nettype none
`include "fw_formats.vh"
`include "fw_pe_defs.vh"

module fw_array_os #(
  parameter integer ROWS = 4,
  parameter integer COLS = 4,
  parameter integer ROW_W = $clog2(ROWS + 1),
  `FW_MAC_PARAMS
) (
  input  wire                  clk_i,
  input  wire                  rst_ni,
  input  wire                  en_i,
  input  wire [2:0]            rnd_i,
  input  wire                  ftz_i,
  input  wire                  tininess_before_i,
  input  wire                  sat_i,
  input  wire [ROWS-1:0]       x_valid_i,
  input  wire [ROWS-1:0]       x_first_i,
  input  wire [ROWS-1:0]       x_last_i,
  input  wire [ROWS*IN_W-1:0]  x_i,
  input  wire [COLS-1:0]       w_valid_i,
  input  wire [COLS*IN_W-1:0]  w_i,
  output wire [COLS-1:0]       out_valid_o,
  output wire [COLS*ROW_W-1:0] out_row_o,
  output wire [COLS*ACC_W-1:0] out_o
);
  localparam integer NH = ROWS * (COLS + 1);
  localparam integer NV = (ROWS + 1) * COLS;
  wire [NH-1:0]       h_v, h_f, h_l;
  wire [NH*IN_W-1:0]  h_x;
  wire [NV-1:0]       v_v;
  wire [NV*IN_W-1:0]  v_w;
  // Per-PE result registers, collected per column onto the bus.
  wire [ROWS*COLS-1:0]       r_v;
  wire [ROWS*COLS*ACC_W-1:0] r_d;

  genvar i, j;
  generate
    for (i = 0; i < ROWS; i = i + 1) begin : g_row_in
      assign h_v[i*(COLS+1)] = x_valid_i[i];
      assign h_f[i*(COLS+1)] = x_first_i[i];
      assign h_l[i*(COLS+1)] = x_last_i[i];
      assign h_x[i*(COLS+1)*IN_W +: IN_W] = x_i[i*IN_W +: IN_W];
    end
    for (j = 0; j < COLS; j = j + 1) begin : g_col_in
      assign v_v[j] = w_valid_i[j];
      assign v_w[j*IN_W +: IN_W] = w_i[j*IN_W +: IN_W];
    end
    for (i = 0; i < ROWS; i = i + 1) begin : g_row
      for (j = 0; j < COLS; j = j + 1) begin : g_col
        localparam integer H = i * (COLS + 1) + j;
        localparam integer V = i * COLS + j;
        wire            xv = h_v[H];
        wire            wv = v_v[V];
        wire            xf = h_f[H];
        wire            xl = h_l[H];
        wire [IN_W-1:0] x  = h_x[H*IN_W +: IN_W];
        wire [IN_W-1:0] w  = v_w[V*IN_W +: IN_W];
        reg  [ACC_W-1:0] acc_q;
        wire [ACC_W-1:0] acc_new;
        // The accumulator-format zero is all-zero bits in every format (nx_zero).
        fw_mac_unit #(`FW_MAC_PARAMS_PASS) u_mac (
          .clk_i(clk_i), .valid_i(en_i & xv & wv),
          .a_i(x), .b_i(w), .c_i(xf ? {ACC_W{1'b0}} : acc_q), .rnd_i(rnd_i), .ftz_i(ftz_i),
          .tininess_before_i(tininess_before_i), .sat_i(sat_i), .res_o(acc_new));
        reg             xv_q, xf_q, xl_q, wv_q, rv_q;
        reg [IN_W-1:0]  x_q, w_q;
        always @(posedge clk_i or negedge rst_ni) begin
          if (!rst_ni) begin
            xv_q <= 1'b0;
            wv_q <= 1'b0;
            rv_q <= 1'b0;
          end else if (en_i) begin
            xv_q <= xv;
            wv_q <= wv;
            rv_q <= xv && wv && xl;
          end
        end
        always @(posedge clk_i) begin
          if (en_i) begin
            xf_q <= xf;
            xl_q <= xl;
            if (xv) x_q <= x;
            if (wv) w_q <= w;
            if (xv && wv) acc_q <= acc_new;
          end
        end
        assign h_v[H + 1] = xv_q;
        assign h_f[H + 1] = xf_q;
        assign h_l[H + 1] = xl_q;
        assign h_x[(H + 1)*IN_W +: IN_W] = x_q;
        assign v_v[V + COLS] = wv_q;
        assign v_w[(V + COLS)*IN_W +: IN_W] = w_q;
        assign r_v[V] = rv_q;
        assign r_d[V*ACC_W +: ACC_W] = acc_q;
      end
    end
    // Column result bus: at most one row of a column holds a new result in a cycle.
    for (j = 0; j < COLS; j = j + 1) begin : g_bus
      reg             bus_v;
      reg [ROW_W-1:0] bus_row;
      reg [ACC_W-1:0] bus_d;
      integer r;
      always @* begin
        bus_v = 1'b0;
        bus_row = {ROW_W{1'b0}};
        bus_d = {ACC_W{1'b0}};
        for (r = 0; r < ROWS; r = r + 1)
          if (r_v[r*COLS + j]) begin
            bus_v = 1'b1;
            bus_row = bus_row | r[ROW_W-1:0];
            bus_d = bus_d | r_d[(r*COLS + j)*ACC_W +: ACC_W];
          end
      end
      assign out_valid_o[j] = bus_v;
      assign out_row_o[j*ROW_W +: ROW_W] = bus_row;
      assign out_o[j*ACC_W +: ACC_W] = bus_d;
    end
  endgenerate

  /* verilator lint_off UNUSEDSIGNAL */
  // Operands leaving the right and bottom edges are not used.
  wire unused_edges = ^{h_v, h_f, h_l, h_x, v_v, v_w};
  /* verilator lint_on UNUSEDSIGNAL */
endmodule

`default_nettype wire
