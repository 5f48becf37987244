// fw_lzc_tree: leading zeros of a 2^L-bit vector (L >= 1), any_o = x_i has a one. The upper
// half's count is taken when it has a one, else 2^(L-1) plus the lower half's count.
`default_nettype none

module fw_lzc_tree #(
  parameter integer L = 1
) (
  input  wire [(1<<L)-1:0] x_i,
  output wire              any_o,
  output wire [L-1:0]      cnt_o
);
  generate
    if (L == 1) begin : g_leaf
      assign any_o = x_i[1] | x_i[0];
      assign cnt_o = ~x_i[1];
    end else begin : g_node
      localparam integer H = 1 << (L - 1);
      wire         any_hi, any_lo;
      wire [L-2:0] cnt_hi, cnt_lo;
      fw_lzc_tree #(.L(L - 1)) u_hi (.x_i(x_i[2*H-1:H]), .any_o(any_hi), .cnt_o(cnt_hi));
      fw_lzc_tree #(.L(L - 1)) u_lo (.x_i(x_i[H-1:0]), .any_o(any_lo), .cnt_o(cnt_lo));
      assign any_o = any_hi | any_lo;
      assign cnt_o = any_hi ? {1'b0, cnt_hi} : {1'b1, cnt_lo};
    end
  endgenerate
endmodule


`default_nettype wire
