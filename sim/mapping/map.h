/* map: a layer's GEMM view (workload/wl.h: M output pixels x N filters, reduction K, per group)
 * mapped onto an R x C array for one dataflow: the folds, their order, the operand tiles each
 * fold uses, which folds share an output tile (partial sums accumulated in the ofmap buffer),
 * and which tiles stay resident in SRAM. Stage sim/mapping: reads cfg and wl, read by engine.
 *
 * Which GEMM dimension goes where (as SCALE-Sim v2):
 *   dataflow  array rows (Sr)   array cols (Sc)   streamed (T, per fold)   stationary in PEs
 *   ws        K (reduction)     N (filters)       M (ifmap rows)           filter tile
 *   is        K (reduction)     M (output pixels) N (filter columns)       ifmap tile
 *   os        M (output pixels) N (filters)       K (reduction)            output tile
 *   tree      K (reduction)     N (filters)       M (ifmap rows)           none (as ws, but the
 *             filter tile stays in the filter SRAM and is read at every MAC)
 * Everything below that says ws holds for tree as well (folds, order, tiles, residency).
 * A fold is one placement of the stationary tile: row fold r covers the row dimension range
 * [r*R, r*R + sr), col fold c covers [c*C, c*C + sc), sr <= R, sc <= C (the last folds of a
 * dimension are partial). The streamed dimension is whole (T, as SCALE-Sim) unless
 * array.max_stream > 0 (ws, is; os ignores it): then it is cut into chunks of at most
 * max_stream (the last one shorter); chunk h streams indices [t0, t0 + t), t0 = h * max_stream.
 *
 * Fold order (index f = 0, 1, ... over the layer; groups run one after another):
 *   ws: for group, for col fold (N), for chunk (M), for row fold (K) -> the K folds of one
 *       output tile are consecutive: their partial sums accumulate in the ofmap buffer
 *       (read-modify-write)
 *   is: for group, for col fold (M), for chunk (N), for row fold (K) -> likewise
 *   os: for group, for row fold (M), for col fold (N)   -> no reduction folds (T = K)
 *
 * Tiles (identities decide reuse; bytes are in the input format, partial sums and outputs in
 * the accumulator format; the final write-back of outputs in the output format):
 *   ws: ifmap tile = t x sr (id: chunk, row fold), filter tile = sr x sc (id: row, col fold),
 *       out tile t x sc (chunk, col fold)
 *   is: ifmap tile = sr x sc (id: row, col fold), filter tile = sr x t (id: chunk, row fold),
 *       out tile sc x t (chunk, col fold)
 *   os: ifmap tile = sr x T (id: row fold), filter tile = T x sc (id: col fold), out sr x sc
 * An operand is resident when it fits in one buffer (half of the SRAM when double buffered, all
 * of it otherwise): then each tile is fetched from DRAM only on its first use in the group. A
 * tile equal to the previous fold's tile is never fetched again. (Without chunks every ws filter
 * tile and is ifmap tile is used by one fold only; with chunks they are reused by every chunk,
 * from SRAM when resident, else fetched again.) A resident ifmap is held as
 * the input tensor (batch x in_h x in_w x in_c/groups per group; the im2col view is generated
 * on chip), or as the im2col matrix when that is smaller (strides larger than the window): its
 * E elements are fetched once per group, tile by tile in proportion to the GEMM area each tile
 * is the first to cover (elements floor(E*b/A) - floor(E*a/A) for the area range [a, b) of A).
 * A non-resident ifmap is fetched per fold in its im2col view (every window element: an upper
 * bound on the traffic, as without convolution reuse).
 * The output tile fits when its accumulator-format bytes fit in one ofmap buffer; otherwise the
 * partial sums of each reduction fold spill to DRAM and are read back by the next one.
 *
 * N:M (cfg array.nm_sparsity "N:M", a conv/fc/gemm layer whose weights are n:m sparse,
 * wl_layer sparsity_n/m, when the array's pattern holds them: every group of M consecutive
 * weights along K then has at most N non-zeros, i.e. m a multiple of M with n <= N, or M a
 * multiple of m with n * M/m <= N). The weights are stored compressed: per filter and group of
 * M along K the N kept values (fewer in a last partial group of r < M: min(N, r)), each with
 * ceil(log2 M) bits of metadata (its position in the group). The array's reduction is the
 * compressed one: k = (K / M) * N + min(N, K mod M) (k_dense = K), which every count above and
 * both engines use (folds, MACs, cycles, registers). Bytes: a filter tile of e elements is
 * e * input bytes + ceil(e * metadata bits / 8); an ifmap tile of e elements (compressed rows)
 * needs the dense activations the multiplexers choose from, ceil(e * k_dense / k) elements
 * (the activations are not compressed); the resident ifmap holds M x k_dense. The pe engine
 * runs the compressed array on the first k values of each reduction (its operand values are
 * not the pruned layer's: the multiplexers are not simulated on values; counts are exact).
 *
 * Compression (cfg compression.format, compression.operands: ifmap and/or filter): the tensor
 * is stored compressed in DRAM and in its SRAM buffer and decompressed between the buffer and
 * the array (the array still gets every element). Its size is the expectation under
 * independent zeros of density d (the workload's; padding is not stored), w bits per element,
 * in milli-bits per element (cmp_mbits, rounded once per layer, so every count stays integer):
 *   bitmask  1 + d w                         (a mask bit per element, the non-zero values)
 *   rle      (d + x) (r + w), x = d q^R / (1 - q^R), q = 1 - d, R = 2^r (r = rle_run_bits):
 *            an entry (zeros before, value) per non-zero, plus one entry (2^r - 1 zeros, a
 *            zero) for every 2^r zeros of a gap (E[floor(gap / R)] per gap); all zeros: 1/R
 *   csr      d (w + ceil(log2 cols)) + (rows + 1) ceil(log2(rows cols + 1)) / (rows cols):
 *            values, column indices and row pointers of the tensor as a matrix: the ifmap
 *            [batch x in_h x in_w] x [in_c / groups] per group, a GEMM's M x K; the filter
 *            [filters] x [R S C / groups]
 * Tile bytes, the resident check and resident fetches use ceil(e x cmp_mbits / 8000) instead
 * of e x input bytes (an ifmap tile of the im2col view at the tensor's ratio); with N:M the
 * filter is not compressed again (its metadata is its format). The SRAM fills count the
 * compressed bytes in element-equivalents (bytes / input bytes); the array side's SRAM reads
 * of a compressed operand are scaled by cmp_mbits / (1000 w) (eng.c), and each element the
 * array reads passes the decompressor (eng cmp_decoded_elems, priced in energy/en.h).
 */
#ifndef MAP_H
#define MAP_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "mapping/tl.h"
#include "workload/wl.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct map_layer {
    cfg_dataflow dataflow;
    uint32_t rows, cols; /* array R, C */
    uint64_t groups;
    uint64_t m, n, k;          /* GEMM per group */
    uint64_t row_dim, col_dim; /* GEMM dimensions on rows / cols (table above) */
    uint64_t t;                /* the whole streamed dimension */
    uint64_t chunk;            /* streamed length of a chunk (t when not cut) */
    uint64_t row_folds, col_folds, chunks;
    uint64_t folds_per_group;
    uint64_t folds;                                /* all groups */
    uint64_t macs;                                 /* m * n * k * groups */
    /* N:M (above): k_dense is the layer's reduction, k the compressed one; meta_bits the
     * metadata per kept weight. Dense: k_dense = k, meta_bits = 0. */
    uint64_t k_dense;
    uint32_t meta_bits;
    /* Compression (below): milli-bits per element of the ifmap and filter tensors as stored;
     * 0: uncompressed (input bytes per element). */
    uint64_t cmp_mbits[2];
    uint32_t input_bytes, acc_bytes, output_bytes; /* element sizes */
    bool resident[2];                              /* ifmap, filter: whole operand stays in SRAM */
    uint64_t ifmap_resident_elems;                 /* per group: min(input tensor, im2col matrix) */
    bool ofmap_fits; /* output tiles accumulate in the ofmap buffer (no spill) */
    /* Inter-layer residency (map_layer_residency): the ifmap is already on chip (no ifmap
     * fetch from DRAM: fetch_bytes[0] = 0), the outputs stay on chip (out_bytes = 0: no
     * write-back; spilled partial sums still move). Both false after map_layer_init. */
    bool ifmap_on_chip, ofmap_on_chip;
    /* An explicit hierarchy (cfg.hierarchy_given): the layer's tiled traffic (mapping/tl.h),
     * borrowed from the engine, which the memory model times instead of the per-operand
     * fetches above (fetch_bytes and out_bytes are then unused). NULL for the sram shorthand. */
    const tl_traffic *tiling;
    /* Zero skipping (engine/eng.h): per fold, the streamed length the fold takes time for
     * (t_eff[f] <= its t), borrowed from the engine, which the memory model times instead of
     * t (fold length and gap, arr.h); NULL: every fold takes its whole t. */
    const uint64_t *t_eff;
} map_layer;

typedef struct map_fold {
    uint64_t index; /* position in the layer's fold order */
    uint64_t group;
    uint64_t row_fold, col_fold;
    uint32_t sr, sc;         /* rows / cols used */
    uint64_t chunk;          /* chunk index of the streamed dimension */
    uint64_t t0;             /* first streamed index of the chunk */
    uint64_t t;              /* streamed length */
    uint64_t row0, col0;     /* first row-dim / col-dim index (table above) */
    bool first_reduction;    /* first fold of its output tile: partial sums start at zero */
    bool last_reduction;     /* last fold of its output tile: outputs are final */
    uint64_t out_tile;       /* output tile number within the layer */
    uint64_t tile_id[2];     /* ifmap, filter tile identity within the group */
    bool fetch[2];           /* ifmap, filter tile must come from DRAM before this fold */
    uint64_t tile_bytes[3];  /* ifmap, filter tile bytes; ofmap: output tile (accumulator) */
    uint64_t out_bytes;      /* the output tile in the output format (final write-back) */
    uint64_t fetch_bytes[2]; /* ifmap, filter bytes read from DRAM before this fold */
} map_fold;

/* Maps one layer (kind != WL_NOMAC, derived fields filled). Fails with FW_EXIT_INPUT when a
 * count (MACs, tile bytes, folds) would not fit in 64 bits. */
int map_layer_init(const cfg_accel *cfg, const wl_layer *layer, map_layer *out, fw_err *err);
/* The same without some of the config's compute reductions (their baselines): MAP_DENSE_WEIGHTS
 * ignores array.nm_sparsity, MAP_UNCOMPRESSED the config's compression. */
enum { MAP_DENSE_WEIGHTS = 1, MAP_UNCOMPRESSED = 2 };
int map_layer_init_as(const cfg_accel *cfg, const wl_layer *layer, unsigned without,
                      map_layer *out, fw_err *err);

/* Tells the mapping that the layer's input tensor is already held on chip (by the level
 * cfg_outer_level names for the ifmap; the caller has checked that it fits) and/or that its
 * output tensor stays there for the next layer instead of going to DRAM. */
void map_layer_residency(map_layer *map, bool ifmap_on_chip, bool ofmap_on_chip);

/* Describes fold f (0 <= f < map->folds) in the layer's fold order. */
void map_fold_get(const map_layer *map, uint64_t f, map_fold *out);

/* Walks a layer's folds in order without divisions: after map_fold_iter_start, `fold` is fold
 * 0; each map_fold_iter_next (only while fold.index + 1 < map->folds) steps to the next fold.
 * `fold` is always equal, field by field, to what map_fold_get gives for fold.index (both fill
 * it with the same code; test_sim_engine.c checks). The map must outlive the iterator. */
typedef struct map_fold_iter {
    const map_layer *map; /* borrowed */
    uint64_t in_group;    /* fold index within its group */
    uint64_t pos[3];      /* row fold, col fold, chunk */
    map_fold fold;        /* the current fold */
} map_fold_iter;

void map_fold_iter_start(const map_layer *map, map_fold_iter *it);
void map_fold_iter_next(map_fold_iter *it);

/* Expected milli-bits per element of a rows x cols tensor of density d, w bits per element,
 * stored in format (the header: "Compression"); run_bits for rle. */
uint64_t map_cmp_millibits(cfg_cmp_format format, double density, uint32_t elem_bits,
                           uint64_t rows, uint64_t cols, uint32_t run_bits);

/* True when the layer's weights run compressed on this array (N:M above). */
bool map_nm_active(const cfg_accel *cfg, const wl_layer *layer);

/* Operand capacity of one buffer in bytes: half the SRAM when double buffered. */
uint64_t map_buffer_bytes(const cfg_accel *cfg, cfg_operand op);

#endif
