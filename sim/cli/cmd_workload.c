/* flopwatt workload FILE [--batch N] [--dim NAME=N]... [--json | --csv | --scalesim]: reads a
 * workload (JSON, SCALE-Sim CSV or ONNX model) and prints its layers with their shapes, GEMM views, MACs, weight and
 * activation element counts, and the totals: an aligned table for people (default), JSON or CSV
 * for machines, or the workload re-written as a SCALE-Sim topology CSV. Output is a pure
 * function of the input (byte-identical on every run). */
#include "common/fw_io.h"
#include "cli/cli_find.h"
#include "cli/cli_opt.h"
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "workload/wl.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WLCLI_BATCH_MAX (1u << 20)
#define WLCLI_CELL_BYTES 72
#define WLCLI_COLS 14

enum { WLCLI_TABLE, WLCLI_JSON, WLCLI_CSV, WLCLI_SCALESIM, WLCLI_DOT };

static void wlcli_usage(FILE *out)
{
    fprintf(out, "usage: flopwatt workload FILE [--batch N] [--dim NAME=N]... "
                 "[--json | --csv | --scalesim | --dot]\n"
                 "  FILE        a workload JSON (configs/README.md), a SCALE-Sim topology CSV\n"
                 "              or an ONNX model (.onnx)\n"
                 "  --batch N   images per run (replaces the file's batch)\n"
                 "  --dim NAME=N  ONNX: the value of the symbolic dimension NAME\n"
                 "  --json      {\"layers\": [...], \"total\": {...}} instead of the table\n"
                 "  --csv       one CSV row per layer instead of the table\n"
                 "  --scalesim  the workload as a SCALE-Sim topology CSV\n"
                 "  --dot       the layer graph for Graphviz (dot -Tsvg)\n");
}

/* 1234567 -> "1,234,567". */
static void wlcli_group(uint64_t v, char *buf, size_t size)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* 11282415616 -> "11.28 G", 999 -> "999" (4 significant digits, SI prefix). */
static void wlcli_si(uint64_t v, char *buf, size_t size)
{
    static const char *const prefix[] = {"", "k", "M", "G", "T", "P", "E"};
    double x = (double)v;
    size_t p = 0;
    while (x >= 1000.0 && p + 1 < sizeof prefix / sizeof prefix[0]) {
        x /= 1000.0;
        p++;
    }
    if (p == 0)
        snprintf(buf, size, "%llu", (unsigned long long)v);
    else
        snprintf(buf, size, "%.4g %s", x, prefix[p]);
}

/* "3" when all four paddings are equal, else "t,b,l,r". */
static void wlcli_pad(const wl_layer *l, char *buf, size_t size)
{
    if (l->pad_top == l->pad_bottom && l->pad_top == l->pad_left && l->pad_top == l->pad_right)
        snprintf(buf, size, "%u", l->pad_top);
    else
        snprintf(buf, size, "%u,%u,%u,%u", l->pad_top, l->pad_bottom, l->pad_left, l->pad_right);
}

static void wlcli_pair(uint32_t a, uint32_t b, char *buf, size_t size)
{
    if (a == b)
        snprintf(buf, size, "%u", a);
    else
        snprintf(buf, size, "%ux%u", a, b);
}

typedef char wlcli_row[WLCLI_COLS][WLCLI_CELL_BYTES];

static const char *const wlcli_heads[WLCLI_COLS] = {
    "layer",  "type",      "in HxWxC",   "kernel", "stride",  "pad",   "dil",
    "groups", "out HxWxC", "GEMM MxNxK", "MACs",   "weights", "ifmap", "ofmap"};
/* Text columns are left-aligned, counts right-aligned. */
static const bool wlcli_right[WLCLI_COLS] = {false, false, true, true, true, true, true,
                                             true,  true,  true, true, true, true, true};

static void wlcli_cells(const wl_layer *l, wlcli_row row)
{
    const size_t n = WLCLI_CELL_BYTES;
    bool mac = l->kind != WL_NOMAC;
    bool window = l->kind == WL_CONV || (l->kind == WL_NOMAC && l->nomac == WL_NOMAC_POOL);
    snprintf(row[0], n, "%s", l->name);
    snprintf(row[1], n, "%s", wl_layer_type_name(l));
    snprintf(row[2], n, "%ux%ux%u", l->in_h, l->in_w, l->in_c);
    if (window)
        snprintf(row[3], n, "%ux%u", l->filt_r, l->filt_s);
    else
        snprintf(row[3], n, "-");
    if (window) {
        wlcli_pair(l->stride_h, l->stride_w, row[4], n);
        wlcli_pad(l, row[5], n);
        wlcli_pair(l->dil_h, l->dil_w, row[6], n);
    } else {
        snprintf(row[4], n, "-");
        snprintf(row[5], n, "-");
        snprintf(row[6], n, "-");
    }
    snprintf(row[7], n, "%u", l->groups);
    snprintf(row[8], n, "%ux%ux%u", l->out_h, l->out_w, l->filters);
    if (mac)
        snprintf(row[9], n, "%llux%llux%llu", (unsigned long long)l->gemm_m,
                 (unsigned long long)l->gemm_n, (unsigned long long)l->gemm_k);
    else
        snprintf(row[9], n, "-");
    wlcli_group(wl_layer_macs(l), row[10], n);
    wlcli_group(wl_layer_weights(l), row[11], n);
    wlcli_group(wl_layer_ifmap_elems(l), row[12], n);
    wlcli_group(wl_layer_ofmap_elems(l), row[13], n);
}

typedef struct wlcli_totals {
    uint64_t macs, weights, ifmap, ofmap;
    size_t mac_layers;
} wlcli_totals;

static wlcli_totals wlcli_sum(const wl_workload *wl)
{
    wlcli_totals t = {0, 0, 0, 0, 0};
    for (size_t i = 0; i < wl->layer_count; i++) {
        const wl_layer *l = &wl->layers[i];
        t.macs += wl_layer_macs(l);
        t.weights += wl_layer_weights(l);
        t.ifmap += wl_layer_ifmap_elems(l);
        t.ofmap += wl_layer_ofmap_elems(l);
        t.mac_layers += l->kind != WL_NOMAC;
    }
    return t;
}

static int wlcli_table(const wl_workload *wl, const char *file, FILE *out)
{
    wlcli_row *rows = malloc((wl->layer_count + 1) * sizeof *rows);
    size_t width[WLCLI_COLS];
    if (!rows)
        return FW_EXIT_IO;
    for (size_t c = 0; c < WLCLI_COLS; c++) {
        snprintf(rows[0][c], WLCLI_CELL_BYTES, "%s", wlcli_heads[c]);
        width[c] = strlen(wlcli_heads[c]);
    }
    for (size_t i = 0; i < wl->layer_count; i++) {
        wlcli_cells(&wl->layers[i], rows[i + 1]);
        for (size_t c = 0; c < WLCLI_COLS; c++)
            if (strlen(rows[i + 1][c]) > width[c])
                width[c] = strlen(rows[i + 1][c]);
    }
    wlcli_totals t = wlcli_sum(wl);
    fprintf(out, "workload %s (%s): %zu layers, %zu with MACs, batch %u\n", wl->name, file,
            wl->layer_count, t.mac_layers, wl->batch);
    fprintf(out, "GEMM view per group (M includes the batch); weights, ifmap and ofmap in "
                 "elements (ifmap unpadded)\n\n");
    for (size_t r = 0; r <= wl->layer_count; r++) {
        for (size_t c = 0; c < WLCLI_COLS; c++) {
            const char *sep = c ? "  " : "";
            if (c + 1 == WLCLI_COLS)
                fprintf(out, "%s%*s", sep, (int)width[c], rows[r][c]);
            else if (wlcli_right[c])
                fprintf(out, "%s%*s", sep, (int)width[c], rows[r][c]);
            else
                fprintf(out, "%s%-*s", sep, (int)width[c], rows[r][c]);
        }
        fputc('\n', out);
    }
    free(rows);
    char macs[32], macs_si[32], flops_si[32], weights[32], weights_si[32];
    wlcli_group(t.macs, macs, sizeof macs);
    wlcli_si(t.macs, macs_si, sizeof macs_si);
    wlcli_si(2 * t.macs, flops_si, sizeof flops_si);
    wlcli_group(t.weights, weights, sizeof weights);
    wlcli_si(t.weights, weights_si, sizeof weights_si);
    fprintf(out, "\ntotal: %s MACs (%s MACs, %s FLOP at 2 FLOP/MAC), %s weights (%s elements)\n",
            macs, macs_si, flops_si, weights, weights_si);
    return 0;
}

#define WLCLI_U(v) ((unsigned long long)(v))

static int wlcli_json(const wl_workload *wl, FILE *out)
{
    fprintf(out, "{\"workload\": ");
    fw_json_write_string(out, wl->name);
    fprintf(out, ", \"batch\": %u, \"layers\": [", wl->batch);
    for (size_t i = 0; i < wl->layer_count; i++) {
        const wl_layer *l = &wl->layers[i];
        fprintf(out, "%s\n  {\"name\": ", i ? "," : "");
        fw_json_write_string(out, l->name);
        fprintf(out,
                ", \"type\": \"%s\", \"in_h\": %u, \"in_w\": %u, \"in_c\": %u, \"filt_r\": %u, "
                "\"filt_s\": %u, \"filters\": %u, \"stride_h\": %u, \"stride_w\": %u, "
                "\"pad_top\": %u, \"pad_bottom\": %u, \"pad_left\": %u, \"pad_right\": %u, "
                "\"dil_h\": %u, \"dil_w\": %u, \"groups\": %u, \"batch\": %u, \"out_h\": %u, "
                "\"out_w\": %u, \"gemm_m\": %llu, \"gemm_n\": %llu, \"gemm_k\": %llu, "
                "\"macs\": %llu, \"weights\": %llu, \"ifmap_elems\": %llu, "
                "\"ofmap_elems\": %llu}",
                wl_layer_type_name(l), l->in_h, l->in_w, l->in_c, l->filt_r, l->filt_s, l->filters,
                l->stride_h, l->stride_w, l->pad_top, l->pad_bottom, l->pad_left, l->pad_right,
                l->dil_h, l->dil_w, l->groups, l->batch, l->out_h, l->out_w, WLCLI_U(l->gemm_m),
                WLCLI_U(l->gemm_n), WLCLI_U(l->gemm_k), WLCLI_U(wl_layer_macs(l)),
                WLCLI_U(wl_layer_weights(l)), WLCLI_U(wl_layer_ifmap_elems(l)),
                WLCLI_U(wl_layer_ofmap_elems(l)));
    }
    wlcli_totals t = wlcli_sum(wl);
    fprintf(out,
            "\n],\n\"total\": {\"macs\": %llu, \"flops\": %llu, \"weights\": %llu, "
            "\"ifmap_elems\": %llu, \"ofmap_elems\": %llu, \"layers\": %zu, "
            "\"mac_layers\": %zu}}\n",
            WLCLI_U(t.macs), WLCLI_U(2 * t.macs), WLCLI_U(t.weights), WLCLI_U(t.ifmap),
            WLCLI_U(t.ofmap), wl->layer_count, t.mac_layers);
    return 0;
}

/* Writes s as a CSV field (quoted when it holds a comma, quote or line break). */
static void wlcli_csv_str(const char *s, FILE *out)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static int wlcli_csv(const wl_workload *wl, FILE *out)
{
    fprintf(out, "layer,type,in_h,in_w,in_c,filt_r,filt_s,filters,stride_h,stride_w,pad_top,"
                 "pad_bottom,pad_left,pad_right,dil_h,dil_w,groups,batch,out_h,out_w,gemm_m,"
                 "gemm_n,gemm_k,macs,weights_elems,ifmap_elems,ofmap_elems\n");
    for (size_t i = 0; i < wl->layer_count; i++) {
        const wl_layer *l = &wl->layers[i];
        wlcli_csv_str(l->name, out);
        fprintf(out,
                ",%s,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%u,%llu,%llu,%llu,%llu,"
                "%llu,%llu,%llu\n",
                wl_layer_type_name(l), l->in_h, l->in_w, l->in_c, l->filt_r, l->filt_s, l->filters,
                l->stride_h, l->stride_w, l->pad_top, l->pad_bottom, l->pad_left, l->pad_right,
                l->dil_h, l->dil_w, l->groups, l->batch, l->out_h, l->out_w, WLCLI_U(l->gemm_m),
                WLCLI_U(l->gemm_n), WLCLI_U(l->gemm_k), WLCLI_U(wl_layer_macs(l)),
                WLCLI_U(wl_layer_weights(l)), WLCLI_U(wl_layer_ifmap_elems(l)),
                WLCLI_U(wl_layer_ofmap_elems(l)));
    }
    return 0;
}

/* Writes s as a Graphviz double-quoted string body (quotes and backslashes escaped). */
static void wlcli_dot_str(const char *s, FILE *out)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
}

/* The layer graph: the network's input (an ellipse) and one box per layer (name, type, output
 * shape, MACs), MAC-free layers dashed; an edge from each tensor a layer reads (its inputs, the
 * previous layer's output by default) to the layer. */
static int wlcli_dot(const wl_workload *wl, FILE *out)
{
    fprintf(out, "digraph \"");
    wlcli_dot_str(wl->name, out);
    fprintf(out, "\" {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    fprintf(out, "  input [shape=ellipse, label=\"input\"];\n");
    for (size_t i = 0; i < wl->layer_count; i++) {
        const wl_layer *l = &wl->layers[i];
        char macs[32];
        wlcli_si(wl_layer_macs(l), macs, sizeof macs);
        fprintf(out, "  n%zu [label=\"", i);
        wlcli_dot_str(l->name, out);
        fprintf(out, "\\n%s %ux%ux%u\\n%s MACs\"%s];\n", wl_layer_type_name(l), l->out_h,
                l->out_w, l->filters, macs, l->kind == WL_NOMAC ? ", style=dashed" : "");
    }
    for (size_t i = 0; i < wl->layer_count; i++)
        for (uint32_t j = 0; j < wl_layer_input_count(wl, i); j++) {
            uint32_t from = wl_layer_input(wl, i, j);
            if (from == WL_INPUT_NETWORK)
                fprintf(out, "  input -> n%zu;\n", i);
            else
                fprintf(out, "  n%u -> n%zu;\n", from, i);
        }
    fprintf(out, "}\n");
    return ferror(out) ? FW_EXIT_IO : 0;
}

static bool wlcli_parse_batch(const char *s, uint32_t *out)
{
    char *end = NULL;
    if (!s || !*s || *s == '-' || *s == '+')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || v < 1 || v > WLCLI_BATCH_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

int cmd_parse_dim(const char *cmd, const char *arg, wl_dim *dims, size_t *count)
{
    const char *eq = arg ? strchr(arg, '=') : NULL;
    char *end = NULL;
    if (!eq || eq == arg || (size_t)(eq - arg) >= WL_NAME_BYTES) {
        fprintf(stderr, "flopwatt %s: --dim: expected NAME=N (NAME 1 to %d characters), got '%s'\n",
                cmd, WL_NAME_BYTES - 1, arg ? arg : "");
        return FW_EXIT_INPUT;
    }
    const char *v = eq + 1;
    unsigned long long n = *v >= '0' && *v <= '9' ? strtoull(v, &end, 10) : 0;
    if (!end || *end || n < 1 || n > (1u << 30)) {
        fprintf(stderr, "flopwatt %s: --dim %.*s: '%s' is not an integer in [1, %u]\n", cmd,
                (int)(eq - arg), arg, v, 1u << 30);
        return FW_EXIT_INPUT;
    }
    for (size_t i = 0; i < *count; i++)
        if (strlen(dims[i].name) == (size_t)(eq - arg) && !strncmp(dims[i].name, arg, (size_t)(eq - arg))) {
            fprintf(stderr, "flopwatt %s: --dim %s given twice\n", cmd, dims[i].name);
            return FW_EXIT_INPUT;
        }
    if (*count == CMD_DIMS_MAX) {
        fprintf(stderr, "flopwatt %s: more than %d --dim options\n", cmd, CMD_DIMS_MAX);
        return FW_EXIT_INPUT;
    }
    snprintf(dims[*count].name, sizeof dims[*count].name, "%.*s", (int)(eq - arg), arg);
    dims[*count].value = n;
    (*count)++;
    return 0;
}

enum { WLCLI_OPT_BATCH = 256, WLCLI_OPT_JSON, WLCLI_OPT_CSV, WLCLI_OPT_SCALESIM, WLCLI_OPT_DOT,
       WLCLI_OPT_DIM };

static const struct option wlcli_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"batch", required_argument, NULL, WLCLI_OPT_BATCH},
    {"json", no_argument, NULL, WLCLI_OPT_JSON},
    {"csv", no_argument, NULL, WLCLI_OPT_CSV},
    {"scalesim", no_argument, NULL, WLCLI_OPT_SCALESIM},
    {"dot", no_argument, NULL, WLCLI_OPT_DOT},
    {"dim", required_argument, NULL, WLCLI_OPT_DIM},
    {NULL, 0, NULL, 0},
};

int cmd_workload(int argc, char **argv)
{
    const char *file = NULL;
    uint32_t batch = 0;
    wl_dim dims[CMD_DIMS_MAX];
    size_t ndims = 0;
    int mode = WLCLI_TABLE;
    cli_opt p;
    cli_opt_init(&p, "workload", "h", wlcli_options);
    for (int c; (c = cli_opt_next(&p, argc, argv)) != -1;) {
        int m = WLCLI_TABLE;
        switch (c) {
        case 'h':
            wlcli_usage(stdout);
            return FW_EXIT_OK;
        case WLCLI_OPT_BATCH:
            if (!wlcli_parse_batch(p.arg, &batch)) {
                fprintf(stderr, "flopwatt workload: --batch needs an integer in [1, %u]\n",
                        WLCLI_BATCH_MAX);
                return FW_EXIT_INPUT;
            }
            break;
        case WLCLI_OPT_DIM:
            if (cmd_parse_dim("workload", p.arg, dims, &ndims))
                return FW_EXIT_INPUT;
            break;
        case WLCLI_OPT_JSON:
        case WLCLI_OPT_CSV:
        case WLCLI_OPT_SCALESIM:
        case WLCLI_OPT_DOT:
            m = c == WLCLI_OPT_JSON  ? WLCLI_JSON
                : c == WLCLI_OPT_CSV ? WLCLI_CSV
                : c == WLCLI_OPT_DOT ? WLCLI_DOT
                                     : WLCLI_SCALESIM;
            if (mode != WLCLI_TABLE && mode != m) {
                fprintf(stderr,
                        "flopwatt workload: give one of --json, --csv, --scalesim, --dot\n");
                return FW_EXIT_INPUT;
            }
            mode = m;
            break;
        default:
            return FW_EXIT_INPUT;
        }
    }
    if (argc - p.next > 1) {
        fprintf(stderr, "flopwatt workload: more than one FILE ('%s', '%s')\n", argv[p.next],
                argv[p.next + 1]);
        return FW_EXIT_INPUT;
    }
    char found[4096]; /* a shipped network named without a path (cli_find.h) */
    file = p.next < argc ? cli_find(argv[p.next], found, sizeof found) : NULL;
    if (!file) {
        wlcli_usage(stderr);
        return FW_EXIT_INPUT;
    }
    wl_workload *wl;
    fw_err err;
    fw_err_clear(&err);
    wl_opts opts = {.batch_override = batch, .dims = dims, .dim_count = ndims, .warn = stderr};
    if (wl_load_with(file, &opts, &wl, &err)) {
        fprintf(stderr, "flopwatt workload: %s\n", err.msg);
        return err.status;
    }
    wl_print_notes(wl, stderr, "flopwatt workload");
    int rc = 0;
    switch (mode) {
    case WLCLI_TABLE:
        rc = wlcli_table(wl, file, stdout);
        break;
    case WLCLI_JSON:
        rc = wlcli_json(wl, stdout);
        break;
    case WLCLI_CSV:
        rc = wlcli_csv(wl, stdout);
        break;
    case WLCLI_DOT:
        rc = wlcli_dot(wl, stdout);
        break;
    default:
        rc = wl_export_scalesim(wl, stdout, &err);
        if (rc)
            fprintf(stderr, "flopwatt workload: %s: %s\n", file, err.msg);
        break;
    }
    wl_destroy(wl);
    if (rc == FW_EXIT_IO && mode == WLCLI_TABLE)
        fprintf(stderr, "flopwatt workload: out of memory\n");
    if (!rc && (fflush(stdout) || ferror(stdout))) {
        fprintf(stderr, "flopwatt workload: write error on standard output\n");
        rc = FW_EXIT_IO;
    }
    return rc;
}
