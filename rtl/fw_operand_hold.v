// fw_operand_hold: operand isolation of the multiplier inputs a, b in a zero-gated PE
// (ZERO_GATE = 1 in fw_int_mac_pe / fw_fp_mac_pe). In a gated cycle (gate_i) or an idle one
// (valid_i low) the datapath sees a_q, b_q, the operands of the last computed MAC, instead of
// a_i, b_i, so its inputs do not change and its logic does not switch; otherwise it sees a_i, b_i
// directly (no added latency). a_q, b_q load only in cycles with valid_i high and gate_i low:
// synthesis maps them to enabled registers, clock gated (as tools/gates_energy.py counts them).
// Consecutive gated cycles keep the datapath's inputs at the last MAC it computed. No reset: the
// held values only reach logic whose result the PE discards (a gated PE outputs its accumulator
// input instead).
`default_nettype none

module fw_operand_hold #(
  parameter integer W = 8
) (
  input  wire         clk_i,
  input  wire         valid_i,
  input  wire         gate_i,
  input  wire [W-1:0] a_i,
  input  wire [W-1:0] b_i,
  output wire [W-1:0] a_o,
  output wire [W-1:0] b_o
);
  wire load = valid_i & ~gate_i;
  // The multiplexers select on hold, not on load: written as `load ? a_i : a_q`, Yosys shares
  // them with the registers' next-state logic and maps a_q to a plain flip-flop loading a_o
  // every cycle (no clock gating, and a loop tools/gates_energy.py rejects).
  wire hold = gate_i | ~valid_i;
  reg [W-1:0] a_q, b_q;
  always @(posedge clk_i) begin
    if (load) begin
      a_q <= a_i;
      b_q <= b_i;
    end
  end
  assign a_o = hold ? a_q : a_i;
  assign b_o = hold ? b_q : b_i;
endmodule

`default_nettype wire
