// fw_sc_top: top of the SystemC testbench (build/rtl/sc_array, rtl/tb/sc_main.cpp): one
// weight-stationary array (also run as input stationary, arr.h: same module, other feeding) and
// one output-stationary array, ROWS x COLS, same MAC parameters. sel_i = 0 runs the ws array,
// 1 the os array; the other one is stalled (en_i low) and its outputs are not selected.
// Inputs are the union of both arrays' ports. Testbench only.
`include "fw_formats.vh"
`include "fw_pe_defs.vh"
module fw_sc_top #(
  parameter integer ROWS = 4,
  parameter integer COLS = 3,
  parameter integer ROW_W = $clog2(ROWS + 1),
  `FW_MAC_PARAMS
) (
  input  wire                  clk_i,
  input  wire                  rst_ni,
  input  wire                  en_i,
  input  wire                  sel_i,
  input  wire [2:0]            rnd_i,
  input  wire                  ftz_i,
  input  wire                  tininess_before_i,
  input  wire                  sat_i,
  input  wire [COLS-1:0]       ld_valid_i,
  input  wire [COLS-1:0]       ld_last_i,
  input  wire [COLS*IN_W-1:0]  ld_i,
  input  wire [ROWS-1:0]       x_valid_i,
  input  wire [ROWS-1:0]       x_first_i,
  input  wire [ROWS-1:0]       x_last_i,
  input  wire [ROWS*IN_W-1:0]  x_i,
  input  wire [COLS-1:0]       ps_valid_i,
  input  wire [COLS*ACC_W-1:0] ps_i,
  input  wire [COLS-1:0]       w_valid_i,
  input  wire [COLS*IN_W-1:0]  w_i,
  output wire [COLS-1:0]       out_valid_o,
  output wire [COLS*ROW_W-1:0] out_row_o,
  output wire [COLS*ACC_W-1:0] out_o
);
  wire [COLS-1:0] ws_valid, os_valid;
  wire [COLS*ACC_W-1:0] ws_out, os_out;
  wire [COLS*ROW_W-1:0] os_row;

  fw_array_ws #(.ROWS(ROWS), .COLS(COLS), .MAC_PIPE(1), `FW_MAC_PARAMS_PASS) u_ws (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(en_i & ~sel_i), .rnd_i(rnd_i), .ftz_i(ftz_i),
    .tininess_before_i(tininess_before_i), .sat_i(sat_i), .ld_valid_i(ld_valid_i),
    .ld_last_i(ld_last_i), .ld_i(ld_i), .x_valid_i(x_valid_i), .x_first_i(x_first_i),
    .x_i(x_i), .ps_valid_i(ps_valid_i), .ps_i(ps_i), .out_valid_o(ws_valid), .out_o(ws_out));

  fw_array_os #(.ROWS(ROWS), .COLS(COLS), .ROW_W(ROW_W), `FW_MAC_PARAMS_PASS) u_os (
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(en_i & sel_i), .rnd_i(rnd_i), .ftz_i(ftz_i),
    .tininess_before_i(tininess_before_i), .sat_i(sat_i), .x_valid_i(x_valid_i),
    .x_first_i(x_first_i), .x_last_i(x_last_i), .x_i(x_i), .w_valid_i(w_valid_i), .w_i(w_i),
    .out_valid_o(os_valid), .out_row_o(os_row), .out_o(os_out));

  assign out_valid_o = sel_i ? os_valid : ws_valid;
  assign out_o       = sel_i ? os_out : ws_out;
  assign out_row_o   = sel_i ? os_row : {COLS*ROW_W{1'b0}};
endmodule
