// fw_array_harness: Verilator top of the array co-simulation (build/rtl/array). One
// weight-stationary, one output-stationary and one tree ROWS x COLS array per precision; sel_i
// picks the array that is clocked-enabled (the others are stalled), its outputs appear on the
// out ports.
// Lane widths are 32 bits (operands and accumulators are zero-extended / truncated per array).
// ids: 2*p + dataflow (0 ws, 1 os) with p = 0 int8->int32, 1 fp16, 2 bf16, 3 fp32,
// 4 fp16->fp32 (fused), all with one partial-sum stage per PE (mac_pipeline_cycles 1); and
// weight-stationary arrays with deeper MAC pipelines: 10 int8->int32 with P = 3, 11 fp16->fp32
// with P = 2; broadcast-and-reduce (tree) arrays 12 + p, p as above. The tree arrays take one
// filter operand per multiplier per cycle on wt_i (lane i*COLS + j). Zero-gated arrays
// (ZERO_GATE = 1, operand isolation in every PE): 17 tree int8->int32, 18 ws and 19 os fp16.
// Harness only (uses SystemVerilog `` macro pasting).
`default_nettype none
`include "fw_formats.vh"
`include "fw_pe_defs.vh"

`define FW_ARR_FP_PARAMS(IN, ACC) \
  .IS_INT(0), .IN_W(`FW_``IN``_WIDTH), .ACC_W(`FW_``ACC``_WIDTH), \
  .IN_EXP_BITS(`FW_``IN``_EXP_BITS), .IN_MAN_BITS(`FW_``IN``_MAN_BITS), \
  .IN_BIAS(`FW_``IN``_BIAS), .IN_HAS_INF(`FW_``IN``_HAS_INF), \
  .IN_IEEE_NAN(`FW_``IN``_IEEE_NAN), \
  .ACC_EXP_BITS(`FW_``ACC``_EXP_BITS), .ACC_MAN_BITS(`FW_``ACC``_MAN_BITS), \
  .ACC_BIAS(`FW_``ACC``_BIAS), .ACC_HAS_INF(`FW_``ACC``_HAS_INF), \
  .ACC_IEEE_NAN(`FW_``ACC``_IEEE_NAN), .ACC_QNAN(`FW_``ACC``_QNAN), .FUSED(1)
`define FW_ARR_INT_PARAMS(IN, ACC) \
  .IS_INT(1), .IN_W(`FW_``IN``_WIDTH), .ACC_W(`FW_``ACC``_WIDTH)
// The same with zero gating (ZERO_GATE = 1).
`define FW_ARR_FP_PARAMS_ZG(IN, ACC) `FW_ARR_FP_PARAMS(IN, ACC), .ZERO_GATE(1)
`define FW_ARR_INT_PARAMS_ZG(IN, ACC) `FW_ARR_INT_PARAMS(IN, ACC), .ZERO_GATE(1)

// A pair of arrays (ws id 2P, os id 2P+1) with parameters PARAMS, input width IW, acc width AW.
`define FW_ARR_PAIR(P, PARAMS, IW, AW) \
  wire [COLS-1:0] wsv_``P, osv_``P; \
  wire [COLS*AW-1:0] wso_``P, oso_``P; \
  wire [COLS*ROW_W-1:0] osr_``P; \
  wire [COLS*IW-1:0] ld_``P, w_``P; \
  wire [ROWS*IW-1:0] x_``P; \
  wire [COLS*AW-1:0] ps_``P; \
  for (gi = 0; gi < ROWS; gi = gi + 1) begin : g_x_``P \
    assign x_``P[gi*IW +: IW] = x_i[gi*32 +: IW]; \
  end \
  for (gj = 0; gj < COLS; gj = gj + 1) begin : g_c_``P \
    assign ld_``P[gj*IW +: IW] = ld_i[gj*32 +: IW]; \
    assign w_``P[gj*IW +: IW] = w_i[gj*32 +: IW]; \
    assign ps_``P[gj*AW +: AW] = ps_i[gj*32 +: AW]; \
  end \
  fw_array_ws #(.ROWS(ROWS), .COLS(COLS), PARAMS) u_ws_``P ( \
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(en_i & (sel_i == 2*P)), .rnd_i(rnd_i), \
    .ftz_i(ftz_i), .tininess_before_i(tininess_before_i), .sat_i(sat_i), \
    .ld_valid_i(ld_valid_i), .ld_last_i(ld_last_i), .ld_i(ld_``P), .x_valid_i(x_valid_i), \
    .x_first_i(x_first_i), .x_i(x_``P), .ps_valid_i(ps_valid_i), .ps_i(ps_``P), \
    .out_valid_o(wsv_``P), .out_o(wso_``P)); \
  fw_array_os #(.ROWS(ROWS), .COLS(COLS), .ROW_W(ROW_W), PARAMS) u_os_``P ( \
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(en_i & (sel_i == 2*P+1)), .rnd_i(rnd_i), \
    .ftz_i(ftz_i), .tininess_before_i(tininess_before_i), .sat_i(sat_i), \
    .x_valid_i(x_valid_i), .x_first_i(x_first_i), .x_last_i(x_last_i), .x_i(x_``P), \
    .w_valid_i(w_valid_i), .w_i(w_``P), .out_valid_o(osv_``P), .out_row_o(osr_``P), \
    .out_o(oso_``P)); \
  for (gj = 0; gj < COLS; gj = gj + 1) begin : g_o_``P \
    assign ov[2*P][gj] = wsv_``P[gj]; \
    assign od[2*P][gj*32 +: 32] = {{(32-AW){1'b0}}, wso_``P[gj*AW +: AW]}; \
    assign orow[2*P][gj*ROW_W +: ROW_W] = {ROW_W{1'b0}}; \
    assign ov[2*P+1][gj] = osv_``P[gj]; \
    assign od[2*P+1][gj*32 +: 32] = {{(32-AW){1'b0}}, oso_``P[gj*AW +: AW]}; \
    assign orow[2*P+1][gj*ROW_W +: ROW_W] = osr_``P[gj*ROW_W +: ROW_W]; \
  end

// A weight-stationary array alone, id ID, with MAC_PIPE = P.
`define FW_ARR_WS_P(ID, PARAMS, IW, AW, P) \
  wire [COLS-1:0] wsv_``ID; \
  wire [COLS*AW-1:0] wso_``ID; \
  wire [COLS*IW-1:0] ld_``ID; \
  wire [ROWS*IW-1:0] x_``ID; \
  wire [COLS*AW-1:0] ps_``ID; \
  for (gi = 0; gi < ROWS; gi = gi + 1) begin : g_x_``ID \
    assign x_``ID[gi*IW +: IW] = x_i[gi*32 +: IW]; \
  end \
  for (gj = 0; gj < COLS; gj = gj + 1) begin : g_c_``ID \
    assign ld_``ID[gj*IW +: IW] = ld_i[gj*32 +: IW]; \
    assign ps_``ID[gj*AW +: AW] = ps_i[gj*32 +: AW]; \
  end \
  fw_array_ws #(.ROWS(ROWS), .COLS(COLS), .MAC_PIPE(P), PARAMS) u_ws_``ID ( \
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(en_i & (sel_i == ID)), .rnd_i(rnd_i), \
    .ftz_i(ftz_i), .tininess_before_i(tininess_before_i), .sat_i(sat_i), \
    .ld_valid_i(ld_valid_i), .ld_last_i(ld_last_i), .ld_i(ld_``ID), .x_valid_i(x_valid_i), \
    .x_first_i(x_first_i), .x_i(x_``ID), .ps_valid_i(ps_valid_i), .ps_i(ps_``ID), \
    .out_valid_o(wsv_``ID), .out_o(wso_``ID)); \
  for (gj = 0; gj < COLS; gj = gj + 1) begin : g_o_``ID \
    assign ov[ID][gj] = wsv_``ID[gj]; \
    assign od[ID][gj*32 +: 32] = {{(32-AW){1'b0}}, wso_``ID[gj*AW +: AW]}; \
    assign orow[ID][gj*ROW_W +: ROW_W] = {ROW_W{1'b0}}; \
  end

// A tree array alone, id ID.
`define FW_ARR_TREE(ID, PARAMS, IW, AW) \
  wire [COLS-1:0] trv_``ID; \
  wire [COLS*AW-1:0] tro_``ID; \
  wire [ROWS*IW-1:0] tx_``ID; \
  wire [ROWS*COLS*IW-1:0] tw_``ID; \
  wire [COLS*AW-1:0] tps_``ID; \
  for (gi = 0; gi < ROWS; gi = gi + 1) begin : g_x_``ID \
    assign tx_``ID[gi*IW +: IW] = x_i[gi*32 +: IW]; \
  end \
  for (gi = 0; gi < ROWS*COLS; gi = gi + 1) begin : g_w_``ID \
    assign tw_``ID[gi*IW +: IW] = wt_i[gi*32 +: IW]; \
  end \
  for (gj = 0; gj < COLS; gj = gj + 1) begin : g_c_``ID \
    assign tps_``ID[gj*AW +: AW] = ps_i[gj*32 +: AW]; \
  end \
  fw_array_tree #(.ROWS(ROWS), .COLS(COLS), PARAMS) u_tree_``ID ( \
    .clk_i(clk_i), .rst_ni(rst_ni), .en_i(en_i & (sel_i == ID)), .rnd_i(rnd_i), \
    .ftz_i(ftz_i), .tininess_before_i(tininess_before_i), .sat_i(sat_i), \
    .x_valid_i(x_valid_i), .x_i(tx_``ID), .w_i(tw_``ID), .ps_valid_i(ps_valid_i), \
    .ps_i(tps_``ID), .out_valid_o(trv_``ID), .out_o(tro_``ID)); \
  for (gj = 0; gj < COLS; gj = gj + 1) begin : g_o_``ID \
    assign ov[ID][gj] = trv_``ID[gj]; \
    assign od[ID][gj*32 +: 32] = {{(32-AW){1'b0}}, tro_``ID[gj*AW +: AW]}; \
    assign orow[ID][gj*ROW_W +: ROW_W] = {ROW_W{1'b0}}; \
  end

// An id that is not built: no valid outputs.
`define FW_ARR_IDLE(ID) \
  assign ov[ID] = {COLS{1'b0}}; \
  assign od[ID] = {COLS*32{1'b0}}; \
  assign orow[ID] = {COLS*ROW_W{1'b0}};

module fw_array_harness #(
  // ONLY_PREC = p (0..4) builds only precision p's arrays (ws/os pair 2p and 2p+1, tree 12+p,
  // the deeper-pipeline ws array of that precision, 10 or 11, and its zero-gated arrays, 17 for
  // int8->int32, 18 and 19 for fp16): one precision per model, so that a cycle evaluates only
  // the arrays that can be selected; -1 (default) builds all 20.
  parameter integer ONLY_PREC = -1,
  parameter integer ROWS = 4,
  parameter integer COLS = 3,
  parameter integer ROW_W = $clog2(ROWS + 1)
) (
  input  wire                  clk_i,
  input  wire                  rst_ni,
  input  wire                  en_i,
  input  wire [4:0]            sel_i,
  input  wire [2:0]            rnd_i,
  input  wire                  ftz_i,
  input  wire                  tininess_before_i,
  input  wire                  sat_i,
  input  wire [COLS-1:0]       ld_valid_i,
  input  wire [COLS-1:0]       ld_last_i,
  input  wire [COLS*32-1:0]    ld_i,
  input  wire [ROWS-1:0]       x_valid_i,
  input  wire [ROWS-1:0]       x_first_i,
  input  wire [ROWS-1:0]       x_last_i,
  input  wire [ROWS*32-1:0]    x_i,
  input  wire [COLS-1:0]       ps_valid_i,
  input  wire [COLS*32-1:0]    ps_i,
  input  wire [COLS-1:0]       w_valid_i,
  input  wire [COLS*32-1:0]    w_i,
  input  wire [ROWS*COLS*32-1:0] wt_i,
  output wire [COLS-1:0]       out_valid_o,
  output wire [COLS*ROW_W-1:0] out_row_o,
  output wire [COLS*32-1:0]    out_o
);
  localparam integer NARR = 20;
  wire [COLS-1:0]       ov   [0:NARR-1];
  wire [COLS*32-1:0]    od   [0:NARR-1];
  wire [COLS*ROW_W-1:0] orow [0:NARR-1];
  genvar gi, gj;
  generate
`ifdef FW_HARNESS_BENCH
    // Bench build (build/rtl/array_bench, make bench): one int8->int32 weight-stationary array
    // (id 0) alone; the other ids read as idle arrays.
    `FW_ARR_WS_P(0, `FW_ARR_INT_PARAMS(INT8, INT32), 8, 32, 1)
    for (gi = 1; gi < NARR; gi = gi + 1) begin : g_idle
      assign ov[gi] = {COLS{1'b0}};
      assign od[gi] = {COLS*32{1'b0}};
      assign orow[gi] = {COLS*ROW_W{1'b0}};
    end
`else
    if (ONLY_PREC < 0 || ONLY_PREC == 0) begin : g_p0
      `FW_ARR_PAIR(0, `FW_ARR_INT_PARAMS(INT8, INT32), 8, 32)
      `FW_ARR_WS_P(10, `FW_ARR_INT_PARAMS(INT8, INT32), 8, 32, 3)
      `FW_ARR_TREE(12, `FW_ARR_INT_PARAMS(INT8, INT32), 8, 32)
      `FW_ARR_TREE(17, `FW_ARR_INT_PARAMS_ZG(INT8, INT32), 8, 32)
    end else begin : g_i0
      `FW_ARR_IDLE(0) `FW_ARR_IDLE(1) `FW_ARR_IDLE(10) `FW_ARR_IDLE(12) `FW_ARR_IDLE(17)
    end
    if (ONLY_PREC < 0 || ONLY_PREC == 1) begin : g_p1
      `FW_ARR_PAIR(1, `FW_ARR_FP_PARAMS(FP16, FP16), 16, 16)
      `FW_ARR_TREE(13, `FW_ARR_FP_PARAMS(FP16, FP16), 16, 16)
      `FW_ARR_PAIR(9, `FW_ARR_FP_PARAMS_ZG(FP16, FP16), 16, 16)
    end else begin : g_i1
      `FW_ARR_IDLE(2) `FW_ARR_IDLE(3) `FW_ARR_IDLE(13) `FW_ARR_IDLE(18) `FW_ARR_IDLE(19)
    end
    if (ONLY_PREC < 0 || ONLY_PREC == 2) begin : g_p2
      `FW_ARR_PAIR(2, `FW_ARR_FP_PARAMS(BF16, BF16), 16, 16)
      `FW_ARR_TREE(14, `FW_ARR_FP_PARAMS(BF16, BF16), 16, 16)
    end else begin : g_i2
      `FW_ARR_IDLE(4) `FW_ARR_IDLE(5) `FW_ARR_IDLE(14)
    end
    if (ONLY_PREC < 0 || ONLY_PREC == 3) begin : g_p3
      `FW_ARR_PAIR(3, `FW_ARR_FP_PARAMS(FP32, FP32), 32, 32)
      `FW_ARR_TREE(15, `FW_ARR_FP_PARAMS(FP32, FP32), 32, 32)
    end else begin : g_i3
      `FW_ARR_IDLE(6) `FW_ARR_IDLE(7) `FW_ARR_IDLE(15)
    end
    if (ONLY_PREC < 0 || ONLY_PREC == 4) begin : g_p4
      `FW_ARR_PAIR(4, `FW_ARR_FP_PARAMS(FP16, FP32), 16, 32)
      `FW_ARR_WS_P(11, `FW_ARR_FP_PARAMS(FP16, FP32), 16, 32, 2)
      `FW_ARR_TREE(16, `FW_ARR_FP_PARAMS(FP16, FP32), 16, 32)
    end else begin : g_i4
      `FW_ARR_IDLE(8) `FW_ARR_IDLE(9) `FW_ARR_IDLE(11) `FW_ARR_IDLE(16)
    end
`endif
  endgenerate
  wire [4:0] s = (sel_i < 5'd20) ? sel_i : 5'd0;  // NARR arrays
  assign out_valid_o = ov[s];
  assign out_o = od[s];
  assign out_row_o = orow[s];
endmodule

`default_nettype wire
