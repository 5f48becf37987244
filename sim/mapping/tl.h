/* tl: reuse-aware tiling of one layer over the storage hierarchy (cfg.h, memory.levels): a
 * mapping (tile sizes per level and loop order per level), its legality, the exact element
 * traffic between levels that it implies (the counting rules below), and a deterministic,
 * pruned search for a good mapping. Stage sim/mapping: reads cfg and wl; read by the engine
 * (engine/mem.h times the traffic) and the report (prints the mapping).
 *
 * The layer as a loop nest over eight dimensions (per wl.h: GEMM layers in their conv view, an
 * M x K input under N filters of 1 x K, so M = P, K = S):
 *   N batch, G groups, K filters per group, C input channels per group, P output rows,
 *   Q output columns, R filter rows, S filter columns.
 * Operands and the dimensions they depend on ("relevant"):
 *   filter  G K C R S        ofmap  N G K P Q        ifmap  N G C P Q R S
 * (the ifmap through its halo: output rows p and filter rows r read input row
 * p*stride_h + r*dil_h - pad_top, likewise columns).
 *
 * A mapping: on-chip levels 0..L-1 (0 nearest the array), DRAM as level L. Level i holds a
 * tile t_i[d] of every dimension (t_L[d] = D[d], the whole layer), with t_i[d] <= t_{i+1}[d]
 * and t_i[d] dividing t_{i+1}[d] unless t_{i+1}[d] = D[d] (so the level-i tiles of d are
 * [j*t_i[d], min((j+1)*t_i[d], D[d])): aligned, only the last one partial). Level l >= 1 runs
 * loops over the level-(l-1) tiles inside its own tile, one loop per dimension, with
 * f_l[d] = ceil(t_l[d] / t_{l-1}[d]) iterations, in order[l] (outermost first). Inside level 0
 * the array's folds (map.h) compute the level-0 tile: they are the spatial part and are not
 * described here.
 *
 * Counting rules (elements; tl_count):
 *   1. The loops above level i, outermost first: level L's loops in order[L], then level L-1's,
 *      ..., then level i+1's. Loops with one iteration are ignored.
 *   2. Operand X held by level i changes tile when a loop relevant to X advances. Let j* be the
 *      innermost loop above i relevant to X. Loops inside j* (all irrelevant to X) run with X's
 *      tile unchanged: it is not fetched again. Each loop outside j* irrelevant to X revisits
 *      every tile: the multiplicity m_X,i is the product over the irrelevant dimensions d with
 *      a loop outside j* of the number of tiles of d at the granularity that loop steps over
 *      (ceil(D[d] / t_{l-1}[d]) for the innermost such loop, at level l). No j* (X's tile is the
 *      whole tensor at level i): m = 1.
 *   3. Fills of an input operand X (ifmap, filter) into level i from its parent (the nearest
 *      outer level holding X, or DRAM) = m_X,i x (sum over all level-i tiles of X's footprint):
 *        filter: G*K*C*R*S (every element once per visit);
 *        ifmap:  N*G*C x rows x cols, where rows = sum over the P tiles j and R tiles l of
 *                level i of the number of distinct input rows {p*stride + r*dil - pad} inside
 *                [0, in_h) for p in P tile j, r in R tile l (halos counted exactly, with stride,
 *                dilation and padding), cols likewise from Q and S. Overlapping halos of
 *                neighbouring tiles are fetched again, except along a sweep: when j* (rule 2)
 *                is a P (Q) loop, consecutive tiles differ only in their output rows (columns)
 *                and the level keeps the rows (columns) they share, a sliding window: the P
 *                tiles in the sum above are then those of the level whose loop j* is (each
 *                sweep fetches the distinct rows of its span once; tl_ifmap_sweep). The window
 *                takes no room beyond the tile's footprint.
 *      The parent reads exactly what the child receives.
 *   4. Outputs at level i: each of the m = m_ofmap,i visits of an output tile ends with the tile
 *      going up to the parent (writes there: m x |O|, |O| = N*G*K*P*Q); every visit but the
 *      first starts by reading the partial sums back (reads at the parent: (m - 1) x |O|).
 *      m > 1 exactly when a reduction loop (C, R, S) outside j* splits the reduction across the
 *      level: partial sums go up a level only then; otherwise only final outputs go up.
 *   5. Level i's own accesses per operand: reads = what its inner side takes (the child's fills,
 *      or for the innermost level holding X the array's operand reads, eng.h) plus, for ofmap,
 *      the tiles sent up; writes = its fills plus, for ofmap, what the inner side sends up (the
 *      child's drains or the array's output writes) and the partial sums read back from above.
 *   6. DRAM: the outermost level holding X has DRAM as parent. Bytes: ifmap and filter in the
 *      input format; partial sums (spilled and read back) in the accumulator format; the final
 *      outputs once, in the output format. Compulsory traffic: every ifmap element some output
 *      needs, every weight, every output, once. When the final outputs stay on chip (the
 *      network's residency, ofmap_on_chip) the outermost level holding ofmaps neither reads
 *      them out nor sends them up.
 *   7. Formats on chip: ifmap and filter elements in the input format. Partial sums are in the
 *      accumulator format; each output's final value leaves the innermost level holding ofmaps
 *      once (read there in the accumulator format) and is converted on the way (an activation
 *      unit, as the TPU's between its accumulators and unified buffer): every outer level holds
 *      and moves it in the output format (final_reads/final_writes count those elements). A
 *      level's bandwidth (engine/mem.h) and the search's cycle objective use these bits
 *      (tl_level_bits); an outer level's ofmap tile is sized in the output format unless partial
 *      sums reach it (its child's m_ofmap > 1).
 * Capacity (tl_legal): a level-i tile's largest footprint per operand (all instances of a
 * per-PE/row/column level pooled: replication across instances is not modelled; each fill is
 * multicast) in its format (rule 7) must fit the operand's partition, or all held operands
 * together the shared capacity; a double-buffered level gives a tile one half.
 */
#ifndef TL_H
#define TL_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "workload/wl.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum tl_dim { TL_N = 0, TL_G, TL_K, TL_C, TL_P, TL_Q, TL_R, TL_S, TL_DIMS } tl_dim;

#define TL_LEVELS (CFG_MAX_LEVELS + 1) /* on-chip levels + DRAM */
#define TL_CACHE 64                    /* halo sums remembered per axis */
#define TL_MAX_CAND 96                 /* tile candidates per dimension */

/* The layer as tl sees it, with a cache for the halo sums (a context: one per thread). */
typedef struct tl_layer {
    uint64_t dim[TL_DIMS];
    uint32_t in_h, in_w, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left;
    uint32_t input_bytes, acc_bytes, output_bytes;
    uint64_t ifmap_touched; /* distinct ifmap elements some output needs */
    /* halo sums: (tile of P or Q, tile of R or S) -> sum and max of distinct rows/cols */
    struct {
        uint64_t tp, tr, sum, max;
    } cache[2][TL_CACHE];
    uint32_t cache_n[2];
    uint32_t *stamp[2]; /* in_h / in_w entries, owned */
    uint32_t stamp_gen[2];
    /* the search's tile candidates per dimension (ascending): divisors of D, the sizes near
     * D/2 .. D/8, every size when D <= 16 */
    uint64_t cand[TL_DIMS][TL_MAX_CAND];
    uint32_t cand_n[TL_DIMS];
} tl_layer;

typedef struct tl_mapping {
    uint32_t levels;                        /* on-chip levels L */
    uint64_t tile[CFG_MAX_LEVELS][TL_DIMS]; /* t_i[d], i < L */
    uint8_t order[TL_LEVELS][TL_DIMS];      /* loops of level l >= 1, outermost first */
} tl_mapping;

/* Element traffic of a mapping (rules 1-6). Level L is DRAM. */
typedef struct tl_traffic {
    uint64_t fills[TL_LEVELS][CFG_OPERANDS];    /* into level i from its parent (ofmap: the
                                                   partial sums read back) */
    uint64_t drains[TL_LEVELS][CFG_OPERANDS];   /* ofmap only: sent up to the parent */
    uint64_t final_reads[TL_LEVELS];  /* of reads[i][ofmap]: final outputs (output format) */
    uint64_t final_writes[TL_LEVELS]; /* of writes[i][ofmap]: final outputs (output format) */
    uint64_t reads[TL_LEVELS][CFG_OPERANDS];    /* level-to-level reads (no array side) */
    uint64_t writes[TL_LEVELS][CFG_OPERANDS];   /* level-to-level writes (no array side) */
    uint64_t mult[CFG_MAX_LEVELS][CFG_OPERANDS]; /* m_X,i (rule 2) */
    uint64_t dram_read_bytes[CFG_OPERANDS];     /* ofmap: partial sums read back */
    uint64_t dram_write_bytes;                  /* outputs + spilled partial sums */
    uint64_t footprint[CFG_MAX_LEVELS][CFG_OPERANDS]; /* largest tile, elements */
} tl_traffic;

/* Energy per element access of each level and per DRAM byte, for the search's objective
 * (relative units are enough). tl_costs_default fills Eyeriss's normalised figures (Chen,
 * Emer, Sze, ISCA 2016, Fig. of normalised energy: register file 1, global buffer 6, DRAM 200
 * per 16-bit access). */
typedef struct tl_costs {
    double level_access[CFG_MAX_LEVELS];
    double dram_byte;
} tl_costs;

/* the same order as cfg_objective (memory.objective) */
typedef enum tl_objective { TL_ENERGY = 0, TL_CYCLES, TL_EDP } tl_objective;

/* Builds the tl view of a MAC layer. Caller owns *out (tl_layer_fini). FW_EXIT_INPUT when out
 * of memory. */
int tl_layer_init(const cfg_accel *cfg, const wl_layer *layer, tl_layer *out, fw_err *err);
void tl_layer_fini(tl_layer *tl);

/* Checks a mapping: tile sizes within and aligned to their parents (see above), orders
 * permutations, capacities. 0, or FW_EXIT_INPUT with the reason (level and operand). */
int tl_legal(const cfg_accel *cfg, tl_layer *tl, const tl_mapping *m, fw_err *err);

/* Counts a mapping's traffic (rules 1-6; legality not checked). ifmap_on_chip: the input is
 * already in the outermost level holding ifmaps (no DRAM read); ofmap_on_chip: the final
 * outputs stay there (no DRAM write). */
void tl_count(const cfg_accel *cfg, tl_layer *tl, const tl_mapping *m, bool ifmap_on_chip,
              bool ofmap_on_chip, tl_traffic *out);

void tl_costs_default(const cfg_accel *cfg, tl_costs *out);

/* The bits level i reads and writes for op in t (level-to-level, the array side not included),
 * each element in its format (rule 7). */
void tl_level_bits(const tl_layer *tl, const tl_traffic *t, uint32_t i, int op, uint64_t *rbits,
                   uint64_t *wbits);

/* The objective of a traffic: energy = sum of level accesses x costs + DRAM bytes x cost;
 * cycles = the largest of compute_cycles and every level's and DRAM's transfer time at its
 * bandwidth; edp = their product. */
double tl_objective_value(const cfg_accel *cfg, const tl_layer *tl, const tl_traffic *t,
                          const tl_costs *costs, tl_objective obj, uint64_t compute_cycles);

/* The search (deterministic): see sim/README.md, "Mapping search". Fills *best with the best
 * legal mapping found. FW_EXIT_INPUT when no legal mapping exists (a level too small for even
 * the smallest tile). evaluated (when not NULL) receives the number of mappings counted. */
int tl_search(const cfg_accel *cfg, tl_layer *tl, const tl_costs *costs, tl_objective obj,
              uint64_t compute_cycles, tl_mapping *best, uint64_t *evaluated, fw_err *err);

/* Searched mappings remembered by layer shape and objective, so that a network's repeated
 * layers are searched once. Caller-owned (one per run or thread), zero-initialised; when full,
 * nothing more is remembered. */
#define TL_MEMO_ENTRIES 256
typedef struct tl_memo {
    size_t count;
    struct {
        uint64_t key[TL_DIMS + 12];
        tl_mapping m;
    } e[TL_MEMO_ENTRIES];
} tl_memo;
bool tl_memo_find(const tl_memo *memo, const tl_layer *tl, tl_objective obj, tl_mapping *out);
void tl_memo_put(tl_memo *memo, const tl_layer *tl, tl_objective obj, const tl_mapping *m);

/* The pruned part of tl_search alone (steepest descent from several starts), for tests. */
int tl_search_descent(const cfg_accel *cfg, tl_layer *tl, const tl_costs *costs,
                      tl_objective obj, uint64_t compute_cycles, tl_mapping *best,
                      uint64_t *evaluated, fw_err *err);

/* Writes a mapping as text: "L1[K8 C16 P7] order K C P Q N G R S | L0[...]" (the same form
 * tl_parse reads, for pinning). */
void tl_format(const tl_mapping *m, char *buf, size_t size);
/* Reads a mapping written by tl_format (levels outermost first, each "NAME:d=t,d=t/ORDER"
 * is the pin syntax of configs/README.md). FW_EXIT_INPUT with the reason. */
int tl_parse(const cfg_accel *cfg, const tl_layer *tl, const char *text, tl_mapping *out,
             fw_err *err);

const char *tl_dim_name(tl_dim d);

#endif
