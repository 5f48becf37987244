/* wl_csv: SCALE-Sim topology CSV import and export (wl.h states the conventions).
 * Accepted headers (names compared without case, spaces around fields ignored, trailing commas
 * and blank lines allowed):
 *   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter,
 *     Strides,                                   (SCALE-Sim v1/v2)
 *   ... Num Filter, Stride Height, Stride Width, (newer SCALE-Sim)
 *   Layer, M, N, K,                              (SCALE-Sim GEMM mode)
 * Import: a conv row keeps its IFMAP size and gets pad_bottom/pad_right = (S - (H - F) mod S)
 * mod S, the smallest padding that makes floor((H + P - F) / S) + 1 equal SCALE-Sim's
 * ceil((H - F + S) / S). A GEMM row becomes a WL_GEMM layer. Errors: "FILE:LINE: column 'X':
 * reason". */
#include "workload/wl.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WL_CSV_MAX_COLS 9
#define WL_CSV_FIELD_BYTES 128
#define WL_CSV_DIM_MAX (1u << 30)

enum { WL_CSV_CONV_S, WL_CSV_CONV_HW, WL_CSV_GEMM };

static const char *const wl_csv_conv_cols[WL_CSV_MAX_COLS] = {
    "Layer name", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width", "Channels",
    "Num Filter", "Strides",      NULL};
static const char *const wl_csv_conv_hw_cols[WL_CSV_MAX_COLS] = {
    "Layer name", "IFMAP Height", "IFMAP Width",   "Filter Height", "Filter Width",
    "Channels",   "Num Filter",   "Stride Height", "Stride Width"};
static const char *const wl_csv_gemm_cols[WL_CSV_MAX_COLS] = {"Layer", "M", "N", "K"};

/* One split line: up to WL_CSV_MAX_COLS + 1 trimmed fields (the extra one detects surplus
 * values), trailing empty fields dropped. */
typedef struct wl_csv_line {
    char field[WL_CSV_MAX_COLS + 1][WL_CSV_FIELD_BYTES];
    size_t count;
    size_t too_long; /* 1 + index of the first field that did not fit, or 0 */
} wl_csv_line;

static void wl_csv_split(const char *p, size_t len, wl_csv_line *line)
{
    size_t count = 0;
    line->too_long = 0;
    const char *end = p + len;
    while (count < WL_CSV_MAX_COLS + 1) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        const char *a = p, *b = stop;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        size_t n = (size_t)(b - a);
        if (n >= WL_CSV_FIELD_BYTES) {
            n = WL_CSV_FIELD_BYTES - 1;
            if (!line->too_long)
                line->too_long = count + 1;
        }
        memcpy(line->field[count], a, n);
        line->field[count][n] = '\0';
        count++;
        if (!comma) {
            p = end;
            break;
        }
        p = comma + 1;
    }
    /* Text left after the last field kept still holds values when it is not just commas. */
    bool more = false;
    for (const char *q = p; q < end && !more; q++)
        more = !isspace((unsigned char)*q) && *q != ',';
    while (!more && count > 0 && !line->field[count - 1][0])
        count--;
    if (more && !line->field[WL_CSV_MAX_COLS][0]) { /* keep the first of them for messages */
        p += strspn(p, " \t\r,");
        size_t n = strcspn(p, " \t\r,");
        if (n > (size_t)(end - p))
            n = (size_t)(end - p);
        if (n >= WL_CSV_FIELD_BYTES)
            n = WL_CSV_FIELD_BYTES - 1;
        memcpy(line->field[WL_CSV_MAX_COLS], p, n);
        line->field[WL_CSV_MAX_COLS][n] = '\0';
    }
    line->count = count;
}

/* Parses a positive decimal integer of at most WL_CSV_DIM_MAX. */
static bool wl_csv_uint(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s))
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > WL_CSV_DIM_MAX)
            return false;
    }
    if (v < 1)
        return false;
    *out = (uint32_t)v;
    return true;
}

static int wl_csv_header(const char *file, unsigned lineno, const wl_csv_line *h, int *variant,
                         size_t *ncols, fw_err *err)
{
    const char *const *cols;
    if (h->count >= 1 && !strcasecmp(h->field[0], "Layer name")) {
        if (h->count == 8) {
            *variant = WL_CSV_CONV_S;
            cols = wl_csv_conv_cols;
        } else if (h->count == 9) {
            *variant = WL_CSV_CONV_HW;
            cols = wl_csv_conv_hw_cols;
        } else {
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: header has %zu columns, expected 8 (... Num Filter, "
                              "Strides) or 9 (... Num Filter, Stride Height, Stride Width)",
                              file, lineno, h->count);
        }
    } else if (h->count >= 1 && !strcasecmp(h->field[0], "Layer")) {
        if (h->count != 4)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: GEMM header has %zu columns, expected 4 (Layer, M, N, K)",
                              file, lineno, h->count);
        *variant = WL_CSV_GEMM;
        cols = wl_csv_gemm_cols;
    } else {
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%s:%u: not a SCALE-Sim topology header (expected 'Layer name, IFMAP "
                          "Height, ...' or 'Layer, M, N, K,')",
                          file, lineno);
    }
    *ncols = h->count;
    for (size_t i = 1; i < h->count; i++)
        if (strcasecmp(h->field[i], cols[i]))
            return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: column %zu: expected '%s', found '%s'",
                              file, lineno, i + 1, cols[i], h->field[i]);
    return 0;
}

/* SCALE-Sim's implicit padding: the smallest P with (H + P - F) divisible by S. */
static uint32_t wl_csv_pad(uint32_t in, uint32_t filt, uint32_t stride)
{
    return (stride - (in - filt) % stride) % stride;
}

static int wl_csv_row(const char *file, unsigned lineno, const wl_csv_line *row, int variant,
                      size_t ncols, uint32_t batch, wl_layer *l, fw_err *err)
{
    const char *const *cols = variant == WL_CSV_CONV_S    ? wl_csv_conv_cols
                              : variant == WL_CSV_CONV_HW ? wl_csv_conv_hw_cols
                                                          : wl_csv_gemm_cols;
    uint32_t v[WL_CSV_MAX_COLS] = {0};
    if (row->count < ncols)
        return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: column '%s': missing value", file, lineno,
                          cols[row->count]);
    if (row->count > ncols) {
        const char *extra = "...";
        for (size_t i = row->count; i-- > ncols;)
            if (row->field[i][0])
                extra = row->field[i];
        return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: extra value '%.40s' after the last column",
                          file, lineno, extra);
    }
    if (!row->field[0][0])
        return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: column '%s': empty layer name", file, lineno,
                          cols[0]);
    if (row->too_long > 1 && row->too_long <= ncols)
        return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: column '%s': longer than %d characters", file,
                          lineno, cols[row->too_long - 1], WL_CSV_FIELD_BYTES - 1);
    if (row->too_long == 1 || strlen(row->field[0]) >= WL_NAME_BYTES)
        return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: column '%s': longer than %d characters", file,
                          lineno, cols[0], WL_NAME_BYTES - 1);
    for (const char *c = row->field[0]; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: column '%s': control character 0x%02x in the name", file,
                              lineno, cols[0], (unsigned)(unsigned char)*c);
    for (size_t i = 1; i < ncols; i++)
        if (!wl_csv_uint(row->field[i], &v[i]))
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: column '%s': '%.40s' is not an integer in [1, %u]", file,
                              lineno, cols[i], row->field[i], WL_CSV_DIM_MAX);
    if (variant == WL_CSV_GEMM) {
        wl_layer_init(l, WL_GEMM, row->field[0]);
        l->in_h = v[1];    /* M */
        l->filters = v[2]; /* N */
        l->in_w = v[3];    /* K */
    } else {
        wl_layer_init(l, WL_CONV, row->field[0]);
        l->in_h = v[1];
        l->in_w = v[2];
        l->filt_r = v[3];
        l->filt_s = v[4];
        l->in_c = v[5];
        l->filters = v[6];
        l->stride_h = v[7];
        l->stride_w = variant == WL_CSV_CONV_S ? v[7] : v[8];
        if (l->filt_r > l->in_h)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: column '%s': %u is larger than IFMAP Height (%u)", file,
                              lineno, cols[3], l->filt_r, l->in_h);
        if (l->filt_s > l->in_w)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: column '%s': %u is larger than IFMAP Width (%u)", file,
                              lineno, cols[4], l->filt_s, l->in_w);
        l->pad_bottom = wl_csv_pad(l->in_h, l->filt_r, l->stride_h);
        l->pad_right = wl_csv_pad(l->in_w, l->filt_s, l->stride_w);
    }
    l->batch = batch;
    if (wl_layer_finish(l, err)) {
        char reason[FW_ERR_MSG_BYTES];
        snprintf(reason, sizeof reason, "%s", err->msg);
        return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: %.400s", file, lineno, reason);
    }
    return 0;
}

/* The workload's name: the file's base name without its extension. */
static void wl_csv_name(const char *file, char *buf, size_t size)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strcspn(base, ".");
    if (n == 0)
        n = strlen(base);
    if (n >= size)
        n = size - 1;
    memcpy(buf, base, n);
    buf[n] = '\0';
}

int wl_parse_scalesim(const char *name, const char *text, uint32_t batch_override,
                      wl_workload **out, fw_err *err)
{
    wl_csv_line *line = malloc(sizeof *line);
    wl_workload *wl = calloc(1, sizeof *wl);
    unsigned *linenos = NULL;
    size_t cap = 0;
    int variant = 0;
    size_t ncols = 0;
    bool have_header = false;
    unsigned lineno = 0;
    int rc = 0;
    *out = NULL;
    if (!line || !wl) {
        rc = fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
        goto done;
    }
    wl_csv_name(name, wl->name, sizeof wl->name);
    wl->batch = batch_override ? batch_override : 1;
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        wl_csv_split(p, len, line);
        p += len + (nl ? 1 : 0);
        if (line->count == 0)
            continue;
        if (!have_header) {
            if ((rc = wl_csv_header(name, lineno, line, &variant, &ncols, err)))
                goto done;
            have_header = true;
            continue;
        }
        if (wl->layer_count == cap) {
            size_t bigger = cap ? cap * 2 : 64;
            wl_layer *layers = realloc(wl->layers, bigger * sizeof *layers);
            unsigned *nums = layers ? realloc(linenos, bigger * sizeof *nums) : NULL;
            if (layers)
                wl->layers = layers;
            if (!layers || !nums) {
                rc = fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
                goto done;
            }
            linenos = nums;
            cap = bigger;
        }
        wl_layer *l = &wl->layers[wl->layer_count];
        if ((rc = wl_csv_row(name, lineno, line, variant, ncols, wl->batch, l, err)))
            goto done;
        for (size_t j = 0; j < wl->layer_count; j++)
            if (!strcmp(wl->layers[j].name, l->name)) {
                rc = fw_err_set(err, FW_EXIT_INPUT,
                                "%s:%u: column '%s': duplicate layer name '%s' (also line %u)",
                                name, lineno, variant == WL_CSV_GEMM ? "Layer" : "Layer name",
                                l->name, linenos[j]);
                goto done;
            }
        linenos[wl->layer_count++] = lineno;
    }
    if (!have_header)
        rc = fw_err_set(err, FW_EXIT_INPUT, "%s:1: empty file: no SCALE-Sim header", name);
    else if (wl->layer_count == 0)
        rc = fw_err_set(err, FW_EXIT_INPUT, "%s:%u: no layers after the header", name, lineno);
done:
    free(line);
    free(linenos);
    if (rc) {
        wl_destroy(wl);
        return rc;
    }
    *out = wl;
    return 0;
}

/* The IFMAP size to export along one axis: the layer's own size when its padding is exactly
 * what the importer gives that size (none before, SCALE-Sim's implicit padding after), so
 * SCALE-Sim files survive a round trip unchanged; otherwise the smallest size whose SCALE-Sim
 * output size ceil((H - F + S) / S) is `out`. */
static uint64_t wl_csv_extent(uint32_t in, uint32_t pad_before, uint32_t pad_after, uint32_t out,
                              uint32_t filt, uint32_t stride)
{
    if (in >= filt && pad_before == 0 && pad_after == wl_csv_pad(in, filt, stride))
        return in;
    if (out <= 1)
        return filt;
    return (uint64_t)(out - 2) * stride + filt + 1;
}

int wl_export_scalesim(const wl_workload *wl, FILE *out, fw_err *err)
{
    bool all_gemm = true, square_strides = true, any_mac = false;
    for (size_t i = 0; i < wl->layer_count; i++) {
        const wl_layer *l = &wl->layers[i];
        if (l->kind == WL_NOMAC)
            continue;
        any_mac = true;
        if (l->batch != 1)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "layer '%s': batch %u: a SCALE-Sim topology has no batch (use 1)",
                              l->name, l->batch);
        if (l->dil_h != 1 || l->dil_w != 1)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "layer '%s': dilation %ux%u: a SCALE-Sim topology has no dilation",
                              l->name, l->dil_h, l->dil_w);
        if (strpbrk(l->name, ",\r\n"))
            return fw_err_set(err, FW_EXIT_INPUT,
                              "layer '%s': a comma or line break cannot be written in a CSV name",
                              l->name);
        if (l->kind != WL_GEMM)
            all_gemm = false;
        if (l->stride_h != l->stride_w)
            square_strides = false;
    }
    if (!any_mac)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: no layers with MACs to export", wl->name);
    if (all_gemm)
        fprintf(out, "Layer, M, N, K,\n");
    else
        fprintf(out,
                "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                "Channels, Num Filter, %s\n",
                square_strides ? "Strides," : "Stride Height, Stride Width,");
    for (size_t i = 0; i < wl->layer_count; i++) {
        const wl_layer *l = &wl->layers[i];
        if (l->kind == WL_NOMAC)
            continue;
        if (all_gemm) {
            fprintf(out, "%s, %u, %u, %u,\n", l->name, l->in_h, l->filters, l->in_w);
            continue;
        }
        for (uint32_t g = 0; g < l->groups; g++) {
            char name[WL_NAME_BYTES + 16];
            if (l->groups > 1)
                snprintf(name, sizeof name, "%s_g%u", l->name, g);
            else
                snprintf(name, sizeof name, "%s", l->name);
            fprintf(out, "%s, %llu, %llu, %u, %u, %u, %u, %u,", name,
                    (unsigned long long)wl_csv_extent(l->in_h, l->pad_top, l->pad_bottom, l->out_h,
                                                      l->filt_r, l->stride_h),
                    (unsigned long long)wl_csv_extent(l->in_w, l->pad_left, l->pad_right, l->out_w,
                                                      l->filt_s, l->stride_w),
                    l->filt_r, l->filt_s, l->in_c / l->groups, l->filters / l->groups, l->stride_h);
            if (!square_strides)
                fprintf(out, " %u,", l->stride_w);
            fputc('\n', out);
        }
    }
    if (fflush(out) || ferror(out))
        return fw_err_set(err, FW_EXIT_IO, "%s: write error", wl->name);
    return 0;
}
