// fw_array_tree: ROWS x COLS broadcast-and-reduce ("tree") array implementing the schedule
// written down in sim/engine/arr.h (section "Tree"; DianNao's NFU). Not systolic: no operand
// moves from PE to PE and nothing is stationary. Multiplier (i, j): row i (0 = top), column j
// (0 = left). Per fold, every input of stream step t in [0, T) is presented at cycle
// a = x_f + t:
//   - x_i[i] (x_valid_i[i]): row i's ifmap element (m = t, k = row0 + i), broadcast to every
//     column; rows without an element (i >= sr) have x_valid_i[i] = 0 and take no part;
//   - w_i[i*COLS + j]: the filter element (k = row0 + i, n = col0 + j) of multiplier (i, j),
//     read from the filter SRAM at every MAC (an input per multiplier per cycle);
//   - ps_i[j] (ps_valid_i[j]: column j is used, j < sc): the accumulator zero in the first
//     reduction fold, else the previous reduction fold's partial sum of output (t, j)
//     (read-modify-write of the ofmap buffer);
//   - column j computes within the cycle acc = ps_i[j]; for i = 0 .. ROWS-1 with x_valid_i[i]:
//     acc = mac(acc, x_i[i], w_i[i][j]): k ascending, one rounding per MAC, the chain of the
//     other dataflows (not a re-associated adder tree), and writes acc into its column register;
//   - result: out_valid_o[j] / out_o[j] after the rising edge that ends cycle a, i.e. during
//     cycle a + 1, when the schedule writes it into the ofmap buffer. Fold length T + 1.
// The ROWS MACs of a column are one combinational chain (the schedule has no pipeline registers
// after the multipliers). en_i = 0 stalls the whole array for one cycle (nothing changes,
// inputs are ignored): the schedule's cycles are counted in enabled cycles.
`default_nettype none
`include "fw_formats.vh"
`include "fw_pe_defs.vh"

module fw_array_tree #(
  parameter integer ROWS = 4,
  parameter integer COLS = 4,
  `FW_MAC_PARAMS
) (
  input  wire                      clk_i,
  input  wire                      rst_ni,
  input  wire                      en_i,
  input  wire [2:0]                rnd_i,
  input  wire                      ftz_i,
  input  wire                      tininess_before_i,
  input  wire                      sat_i,
  input  wire [ROWS-1:0]           x_valid_i,
  input  wire [ROWS*IN_W-1:0]      x_i,
  input  wire [ROWS*COLS*IN_W-1:0] w_i,
  input  wire [COLS-1:0]           ps_valid_i,
  input  wire [COLS*ACC_W-1:0]     ps_i,
  output wire [COLS-1:0]           out_valid_o,
  output wire [COLS*ACC_W-1:0]     out_o
);
  genvar i, j;
  generate
    for (j = 0; j < COLS; j = j + 1) begin : g_col
      // Reduction chain of the column: g_row[i].p_in enters multiplier (i, j), g_row[i].p_out
      // leaves it (the MAC result, or p_in when row i has no element this cycle).
      for (i = 0; i < ROWS; i = i + 1) begin : g_row
        wire [IN_W-1:0]  x = x_i[i*IN_W +: IN_W];
        wire [IN_W-1:0]  w = w_i[(i*COLS + j)*IN_W +: IN_W];
        wire [ACC_W-1:0] p_in, p_mac, p_out;
        if (i == 0) begin : g_top
          assign p_in = ps_i[j*ACC_W +: ACC_W];
        end else begin : g_below
          assign p_in = g_row[i-1].p_out;
        end
        fw_mac_unit #(`FW_MAC_PARAMS_PASS) u_mac (
          .clk_i(clk_i), .valid_i(en_i & x_valid_i[i]),
          .a_i(x), .b_i(w), .c_i(p_in), .rnd_i(rnd_i), .ftz_i(ftz_i),
          .tininess_before_i(tininess_before_i), .sat_i(sat_i), .res_o(p_mac));
        assign p_out = x_valid_i[i] ? p_mac : p_in;
      end
      // Column register: written at the end of the cycle the column computes.
      reg             rv_q;
      reg [ACC_W-1:0] r_q;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) rv_q <= 1'b0;
        else if (en_i) rv_q <= ps_valid_i[j];
      end
      always @(posedge clk_i) begin
        if (en_i && ps_valid_i[j]) r_q <= g_row[ROWS-1].p_out;
      end
      assign out_valid_o[j] = rv_q;
      assign out_o[j*ACC_W +: ACC_W] = r_q;
    end
  endgenerate
endmodule

`default_nettype wire
