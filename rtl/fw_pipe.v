// fw_pipe: DEPTH register stages on a valid + data bus (DEPTH = 0: wires). The valid bits are
// reset by the active-low rst_ni; data registers load only with valid (no reset needed).
`default_nettype none

module fw_pipe #(
  parameter integer WIDTH = 8,
  parameter integer DEPTH = 1
) (
  input  wire             clk_i,
  input  wire             rst_ni,
  input  wire             valid_i,
  input  wire [WIDTH-1:0] data_i,
  output wire             valid_o,
  output wire [WIDTH-1:0] data_o
);
  generate
    if (DEPTH == 0) begin : g_wire
      // No registers: the clock and reset are legitimately unused in this configuration.
      /* verilator lint_off UNUSEDSIGNAL */
      wire unused_clk_rst = clk_i ^ rst_ni;
      /* verilator lint_on UNUSEDSIGNAL */
      assign valid_o = valid_i;
      assign data_o  = data_i;
    end else begin : g_regs
      reg             valid_q [0:DEPTH-1];
      reg [WIDTH-1:0] data_q  [0:DEPTH-1];
      integer s;
      always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          for (s = 0; s < DEPTH; s = s + 1) valid_q[s] <= 1'b0;
        end else begin
          valid_q[0] <= valid_i;
          for (s = 1; s < DEPTH; s = s + 1) valid_q[s] <= valid_q[s-1];
        end
      end
      always @(posedge clk_i) begin
        if (valid_i) data_q[0] <= data_i;
        for (s = 1; s < DEPTH; s = s + 1)
          if (valid_q[s-1]) data_q[s] <= data_q[s-1];
      end
      assign valid_o = valid_q[DEPTH-1];
      assign data_o  = data_q[DEPTH-1];
    end
  endgenerate
endmodule

`default_nettype wire
