/* wl: the layer model, its validation and lowering to the GEMM view (wl.h documents the
 * lowering), element counts, and wl_load (dispatch to the JSON or SCALE-Sim CSV reader). */
#include "common/fw_hash.h"
#include "workload/wl.h"
#include "config/cfg.h"
#include "common/fw_io.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Largest dimension accepted by wl_layer_finish: keeps every sum of a size and its padding
 * far from 32-bit overflow. */
#define WL_DIM_MAX (1u << 30)

void wl_layer_init(wl_layer *layer, wl_kind kind, const char *name)
{
    memset(layer, 0, sizeof *layer);
    snprintf(layer->name, sizeof layer->name, "%s", name ? name : "");
    layer->kind = kind;
    layer->stride_h = layer->stride_w = 1;
    layer->dil_h = layer->dil_w = 1;
    layer->groups = 1;
    layer->batch = 1;
    if (kind == WL_FC) {
        layer->in_h = layer->in_w = 1;
        layer->filt_r = layer->filt_s = 1;
    }
    if (kind == WL_GEMM) {
        layer->in_c = 1;
        layer->filt_r = 1;
    }
    if (kind == WL_MATMUL)
        layer->heads = 1;
}

static int wl_check_dim(const char *field, uint32_t v, fw_err *err)
{
    if (v < 1)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: must be at least 1", field);
    if (v > WL_DIM_MAX)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: %u is larger than %u", field, v, WL_DIM_MAX);
    return 0;
}

static int wl_check_pad(const char *field, uint32_t v, fw_err *err)
{
    if (v > WL_DIM_MAX)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: %u is larger than %u", field, v, WL_DIM_MAX);
    return 0;
}

/* Output size along one axis: floor((in + pads - dil*(f-1) - 1) / stride) + 1. */
static int wl_out_size(const char *in_field, const char *what, uint32_t in, uint32_t pad_a,
                       uint32_t pad_b, uint32_t filt, uint32_t dil, uint32_t stride, uint32_t *out,
                       fw_err *err)
{
    uint64_t padded = (uint64_t)in + pad_a + pad_b;
    uint64_t eff = (uint64_t)dil * (filt - 1) + 1;
    if (padded < eff)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%s: %u plus padding %u + %u is smaller than the %sfilter %s %llu: "
                          "no output",
                          in_field, in, pad_a, pad_b, dil > 1 ? "dilated " : "", what,
                          (unsigned long long)eff);
    *out = (uint32_t)((padded - eff) / stride + 1);
    return 0;
}

static int wl_mul(uint64_t a, uint64_t b, uint64_t *out, const char *what, fw_err *err)
{
    if (__builtin_mul_overflow(a, b, out))
        return fw_err_set(err, FW_EXIT_INPUT, "%s: count does not fit in 64 bits", what);
    return 0;
}

static int wl_finish_conv_like(wl_layer *l, fw_err *err)
{
    int rc;
    if ((rc = wl_check_dim("in_h", l->in_h, err)) || (rc = wl_check_dim("in_w", l->in_w, err)) ||
        (rc = wl_check_dim("in_c", l->in_c, err)) ||
        (rc = wl_check_dim("filt_r", l->filt_r, err)) ||
        (rc = wl_check_dim("filt_s", l->filt_s, err)) ||
        (rc = wl_check_dim("filters", l->filters, err)) ||
        (rc = wl_check_dim("stride_h", l->stride_h, err)) ||
        (rc = wl_check_dim("stride_w", l->stride_w, err)) ||
        (rc = wl_check_dim("dil_h", l->dil_h, err)) ||
        (rc = wl_check_dim("dil_w", l->dil_w, err)) ||
        (rc = wl_check_dim("groups", l->groups, err)) ||
        (rc = wl_check_dim("batch", l->batch, err)) ||
        (rc = wl_check_pad("pad_top", l->pad_top, err)) ||
        (rc = wl_check_pad("pad_bottom", l->pad_bottom, err)) ||
        (rc = wl_check_pad("pad_left", l->pad_left, err)) ||
        (rc = wl_check_pad("pad_right", l->pad_right, err)))
        return rc;
    if (l->in_c % l->groups)
        return fw_err_set(err, FW_EXIT_INPUT, "groups: %u does not divide in_c (%u)", l->groups,
                          l->in_c);
    if (l->filters % l->groups)
        return fw_err_set(err, FW_EXIT_INPUT, "groups: %u does not divide filters (%u)", l->groups,
                          l->filters);
    if ((rc = wl_out_size("in_h", "height", l->in_h, l->pad_top, l->pad_bottom, l->filt_r, l->dil_h,
                          l->stride_h, &l->out_h, err)) ||
        (rc = wl_out_size("in_w", "width", l->in_w, l->pad_left, l->pad_right, l->filt_s, l->dil_w,
                          l->stride_w, &l->out_w, err)))
        return rc;
    return 0;
}

/* gemm_m/n/k for a conv-like layer, checking that MACs and element counts fit in 64 bits. */
static int wl_lower(wl_layer *l, fw_err *err)
{
    uint64_t m, k, macs, elems;
    int rc;
    if ((rc = wl_mul((uint64_t)l->out_h * l->out_w, l->batch, &m, "gemm_m", err)) ||
        (rc = wl_mul((uint64_t)l->filt_r * l->filt_s, l->in_c / l->groups, &k, "gemm_k", err)) ||
        (rc = wl_mul(m, k, &macs, "macs", err)) ||
        (rc = wl_mul(macs, l->filters, &macs, "macs", err)) ||
        (rc = wl_mul((uint64_t)l->in_h * l->in_w, l->in_c, &elems, "in_c", err)) ||
        (rc = wl_mul(elems, l->batch, &elems, "batch", err)) ||
        (rc = wl_mul(m, l->filters, &elems, "filters", err)))
        return rc;
    l->gemm_m = m;
    l->gemm_k = k;
    l->gemm_n = l->filters / l->groups;
    return 0;
}

/* The matmul lowering of wl.h: the batch folded into heads * images groups of a 1x1 conv on an
 * M x 1 input. */
static int wl_finish_matmul(wl_layer *l, fw_err *err)
{
    int rc;
    uint64_t g, c, f;
    l->nomac = WL_NOMAC_NONE;
    if (l->images == 0) {
        if ((rc = wl_check_dim("batch", l->batch, err)))
            return rc;
        l->images = l->batch;
    }
    if ((rc = wl_check_dim("m", l->in_h, err)) || (rc = wl_check_dim("k", l->mm_k, err)) ||
        (rc = wl_check_dim("n", l->mm_n, err)) || (rc = wl_check_dim("heads", l->heads, err)))
        return rc;
    g = (uint64_t)l->heads * l->images;
    c = g * l->mm_k;
    f = g * l->mm_n;
    if (g > WL_DIM_MAX || c > WL_DIM_MAX || f > WL_DIM_MAX)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "heads: heads x batch x k and heads x batch x n must be at most %u",
                          WL_DIM_MAX);
    l->batch = 1;
    l->groups = (uint32_t)g;
    l->in_w = 1;
    l->in_c = (uint32_t)c;
    l->filters = (uint32_t)f;
    l->filt_r = l->filt_s = 1;
    l->stride_h = l->stride_w = 1;
    l->dil_h = l->dil_w = 1;
    l->pad_top = l->pad_bottom = l->pad_left = l->pad_right = 0;
    if ((rc = wl_finish_conv_like(l, err)))
        return rc;
    return wl_lower(l, err);
}

int wl_layer_finish(wl_layer *l, fw_err *err)
{
    int rc;
    switch (l->kind) {
    case WL_CONV:
        l->nomac = WL_NOMAC_NONE;
        if ((rc = wl_finish_conv_like(l, err)) || (rc = wl_lower(l, err)))
            return rc;
        return wl_algo_check(l, l->algorithm, err);
    case WL_FC:
        l->nomac = WL_NOMAC_NONE;
        if (l->in_h != 1 || l->in_w != 1 || l->filt_r != 1 || l->filt_s != 1)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "in_h: an fc layer has in_h = in_w = filt_r = filt_s = 1 "
                              "(found %u, %u, %u, %u)",
                              l->in_h, l->in_w, l->filt_r, l->filt_s);
        if (l->groups != 1 || l->stride_h != 1 || l->stride_w != 1 || l->dil_h != 1 ||
            l->dil_w != 1 || l->pad_top || l->pad_bottom || l->pad_left || l->pad_right)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "groups: an fc layer has groups, strides and dilations 1 and no "
                              "padding");
        if ((rc = wl_finish_conv_like(l, err)))
            return rc;
        return wl_lower(l, err);
    case WL_GEMM:
        l->nomac = WL_NOMAC_NONE;
        l->in_c = 1;
        l->filt_r = 1;
        l->filt_s = l->in_w;
        l->stride_h = l->stride_w = 1;
        l->dil_h = l->dil_w = 1;
        l->pad_top = l->pad_bottom = l->pad_left = l->pad_right = 0;
        l->groups = 1;
        if ((rc = wl_check_dim("in_h", l->in_h, err)) || (rc = wl_check_dim("in_w", l->in_w, err)))
            return rc;
        if ((rc = wl_finish_conv_like(l, err)))
            return rc;
        return wl_lower(l, err);
    case WL_MATMUL:
        return wl_finish_matmul(l, err);
    case WL_NOMAC:
        if (l->nomac == WL_NOMAC_ELTWISE || l->nomac == WL_NOMAC_SOFTMAX ||
            l->nomac == WL_NOMAC_LAYERNORM || l->nomac == WL_NOMAC_GELU) {
            l->filt_r = l->filt_s = 1;
            l->stride_h = l->stride_w = 1;
            l->pad_top = l->pad_bottom = l->pad_left = l->pad_right = 0;
        } else if (l->nomac != WL_NOMAC_POOL) {
            return fw_err_set(err, FW_EXIT_INPUT,
                              "nomac: must be pool, eltwise, softmax, layernorm or gelu");
        }
        if (l->dil_h != 1 || l->dil_w != 1)
            return fw_err_set(err, FW_EXIT_INPUT, "dil_h: a layer without MACs has dilation 1");
        l->groups = 1;
        l->filters = l->in_c;
        if ((rc = wl_finish_conv_like(l, err)))
            return rc;
        if ((rc = wl_lower(l, err)))
            return rc;
        l->gemm_m = l->gemm_n = l->gemm_k = 0;
        return 0;
    }
    return fw_err_set(err, FW_EXIT_INPUT, "kind: unknown layer kind %d", (int)l->kind);
}

static const char *const wl_algo_names[WL_ALGO_COUNT] = {"direct", "winograd_f2x2_3x3",
                                                         "winograd_f4x4_3x3", "fft"};

const char *wl_algo_name(wl_algo a)
{
    return (unsigned)a < WL_ALGO_COUNT ? wl_algo_names[a] : "?";
}

int wl_algo_from_name(const char *name, wl_algo *out)
{
    for (unsigned a = 0; a < WL_ALGO_COUNT; a++)
        if (!strcmp(name, wl_algo_names[a])) {
            *out = (wl_algo)a;
            return 0;
        }
    return -1;
}

int wl_algo_check(const wl_layer *l, wl_algo a, fw_err *err)
{
    if (a == WL_ALGO_DIRECT)
        return 0;
    const char *n = wl_algo_name(a);
    if ((unsigned)a >= WL_ALGO_COUNT)
        return fw_err_set(err, FW_EXIT_INPUT, "algorithm: unknown algorithm %d", (int)a);
    if (l->kind != WL_CONV)
        return fw_err_set(err, FW_EXIT_INPUT, "algorithm: %s applies to conv layers only, not %s",
                          n, wl_layer_type_name(l));
    if (l->stride_h != 1 || l->stride_w != 1)
        return fw_err_set(err, FW_EXIT_INPUT, "algorithm: %s needs stride 1, the layer has %ux%u",
                          n, l->stride_h, l->stride_w);
    if (l->dil_h != 1 || l->dil_w != 1)
        return fw_err_set(err, FW_EXIT_INPUT, "algorithm: %s needs dilation 1, the layer has %ux%u",
                          n, l->dil_h, l->dil_w);
    if (a != WL_ALGO_FFT && (l->filt_r != 3 || l->filt_s != 3))
        return fw_err_set(err, FW_EXIT_INPUT,
                          "algorithm: %s needs a 3x3 filter, the layer has %ux%u", n, l->filt_r,
                          l->filt_s);
    if (l->sparsity_m)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "algorithm: %s on %u:%u weights: the transformed filters are not N:M "
                          "sparse (not modelled)",
                          n, l->sparsity_n, l->sparsity_m);
    if (a == WL_ALGO_FFT && (l->filt_r > WL_FFT_MAX_FILTER || l->filt_s > WL_FFT_MAX_FILTER))
        return fw_err_set(err, FW_EXIT_INPUT,
                          "algorithm: fft on 8x8 tiles needs a filter of at most %ux%u, the layer "
                          "has %ux%u",
                          WL_FFT_MAX_FILTER, WL_FFT_MAX_FILTER, l->filt_r, l->filt_s);
    return 0;
}

int wl_layer_gemm(wl_layer *layer, const char *name, uint32_t m, uint32_t n, uint32_t k,
                  uint32_t batch, fw_err *err)
{
    wl_layer_init(layer, WL_GEMM, name);
    layer->in_h = m;
    layer->in_w = k;
    layer->filters = n;
    layer->batch = batch;
    return wl_layer_finish(layer, err);
}

int wl_layer_matmul(wl_layer *layer, const char *name, uint32_t m, uint32_t n, uint32_t k,
                    uint32_t heads, uint32_t batch, fw_err *err)
{
    wl_layer_init(layer, WL_MATMUL, name);
    layer->in_h = m;
    layer->mm_n = n;
    layer->mm_k = k;
    layer->heads = heads;
    layer->batch = batch;
    return wl_layer_finish(layer, err);
}

bool wl_parse_nm(const char *text, uint32_t *n, uint32_t *m)
{
    _Static_assert(WL_NM_MAX == CFG_NM_MAX, "one N:M bound");
    return cfg_parse_nm(text, n, m);
}

uint64_t wl_layer_macs(const wl_layer *layer)
{
    return layer->gemm_m * layer->gemm_n * layer->gemm_k * layer->groups;
}

uint64_t wl_layer_weights(const wl_layer *layer)
{
    if (layer->kind == WL_NOMAC || layer->kind == WL_MATMUL)
        return 0;
    return wl_layer_filter_elems(layer);
}

uint64_t wl_layer_filter_elems(const wl_layer *layer)
{
    if (layer->kind == WL_NOMAC)
        return 0;
    return (uint64_t)layer->filters * layer->filt_r * layer->filt_s * (layer->in_c / layer->groups);
}

uint64_t wl_layer_ifmap_elems(const wl_layer *layer)
{
    return (uint64_t)layer->in_h * layer->in_w * layer->in_c * layer->batch;
}

uint64_t wl_layer_ofmap_elems(const wl_layer *layer)
{
    return (uint64_t)layer->out_h * layer->out_w * layer->filters * layer->batch;
}

const char *wl_layer_type_name(const wl_layer *layer)
{
    switch (layer->kind) {
    case WL_CONV:
        if (layer->groups > 1 && layer->groups == layer->in_c && layer->groups == layer->filters)
            return "dwconv";
        return "conv";
    case WL_FC:
        return "fc";
    case WL_GEMM:
        return "gemm";
    case WL_MATMUL:
        return "matmul";
    case WL_NOMAC:
        switch (layer->nomac) {
        case WL_NOMAC_POOL:
            return "pool";
        case WL_NOMAC_SOFTMAX:
            return "softmax";
        case WL_NOMAC_LAYERNORM:
            return "layernorm";
        case WL_NOMAC_GELU:
            return "gelu";
        default:
            return "eltwise";
        }
    }
    return "?";
}

uint32_t wl_layer_input_count(const wl_workload *wl, size_t i)
{
    return wl->layers[i].input_count ? wl->layers[i].input_count : 1;
}

uint32_t wl_layer_input(const wl_workload *wl, size_t i, uint32_t j)
{
    const wl_layer *l = &wl->layers[i];
    if (l->input_count)
        return l->inputs[j];
    return i == 0 ? WL_INPUT_NETWORK : (uint32_t)(i - 1);
}

uint64_t wl_total_macs(const wl_workload *wl)
{
    uint64_t total = 0;
    for (size_t i = 0; i < wl->layer_count; i++)
        total += wl_layer_macs(&wl->layers[i]);
    return total;
}

#define WL_NOTES_MAX 20

void wl_note(wl_workload *wl, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    if (wl->note_count++ >= WL_NOTES_MAX)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t old = wl->notes ? strlen(wl->notes) : 0, add = strlen(line);
    char *grown = realloc(wl->notes, old + add + 2);
    if (!grown)
        return;
    memcpy(grown + old, line, add);
    grown[old + add] = '\n';
    grown[old + add + 1] = '\0';
    wl->notes = grown;
}

void wl_print_notes(const wl_workload *wl, FILE *out, const char *prefix)
{
    for (const char *p = wl->notes; p && *p;) {
        const char *nl = strchr(p, '\n');
        int n = nl ? (int)(nl - p) : (int)strlen(p);
        fprintf(out, "%s: note: %.*s\n", prefix, n, p);
        p += n + (nl ? 1 : 0);
    }
    if (wl->note_count > WL_NOTES_MAX)
        fprintf(out, "%s: note: ... and %zu more notes\n", prefix,
                wl->note_count - WL_NOTES_MAX);
}

void wl_destroy(wl_workload *wl)
{
    if (!wl)
        return;
    free(wl->notes);
    free(wl->layers);
    for (size_t i = 0; i < wl->tensor_count; i++)
        wl_tensor_fini(&wl->tensors[i]);
    free(wl->tensors);
    free(wl);
}

/* ONNX when the name ends in ".onnx" or the first byte is 0x08 (field 1, ir_version, varint):
 * no JSON or CSV file starts with a backspace. */
static bool wl_is_onnx(const char *path, const char *bytes, size_t len)
{
    size_t n = strlen(path);
    if (n >= 5 && !strcmp(path + n - 5, ".onnx"))
        return true;
    return len > 0 && bytes[0] == 0x08;
}

int wl_load_with(const char *path, const wl_opts *opts, wl_workload **out, fw_err *err)
{
    static const wl_opts none;
    char *text = NULL;
    size_t len = 0;
    if (!opts)
        opts = &none;
    int rc = fw_read_file(path, &text, &len, err);
    if (rc)
        return rc;
    if (wl_is_onnx(path, text, len)) {
        rc = wl_parse_onnx(path, (const uint8_t *)text, len, opts, out, err);
        if (!rc)
            (*out)->source_fnv64 = fw_fnv64(FW_FNV64_INIT, text, len);
        free(text);
        return rc;
    }
    if (opts->dim_count) {
        free(text);
        return fw_err_set(err, FW_EXIT_INPUT, "%s: --dim applies to ONNX models only", path);
    }
    /* text from here on (read once: "-" is standard input, which cannot be read twice) */
    if (strlen(text) != len) {
        free(text);
        return fw_err_set(err, FW_EXIT_INPUT, "%s: NUL byte in the file", path);
    }
    const char *start = text;
    if (!strncmp(start, "\xEF\xBB\xBF", 3)) /* UTF-8 byte order mark */
        start += 3;
    if (start[strspn(start, " \t\r\n")] == '{')
        rc = wl_parse_json(path, start, opts->batch_override, out, err);
    else
        rc = wl_parse_scalesim(path, start, opts->batch_override, out, err);
    if (!rc)
        (*out)->source_fnv64 = fw_fnv64(FW_FNV64_INIT, text, len);
    free(text);
    return rc;
}

int wl_load(const char *path, uint32_t batch_override, wl_workload **out, fw_err *err)
{
    wl_opts opts = {.batch_override = batch_override};
    return wl_load_with(path, &opts, out, err);
}
