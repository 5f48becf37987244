/* eng_xform: transformed convolution (issue 16 part 4): a conv layer whose workload
 * `algorithm` is Winograd F(2x2,3x3), Winograd F(4x4,3x3) or an 8x8 FFT (wl.h wl_algo) is
 * computed as
 *   1. an input transform of every input tile (a x a pixels of one channel) into the
 *      transformed domain, and a filter transform of every filter (one channel of it),
 *      done by a transform unit beside the array;
 *   2. element-wise products summed over the input channels: for each of the P transformed
 *      positions of a tile, a GEMM (tiles x channels) x (channels x filters), run on the array
 *      as one grouped 1x1 convolution through the existing engines (fast or pe, the schedule
 *      of arr.h unchanged);
 *   3. an output transform of every output tile (m x m outputs of one filter), by the
 *      transform unit.
 * Stage sim/engine: called by eng_run_layer (eng.c) for such layers; reads cfg, wl, numerics.
 *
 * Tiles. A layer of out_h x out_w outputs per image is cut into output tiles of m x m (FFT:
 * (9-R) x (9-S)); tiles = batch x ceil(out_h/m) x ceil(out_w/m). The input tile of an output
 * tile at (oy0, ox0) is the a x a window of the input from (oy0 - pad_top, ox0 - pad_left);
 * pixels outside the input (padding, and the overhang of the last tiles) are zero, and outputs
 * past out_h / out_w are computed and dropped.
 *
 * Winograd (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", CVPR 2016), for
 * an a x a input tile d and a 3 x 3 filter g (the CNN's correlation y_i = sum_k d_(i+k) g_k):
 *   Y = A^T [ (G g G^T) (.) (B^T d B) ] A       ((.): element-wise, summed over channels)
 * F(2x2,3x3), a = 4, m = 2:
 *   B^T = [ 1  0 -1  0 ]   G = [ 1    0    0  ]   A^T = [ 1 1  1  0 ]
 *         [ 0  1  1  0 ]       [ 1/2  1/2  1/2]         [ 0 1 -1 -1 ]
 *         [ 0 -1  1  0 ]       [ 1/2 -1/2  1/2]
 *         [ 0  1  0 -1 ]       [ 0    0    1  ]
 * F(4x4,3x3), a = 6, m = 4:
 *   B^T = [ 4  0 -5  0  1  0 ]   G = [  1/4     0     0  ]   A^T = [ 1 1  1 1  1 0 ]
 *         [ 0 -4 -4  1  1  0 ]       [ -1/6  -1/6  -1/6  ]         [ 0 1 -1 2 -2 0 ]
 *         [ 0  4 -4 -1  1  0 ]       [ -1/6   1/6  -1/6  ]         [ 0 1  1 4  4 0 ]
 *         [ 0 -2 -1  2  1  0 ]       [  1/24  1/12  1/6  ]         [ 0 1 -1 8 -8 1 ]
 *         [ 0  2 -1 -2  1  0 ]       [  1/24 -1/12  1/6  ]
 *         [ 0  4  0 -5  0  1 ]       [  0     0     1    ]
 * (tests/unit/test_sim_xform.c checks Y against the direct convolution in exact rationals.)
 *
 * How a transform is evaluated (and so what it costs). Z = M X M^T is M applied to each column
 * of X, then to each row of the result. One application of a row c of M to a vector x:
 *   - all non-zero |c_j| equal (= c): s = +-x_j0, then s = s +- x_j for the other non-zeros
 *     in column order (one add each), then s = c x s when c != 1 (one constant multiply);
 *   - otherwise s = c_j0 x_j0, then s = s +- |c_j| x_j: one add per further non-zero and one
 *     constant multiply per |c_j| != 1.
 *   A negation is a sign flip (free). Floating point: each add and multiply is rounded in the
 *   format (mode of the config; mul then add, two roundings); a multiply by a power of two
 *   counts as a multiply (an upper bound: an exponent adder would do). Integers: exact; a
 *   power-of-two constant is a shift (counted in xform_shifts, not priced), any other a
 *   multiply.
 * Operations per application of one matrix (adds / multiplies, floating point; integer
 * multiplies / shifts where they differ):
 *   F2: B^T 4 / 0;   G 4 / 2 (integer, D G: 4 / 0);            A^T 4 / 0
 *   F4: B^T 16 / 12 (integer 2 / 10 shifts); G 8 / 9 (integer, D G: 4 shifts); A^T 14 / 6
 *       (integer 6 shifts)
 * A tile's input transform applies B^T 2a times (a columns, a rows), a filter transform G
 * 3 + a times, an output transform A^T a + m times. Per tile and channel, floating point:
 *   F2: input 32 adds; filter 28 adds + 14 muls; output 24 adds (Lavin & Gray: 32, 28, 24)
 *   F4: input 192 adds + 144 muls; filter 72 adds + 81 muls; output 140 adds + 60 muls
 * Integer inputs (int8 only) use the integer G' = D G, D the row denominators (F2 diag(1,2,2,1),
 * F4 diag(4,6,6,24,24,1)), so every transform is exact: the products M' = (D U D) (.) V are
 * scaled back by L / (D_i D_j) with L = lcm(D)^2 (F2 4, F4 576) and the output divided by L
 * (exact: a shift for F2; for F4 a shift by 6 and a multiply by the inverse of 9 modulo
 * 2^64), all in 64-bit integers. Per output tile and filter this adds, F2: 12 + 4 shifts; F4:
 * 20 + 16 multiplies and 12 + 16 shifts (hand-derived in test_sim_xform.c). The transformed
 * operands need 11 (F2 V), 12 (F2 U'), 15 (F4 V) and 14 (F4 U') bits: the array multiplies
 * int16 x int16 for such layers, into int32 when the channels are few enough for no sum to
 * overflow it, else int48 (eng_xform_formats; eng_counters.wide_macs, priced as int16 x int48
 * MACs, an upper bound); int16 inputs would need more than 16 bits and are refused.
 *
 * FFT (overlap-save on 8 x 8 tiles, a = 8, m = 9 - R by 9 - S): with D = DFT2(d) and
 * W = DFT2(g zero-padded to 8 x 8), the circular correlation IDFT2(D (.) conj(W)) equals the
 * convolution's outputs at its first m rows and columns. The transforms are radix-2
 * decimation-in-time complex FFTs of 8 points: 12 butterflies (48 real adds) and the twiddles
 * W8^1, W8^3 as general complex multiplies (4 real multiplies + 2 adds each; W8^0 = 1 and
 * W8^2 = -i are free): 52 adds + 8 multiplies per FFT, twiddles rounded to the format. A real
 * tile is transformed as a complex one with zero imaginary parts (no real-FFT packing: about
 * 2x the operations of a real FFT, an upper bound): 8 row FFTs, then column FFTs for the 5
 * columns kx = 0..4 that the Hermitian symmetry of a real signal's spectrum leaves (P = 40
 * bins); a filter needs only its R non-zero rows. The inverse takes the 5 columns, completes
 * each row by symmetry (free) and runs the m row FFTs of the outputs kept, then scales by 1/64
 * (one multiply per output). Per tile and channel: input 13 FFTs (676 adds, 104 muls); filter
 * R + 5 FFTs; output 5 + m FFTs + m^2 multiplies. Each bin's complex product is 4 real
 * multiplies: the array runs it as a real GEMM of 2C x 2K (rows [Re V, Im V] against columns
 * [Re U; -Im U] and [Im U; Re U]), so 160 real MACs per tile, channel and filter instead of
 * 9 m^2 = 324 direct. Defined for floating inputs only (twiddles are irrational).
 *
 * Formats (eng_xform_formats). Floating inputs: input and filter transforms in the input
 * format, the array's MACs as configured (input x input into the accumulator), the output
 * transform in the accumulator format: each operation rounded where the hardware would round.
 * int8 inputs: all exact (above).
 *
 * The transform unit (timing and energy). It sits between the buffers and the array: input
 * tiles are transformed as they are fetched, outputs as they leave. It performs
 * array.transform_ops_per_cycle adds or multiplies per cycle (shifts are free) and runs in
 * parallel with the array: a layer takes max(array cycles, transform cycles); the excess is
 * compute time (xform_cycles says how busy the unit was). Its operations are priced by the
 * energy model at the adder and multiplier figures of their formats (en.h).
 * Memory. The input tiles are fetched raw from DRAM (tiles x a^2 x channels elements of the
 * input format: overlapping halos fetched again, none with the input on chip) and transformed
 * into the ifmap buffer; the products M are consumed on chip by the output transform and only
 * the layer's outputs are written back (none when they stay on chip). The GEMMs run with their
 * ifmap on chip and their outputs kept (eng_options residency), so their SRAM accesses are V's,
 * U's and M's; the filter operand is the transformed filters U, fetched from DRAM in the
 * transformed operands' format (as if stored transformed; the filter transform's operations
 * are still counted, once per run: an upper bound for a network whose filters are transformed
 * offline). The layer's DRAM bytes bound its cycles: max(array and memory cycles of the GEMMs,
 * transform cycles, read bytes / bandwidth + latency, write bytes / bandwidth), the last two
 * excesses counted as DRAM stalls. Not modelled: the transform unit's area, its tile buffers
 * and registers, the latency to transform the first tiles and the last outputs.
 *
 * Numerical error (pe engine): the exact direct convolution is computed from the same operands
 * (integers: in 64 bits; floating point: each product exact in double, summed exactly as a
 * floating-point expansion (Shewchuk 1997) and rounded to double once), and compared with the
 * transformed outputs and with the direct convolution in the array's accumulation order
 * (eng_num_error).
 */
#ifndef ENG_XFORM_H
#define ENG_XFORM_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "engine/eng.h"
#include "workload/wl.h"

#include <stdint.h>

/* The shape of a transformed layer. */
typedef struct eng_xform_shape {
    uint32_t a;         /* input tile side (FFT: 8) */
    uint32_t m_h, m_w;  /* output tile rows, columns */
    uint32_t positions; /* transformed positions per tile: a^2 (Winograd), 40 bins (FFT) */
    uint32_t complex;   /* 2 for the FFT (GEMMs of 2C x 2K), else 1 */
    uint64_t tiles;     /* batch x ceil(out_h/m_h) x ceil(out_w/m_w) */
} eng_xform_shape;

/* Transform-unit operations of one transform (eng_counters xform_* fields). */
typedef struct eng_xform_ops {
    uint64_t adds, muls, shifts;
} eng_xform_ops;

/* The three transforms of an algorithm at a format class (integer or floating): per input tile
 * and channel, per filter and channel, per output tile and filter. */
typedef struct eng_xform_costs {
    eng_xform_ops input, filter, output;
} eng_xform_costs;

/* Shape of a finished conv layer under algorithm a (!= WL_ALGO_DIRECT). */
void eng_xform_shape_of(const wl_layer *layer, wl_algo a, eng_xform_shape *out);

/* Operations per transform (the rules above) for filters of filt_r x filt_s, integer or
 * floating arithmetic. */
void eng_xform_costs_of(wl_algo a, uint32_t filt_r, uint32_t filt_s, bool integer,
                        eng_xform_costs *out);

/* Formats of the transformed domain for a config and layer: the array's operand format *in
 * and its accumulator *acc (floating: the config's; int8: int16, and int32 when no sum of
 * in_c / groups transformed products can reach 2^31 (128 x gain(B^T)^2 x 128 x gain(D G)^2 x
 * in_c / groups, gain = the largest row sum of |coefficients|: F2 589,824 per product, so up to
 * 3,640 channels; F4 80,281,600, so up to 26), else int48). FW_EXIT_INPUT when the algorithm
 * is not defined for the config's precision (integer inputs other than int8; the FFT with
 * integer inputs). */
int eng_xform_formats(const cfg_accel *cfg, const wl_layer *layer, wl_algo a, nx_fmt *in,
                      nx_fmt *acc, fw_err *err);

/* The element-wise GEMMs as one finished layer: a grouped 1x1 convolution of batch 1 on a
 * tiles x 1 input of positions x groups x K' channels (K' = complex x in_c/groups) with
 * positions x groups x N' filters (N' = complex x filters/groups) in positions x groups
 * groups; operand layouts: V [tile][position][group][K'], U [position][group][N'][K'],
 * M [tile][position][group][N']. */
int eng_xform_lower(const wl_layer *layer, wl_algo a, wl_layer *out, fw_err *err);

/* Runs a transformed layer (eng_run_layer's contract): the element-wise GEMMs through the
 * engine opt->kind, plus the transform unit's counts and cycles; with the pe engine also the
 * transforms in the configured precision, the outputs (opt->keep_outputs: the layer's output
 * tensor, accumulator-format bits) and out->error. */
int eng_xform_run(const cfg_accel *cfg, const wl_layer *layer, const eng_options *opt,
                  eng_result *out, fw_err *err);

#endif
