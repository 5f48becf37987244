/* eng: the simulation engines of one layer on one accelerator: counters, options, results.
 * Two engines implement the one schedule written down in engine/arr.h:
 *   ENG_FAST (default): closed forms per fold (below, engine/eng_fast.c) plus the fold event
 *           model of engine/mem.h;
 *   ENG_PE: every PE every cycle with real operand values (engine/eng_pe.c), asking the same
 *           memory model (mem.h) when each fold may start.
 * They agree in every field of eng_counters (tests/unit/test_sim_engine.c checks it).
 * Stage sim/engine: reads cfg, wl, map; read by energy and report.
 *
 * Closed forms of the fast engine per fold (sr x sc PEs used, T streamed, R x C array):
 *   ws / is: macs = T*sr*sc; PE register writes = 2*T*sr*sc (stream operand, partial sum)
 *            + 2*sr*sc (stationary shadow, active); reads = 3*T*sr*sc (stream operand,
 *            stationary, partial sum from above or the output read at the last used row)
 *            + sr*sc (shadow read at the swap);
 *            SRAM reads: stationary operand sr*sc, streamed operand T*sr, ofmap T*sc when the
 *            fold is not the first reduction fold (read-modify-write); ofmap writes T*sc.
 *   os:      macs = T*sr*sc; register writes = 3*T*sr*sc (ifmap, filter, accumulator);
 *            reads = 3*T*sr*sc (ifmap, filter each MAC; the accumulator at MACs 1..T-1 and
 *            once when the result leaves); SRAM reads ifmap T*sr, filter T*sc; ofmap writes
 *            sr*sc.
 *   tree:    macs = T*sr*sc; register writes = reads = T*sc (one column register per column
 *            and cycle); SRAM reads ifmap T*sr (broadcast), filter T*sr*sc (every MAC), ofmap
 *            T*sc when not the first reduction fold; ofmap writes T*sc.
 *   all:     pe_slots = T*R*C (the mapping-efficiency denominator).
 * The fast engine adds these up over the layer in closed form (eng_fast.c: sums of sr, sc and T
 * over the fold grid); the pe engine counts them fold by fold and PE by PE.
 * Memory-side accesses (DRAM bytes, SRAM fills and write-back reads) come from mem.h.
 *
 * Zero skipping (cfg array.zero_skipping): zeros of the streamed operand take no slot. Which
 * lanes move together decides what can be skipped (eng_skip.c):
 *   ws, tree (streamed ifmap) and is (streamed filters): the reduction runs across the rows
 *     within a stream step (partial sums down the column, or the adder tree), so the rows of
 *     a fold move in lock step: a step is skipped only when the operand of every used row is
 *     zero (for ws/tree that includes padding). Fold f takes t_eff = t - (all-zero steps);
 *     skipped MACs = all-zero steps x sr x sc. Expected (fast): with q the probability that a
 *     streamed element is zero, E[all-zero steps] = t q^sr.
 *   os (the reduction streams in time): each row (output pixel) runs its own stream of
 *     non-zero activations with their indices, the matching filter values chosen per row by
 *     that index (an index-matching front end as in Cnvlutin, Albericio et al. ISCA 2016; its
 *     cost is not priced: an optimistic bound); the rows of a fold start together and the fold
 *     ends with its slowest row: t_eff = max over the sr rows of the non-zeros nz_i of its K
 *     activations (the load imbalance: E[t_eff] > density x K); skipped MACs =
 *     (sr K - sum nz_i) x sc. Expected: E[max of sr iid Binomial(K, 1 - q)] =
 *     sum_{t=0}^{K-1} (1 - F(t)^sr), F the binomial CDF (computed exactly in double).
 *   q for the ifmap (ws, tree, os) = 1 - (1 - ifmap_zero_frac) x f_in, f_in the fraction of
 *     the im2col matrix inside the input (padding as if spread at random over the steps: an
 *     approximation the pe engine, which counts the real positions, does not make; exact for
 *     layers without padding); for the filters (is) the stored weights' zero fraction.
 *   t_eff replaces t in the fold's length and gap (arr.h) in the memory model, so stalls
 *   follow (mem.h); fast rounds each fold's expected t_eff to the nearest integer. The pe
 *   engine still computes every MAC on the dense schedule (outputs unchanged: skipping a MAC
 *   with a zero operand leaves its accumulator as the MAC would, up to the sign of a zero
 *   sum) and counts t_eff from the values. Not modelled: skipping zero weights in ws/os/tree,
 *   skipping in both operands at once, the cost of the index logic.
 */
#ifndef ENG_H
#define ENG_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "mapping/map.h"
#include "workload/wl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Everything counted for one layer (or summed over layers). Plain data: the energy stage
 * prices these counts (sim/energy), the report prints them. Element counts are in elements of
 * the operand's format (input format for ifmap/filter, accumulator format for ofmap). */
typedef struct eng_counters {
    uint64_t cycles; /* total = compute_cycles + stall_cycles */
    uint64_t compute_cycles;
    uint64_t stall_cycles;                  /* waiting for memory */
    uint64_t stall_cycles_by[CFG_OPERANDS]; /* attributed: ifmap, filter, ofmap */
    uint64_t folds;
    uint64_t macs;                           /* useful MACs */
    uint64_t pe_slots;                       /* sum over folds of T*R*C */
    uint64_t reg_reads, reg_writes;          /* PE operand/partial-sum register accesses */
    uint64_t sram_reads[CFG_OPERANDS];       /* elements read from each operand SRAM */
    uint64_t sram_writes[CFG_OPERANDS];      /* elements written (fills, partial sums, outputs) */
    uint64_t dram_read_bytes[CFG_OPERANDS];  /* ofmap: spilled partial sums read back */
    uint64_t dram_write_bytes[CFG_OPERANDS]; /* ofmap only: outputs and spilled partial sums */
    /* Per storage level (cfg.levels; the sram shorthand is level 0) and operand: elements read
     * and written, array side included (reads by the array from the innermost level holding
     * an operand, its writes of partial sums and outputs there), fills and drains between
     * levels (mapping/tl.h rule 5). The shorthand's level 0 equals sram_reads/sram_writes. */
    uint64_t level_reads[CFG_MAX_LEVELS][CFG_OPERANDS];
    uint64_t level_writes[CFG_MAX_LEVELS][CFG_OPERANDS];
    /* Stall cycles by the level that caused them: [i] on-chip level i, [CFG_MAX_LEVELS] DRAM
     * (with the sram shorthand every stall is a DRAM stall) */
    uint64_t stall_cycles_level[CFG_MAX_LEVELS + 1];
    /* MACs with a zero operand (ifmap or filter value zero, padding included): the MACs that
     * zero gating (cfg array.zero_gating) keeps from toggling. The pe engine counts them from
     * the values it multiplies (a float zero is +0 or -0); the fast engine gives the expectation
     * under independent zeros, rounded to the nearest integer (eng_expected_zero_macs). The one
     * field in which the engines agree in expectation, not exactly (test_sim_sparse.c). */
    uint64_t zero_macs;
    /* Transformed convolution (a conv layer's algorithm is Winograd or FFT, engine/eng_xform.h):
     * the operations of the transform unit. _in: input and filter transforms, in the format of
     * the transformed operands (eng_xform_formats); _out: the output transform, in the
     * accumulator format. adds: additions and subtractions; muls: constant multiplies priced as
     * multiplies; shifts: power-of-two constants in integer arithmetic (wiring, not priced).
     * xform_cycles: cycles the transform unit is busy (ops / array.transform_ops_per_cycle).
     * wide_macs: MACs the array ran at the widened integer precision of the transformed domain
     * (int16 operands into int32 or int48, eng_xform_formats; priced as int16 x int48 MACs, an
     * upper bound, en.h). All 0 for direct layers. */
    uint64_t xform_in_adds, xform_in_muls, xform_out_adds, xform_out_muls, xform_shifts;
    uint64_t xform_cycles;
    uint64_t wide_macs;
    /* Zero skipping (array.zero_skipping; "Zero skipping" above): MACs that took no slot
     * (a subset of zero_macs), and the cycles the layer took less than without skipping
     * (its memory timeline run with and without it). Engines agree in expectation. */
    uint64_t skipped_macs;
    uint64_t skip_saved_cycles;
    /* N:M compression (mapping/map.h "N:M"): the layer's MACs with dense weights (= macs when
     * not compressed); the cycles and DRAM bytes (read + written) of the same layer with dense
     * weights and no skipping (= cycles + skip_saved_cycles and the DRAM bytes when not
     * compressed); the metadata bytes of the compressed weights (storage, counted once); the
     * metadata bits read from the filter SRAM with the weights (sram_reads[filter] x bits). */
    uint64_t dense_macs;
    uint64_t nm_dense_cycles;
    uint64_t nm_dense_dram_bytes;
    uint64_t nm_metadata_bytes;
    uint64_t nm_metadata_sram_bits;
    /* Compression (cfg compression, mapping/map.h "Compression"): elements the array read
     * through the decompressor (dense elements of the compressed operands); the cycles and DRAM
     * bytes of the same layer with its tensors uncompressed (= cycles and DRAM bytes when
     * nothing is compressed). */
    uint64_t cmp_decoded_elems;
    uint64_t cmp_dense_cycles;
    uint64_t cmp_dense_dram_bytes;
} eng_counters;

typedef enum eng_kind { ENG_FAST = 0, ENG_PE } eng_kind;

/* One fold as the memory model placed it (for traces: why a layer takes its time). */
typedef struct eng_fold_event {
    uint64_t fold, group, row_fold, col_fold;
    uint32_t sr, sc;                        /* rows / cols used */
    uint64_t t;                             /* streamed length */
    uint64_t start_cycle;                   /* x_f (arr.h) */
    uint64_t end_cycle;                     /* x_f + L */
    uint64_t stall_cycles;                  /* waited for memory before start_cycle */
    int stall_operand;                      /* cfg_operand that arrived last, -1 when no stall */
    uint64_t dram_read_bytes[CFG_OPERANDS]; /* fetched for this fold */
    uint64_t dram_write_bytes;              /* written back after it */
    /* memory.levels only (0 with the sram shorthand): the bits each on-chip level serves for
     * this fold, per operand it holds, array side included (sim/README.md, "Timing") */
    uint64_t level_read_bits[CFG_MAX_LEVELS][CFG_OPERANDS];
    uint64_t level_write_bits[CFG_MAX_LEVELS][CFG_OPERANDS];
} eng_fold_event;

/* Receives every fold of a layer in order; ctx is eng_options.trace_ctx. */
typedef void (*eng_trace_fn)(void *ctx, const eng_fold_event *ev);

/* Operand tensors of a layer for the pe engine, as bit patterns of the input format, in the
 * layouts of workload/wl.h: ifmap [batch][in_h][in_w][in_c], filters
 * [filters][filt_r][filt_s][in_c/groups]; a GEMM layer: ifmap [M][K], filters [N][K]. */
typedef struct eng_operands {
    uint64_t *ifmap; /* owned */
    size_t ifmap_count;
    uint64_t *filter; /* owned */
    size_t filter_count;
} eng_operands;

/* The im2col view of a conv layer's ifmap (wl.h lowering), written once for the pe engine's
 * X (eng_pe.c) and the zero maps of zero skipping (eng_skip.c): the index into
 * eng_operands.ifmap of element k of output pixel m in group g (cg input channels per group),
 * or -1 where the window reads padding. k runs over [filt_r][filt_s][cg]. */
static inline int64_t eng_im2col_index(const wl_layer *L, uint64_t cg, uint64_t g, uint64_t m,
                                       uint64_t k)
{
    uint64_t ox = m % L->out_w, oy = (m / L->out_w) % L->out_h;
    uint64_t img = m / ((uint64_t)L->out_w * L->out_h);
    uint64_t c = k % cg, s = (k / cg) % L->filt_s, r = k / (cg * L->filt_s);
    int64_t y = (int64_t)(oy * L->stride_h + r * L->dil_h) - (int64_t)L->pad_top;
    int64_t x = (int64_t)(ox * L->stride_w + s * L->dil_w) - (int64_t)L->pad_left;
    if (y < 0 || x < 0 || y >= (int64_t)L->in_h || x >= (int64_t)L->in_w)
        return -1;
    return (int64_t)(((img * L->in_h + (uint64_t)y) * L->in_w + (uint64_t)x) * L->in_c + g * cg +
                     c);
}

typedef struct eng_options {
    eng_kind kind;
    bool ideal_memory;            /* every operand always ready: no stall cycles */
    uint64_t seed;                /* pe engine: operand data (eng_operands_random) */
    const eng_operands *operands; /* pe engine: use these instead of random data (borrowed) */
    bool keep_outputs;            /* pe engine: return the output tensor */
    /* Inter-layer residency, set by a network run (map_layer_residency): the ifmap is already
     * on chip in the outermost level holding ifmaps (cfg_outer_level; the caller checks that it
     * fits): it is not read from DRAM; the outputs stay on chip: they are not written to DRAM.
     * Both false: the layer reads its input from DRAM and writes its output back. */
    bool ifmap_on_chip;
    bool ofmap_on_chip;
    /* Explicit hierarchy only (cfg.hierarchy_given): the mapping (tl_parse text, pinned), or
     * NULL for the config's pin of the layer (memory.mappings) or else a search minimising
     * memory.objective; the chosen mapping is returned in eng_result.mapping. */
    const char *mapping;
    tl_memo *memo; /* optional, caller-owned: searched mappings by layer shape (net_run sets one) */
    /* optional, caller-owned: fast engine, `sram` shorthand, no trace: fold timelines already
     * computed for the same mapping and memory timing (engine/mem_memo.h; a sweep sets one) */
    struct mem_memo *timeline_memo;
    eng_trace_fn trace;           /* optional: called once per fold (both engines) */
    void *trace_ctx;
} eng_options;

/* The numerical error of a layer's outputs against the exact direct convolution (pe engine, a
 * transformed layer; eng_xform.h says how each figure is computed). rel: |y - exact| / |exact|
 * over the outputs whose exact value is not zero (an output near zero after cancellation can
 * have a large one: see norm_rel); ulp: |y - exact| / ulp(exact) in the
 * config's output format (integers: units). direct_*: the same figures for the direct
 * convolution in the array's accumulation order (the bits a direct layer gives). */
typedef struct eng_num_error {
    bool valid;
    uint64_t outputs; /* outputs compared */
    double max_rel, mean_rel, max_ulp;
    double direct_max_rel, direct_mean_rel, direct_max_ulp;
    /* norm-wise: ||y - exact||_2 / ||exact||_2 over all outputs (not inflated by outputs near
     * zero, where the relative error of one output says little) */
    double norm_rel, direct_norm_rel;
    uint64_t mismatches; /* outputs whose bits differ from the direct layer's */
} eng_num_error;

typedef struct eng_result {
    eng_counters c;
    eng_num_error error;         /* pe engine on a transformed layer (valid), else zero */
    bool mapped;                 /* explicit hierarchy: mapping below is the layer's */
    tl_mapping mapping;          /* chosen (searched or pinned) */
    uint64_t mappings_evaluated; /* by the search (0 when pinned) */
    /* pe engine with keep_outputs: output tensor [batch][out_h][out_w][filters] (GEMM: [M][N])
     * as accumulator-format bit patterns; owned, freed by eng_result_fini */
    uint64_t *outputs;
    size_t output_count;
} eng_result;

/* Simulates one layer (kind != WL_NOMAC). Fails with FW_EXIT_INPUT when the layer is too large
 * to count (or, for the pe engine, to hold in memory), FW_EXIT_FAIL when the pe engine finds
 * an operand that is not where the schedule says (a schedule hazard: a bug). */
int eng_run_layer(const cfg_accel *cfg, const wl_layer *layer, const eng_options *opt,
                  eng_result *out, fw_err *err);
void eng_result_fini(eng_result *res);

/* Expected zero-operand MACs of a finished MAC layer under the fast engine's model: every
 * in-bounds MAC has a non-zero ifmap with probability 1 - ifmap_zero_frac and a non-zero filter
 * value with probability 1 - weight_zero_frac, independently; a MAC on padding has a zero
 * operand. So E = macs - (1 - zi)(1 - zw) * inbounds, inbounds = batch * Y * X * in_c *
 * filters / groups with Y (X) the number of (output row, filter row) ((column, column)) pairs
 * that read inside the input. Returned unrounded. */
double eng_expected_zero_macs(const wl_layer *layer);

/* Zero skipping (above): per fold f of the layer (map->folds entries, caller-owned) the
 * effective streamed length t_eff[f], and the skipped MACs. eng_skip_expected: the fast
 * engine's expectation; eng_skip_count: counted from the operand values the pe engine runs
 * (fails with FW_EXIT_INPUT when out of memory). */
void eng_skip_expected(const cfg_accel *cfg, const wl_layer *layer, const map_layer *map,
                       uint64_t *t_eff, uint64_t *skipped_macs);
int eng_skip_count(const cfg_accel *cfg, const wl_layer *layer, const map_layer *map,
                   const eng_operands *ops, uint64_t *t_eff, uint64_t *skipped_macs, fw_err *err);
/* E[max of r iid Binomial(n, p)] (exact sum over the CDF, double precision). */
double eng_expected_max_binomial(uint64_t n, double p, uint32_t r);
/* The zero fractions of the operands the array multiplies: the ifmap's, and the stored
 * weights' (with N:M compression the kept weights: 1 - (1 - weight_zero_frac) k_dense / k,
 * at least 0). */
double eng_stored_weight_zero_frac(const wl_layer *layer, const map_layer *map);
/* Fraction of the layer's im2col matrix (dense MACs) that reads inside the input (padding
 * excluded): the in-bounds count of eng_expected_zero_macs over the MACs. */
double eng_inbounds_fraction(const wl_layer *layer);

/* Deterministic random operands (documented in arr.h, "Operand data"). Caller owns *out
 * (eng_operands_fini). Fails with FW_EXIT_INPUT if the tensors are too large. */
int eng_operands_random(const cfg_accel *cfg, const wl_layer *layer, uint64_t seed,
                        eng_operands *out, fw_err *err);
void eng_operands_fini(eng_operands *ops);

/* Element count of the layer's output tensor (batch*out_h*out_w*filters, GEMM: M*N). */
uint64_t eng_output_count(const wl_layer *layer);

/* acc += add for every field, failing (FW_EXIT_INPUT) on 64-bit overflow. */
int eng_counters_add(eng_counters *acc, const eng_counters *add, fw_err *err);

#endif
