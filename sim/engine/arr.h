/* arr: THE schedule of the R x C array (systolic ws, is, os, and the broadcast-and-reduce tree),
 * per dataflow and fold schedule, written down once (DESIGN.md contract 2), with the fold
 * lengths and gaps that follow from it (arr.c). Both engines and the RTL arrays implement it:
 * the fast engine in closed form (eng_fast.c), the pe engine register by register with real
 * values (eng_pe.c), the RTL arrays in rtl/. Folds, their order and tiles are
 * defined in mapping/map.h.
 *
 * Conventions. Cycles are integers; "at cycle c" means during clock cycle c, with registers
 * updated at the rising edge that ends it (a value written at cycle c is readable at c+1).
 * A layer starts at cycle 0 with an empty array. Every fold f has a start cycle x_f; all its
 * events are fixed offsets from x_f. PE(i, j): row i (0 = top), column j (0 = left). sr, sc:
 * rows / columns used by the fold; T: its streamed length; R, C: the array. PEs outside the
 * used sr x sc corner do nothing in that fold (clock-gated, nothing counted), but a partial
 * fold takes as long as a full one (as SCALE-Sim).
 *
 * Weight / input stationary (ws, is). P = array.mac_pipeline_cycles (default 1): a MAC's result
 * is readable P cycles after its operands arrive. The stationary tile S (sr x sc) holds, at
 * PE(i, j), ws: filter element (k = row0 + i, n = col0 + j); is: ifmap element (m = col0 + j,
 * k = row0 + i). The streamed element e(t, i), t in [0, T), row i, is
 *   ws: ifmap (m = t, k = row0 + i);                is: filter (k = row0 + i, n = t).
 *   - Load: column j's stationary values are read from SRAM during cycles
 *     [x_f + j, x_f + j + R) into the column's load chain and written into the shadow
 *     registers of PEs (i < sr, j) at cycle x_f + R - 1 + j.
 *   - Stream: e(t, i) enters PE(i, 0) at cycle x_f + R + t + i*P and moves one PE to the
 *     right per cycle: it is in PE(i, j) at cycle a = x_f + R + t + i*P + j (for j < sc).
 *   - Swap: when e(0, i) reaches PE(i, j) (cycle x_f + R + i*P + j), the PE first copies its
 *     shadow register into its active stationary register (double-buffered stationary).
 *   - MAC: at cycle a, PE(i, j) starts p(t, i, j) = nx_mac(p_in, x, w) (x the ifmap operand,
 *     w the filter operand); the result is in its partial-sum register (a P-stage pipeline)
 *     from cycle a + P, when e(t, i+1) reaches PE(i+1, j). p_in = p(t, i-1, j) from the PE above
 *     for i > 0; for i = 0 the accumulator-format zero in the first reduction fold of an
 *     output tile, else the partial sum of the same output that the previous reduction fold
 *     wrote into the ofmap buffer (read-modify-write).
 *   - Result: p(t, sr-1, j), the partial (or final) sum of output (t, j), goes through the
 *     R - sr unused rows (bypassed, P cycles each) and is written into the ofmap buffer at
 *     cycle x_f + R + t + R*P - 1 + j. Output (t, j) is ws: (m = t, n = col0 + j);
 *     is: (m = col0 + j, n = t).
 *   So each output is the chain acc = 0; for k = 0 .. K-1 ascending: acc = nx_mac(acc, x, w):
 *   the documented accumulation order, the same for every array shape.
 *   Fold length: the last result is written at x_f + R + T - 1 + R*P - 1 + C - 1, so a fold
 *     lasts L = R + R*P + C + T - 2 cycles (P = 1: 2R + C + T - 2, SCALE-Sim v2's WS/IS fold).
 *
 * Output stationary (os, P = 1 only: the accumulator loop must close in one cycle).
 *   PE(i, j) owns output (m = row0 + i, n = col0 + j).
 *   - ifmap (m = row0 + i, k) enters PE(i, 0) at x_f + k + i and moves right one PE per cycle;
 *     filter (k, n = col0 + j) enters PE(0, j) at x_f + k + j and moves down one PE per cycle;
 *     both meet in PE(i, j) at cycle x_f + k + i + j, which computes
 *     acc = nx_mac(acc, x, w) with acc = accumulator zero for k = 0 (same order: k ascending).
 *   - Result: after the MAC of k = T-1 (cycle x_f + T - 1 + i + j) the accumulator is written
 *     into the ofmap buffer on column j's result bus at that cycle; the PEs of one column
 *     finish on distinct cycles, so one bus per column carries them.
 *   Fold length: the last MAC is at x_f + T + R + C - 3: L = T + R + C - 2 cycles.
 *
 * Tree (broadcast and reduce; P = 1 only). Not systolic: no operand moves from PE to PE. Mapped
 * like ws (K on rows, N on columns, M streamed), but no operand is stationary in the PEs: the
 * multiplier at row i, column j reads filter element (k = row0 + i, n = col0 + j) from the
 * filter SRAM at every MAC, and row i's ifmap element is read once per cycle and broadcast to
 * every used column. Each column reduces its sr products with an adder tree into one column
 * register per column.
 *   - Stream, cycle a = x_f + t (t in [0, T)): every used column j computes, within the cycle,
 *     acc = p_in; for i = 0 .. sr-1: acc = nx_mac(acc, x(m = t0 + t, k = row0 + i), w(k, n)):
 *     the array's accumulation order (k ascending, one rounding per MAC), so the output bits
 *     equal every other dataflow's. A hardware tree that associates differently gives
 *     different floating-point bits; integer wrap-around sums are the same. p_in is the
 *     accumulator zero in the first reduction fold, else the partial sum of output (m, n) read
 *     from the ofmap buffer at cycle a. The result goes into column j's register.
 *   - Result: at cycle a + 1 the column register is written into the ofmap buffer.
 *   Fold length: the last result is written at x_f + T: L = T + 1 cycles.
 *   The multiply and the reduction take one cycle. A real tree at speed has pipeline registers
 *   after the multipliers (DianNao's NFU-1/NFU-2), which this schedule does not have or count:
 *   its register energy is a lower bound.
 *
 * Fold schedules (array.schedule):
 *   serial    (SCALE-Sim v2): folds one after another: x_{f+1} >= x_f + L.
 *   pipelined (default): x_{f+1} >= x_f + max(T, R*P) (tree: max(T, 2), below). The next fold's
 * stationary tile loads into the shadow registers while the current fold streams, and its stream
 * follows the current one without draining the array. The bound is what makes this safe: the
 * streams of consecutive folds do not overlap at any PE (T); the shadow of PE(i, j) is written
 *     (x_{f+1} + R - 1 + j) no earlier than the swap that consumes the previous value
 *     (x_f + R + i*P + j: needs x_{f+1} - x_f >= i*P + 1, i < R); a partial sum written by
 *     fold f at x_f + R + t + R*P - 1 + j is read by the next reduction fold at
 *     x_{f+1} + R + t + j (needs x_{f+1} - x_f >= R*P); os results of consecutive folds on one
 *     column bus (x_f + T - 1 + i + j, i < R) never collide when x_{f+1} - x_f >= R. Tree:
 *     streams do not overlap (T), and a partial sum written at x_f + t + 1 (readable from
 *     x_f + t + 2) is read by the next reduction fold at x_{f+1} + t (needs x_{f+1} - x_f >= 2).
 *   In both schedules x_f is the smallest cycle allowed by these bounds and by memory
 *   (mem.h: the fold's tiles present, an ofmap buffer free). The layer's compute ends at
 *   x_last + L; it ends when the last output write-back to DRAM is done too (mem.h).
 *
 * Register and access counts follow from these events (eng.h lists the closed forms); the pe
 * engine (eng_pe.c) counts them one by one: a register write each time a register takes a value, a
 * register read each time a value is taken from a register for a MAC, a swap or a result.
 *
 * Operand data (pe engine, eng_operands_random in eng.c): a splitmix64 generator with state = seed
 * draws one 64-bit word r per element, ifmap tensor first then filters, in layout order.
 * Integer formats take the low width bits of r (full range); floating formats take
 * d = (r >> 11) * 2^-53 * 4 - 2 (uniform in [-2, 2)) rounded by nx_from_double (near_even).
 * Sparse operands (a layer's ifmap_zero_frac / weight_zero_frac z > 0 for that tensor): a second
 * splitmix64 stream, state = seed ^ 0x5a5a5a5a5a5a5a5a, draws one word q per element of that
 * tensor; the element is zero when (q >> 11) * 2^-53 < z, else it is drawn as above, redrawn
 * while it is a zero (so the density is exactly Bernoulli(1 - z) per element). With z = 0 the
 * data are the dense data above, unchanged (in which a value may be zero by chance: 2^-w for a
 * w-bit integer format). With N:M compression (mapping/map.h "N:M") the filter tensor is drawn
 * with the stored (kept) weights' zero fraction, eng_stored_weight_zero_frac: 1 - (1 - z) K / k
 * (0 for a layer whose weights are exactly N:M), and the array reads the first k values of
 * each filter's reduction. A layer with operand tensors from .npy files (wl_layer ifmap_values,
 * weight_values) uses them instead, each value rounded to the input format (near_even; an
 * integer format rounds to the nearest integer and saturates); a tensor not given is drawn as
 * above.
 */
#ifndef ARR_H
#define ARR_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "mapping/map.h"

#include <stdint.h>

/* Fold length L in cycles for streamed length t (formulas above). */
uint64_t arr_fold_cycles(const cfg_accel *cfg, uint64_t t);
/* Minimum distance x_{f+1} - x_f after a fold of streamed length t: L (serial) or
 * max(t, R*P) (pipelined; tree: max(t, 2)). */
uint64_t arr_fold_gap(const cfg_accel *cfg, uint64_t t);

#endif
