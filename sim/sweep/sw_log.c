/* sw_log: the crash-safe log of a sweep, points.log: its header and its parser (see sw_log.h). */
#include "sweep/sw_log.h"
#include "sweep/sw_buf.h"
#include "sweep/sw_fmt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SW_LOG_MAGIC "# flopwatt sweep log v1 "

char *sw_log_header(const sw_spec *spec, const sw_log_id *id, const char *const *metric_names,
                    size_t metric_count)
{
    sw_buf b = {0};
    sw_buf_printf(&b,
                  SW_LOG_MAGIC "spec_fnv64=%016" PRIx64 " inputs_fnv64=%016" PRIx64
                               " points=%" PRIu64 " metrics=%zu shard=%" PRIu64 "/%" PRIu64 "\n",
                  id->spec_fnv64, id->inputs_fnv64, id->point_count, metric_count, id->shard_index,
                  id->shard_count);
    sw_buf_str(&b, "point,workload");
    for (size_t a = 0; a < spec->axis_count; a++) {
        sw_buf_str(&b, ",");
        sw_buf_str(&b, spec->axes[a].paths[0]);
    }
    for (size_t m = 0; m < metric_count; m++) {
        sw_buf_str(&b, ",");
        sw_buf_str(&b, metric_names[m]);
    }
    sw_buf_str(&b, "\n");
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    return b.p;
}

static char *sw_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

#define SW_LOG_MAX_METRICS 4096 /* metric columns a log header may declare */

static int sw_parse_id(const char *line, sw_log_id *id)
{
    unsigned long long spec, inputs, points, metrics, si, sk;
    int used = 0;
    if (strncmp(line, SW_LOG_MAGIC, strlen(SW_LOG_MAGIC)))
        return -1;
    if (sscanf(line + strlen(SW_LOG_MAGIC),
               "spec_fnv64=%16llx inputs_fnv64=%16llx points=%llu metrics=%llu shard=%llu/%llu%n",
               &spec, &inputs, &points, &metrics, &si, &sk, &used) != 6)
        return -1;
    /* %llu takes "-1" as 2^64 - 1 (a fuzzed "metrics=-1" once overflowed the column check and
     * asked calloc for 2^64 names): no sign anywhere, and a bounded metric count */
    if (line[strlen(SW_LOG_MAGIC) + (size_t)used] != '\0' || sk == 0 || si >= sk || metrics == 0 ||
        metrics > SW_LOG_MAX_METRICS || strpbrk(line + strlen(SW_LOG_MAGIC), "-+"))
        return -1;
    *id = (sw_log_id){spec, inputs, points, metrics, si, sk};
    return 0;
}

int sw_log_row_metrics(const char *line, size_t column_count, size_t metric_count, double *out)
{
    /* The metrics are the last metric_count fields. */
    const char *f = line;
    char *end;
    for (size_t k = 0; k < column_count - metric_count; k++) {
        const char *comma = strchr(f, ',');
        if (!comma || comma == f)
            return -1;
        f = comma + 1;
    }
    for (size_t m = 0; m < metric_count; m++) {
        out[m] = sw_fmt_parse(f, &end); /* strtod's value, faster for our rows */
        if (end == f || (*end != ',' && *end != '\0'))
            return -1;
        f = end + (*end == ',');
    }
    return 0;
}

/* Parses one row; returns 0 or -1 when malformed. */
static int sw_parse_row(const sw_table *t, const char *line, size_t n, sw_row *row)
{
    size_t fields = 1;
    for (size_t i = 0; i < n; i++)
        fields += line[i] == ',';
    if (fields != t->column_count || n == 0 || memchr(line, '\0', n))
        return -1;
    char *copy = sw_strndup(line, n);
    double *metrics = malloc(t->metric_count * sizeof *metrics);
    if (!copy || !metrics) {
        free(copy);
        free(metrics);
        return -1;
    }
    char *end;
    errno = 0;
    unsigned long long point = strtoull(copy, &end, 10);
    int bad = errno || end == copy || *end != ',' || copy[0] == '-' || point >= t->id.point_count ||
              point % t->id.shard_count != t->id.shard_index;
    bad = bad || sw_log_row_metrics(copy, t->column_count, t->metric_count, metrics);
    if (bad) {
        free(copy);
        free(metrics);
        return -1;
    }
    *row = (sw_row){point, copy, n, metrics, false};
    return 0;
}

int sw_log_parse(const char *name, const char *text, size_t len, sw_table *t, size_t *good_bytes,
                 fw_err *err)
{
    memset(t, 0, sizeof *t);
    *good_bytes = 0;
    const char *nl1 = memchr(text, '\n', len);
    const char *nl2 = nl1 ? memchr(nl1 + 1, '\n', len - (size_t)(nl1 + 1 - text)) : NULL;
    if (!nl2)
        return fw_err_set(err, FW_EXIT_INPUT, "%s:1: not a complete sweep log header", name);
    char *first = sw_strndup(text, (size_t)(nl1 - text));
    if (!first)
        return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
    int bad = sw_parse_id(first, &t->id);
    free(first);
    if (bad)
        return fw_err_set(err, FW_EXIT_INPUT, "%s:1: not a flopwatt sweep log header", name);
    t->header = sw_strndup(nl1 + 1, (size_t)(nl2 - nl1 - 1));
    if (!t->header)
        return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
    t->column_count = 1;
    for (const char *p = t->header; *p; p++)
        t->column_count += *p == ',';
    if (t->column_count < 2 + t->id.metric_count) {
        sw_table_fini(t);
        return fw_err_set(err, FW_EXIT_INPUT, "%s:2: header has too few columns", name);
    }
    t->metric_count = (size_t)t->id.metric_count;
    t->metric_names = calloc(t->metric_count, sizeof(char *));
    if (!t->metric_names) {
        sw_table_fini(t);
        return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
    }
    const char *f = t->header;
    for (size_t k = 0; k < t->column_count - t->metric_count; k++)
        f = strchr(f, ',') + 1;
    for (size_t m = 0; m < t->metric_count; m++) {
        size_t n = strcspn(f, ",");
        if (!(t->metric_names[m] = sw_strndup(f, n))) {
            sw_table_fini(t);
            return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
        }
        f += n + (f[n] == ',');
    }
    size_t cap = 0;
    const char *p = nl2 + 1;
    const char *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        sw_row row;
        if (sw_parse_row(t, p, (size_t)(nl - p), &row))
            break;
        if (t->row_count == cap) {
            cap = cap ? 2 * cap : 64;
            sw_row *r = realloc(t->rows, cap * sizeof *r);
            if (!r) {
                free(row.line);
                free(row.metrics);
                sw_table_fini(t);
                return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
            }
            t->rows = r;
        }
        t->rows[t->row_count++] = row;
        p = nl + 1;
    }
    *good_bytes = (size_t)(p - text);
    int rc = sw_table_dedupe(t, name, err);
    if (rc)
        sw_table_fini(t);
    return rc;
}
