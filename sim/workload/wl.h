/* wl: workloads. A workload is a list of layers (conv2d, fully connected, GEMM, or layers
 * without MACs such as pooling), read from a workload JSON (configs/README.md documents it) or
 * a SCALE-Sim topology CSV, validated once, then read-only.
 *
 * Lowering to GEMM (im2col view, per group g in [0, groups)):
 *   M = out_h * out_w * batch        (one row per output pixel of one image)
 *   K = filt_r * filt_s * (in_c / groups)   (the reduction)
 *   N = filters / groups             (one column per output channel of the group)
 *   row m = (n_img * out_h + oy) * out_w + ox
 *   reduction index k = (r * filt_s + s) * (in_c / groups) + c   (c local to the group)
 *   column n = filter index local to the group (global filter = g * N + n)
 *   ifmap element for (m, k): image n_img, channel g * (in_c/groups) + c,
 *     y = oy * stride_h + r * dil_h - pad_top, x = ox * stride_w + s * dil_w - pad_left
 *     (zero when outside the input: padding)
 *   output element (m, n) -> image n_img, pixel (oy, ox), channel g * N + n.
 * A fully connected layer is a conv with in_h = in_w = filt_r = filt_s = 1 (in_c inputs,
 * `filters` outputs); a GEMM layer (M, N, K) has groups = 1 and is taken literally.
 * GEMM layers are stored in SCALE-Sim's conv view of a GEMM: an M x K input (in_h = M,
 * in_w = K, in_c = 1) under N filters of 1 x K (filt_r = 1, filt_s = K, filters = N), stride 1,
 * no padding; so out_h = M, out_w = 1 and gemm_m = M * batch, gemm_k = K, gemm_n = N, and the
 * ifmap layout above is the row-major M x K matrix, the filters the row-major N x K matrix
 * (B transposed). M is per image: with batch 1 the GEMM is taken literally.
 * A matmul layer (WL_MATMUL) multiplies two activations, per image and per head h in
 * [0, heads): C[h] (M x N) = A[h] (M x K) x B[h] (K x N), both operands produced by earlier
 * layers (attention's Q.K^T with B = K^T, and scores x V): no weights. Both operands of one
 * image are its own, so a batch cannot share B the way conv images share filters: the batch is
 * folded into the groups. wl_layer_finish stores it as a grouped 1x1 convolution with
 * G = heads * images groups and batch 1:
 *   in_h = M, in_w = 1, in_c = G * K, filt_r = filt_s = 1, filters = G * N, groups = G
 *   => out_h = M, out_w = 1, gemm_m = M, gemm_k = K, gemm_n = N, MACs = images*heads*M*N*K.
 * Operand A is the ifmap [M][G][K] (for one image and batch 1: A of head h is channels
 * h*K .. h*K+K-1 of each of the M rows, the layout of Q as a M x (heads*K) activation);
 * operand B plays the filter: filter g*N + n holds column n of B[g] (its K elements), so B is
 * read as B^T [G][N][K] (for Q.K^T, B^T is K itself: N = key tokens of K elements per head).
 * The engines see an ordinary grouped conv; only the meaning differs: the "filter" operand is
 * an activation (wl_layer_weights is 0, wl_layer_filter_elems counts it).
 * Layers without MACs (WL_NOMAC) have gemm_m = gemm_n = gemm_k = 0; a pool has a window
 * (filt_r x filt_s), stride and padding and keeps its channels (filters = in_c); an element-wise
 * layer keeps its shape (out = in).
 * SCALE-Sim topology CSV (wl_csv.c): SCALE-Sim takes no padding and sizes outputs as
 * ceil((H - F + S) / S). An imported conv row gets pad_bottom (pad_right) = the smallest
 * padding that makes the floor formula above give that size: (S - (H - F) mod S) mod S.
 * Tensor layouts for values (sim `pe` engine, RTL): ifmap [batch][in_h][in_w][in_c] (NHWC),
 * filters [filters][filt_r][filt_s][in_c/groups], ofmap [batch][out_h][out_w][filters].
 */
#ifndef WL_H
#define WL_H

#include "common/fw_err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define WL_NAME_BYTES 64
#define WL_MAPPING_BYTES 256 /* a pinned mapping's text, with its terminating NUL */
#define WL_INPUTS_MAX 8               /* input tensors of one layer */
#define WL_INPUT_NETWORK UINT32_MAX   /* wl_layer.inputs: the network's input tensor */
#define WL_INPUT_NETWORK_NAME "input" /* its name in a workload JSON */

typedef enum wl_kind {
    WL_CONV = 0, /* conv2d, including depthwise (groups == in_c) and grouped */
    WL_FC,       /* fully connected */
    WL_GEMM,     /* plain matrix multiply M x K times K x N */
    WL_NOMAC,    /* pooling, element-wise, ...: listed, no MACs, skipped by the simulator */
    WL_MATMUL,   /* activation x activation per head (attention), no weights (see above) */
} wl_kind;

typedef enum wl_nomac {
    WL_NOMAC_NONE = 0, /* a MAC layer */
    WL_NOMAC_POOL,     /* max/average pooling: window filt_r x filt_s, stride, padding */
    WL_NOMAC_ELTWISE,  /* element-wise (residual add, activation): output shape = input */
    WL_NOMAC_SOFTMAX,  /* softmax over the channels of each pixel (attention scores): shape kept */
    WL_NOMAC_LAYERNORM, /* layer normalization over the channels of each pixel: shape kept */
    WL_NOMAC_GELU,     /* GELU (or any other non-linear activation): shape kept */
} wl_nomac;

/* How a conv layer is computed (workload key "algorithm", configs/README.md): directly (the
 * GEMM view above), or by a fast algorithm that multiplies in a transformed domain
 * (sim/engine/eng_xform.h: Winograd F(2x2,3x3), F(4x4,3x3), FFT overlap-save on 8x8 tiles).
 * The fast algorithms apply to conv layers with stride 1 and dilation 1 only; Winograd to 3x3
 * filters, the FFT to filters of at most WL_FFT_MAX_FILTER on each axis (wl_layer_finish). */
typedef enum wl_algo {
    WL_ALGO_DIRECT = 0,
    WL_ALGO_WINO_F2, /* Winograd F(2x2,3x3): 4x4 input tiles, 2x2 output tiles */
    WL_ALGO_WINO_F4, /* Winograd F(4x4,3x3): 6x6 input tiles, 4x4 output tiles */
    WL_ALGO_FFT,     /* FFT, 8x8 tiles, overlap-save: (9-R) x (9-S) output tiles */
    WL_ALGO_COUNT
} wl_algo;
#define WL_FFT_MAX_FILTER 7 /* the FFT's 8-point tiles keep at least 2 outputs per axis */

/* A tensor read from a NumPy .npy file (wl_npy.c): its values in C order as doubles. */
#define WL_TENSOR_MAX_DIMS 8
typedef struct wl_tensor {
    double *values; /* owned: count elements */
    uint64_t count;
    uint32_t ndim;
    uint64_t shape[WL_TENSOR_MAX_DIMS];
} wl_tensor;

typedef struct wl_layer {
    char name[WL_NAME_BYTES];
    wl_kind kind;
    /* conv / fc shapes (fc: in_h = in_w = filt_r = filt_s = 1) */
    uint32_t in_h, in_w, in_c;
    uint32_t filt_r, filt_s; /* filter height, width */
    uint32_t filters;        /* output channels */
    uint32_t stride_h, stride_w;
    uint32_t pad_top, pad_bottom, pad_left, pad_right;
    uint32_t dil_h, dil_w;
    uint32_t groups;
    uint32_t batch;
    uint32_t out_h, out_w; /* derived: floor((in + pads - dil*(f-1) - 1) / stride) + 1 */
    /* GEMM view per group (derived for conv/fc; given for gemm) */
    uint64_t gemm_m, gemm_n, gemm_k;
    wl_nomac nomac; /* what a WL_NOMAC layer is (WL_NOMAC_NONE for MAC layers) */
    /* WL_MATMUL only (0 otherwise): per image and head, C (M x N) = A (M x K) x B (K x N) with
     * M = in_h; images = the batch folded into the groups (set from batch by wl_layer_finish
     * when 0, after which batch = 1) */
    uint32_t mm_k, mm_n, heads, images;
    /* Input tensors: a tensor is the output of a layer, named by the layer (or the network's
     * input, WL_INPUT_NETWORK). inputs[0..input_count-1] are indices of earlier layers of the
     * workload (workload JSON "inputs"): the layer reads them concatenated along channels (an
     * element-wise layer adds them). input_count 0 means the default: the previous layer's
     * output (the network's input for the first layer). */
    uint32_t input_count;
    uint32_t inputs[WL_INPUTS_MAX];
    /* N:M structured sparsity of the weights (at most N non-zero values in every M consecutive
     * values along the reduction K): workload JSON "weight_sparsity", SCALE-Sim v3's Sparsity
     * column; 0:0 = dense. Without an explicit weight density the layer's weight_zero_frac is
     * 1 - N/M. On an array that takes N:M weights (cfg array.nm_sparsity) the weights are
     * stored compressed and the reduction shortened (mapping/map.h "N:M"). */
    uint32_t sparsity_n, sparsity_m;
    /* Operand statistics: the fraction of ZEROS (1 - density) of the input activations (a
     * matmul's A) and of the weights (a matmul's B), in [0, 1]; 0 = dense, the default of every
     * reader (workload JSON keys ifmap_density / weight_density give 1 - these). Stored as zero
     * fractions so that a zeroed layer is dense. Padding is not counted here: it is zero by
     * construction (the engines count it). Read by the engines' zero-operand MAC counts
     * (eng.h zero_macs) and the pe engine's operand generator. */
    double ifmap_zero_frac, weight_zero_frac;
    wl_algo algorithm; /* WL_ALGO_DIRECT unless the workload asks (conv layers only) */
    /* Operand tensors from .npy files (workload JSON ifmap_npy / weight_npy), borrowed from the
     * workload's tensors (valid while it lives): wl_layer_ifmap_elems values in the ifmap layout
     * ([batch][in_h][in_w][in_c]; fc/gemm [M][K]), wl_layer_filter_elems in the filter layout
     * ([filters][filt_r][filt_s][in_c / groups]; fc/gemm [N][K]); NULL: none (the pe engine
     * draws random operands). The zero fractions above are then measured from them. */
    const double *ifmap_values, *weight_values;
    /* A pinned mapping (workload JSON "mapping": the text of mapping/tl.h tl_parse, checked
     * when the layer runs on a config written as memory.levels, ignored on the sram form; a pin
     * of the config's memory.mappings for the same layer wins); "" = none (searched). */
    char mapping[WL_MAPPING_BYTES];
} wl_layer;

typedef struct wl_workload {
    char name[WL_NAME_BYTES];
    wl_layer *layers; /* owned */
    size_t layer_count;
    uint32_t batch; /* images per run (every layer's batch) */
    /* Notes from the reader (one per line, '\n'-terminated; NULL if none): what it read
     * differently from the letter of the file, such as SCALE-Sim quirks it followed. Owned.
     * Tools print them on stderr (wl_print_notes). */
    char *notes;
    size_t note_count;
    uint64_t source_fnv64; /* FNV-1a 64 of the file's bytes (wl_load*; 0 from wl_parse_*) */
    wl_tensor *tensors; /* owned: the .npy tensors the layers' *_values point into */
    size_t tensor_count;
} wl_workload;

/* Appends one note (printf format, no newline) to wl->notes; after 20 notes only counts them.
 * Out of memory drops the note. */
void wl_note(wl_workload *wl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the notes, each prefixed "PREFIX: note: ", and "PREFIX: note: ... and N more notes"
 * when some were only counted. */
void wl_print_notes(const wl_workload *wl, FILE *out, const char *prefix);

/* Loads a workload: a .json workload file, a SCALE-Sim topology .csv or an ONNX model (chosen
 * by content: a file starting with '{' is JSON; a file named *.onnx, or whose first byte is 0x08,
 * ModelProto's ir_version tag, is ONNX; anything else is CSV). batch_override > 0 replaces every
 * layer's batch (ONNX: the leading dimension of every graph input, see wl_parse_onnx).
 * On success the caller owns *out (wl_destroy). Errors name the file, the layer and the field
 * (FW_EXIT_INPUT), or FW_EXIT_IO. */
int wl_load(const char *path, uint32_t batch_override, wl_workload **out, fw_err *err);

/* A value for a symbolic dimension (ONNX dim_param) of a model: `--dim NAME=VALUE`. */
typedef struct wl_dim {
    char name[WL_NAME_BYTES];
    uint64_t value; /* elements, >= 1 */
} wl_dim;

/* Options of wl_load_with / wl_parse_onnx. Zero-initialise, then set what you need. */
typedef struct wl_opts {
    uint32_t batch_override; /* > 0: as wl_load's */
    const wl_dim *dims;      /* symbolic dimension values (ONNX only; unused names are errors) */
    size_t dim_count;
    FILE *warn; /* importer warnings, one line each ("FILE: warning: ..."); NULL: dropped */
} wl_opts;

/* wl_load with options (NULL opts: none). Same ownership and errors. */
int wl_load_with(const char *path, const wl_opts *opts, wl_workload **out, fw_err *err);

/* Parses an ONNX model (protobuf ModelProto, bytes[0..size)) into a workload; name is used in
 * messages; the buffer is only read (any content is safe: this is the fuzzing entry point).
 * sim/workload/wl_onnx.c documents the operators and the mapping to layers; the graph's edges
 * become each layer's inputs. opts may be NULL. Errors (FW_EXIT_INPUT): "NAME: node 'N' (OP):
 * reason", "NAME: byte B: PATH: reason" for bad protobuf; FW_EXIT_IO when out of memory. */
int wl_parse_onnx(const char *name, const uint8_t *bytes, size_t size, const wl_opts *opts,
                  wl_workload **out, fw_err *err);
void wl_destroy(wl_workload *wl);

/* Input tensor j of layer i, the default resolved: an index of an earlier layer, or
 * WL_INPUT_NETWORK. Count of them: wl_layer_input_count (1 for the default). */
uint32_t wl_layer_input_count(const wl_workload *wl, size_t i);
uint32_t wl_layer_input(const wl_workload *wl, size_t i, uint32_t j);

/* MACs of one layer over all groups and the batch: gemm_m * gemm_n * gemm_k * groups. */
uint64_t wl_layer_macs(const wl_layer *layer);

/* Parses .npy bytes (format and limits in wl_npy.c); name is used in messages. On success the
 * caller owns *out (wl_tensor_fini). Errors: "NAME: reason", FW_EXIT_INPUT. */
int wl_npy_parse(const char *name, const uint8_t *bytes, size_t size, wl_tensor *out,
                 fw_err *err);
/* Reads and parses a .npy file (FW_EXIT_IO when it cannot be read). */
int wl_npy_load(const char *path, wl_tensor *out, fw_err *err);
void wl_tensor_fini(wl_tensor *t);

/* Largest M of an N:M sparsity (metadata of at most 8 bits per kept weight). */
#define WL_NM_MAX 256
/* Parses "N:M" (spaces around the numbers allowed) with 1 <= N <= M <= WL_NM_MAX into *n, *m;
 * returns false (leaving them unspecified) otherwise. */
bool wl_parse_nm(const char *text, uint32_t *n, uint32_t *m);

/* Sets *layer to a layer of this kind with every shape field zero and the neutral defaults:
 * stride 1, dilation 1, groups 1, batch 1, no padding; for WL_FC also in_h = in_w = filt_r =
 * filt_s = 1. name is copied (truncated to WL_NAME_BYTES - 1). Fill the shapes, then call
 * wl_layer_finish. */
void wl_layer_init(wl_layer *layer, wl_kind kind, const char *name);

/* Validates a layer whose shape fields are filled (by hand, by a reader or by a test) and
 * derives out_h, out_w and gemm_m/n/k (and for WL_GEMM the conv view: in_c = 1, filt_r = 1,
 * filt_s = in_w; for WL_NOMAC pool/eltwise: filters = in_c). Fields to fill:
 *   WL_CONV: in_h, in_w, in_c, filt_r, filt_s, filters, stride_*, pad_*, dil_*, groups, batch
 *   WL_FC: in_c (inputs), filters (outputs), batch (in_h = in_w = filt_r = filt_s = 1)
 *   WL_GEMM: in_h = M, in_w = K, filters = N, batch
 *   WL_MATMUL: in_h = M, mm_k = K, mm_n = N, heads, batch (moved to images; batch becomes 1)
 *   WL_NOMAC: nomac, in_h, in_w, in_c, batch; pool also filt_r, filt_s, stride_*, pad_*
 * Idempotent. Fails (FW_EXIT_INPUT) with "FIELD: reason" when a size, stride, dilation, groups
 * or batch is zero, groups does not divide in_c and filters, the output size is not positive, or
 * a count does not fit in 64 bits; the caller prefixes the file and layer. */
int wl_layer_finish(wl_layer *layer, fw_err *err);

/* The algorithm's workload JSON name ("direct", "winograd_f2x2_3x3", "winograd_f4x4_3x3",
 * "fft"; static storage), and back: 0 and *out, or -1 when unknown. */
const char *wl_algo_name(wl_algo a);
int wl_algo_from_name(const char *name, wl_algo *out);

/* Whether algorithm a applies to a finished layer: 0, or FW_EXIT_INPUT with "algorithm: NAME
 * ..." (the first unmet condition: a conv layer, stride 1, dilation 1, no N:M weights (the
 * transform would mix them), a 3x3 filter for Winograd, a filter of at most WL_FFT_MAX_FILTER
 * for the FFT). Direct always applies. */
int wl_algo_check(const wl_layer *layer, wl_algo a, fw_err *err);

/* Builds a finished GEMM layer C (M x N) = A (M x K) x B (K x N) per image. */
int wl_layer_gemm(wl_layer *layer, const char *name, uint32_t m, uint32_t n, uint32_t k,
                  uint32_t batch, fw_err *err);

/* Builds a finished matmul layer: per image and head, C (M x N) = A (M x K) x B (K x N), both
 * operands activations (see the lowering above). */
int wl_layer_matmul(wl_layer *layer, const char *name, uint32_t m, uint32_t n, uint32_t k,
                    uint32_t heads, uint32_t batch, fw_err *err);

/* Element counts of a finished layer (not bytes; whole batch for activations):
 * weights = filters * filt_r * filt_s * in_c / groups (no bias; 0 for WL_NOMAC and WL_MATMUL);
 * filter_elems = the operand on the filter side: the weights, or a matmul's B (all heads and
 * images); ifmap = batch * in_h * in_w * in_c (unpadded input; a matmul's A);
 * ofmap = batch * out_h * out_w * filters. */
uint64_t wl_layer_weights(const wl_layer *layer);
uint64_t wl_layer_filter_elems(const wl_layer *layer);
uint64_t wl_layer_ifmap_elems(const wl_layer *layer);
uint64_t wl_layer_ofmap_elems(const wl_layer *layer);

/* Short type name for tables: "conv", "dwconv" (groups == in_c == filters, groups > 1), "fc",
 * "gemm", "matmul", "pool", "eltwise", "softmax", "layernorm", "gelu". Static storage. */
const char *wl_layer_type_name(const wl_layer *layer);

/* Sum of wl_layer_macs over the workload. */
uint64_t wl_total_macs(const wl_workload *wl);

/* Parses a workload JSON document / a SCALE-Sim topology CSV from text; name is used in
 * messages. Same ownership and errors as wl_load. */
int wl_parse_json(const char *name, const char *text, uint32_t batch_override, wl_workload **out,
                  fw_err *err);
int wl_parse_scalesim(const char *name, const char *text, uint32_t batch_override,
                      wl_workload **out, fw_err *err);

/* Writes the workload as a SCALE-Sim topology CSV. If every MAC layer is a GEMM, the GEMM form
 * (`Layer, M, N, K,`); otherwise the conv form with `Strides,` when every layer has
 * stride_h == stride_w, else `Stride Height, Stride Width,`. FC layers become 1x1 convs on a
 * 1x1 input, GEMM layers SCALE-Sim's conv view (M x K input, 1 x K filter, N filters); a grouped
 * conv becomes one row per group (NAME_g0, NAME_g1, ...); WL_NOMAC layers are left out. An IFMAP
 * size is the layer's own when its padding is what the importer would give it (so SCALE-Sim
 * files round-trip unchanged), else the smallest size whose output under SCALE-Sim's rule
 * ceil((H - F + S) / S) is the layer's: output sizes and MACs are always preserved. Fails
 * (FW_EXIT_INPUT) on a dilation other than 1 or a batch other than 1 (SCALE-Sim has neither),
 * FW_EXIT_IO on a write error. */
int wl_export_scalesim(const wl_workload *wl, FILE *out, fw_err *err);

#endif
