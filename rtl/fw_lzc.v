// fw_lzc: leading-zero counter. cnt_o = number of zero bits above the most significant one of
// x_i (WIDTH when x_i is zero). A log-depth tree (fw_lzc_tree): x_i is extended at the bottom
// by a one (so an all-zero x_i counts WIDTH) and zeros to 2^L bits.
`default_nettype none

module fw_lzc #(
  parameter integer WIDTH = 8,
  parameter integer CNT_W = $clog2(WIDTH + 1)
) (
  input  wire [WIDTH-1:0] x_i,
  output wire [CNT_W-1:0] cnt_o
);
  localparam integer L  = $clog2(WIDTH + 1);  // 2^L >= WIDTH + 1, L >= 1
  localparam integer P2 = 1 << L;
  wire [P2-1:0] xp;
  generate
    if (P2 > WIDTH + 1) begin : g_pad
      assign xp = {x_i, 1'b1, {(P2-WIDTH-1){1'b0}}};
    end else begin : g_nopad
      assign xp = {x_i, 1'b1};
    end
  endgenerate
  /* verilator lint_off UNUSEDSIGNAL */
  wire          any_one;  // always 1 (the padding one)
  /* verilator lint_on UNUSEDSIGNAL */
  wire [L-1:0] cnt;
  fw_lzc_tree #(.L(L)) u_tree (.x_i(xp), .any_o(any_one), .cnt_o(cnt));
  // The count is at most WIDTH and fits CNT_W bits.
  assign cnt_o = cnt[CNT_W-1:0];
endmodule

`default_nettype wire
