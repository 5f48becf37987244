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
 * Tensor layouts for values (sim `pe` engine, RTL): ifmap [batch][in_h][in_w][in_c] (NHWC),
 * filters [filters][filt_r][filt_s][in_c/groups], ofmap [batch][out_h][out_w][filters].
 */
#ifndef WL_H
#define WL_H

#include "common/fw_err.h"

#include <stddef.h>
#include <stdint.h>

#define WL_NAME_BYTES 64

typedef enum wl_kind {
    WL_CONV = 0, /* conv2d, including depthwise (groups == in_c) and grouped */
    WL_FC,       /* fully connected */
    WL_GEMM,     /* plain matrix multiply M x K times K x N */
    WL_NOMAC,    /* pooling, element-wise, ...: listed, no MACs, skipped by the simulator */
} wl_kind;

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
} wl_layer;

typedef struct wl_workload {
    char name[WL_NAME_BYTES];
    wl_layer *layers; /* owned */
    size_t layer_count;
} wl_workload;

/* Loads a workload: a .json workload file or a SCALE-Sim topology .csv (chosen by content:
 * a file starting with '{' is JSON). batch_override > 0 replaces every layer's batch.
 * On success the caller owns *out (wl_destroy). Errors name the file, the layer and the field
 * (FW_EXIT_INPUT), or FW_EXIT_IO. */
int wl_load(const char *path, uint32_t batch_override, wl_workload **out, fw_err *err);
void wl_destroy(wl_workload *wl);

/* MACs of one layer over all groups and the batch: gemm_m * gemm_n * gemm_k * groups. */
uint64_t wl_layer_macs(const wl_layer *layer);

#endif
