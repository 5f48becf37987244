/* wl_csv: SCALE-Sim topology CSV import and export (wl.h states the conventions).
 * Import reads a file the way SCALE-Sim (v2, and v3's sparsity column) reads it, by position:
 *   conv:  Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels,
 *          Num Filter, Strides [, 9th] [, 10th]
 *   GEMM:  Layer, M, N, K [, Sparsity]
 * The first non-blank line is the header. It decides the mode (GEMM when its columns 2 to 4
 * are M, N, K; conv when column 2 names the IFMAP) and is otherwise compared leniently: case,
 * runs of white space (also U+00A0 and a byte order mark) and known alternative names
 * (wl_csv_alias) do not matter, and an unknown name only gives a note, since SCALE-Sim never
 * reads it. The 9th conv column is the stride width, unless the header names it batch
 * (a per-layer batch) or sparsity; a value N:M there, or in a column named Sparsity, is SCALE-Sim
 * v3's structured sparsity (stored in the layer). Data rows follow SCALE-Sim's own split: the
 * text after a row's last comma is ignored (a note), except that a row whose last value has no
 * comma after it is read whole (SCALE-Sim would drop that value); values in columns it never
 * reads are ignored with a note; rows of empty fields are skipped with a note. A layer whose
 * name contains "DP" is depthwise by SCALE-Sim's convention (one layer per channel, each with
 * 1 channel and Num Filter filters): flopwatt makes it one conv with groups = Channels and
 * Channels x Num Filter filters, the same MACs. Repeated names get a suffix _2, _3, ... (a
 * note). Import: a conv row keeps its IFMAP size and gets pad_bottom/pad_right =
 * (S - (H - F) mod S) mod S, the smallest padding that makes floor((H + P - F) / S) + 1 equal
 * SCALE-Sim's ceil((H - F + S) / S). A GEMM row becomes a WL_GEMM layer. Where SCALE-Sim itself
 * fails (a missing or non-integer value such as a placeholder 'B', a filter larger than its
 * input), the error is "FILE:LINE: column 'X': reason". */
#include "workload/wl.h"
#include "workload/wl_names.h"


#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WL_CSV_MAX_FIELDS 64
#define WL_CSV_FIELD_BYTES 128
#define WL_CSV_DIM_MAX (1u << 30)

/* What a column holds. */
typedef enum wl_csv_role {
    WL_COL_NAME,
    WL_COL_IH,
    WL_COL_IW,
    WL_COL_FH,
    WL_COL_FW,
    WL_COL_C,
    WL_COL_NF,
    WL_COL_SH,
    WL_COL_SW,
    WL_COL_BATCH,
    WL_COL_SPARSITY,
    WL_COL_M,
    WL_COL_N,
    WL_COL_K,
    WL_COL_IGNORED,
    WL_COL_ROLES
} wl_csv_role;

static const char *const wl_csv_role_names[WL_COL_ROLES] = {
    "Layer name", "IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width",
    "Channels",   "Num Filter",   "Strides",     "Stride Width",  "Batch Size",
    "Sparsity",   "M",            "N",           "K",             "(ignored)"};

/* Known spellings of a header name (normalized: lower case, single spaces). */
static bool wl_csv_alias(wl_csv_role role, const char *name)
{
    static const char *const names[][5] = {
        [WL_COL_NAME] = {"layer name", "layer", "name", "l", NULL},
        [WL_COL_IH] = {"ifmap height", "ifmap h", "ifmap width", NULL}, /* DeepBench: Width */
        [WL_COL_IW] = {"ifmap width", "ifmap w", NULL},
        [WL_COL_FH] = {"filter height", "filter h", NULL},
        [WL_COL_FW] = {"filter width", "filter w", NULL},
        [WL_COL_C] = {"channels", "channel", "num channels", NULL},
        [WL_COL_NF] = {"num filter", "num filters", "filters", NULL},
        [WL_COL_SH] = {"strides", "stride", "stride height", "stride h", NULL},
        [WL_COL_SW] = {"stride width", "stride w", NULL},
        [WL_COL_BATCH] = {"batch size", "batch", NULL},
        [WL_COL_SPARSITY] = {"sparsity", "sparsity ratio", NULL},
        [WL_COL_M] = {"m", NULL},
        [WL_COL_N] = {"n", NULL},
        [WL_COL_K] = {"k", NULL},
    };
    if (role >= WL_COL_IGNORED)
        return false;
    for (size_t i = 0; i < 5 && names[role][i]; i++)
        if (!strcmp(name, names[role][i]))
            return true;
    return false;
}

/* One split line: every comma-separated piece, trimmed (at most WL_CSV_MAX_FIELDS). */
typedef struct wl_csv_line {
    char field[WL_CSV_MAX_FIELDS][WL_CSV_FIELD_BYTES];
    size_t count;    /* pieces, the text after the last comma included */
    bool comma;      /* the line holds at least one comma */
    size_t too_long; /* 1 + index of the first piece that did not fit, or 0 */
    bool tab;        /* a tab inside a piece (tab-separated files) */
} wl_csv_line;

/* Length of white space at p (ASCII, U+00A0 as C2 A0, the byte order mark EF BB BF), or 0. */
static size_t wl_csv_space(const char *p, const char *end)
{
    if (p < end && isspace((unsigned char)*p))
        return 1;
    if (end - p >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
        return 2;
    if (end - p >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        return 3;
    return 0;
}

/* The same, ending at end. */
static size_t wl_csv_space_before(const char *start, const char *end)
{
    if (end > start && isspace((unsigned char)end[-1]))
        return 1;
    if (end - start >= 2 && (unsigned char)end[-2] == 0xC2 && (unsigned char)end[-1] == 0xA0)
        return 2;
    if (end - start >= 3 && (unsigned char)end[-3] == 0xEF && (unsigned char)end[-2] == 0xBB &&
        (unsigned char)end[-1] == 0xBF)
        return 3;
    return 0;
}

static void wl_csv_split(const char *p, size_t len, wl_csv_line *line)
{
    const char *end = p + len;
    line->count = 0;
    line->too_long = 0;
    line->tab = false;
    line->comma = memchr(p, ',', len) != NULL;
    while (line->count < WL_CSV_MAX_FIELDS) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        const char *a = p, *b = stop;
        size_t n;
        while (a < b && (n = wl_csv_space(a, b)))
            a += n;
        while (b > a && (n = wl_csv_space_before(a, b)))
            b -= n;
        n = (size_t)(b - a);
        if (memchr(a, '\t', n))
            line->tab = true;
        if (n >= WL_CSV_FIELD_BYTES) {
            n = WL_CSV_FIELD_BYTES - 1;
            if (!line->too_long)
                line->too_long = line->count + 1;
        }
        memcpy(line->field[line->count], a, n);
        line->field[line->count][n] = '\0';
        line->count++;
        if (!comma)
            break;
        p = comma + 1;
    }
}

/* Lower case, runs of white space as one space (the field is already trimmed). */
static void wl_csv_normalize(const char *in, char *out, size_t size)
{
    size_t o = 0;
    bool space = false;
    const char *end = in + strlen(in);
    for (const char *p = in; *p && o + 1 < size;) {
        size_t n = wl_csv_space(p, end);
        if (n) {
            space = true;
            p += n;
            continue;
        }
        if (space && o + 2 < size)
            out[o++] = ' ';
        space = false;
        out[o++] = (char)tolower((unsigned char)*p++);
    }
    out[o] = '\0';
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

/* The file's layout, from its header. */
typedef struct wl_csv_layout {
    bool gemm;
    size_t required; /* columns every row must have: 8 (conv) or 4 (GEMM) */
    wl_csv_role role[WL_CSV_MAX_FIELDS];
    const char *sh_name; /* "Strides" or "Stride Height", for messages */
} wl_csv_layout;

static const char *wl_csv_col_name(const wl_csv_layout *lay, size_t i)
{
    if (lay->role[i] == WL_COL_SH)
        return lay->sh_name;
    if (lay->gemm && lay->role[i] == WL_COL_NAME)
        return "Layer";
    return wl_csv_role_names[lay->role[i]];
}

static int wl_csv_header(const char *file, unsigned lineno, const wl_csv_line *h, wl_workload *wl,
                         wl_csv_layout *lay, fw_err *err)
{
    static const wl_csv_role conv[8] = {WL_COL_NAME, WL_COL_IH, WL_COL_IW, WL_COL_FH,
                                        WL_COL_FW,   WL_COL_C,  WL_COL_NF, WL_COL_SH};
    static const wl_csv_role gemm[4] = {WL_COL_NAME, WL_COL_M, WL_COL_N, WL_COL_K};
    char norm[WL_CSV_MAX_FIELDS][WL_CSV_FIELD_BYTES];
    for (size_t i = 0; i < WL_CSV_MAX_FIELDS; i++)
        norm[i][0] = '\0';
    for (size_t i = 0; i < h->count; i++)
        wl_csv_normalize(h->field[i], norm[i], sizeof norm[i]);
    if (h->tab && !h->comma)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%s:%u: the header's columns are separated by tabs; SCALE-Sim topology "
                          "files separate them by commas",
                          file, lineno);
    lay->gemm = h->count >= 4 && wl_csv_alias(WL_COL_M, norm[1]) &&
                wl_csv_alias(WL_COL_N, norm[2]) && wl_csv_alias(WL_COL_K, norm[3]);
    lay->sh_name = "Strides";
    if (!lay->gemm && !(h->count >= 2 && !strncmp(norm[1], "ifmap", 5)))
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%s:%u: not a SCALE-Sim topology header (expected 'Layer name, IFMAP "
                          "Height, ...' or 'Layer, M, N, K,')",
                          file, lineno);
    lay->required = lay->gemm ? 4 : 8;
    for (size_t i = 0; i < WL_CSV_MAX_FIELDS; i++)
        lay->role[i] = WL_COL_IGNORED;
    for (size_t i = 0; i < lay->required; i++) {
        lay->role[i] = lay->gemm ? gemm[i] : conv[i];
        if (i < h->count && norm[i][0] && !wl_csv_alias(lay->role[i], norm[i]))
            wl_note(wl, "%s:%u: header column %zu '%s' is not a known name for '%s'; read by "
                        "position, as SCALE-Sim does",
                    file, lineno, i + 1, h->field[i], wl_csv_role_names[lay->role[i]]);
    }
    if (!lay->gemm && norm[7][0] && !strcmp(norm[7], "stride height"))
        lay->sh_name = "Stride Height";
    if (lay->gemm) {
        if (wl_csv_alias(WL_COL_SPARSITY, norm[4]))
            lay->role[4] = WL_COL_SPARSITY;
    } else {
        /* 9th: stride width (SCALE-Sim v2 reads it so) unless named batch or sparsity */
        lay->role[8] = wl_csv_alias(WL_COL_BATCH, norm[8])      ? WL_COL_BATCH
                       : wl_csv_alias(WL_COL_SPARSITY, norm[8]) ? WL_COL_SPARSITY
                                                                : WL_COL_SW;
        if (wl_csv_alias(WL_COL_SPARSITY, norm[9]))
            lay->role[9] = WL_COL_SPARSITY;
    }
    for (size_t i = lay->required; i < h->count; i++)
        if (lay->role[i] == WL_COL_IGNORED && norm[i][0])
            wl_note(wl, "%s:%u: header column %zu '%s' is not read (SCALE-Sim does not read it)",
                    file, lineno, i + 1, h->field[i]);
    return 0;
}

/* SCALE-Sim's implicit padding: the smallest P with (H + P - F) divisible by S. */
static uint32_t wl_csv_pad(uint32_t in, uint32_t filt, uint32_t stride)
{
    return (stride - (in - filt) % stride) % stride;
}

/* "N:M" with 1 <= N <= M. */
static bool wl_csv_sparsity(const char *s, uint32_t *n, uint32_t *m)
{
    char a[WL_CSV_FIELD_BYTES], b[WL_CSV_FIELD_BYTES];
    const char *colon = strchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof a)
        return false;
    memcpy(a, s, (size_t)(colon - s));
    a[colon - s] = '\0';
    snprintf(b, sizeof b, "%s", colon + 1);
    /* trim spaces around the numbers */
    char *pa = a, *pb = b;
    while (*pa == ' ')
        pa++;
    while (*pb == ' ')
        pb++;
    for (char *e = pa + strlen(pa); e > pa && e[-1] == ' ';)
        *--e = '\0';
    for (char *e = pb + strlen(pb); e > pb && e[-1] == ' ';)
        *--e = '\0';
    return wl_csv_uint(pa, n) && wl_csv_uint(pb, m) && *n >= 1 && *n <= *m && *m <= WL_NM_MAX;
}

/* Flags for notes given once per file. */
enum {
    WL_CSV_SAID_TAIL = 1,
    WL_CSV_SAID_NOCOMMA = 2,
    WL_CSV_SAID_EXTRA = 4,
    WL_CSV_SAID_DP = 8,
    WL_CSV_SAID_EMPTY = 16,
    WL_CSV_SAID_BATCH = 32,
};

/* Reads one data row into *l. Returns 0 (with *skip set for a row of empty fields), or fails. */
static int wl_csv_row(const char *file, unsigned lineno, const wl_csv_line *row,
                      const wl_csv_layout *lay, uint32_t batch_override, wl_workload *wl,
                      unsigned *said, wl_layer *l, bool *skip, fw_err *err)
{
    /* the pieces SCALE-Sim keeps: all but the text after the last comma */
    size_t n = row->comma ? row->count - 1 : row->count;
    const char *tail = row->comma ? row->field[row->count - 1] : "";
    size_t last = 0; /* 1 + index of the last non-empty kept piece */
    for (size_t i = 0; i < n; i++)
        if (row->field[i][0])
            last = i + 1;
    *skip = false;
    if (last == 0 && !tail[0]) {
        if (!(*said & WL_CSV_SAID_EMPTY))
            wl_note(wl, "%s:%u: a row of empty fields is skipped (SCALE-Sim fails on it)", file,
                    lineno);
        *said |= WL_CSV_SAID_EMPTY;
        *skip = true;
        return 0;
    }
    if (tail[0] && last < lay->required && n < lay->required) {
        /* no comma after the last value: SCALE-Sim would drop it; read it */
        if (!(*said & WL_CSV_SAID_NOCOMMA))
            wl_note(wl, "%s:%u: no comma after the last value '%.40s'; read as column '%s' "
                        "(SCALE-Sim drops the text after the last comma)",
                    file, lineno, tail, wl_csv_col_name(lay, n));
        *said |= WL_CSV_SAID_NOCOMMA;
        n++;
        last = n;
    } else if (tail[0]) {
        if (!(*said & WL_CSV_SAID_TAIL))
            wl_note(wl, "%s:%u: text after the last comma '%.40s' is ignored, as SCALE-Sim "
                        "ignores it",
                    file, lineno, tail);
        *said |= WL_CSV_SAID_TAIL;
    }
    if (!row->field[0][0])
        return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: column '%s': empty layer name", file, lineno,
                          wl_csv_col_name(lay, 0));
    for (size_t i = 1; i < lay->required; i++)
        if (i >= n || !row->field[i][0])
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: column '%s': missing value (SCALE-Sim fails on this row too)",
                              file, lineno, wl_csv_col_name(lay, i));
    if (row->too_long && row->too_long <= n)
        return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: column '%s': longer than %d characters", file,
                          lineno, wl_csv_col_name(lay, row->too_long - 1), WL_CSV_FIELD_BYTES - 1);
    const char *name = row->field[0];
    if (strlen(name) >= WL_NAME_BYTES)
        return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: column '%s': longer than %d characters", file,
                          lineno, wl_csv_col_name(lay, 0), WL_NAME_BYTES - 1);
    for (const char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: column '%s': control character 0x%02x in the name", file,
                              lineno, wl_csv_col_name(lay, 0), (unsigned)(unsigned char)*c);
    uint32_t v[WL_COL_ROLES] = {0};
    uint32_t sp_n = 0, sp_m = 0;
    bool extra = false;
    for (size_t i = 1; i < n; i++) {
        const char *f = row->field[i];
        wl_csv_role role = lay->role[i];
        if (i >= lay->required && !f[0])
            continue;
        if (role == WL_COL_IGNORED) {
            extra = true;
            continue;
        }
        if (role == WL_COL_SPARSITY || (role == WL_COL_SW && strchr(f, ':'))) {
            if (!wl_csv_sparsity(f, &sp_n, &sp_m))
                return fw_err_set(err, FW_EXIT_INPUT,
                                  "%s:%u: column '%s': '%.40s' is not a sparsity N:M with 1 <= N "
                                  "<= M <= %u",
                                  file, lineno, wl_csv_role_names[WL_COL_SPARSITY], f, WL_NM_MAX);
            continue;
        }
        if (!wl_csv_uint(f, &v[role]))
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: column '%s': '%.40s' is not an integer in [1, %u]", file,
                              lineno, wl_csv_col_name(lay, i), f, WL_CSV_DIM_MAX);
    }
    if (extra && !(*said & WL_CSV_SAID_EXTRA)) {
        wl_note(wl, "%s:%u: values after column %zu are not read (SCALE-Sim does not read them)",
                file, lineno, lay->role[8] == WL_COL_IGNORED ? lay->required : (size_t)9);
        *said |= WL_CSV_SAID_EXTRA;
    }
    if (lay->gemm) {
        wl_layer_init(l, WL_GEMM, name);
        l->in_h = v[WL_COL_M];
        l->filters = v[WL_COL_N];
        l->in_w = v[WL_COL_K];
    } else {
        wl_layer_init(l, WL_CONV, name);
        l->in_h = v[WL_COL_IH];
        l->in_w = v[WL_COL_IW];
        l->filt_r = v[WL_COL_FH];
        l->filt_s = v[WL_COL_FW];
        l->in_c = v[WL_COL_C];
        l->filters = v[WL_COL_NF];
        l->stride_h = v[WL_COL_SH];
        l->stride_w = v[WL_COL_SW] ? v[WL_COL_SW] : v[WL_COL_SH];
        if (l->filt_r > l->in_h)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: column 'Filter Height': %u is larger than IFMAP Height (%u)",
                              file, lineno, l->filt_r, l->in_h);
        if (l->filt_s > l->in_w)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: column 'Filter Width': %u is larger than IFMAP Width (%u)",
                              file, lineno, l->filt_s, l->in_w);
        l->pad_bottom = wl_csv_pad(l->in_h, l->filt_r, l->stride_h);
        l->pad_right = wl_csv_pad(l->in_w, l->filt_s, l->stride_w);
        if (strstr(name, "DP")) {
            uint64_t f = (uint64_t)l->in_c * l->filters;
            if (f > WL_CSV_DIM_MAX)
                return fw_err_set(err, FW_EXIT_INPUT,
                                  "%s:%u: column 'Num Filter': depthwise (DP) layer: Channels x "
                                  "Num Filter is larger than %u",
                                  file, lineno, WL_CSV_DIM_MAX);
            if (!(*said & WL_CSV_SAID_DP))
                wl_note(wl, "%s:%u: '%s' and every layer named with DP are depthwise by "
                            "SCALE-Sim's convention: each channel under its own Num Filter filters "
                            "(groups = Channels)",
                        file, lineno, name);
            *said |= WL_CSV_SAID_DP;
            l->groups = l->in_c;
            l->filters = (uint32_t)f;
        }
    }
    l->sparsity_n = sp_n;
    l->sparsity_m = sp_m;
    if (sp_m) /* wl.h: N of every M weights non-zero */
        l->weight_zero_frac = 1.0 - (double)sp_n / sp_m;
    l->batch = batch_override ? batch_override : v[WL_COL_BATCH] ? v[WL_COL_BATCH] : 1;
    if (v[WL_COL_BATCH] && !batch_override) {
        if (wl->layer_count == 0)
            wl->batch = l->batch;
        else if (l->batch != wl->batch && !(*said & WL_CSV_SAID_BATCH)) {
            wl_note(wl, "%s:%u: layers have different batch sizes (%u here, %u in the first)",
                    file, lineno, l->batch, wl->batch);
            *said |= WL_CSV_SAID_BATCH;
        }
    }
    if (wl_layer_finish(l, err)) {
        char reason[FW_ERR_MSG_BYTES];
        snprintf(reason, sizeof reason, "%s", err->msg);
        return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: %.400s", file, lineno, reason);
    }
    return 0;
}

/* Makes l's name unique among the layers already in names (all of layers[]): NAME_2, NAME_3, ...
 * the smallest suffix not taken. A name's slot keeps the next suffix to try for it as a base: the
 * smallest free NAME_k only grows as names are added, so the search resumes where the last one
 * stopped and gives the same k as a search from 2. */
static int wl_csv_unique(const char *file, unsigned lineno, const wl_layer *layers,
                         wl_names *names, const unsigned *linenos, wl_layer *l, wl_workload *wl,
                         fw_err *err)
{
    if (!names->cap)
        return 0;
    size_t base_slot = wl_names_find(names, layers, l->name);
    if (!names->slot[base_slot].layer_plus1)
        return 0;
    unsigned first_line = linenos[names->slot[base_slot].layer_plus1 - 1];
    char base[WL_NAME_BYTES];
    snprintf(base, sizeof base, "%s", l->name);
    unsigned k = names->slot[base_slot].next_suffix ? names->slot[base_slot].next_suffix : 2;
    for (; k < 1000000; k++) {
        char cand[WL_NAME_BYTES + 16];
        snprintf(cand, sizeof cand, "%s_%u", base, k);
        if (strlen(cand) >= WL_NAME_BYTES)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s:%u: column 'Layer name': duplicate layer name '%s' (also line "
                              "%u) and no room for a suffix",
                              file, lineno, base, first_line);
        if (!names->slot[wl_names_find(names, layers, cand)].layer_plus1) {
            wl_note(wl, "%s:%u: duplicate layer name '%s' (also line %u) renamed '%s'", file,
                    lineno, base, first_line, cand);
            snprintf(l->name, sizeof l->name, "%s", cand);
            names->slot[base_slot].next_suffix = k + 1; /* NAME_k is about to be taken */
            return 0;
        }
    }
    names->slot[base_slot].next_suffix = k;
    return fw_err_set(err, FW_EXIT_INPUT, "%s:%u: duplicate layer name '%s'", file, lineno, base);
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
    wl_csv_layout *lay = malloc(sizeof *lay);
    wl_workload *wl = calloc(1, sizeof *wl);
    unsigned *linenos = NULL;
    wl_names names = {NULL, 0};
    size_t cap = 0;
    bool have_header = false;
    unsigned lineno = 0, said = 0;
    int rc = 0;
    *out = NULL;
    if (!line || !lay || !wl) {
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
        if (line->count == 1 && !line->field[0][0])
            continue; /* blank line */
        if (!have_header) {
            if ((rc = wl_csv_header(name, lineno, line, wl, lay, err)))
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
        bool skip;
        if ((rc = wl_csv_row(name, lineno, line, lay, batch_override, wl, &said, l, &skip, err)))
            goto done;
        if (skip)
            continue;
        if ((rc = wl_csv_unique(name, lineno, wl->layers, &names, linenos, l, wl, err)))
            goto done;
        if (wl_names_add(&names, wl->layers, wl->layer_count)) {
            rc = fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
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
    free(lay);
    free(linenos);
    wl_names_fini(&names);
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
