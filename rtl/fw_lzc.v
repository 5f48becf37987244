// fw_lzc: leading-zero counter. cnt_o = number of zero bits above the most significant one of
// x_i (WIDTH when x_i is zero). Written as a priority scan: synthesis turns it into a mux chain;
// a tree would be smaller, see rtl/README.md "not covered yet".
`default_nettype none

module fw_lzc #(
  parameter integer WIDTH = 8,
  parameter integer CNT_W = $clog2(WIDTH + 1)
) (
  input  wire [WIDTH-1:0] x_i,
  output reg  [CNT_W-1:0] cnt_o
);
  // zeros_above[i]: the count when bit i is the most significant one.
  wire [CNT_W-1:0] zeros_above [0:WIDTH-1];
  genvar g;
  generate
    for (g = 0; g < WIDTH; g = g + 1) begin : g_pos
      localparam integer Z = WIDTH - 1 - g;
      assign zeros_above[g] = Z[CNT_W-1:0];
    end
  endgenerate

  integer i;
  always @* begin
    cnt_o = WIDTH[CNT_W-1:0];
    // Scanning from the LSB upwards, the last one seen is the most significant.
    for (i = 0; i < WIDTH; i = i + 1)
      if (x_i[i]) cnt_o = zeros_above[i];
  end
endmodule

`default_nettype wire
