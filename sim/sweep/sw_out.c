/* sw_out: the finished result files of a sweep directory and the front table for people (see
 * sw_out.h). */
#include "common/fw_version.h"
#include "common/fw_io.h"
#include "sweep/sw_out.h"
#include "sweep/sw_buf.h"
#include "sweep/sw_pareto.h"
#include "report/rpt_fmt.h"
#include "report/rpt_metric.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* iovecs per writev call (IOV_MAX is 1024 on Linux) */
#define SW_IOV_BATCH 1024

static void *sw_flush_main(void *arg)
{
    sw_flush *f = arg;
    int r = f->data_only ? fdatasync(f->fd) : fsync(f->fd);
    f->sync_errno = r ? errno : 0;
    return NULL;
}

void sw_flush_start(sw_flush *f, int fd, bool data_only)
{
    *f = (sw_flush){.fd = fd, .data_only = data_only};
    f->started = pthread_create(&f->thread, NULL, sw_flush_main, f) == 0;
    if (!f->started)
        sw_flush_main(f);
}

int sw_flush_wait(sw_flush *f)
{
    if (f->started)
        pthread_join(f->thread, NULL);
    f->started = false;
    return f->sync_errno;
}

/* One file of sw_write_atomic_all: written to its .tmp, then flushed. */
typedef struct sw_pending {
    const char *dir;
    const sw_file *file;
    char *path, *tmp;
    int fd;
    sw_flush flush;
} sw_pending;

/* The pieces of p's file, with writev: at most SW_IOV_BATCH at a time, a short write resumed
 * where it stopped (piece i, offset off inside it). */
static int sw_pending_writev(sw_pending *p, fw_err *err)
{
    const struct iovec *iov = p->file->iov;
    const size_t count = p->file->iov_count;
    size_t i = 0, off = 0;
    while (i < count) {
        struct iovec batch[SW_IOV_BATCH];
        size_t k = 0, bytes = 0;
        for (size_t j = i; j < count && k < SW_IOV_BATCH; j++, k++) {
            batch[k] = iov[j];
            if (j == i)
                batch[k] = (struct iovec){(char *)iov[j].iov_base + off, iov[j].iov_len - off};
            bytes += batch[k].iov_len;
        }
        ssize_t w = writev(p->fd, batch, (int)k);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 || (w == 0 && bytes > 0))
            return fw_err_set(err, FW_EXIT_IO, "%s: write error: %s", p->tmp,
                              w < 0 ? strerror(errno) : "short write");
        size_t n = (size_t)w;
        while (i < count && n >= iov[i].iov_len - off) {
            n -= iov[i].iov_len - off;
            i++;
            off = 0;
        }
        off += n;
    }
    return 0;
}

static int sw_pending_write(sw_pending *p, fw_err *err)
{
    size_t n = strlen(p->dir) + strlen(p->file->name) + 8, done = 0;
    p->path = malloc(n);
    p->tmp = malloc(n);
    if (!p->path || !p->tmp)
        return fw_err_set(err, FW_EXIT_IO, "%s/%s: out of memory", p->dir, p->file->name);
    snprintf(p->path, n, "%s/%s", p->dir, p->file->name);
    snprintf(p->tmp, n, "%s/%s.tmp", p->dir, p->file->name);
    p->fd = open(p->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (p->fd < 0)
        return fw_err_set(err, FW_EXIT_IO, "%s: cannot create: %s", p->tmp, strerror(errno));
    if (p->file->iov_count)
        return sw_pending_writev(p, err);
    while (done < p->file->len) {
        ssize_t w = write(p->fd, p->file->text + done, p->file->len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return fw_err_set(err, FW_EXIT_IO, "%s: write error: %s", p->tmp,
                              w < 0 ? strerror(errno) : "short write");
        done += (size_t)w;
    }
    return 0;
}

int sw_write_atomic_all(const char *dir, const sw_file *files, size_t n, int sync_fd,
                        const char *sync_name, fw_err *err)
{
    sw_pending *p = calloc(n ? n : 1, sizeof *p);
    if (!p)
        return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", dir);
    int rc = 0;
    size_t opened = 0;
    for (size_t i = 0; i < n; i++, opened++) {
        p[i] = (sw_pending){.dir = dir, .file = &files[i], .fd = -1};
        if ((rc = sw_pending_write(&p[i], err))) {
            opened++;
            break;
        }
    }
    /* The flushes run concurrently: the file system commits them together, so the disk's
     * latency is paid about once instead of once per file (the results are on disk when this
     * returns, as with one sw_write_atomic per file). */
    sw_flush extra = {.fd = -1};
    for (size_t i = 0; !rc && i < opened; i++)
        sw_flush_start(&p[i].flush, p[i].fd, false);
    if (!rc && sync_fd >= 0)
        sw_flush_start(&extra, sync_fd, true);
    for (size_t i = 0; i < opened; i++) { /* every started flush is waited for */
        int e = sw_flush_wait(&p[i].flush);
        if (e && !rc)
            rc = fw_err_set(err, FW_EXIT_IO, "%s: write error: %s", p[i].tmp, strerror(e));
    }
    {
        int e = sw_flush_wait(&extra);
        if (e && !rc)
            rc = fw_err_set(err, FW_EXIT_IO, "%s: fdatasync: %s", sync_name, strerror(e));
    }
    for (size_t i = 0; i < opened; i++) {
        if (p[i].fd >= 0 && close(p[i].fd) && !rc)
            rc = fw_err_set(err, FW_EXIT_IO, "%s: cannot write: %s", p[i].path, strerror(errno));
        if (!rc && rename(p[i].tmp, p[i].path))
            rc = fw_err_set(err, FW_EXIT_IO, "%s: cannot write: %s", p[i].path, strerror(errno));
        free(p[i].path);
        free(p[i].tmp);
    }
    free(p);
    return rc;
}

int sw_write_atomic(const char *dir, const char *name, const char *text, size_t len, fw_err *err)
{
    const sw_file f = {name, text, len, NULL, 0};
    return sw_write_atomic_all(dir, &f, 1, -1, NULL, err);
}

/* A points.csv row's tail, by [feasible][on the front]. */
static const char sw_csv_tails[2][2][6] = {{",0,0\n", ",0,1\n"}, {",1,0\n", ",1,1\n"}};

/* Column of a metric in the table, or -1. */
static long sw_metric_column(const sw_table *t, const char *name)
{
    for (size_t m = 0; m < t->metric_count; m++)
        if (!strcmp(t->metric_names[m], name))
            return (long)m;
    return -1;
}

typedef struct sw_front_item {
    const sw_table *t;
    const sw_goal *goals;
    size_t goal_count;
    size_t row;
    size_t workload;
} sw_front_item;

/* Front order: workload (spec order), then objectives, then point. */
static int sw_front_cmp(const void *pa, const void *pb)
{
    const sw_front_item *a = pa, *b = pb;
    if (a->workload != b->workload)
        return a->workload < b->workload ? -1 : 1;
    const double *ra = a->t->rows[a->row].metrics, *rb = b->t->rows[b->row].metrics;
    for (size_t g = 0; g < a->goal_count; g++) {
        double x = ra[a->goals[g].column], y = rb[a->goals[g].column];
        if (a->goals[g].maximize) {
            x = -x;
            y = -y;
        }
        if (x != y)
            return x < y ? -1 : 1;
    }
    return a->row < b->row ? -1 : a->row > b->row;
}

static void sw_csv_header(sw_buf *b, const sw_table *t)
{
    sw_buf_str(b, t->header);
    sw_buf_str(b, ",feasible,pareto\n");
}

/* A row whose metrics are all NaN: a point skipped as invalid (--skip-invalid). */
static bool sw_row_invalid(const sw_table *t, size_t i)
{
    bool all_nan = t->metric_count > 0;
    for (size_t m = 0; m < t->metric_count; m++)
        all_nan = all_nan && isnan(t->rows[i].metrics[m]);
    return all_nan;
}

static size_t sw_invalid_rows(const sw_table *t)
{
    size_t invalid = 0;
    for (size_t i = 0; i < t->row_count; i++)
        invalid += sw_row_invalid(t, i);
    return invalid;
}

/* What the summary needs, computed once by sw_table_finish. */
typedef struct sw_finish {
    const sw_spec *spec;
    const sw_table *t;
    uint64_t expected;
    const sw_goal *goals;
    const sw_bound *bounds;
    const bool *feasible, *front;
    const size_t *workload;     /* per row: index into spec->workloads */
    const sw_front_item *items; /* the front, in front order */
    size_t front_count;
    size_t invalid; /* rows of invalid points (sw_invalid_rows) */
} sw_finish;

static void sw_summary_workload(sw_buf *b, const sw_finish *f, size_t w)
{
    const sw_table *t = f->t;
    size_t done = 0, feasible = 0, on_front = 0;
    for (size_t i = 0; i < t->row_count; i++)
        if (f->workload[i] == w) {
            done++;
            feasible += f->feasible[i];
            on_front += f->front[i];
        }
    sw_buf_printf(b,
                  "    {\"workload\": \"%s\", \"points_done\": %zu, \"points_feasible\": %zu, "
                  "\"pareto_points\": %zu,\n      \"best\": [",
                  f->spec->workloads[w], done, feasible, on_front);
    for (size_t g = 0; g < f->spec->objective_count; g++) {
        /* The best value of each objective alone is reached on the front; name the first
         * front point (in point order) reaching it. */
        size_t best = SIZE_MAX;
        size_t col = f->goals[g].column;
        for (size_t i = 0; i < t->row_count; i++) {
            if (!f->front[i] || f->workload[i] != w)
                continue;
            double v = t->rows[i].metrics[col];
            if (best == SIZE_MAX || (f->goals[g].maximize ? v > t->rows[best].metrics[col]
                                                          : v < t->rows[best].metrics[col]))
                best = i;
        }
        sw_buf_printf(b, "%s{\"metric\": \"%s\", \"value\": ", g ? ", " : "",
                      f->spec->objectives[g].metric);
        if (best == SIZE_MAX) {
            sw_buf_str(b, "null, \"point\": null}");
        } else {
            sw_buf_json_num(b, t->rows[best].metrics[col]);
            sw_buf_printf(b, ", \"point\": %" PRIu64 "}", t->rows[best].point);
        }
    }
    sw_buf_str(b, "],\n      \"pareto\": [");
    size_t k = 0;
    for (size_t i = 0; i < f->front_count; i++)
        if (f->items[i].workload == w)
            sw_buf_printf(b, "%s%" PRIu64, k++ ? ", " : "", t->rows[f->items[i].row].point);
    sw_buf_str(b, "]}");
}

static void sw_summary(sw_buf *b, const sw_finish *f)
{
    const sw_spec *spec = f->spec;
    const sw_table *t = f->t;
    size_t feasible_count = 0;
    for (size_t i = 0; i < t->row_count; i++)
        feasible_count += f->feasible[i];
    /* provenance: the tool version, batch and engine; the spec, with its base config and
     * workloads, is spec.json beside this file (its hash below); `flopwatt sweep SPEC
     * --config-of N` prints point N's config */
    sw_buf_printf(b, "{\n  \"flopwatt_version\": \"%s\",\n  \"batch\": %u,\n  \"engine\": \"fast\",\n",
                  fw_version(), spec->batch);
    sw_buf_printf(b, "  \"spec_fnv64\": \"%016" PRIx64 "\",\n", t->id.spec_fnv64);
    sw_buf_printf(b, "  \"inputs_fnv64\": \"%016" PRIx64 "\",\n", t->id.inputs_fnv64);
    sw_buf_printf(b, "  \"shard\": \"%" PRIu64 "/%" PRIu64 "\",\n", t->id.shard_index,
                  t->id.shard_count);
    sw_buf_printf(b, "  \"points_total\": %" PRIu64 ",\n", t->id.point_count);
    sw_buf_printf(b, "  \"points_expected\": %" PRIu64 ",\n", f->expected);
    sw_buf_printf(b, "  \"points_done\": %zu,\n", t->row_count);
    sw_buf_printf(b, "  \"complete\": %s,\n", t->row_count == f->expected ? "true" : "false");
    sw_buf_printf(b, "  \"points_invalid\": %zu,\n", f->invalid);
    sw_buf_printf(b, "  \"points_feasible\": %zu,\n", feasible_count);
    sw_buf_printf(b, "  \"pareto_points\": %zu,\n", f->front_count);
    sw_buf_str(b, "  \"objectives\": [");
    for (size_t g = 0; g < spec->objective_count; g++)
        sw_buf_printf(b, "%s{\"metric\": \"%s\", \"goal\": \"%s\"}", g ? ", " : "",
                      spec->objectives[g].metric, f->goals[g].maximize ? "maximize" : "minimize");
    sw_buf_str(b, "],\n  \"constraints\": [");
    for (size_t c = 0; c < spec->constraint_count; c++) {
        size_t violations = 0;
        for (size_t i = 0; i < t->row_count; i++)
            violations += !sw_feasible(t->rows[i].metrics, &f->bounds[c], 1);
        sw_buf_printf(b, "%s\n    {\"metric\": \"%s\", \"min\": ", c ? "," : "",
                      spec->constraints[c].metric);
        if (spec->constraints[c].has_min)
            sw_buf_json_num(b, spec->constraints[c].min);
        else
            sw_buf_str(b, "null");
        sw_buf_str(b, ", \"max\": ");
        if (spec->constraints[c].has_max)
            sw_buf_json_num(b, spec->constraints[c].max);
        else
            sw_buf_str(b, "null");
        sw_buf_printf(b, ", \"violations\": %zu}", violations);
    }
    sw_buf_str(b, spec->constraint_count ? "\n  ],\n" : "],\n");
    sw_buf_str(b, "  \"metrics_feasible\": [");
    /* row by row (each row's metrics are one block): every metric still sees its values in
     * row order, so fmin/fmax keep the same values as a metric-by-metric pass */
    double *lo = malloc((t->metric_count + 1) * sizeof *lo);
    double *hi = malloc((t->metric_count + 1) * sizeof *hi);
    if (!lo || !hi) {
        free(lo);
        free(hi);
        b->oom = 1;
        return;
    }
    for (size_t m = 0; m < t->metric_count; m++) {
        lo[m] = HUGE_VAL;
        hi[m] = -HUGE_VAL;
    }
    for (size_t i = 0; i < t->row_count; i++) {
        if (!f->feasible[i])
            continue;
        const double *row = t->rows[i].metrics;
        /* fmin(lo, v) is lo when v > lo (and fmax(hi, v) is hi when v < hi): called only when
         * the value can change the bound, with the same result */
        for (size_t m = 0; m < t->metric_count; m++)
            if (!isnan(row[m])) {
                if (!(row[m] > lo[m]))
                    lo[m] = fmin(lo[m], row[m]);
                if (!(row[m] < hi[m]))
                    hi[m] = fmax(hi[m], row[m]);
            }
    }
    for (size_t m = 0; m < t->metric_count; m++) {
        sw_buf_printf(b, "%s\n    {\"metric\": \"%s\", \"min\": ", m ? "," : "",
                      t->metric_names[m]);
        sw_buf_json_num(b, lo[m]);
        sw_buf_str(b, ", \"max\": ");
        sw_buf_json_num(b, hi[m]);
        sw_buf_str(b, "}");
    }
    free(lo);
    free(hi);
    sw_buf_str(b, t->metric_count ? "\n  ],\n" : "],\n");
    sw_buf_str(b, "  \"workloads\": [\n");
    for (size_t w = 0; w < spec->workload_count; w++) {
        sw_summary_workload(b, f, w);
        sw_buf_str(b, w + 1 < spec->workload_count ? ",\n" : "\n");
    }
    sw_buf_str(b, "  ]\n}\n");
}

/* The workload of a row: its second field, looked up among the spec's workloads. */
static int sw_row_workload(const sw_spec *spec, const sw_row *row, size_t *out)
{
    const char *f = strchr(row->line, ',') + 1;
    size_t n = strcspn(f, ",");
    for (size_t w = 0; w < spec->workload_count; w++)
        if (strlen(spec->workloads[w]) == n && !strncmp(f, spec->workloads[w], n)) {
            *out = w;
            return 0;
        }
    return -1;
}

int sw_table_finish(const sw_spec *spec, sw_table *t, uint64_t expected, const char *dir,
                    sw_finish_counts *counts, fw_err *err)
{
    int rc =
        sw_spec_check_metrics(spec, (const char *const *)t->metric_names, t->metric_count, err);
    if (rc)
        return rc;
    sw_table_sort(t);
    size_t n = t->row_count, w = t->metric_count;
    sw_goal goals[SW_MAX_AXES];
    sw_bound *bounds = calloc(spec->constraint_count + 1, sizeof *bounds);
    double *matrix = malloc((n * w + 1) * sizeof *matrix);
    bool *feasible = malloc(n + 1), *front = malloc(n + 1), *eligible = malloc(n + 1),
         *part = malloc(n + 1);
    size_t *workload = malloc((n + 1) * sizeof *workload);
    sw_front_item *items = malloc((n + 1) * sizeof *items);
    sw_buf csv = {0}, par = {0}, sum = {0};
    size_t front_count = 0;
    struct iovec *csv_iov = NULL;
    sw_finish f;
    sw_file files[3];
    if (!bounds || !matrix || !feasible || !front || !eligible || !part || !workload || !items) {
        rc = fw_err_set(err, FW_EXIT_IO, "%s: out of memory", dir);
        goto out;
    }
    for (size_t g = 0; g < spec->objective_count; g++)
        goals[g] = (sw_goal){(size_t)sw_metric_column(t, spec->objectives[g].metric),
                             spec->objectives[g].maximize};
    for (size_t c = 0; c < spec->constraint_count; c++) {
        const sw_constraint *k = &spec->constraints[c];
        bounds[c] = (sw_bound){(size_t)sw_metric_column(t, k->metric),
                               k->has_min ? k->min : -HUGE_VAL, k->has_max ? k->max : HUGE_VAL};
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(matrix + i * w, t->rows[i].metrics, w * sizeof *matrix);
        feasible[i] = sw_feasible(t->rows[i].metrics, bounds, spec->constraint_count) &&
                      !sw_row_invalid(t, i);
        front[i] = false;
        if (sw_row_workload(spec, &t->rows[i], &workload[i])) {
            rc = fw_err_set(err, FW_EXIT_INPUT, "%s: point %" PRIu64 ": workload not in the spec",
                            dir, t->rows[i].point);
            goto out;
        }
    }
    /* One front per workload: designs are compared on the same work only. */
    for (size_t wl = 0; wl < spec->workload_count; wl++) {
        for (size_t i = 0; i < n; i++)
            eligible[i] = feasible[i] && workload[i] == wl;
        if (sw_pareto(matrix, n, w, goals, spec->objective_count, eligible, part)) {
            rc = fw_err_set(err, FW_EXIT_IO, "%s: out of memory", dir);
            goto out;
        }
        for (size_t i = 0; i < n; i++)
            front[i] |= part[i];
    }
    for (size_t i = 0; i < n; i++)
        if (front[i])
            items[front_count++] = (sw_front_item){t, goals, spec->objective_count, i, workload[i]};
    if (front_count > 1)
        qsort(items, front_count, sizeof *items, sw_front_cmp);

    /* points.csv: the header, then each row's text and its ",feasible,pareto\n" tail as
     * pieces of one writev (the rows' text is not copied into a buffer first) */
    csv_iov = malloc((2 * n + 1) * sizeof *csv_iov);
    if (!csv_iov) {
        rc = fw_err_set(err, FW_EXIT_IO, "%s: out of memory", dir);
        goto out;
    }
    sw_csv_header(&csv, t);
    csv_iov[0] = (struct iovec){csv.p, csv.len};
    for (size_t i = 0; i < n; i++) {
        csv_iov[1 + 2 * i] = (struct iovec){t->rows[i].line, t->rows[i].len};
        csv_iov[2 + 2 * i] = (struct iovec){(char *)sw_csv_tails[feasible[i]][front[i]], 5};
    }
    sw_csv_header(&par, t);
    for (size_t k = 0; k < front_count; k++) {
        sw_buf_add(&par, t->rows[items[k].row].line, t->rows[items[k].row].len);
        sw_buf_add(&par, ",1,1\n", 5);
    }
    f = (sw_finish){spec,     t,     expected, goals,       bounds,
                    feasible, front, workload, items,       front_count,
                    sw_invalid_rows(t)};
    if (counts) {
        counts->rows = n;
        counts->feasible = 0;
        for (size_t i = 0; i < n; i++)
            counts->feasible += feasible[i];
        counts->pareto = front_count;
        counts->invalid = f.invalid;
    }
    sw_summary(&sum, &f);
    if (csv.oom || par.oom || sum.oom) {
        rc = fw_err_set(err, FW_EXIT_IO, "%s: out of memory", dir);
        goto out;
    }
    files[0] = (sw_file){"points.csv", NULL, 0, csv_iov, 2 * n + 1};
    files[1] = (sw_file){"pareto.csv", par.p, par.len, NULL, 0};
    files[2] = (sw_file){"summary.json", sum.p, sum.len, NULL, 0};
    rc = sw_write_atomic_all(dir, files, 3, -1, NULL, err);
out:
    free(csv_iov);
    free(bounds);
    free(matrix);
    free(feasible);
    free(front);
    free(eligible);
    free(part);
    free(workload);
    free(items);
    free(csv.p);
    free(par.p);
    free(sum.p);
    return rc;
}

#define SW_FRONT_MAX_FIELDS 256
#define SW_FRONT_CELL_BYTES 32

/* One cell of the front table: axis values as written, integral metrics exactly, other metrics
 * with 4 significant digits. */
/* A cell for people: a metric with an SI unit scaled to the column's engineering unit (scale
 * != 1: 4 significant digits), a count exact with thousands separators, any other number with 4
 * significant digits, text as it is. */
static void sw_front_cell(char *buf, const char *field, bool metric, double scale)
{
    char *end;
    double v = metric ? strtod(field, &end) : 0;
    bool number = metric && end != field && !*end;
    if (number && scale != 1) {
        snprintf(buf, SW_FRONT_CELL_BYTES, "%.4g", v * scale);
    } else if (number && v == floor(v) && v >= 0 && v < 1e15) {
        char count[RPT_COUNT_BYTES]; /* counts stay exact */
        snprintf(buf, SW_FRONT_CELL_BYTES, "%s", rpt_fmt_count(count, (uint64_t)v));
    } else if (number) {
        snprintf(buf, SW_FRONT_CELL_BYTES, "%.4g", v);
    } else {
        snprintf(buf, SW_FRONT_CELL_BYTES, "%s", field);
    }
}

/* The heading and scale of an objective column: the metric table's words and unit, energies and
 * times in the engineering unit of the largest value shown ("system energy (mJ)"); a metric the
 * table does not know keeps its name. */
static void sw_front_heading(char *buf, size_t size, const char *name, double max_abs,
                             double *scale)
{
    const rpt_metric *m = rpt_metric_find(name);
    *scale = 1;
    if (m && m->si_unit) {
        rpt_eng e = rpt_eng_pick(max_abs * m->si_factor);
        *scale = m->si_factor * e.scale;
        snprintf(buf, size, "%s (%s%s)", m->label, e.prefix, m->si_unit);
    } else if (m && strcmp(m->unit, "1")) {
        snprintf(buf, size, "%s (%s)", m->label, m->unit);
    } else {
        snprintf(buf, size, "%s", name);
    }
}

int sw_print_front(const sw_spec *spec, const char *dir, size_t max_rows, FILE *out, fw_err *err)
{
    char path[4096];
    char *text;
    snprintf(path, sizeof path, "%s/pareto.csv", dir);
    int rc = fw_read_file(path, &text, NULL, err);
    if (rc)
        return rc;
    /* One entry per line: the front has as many rows as it has (once capped at the field
     * limit, so a 300-point front printed 255 and the next workload's none). */
    size_t line_count = 1;
    for (const char *c = text; *c; c++)
        line_count += *c == '\n';
    char **rows = malloc(line_count * sizeof *rows);
    size_t row_count = 0;
    char *save = NULL;
    if (!rows) {
        free(text);
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    }
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        rows[row_count++] = l;
    if (!row_count) {
        free(rows);
        free(text);
        return fw_err_set(err, FW_EXIT_INPUT, "%s: empty", path);
    }
    /* Fields of every line (in place). */
    static const size_t max_f = SW_FRONT_MAX_FIELDS;
    char *(*fields)[SW_FRONT_MAX_FIELDS] = calloc(row_count, sizeof *fields);
    size_t *nf = calloc(row_count, sizeof *nf);
    if (!fields || !nf) {
        free(fields);
        free(nf);
        free(rows);
        free(text);
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    }
    for (size_t r = 0; r < row_count; r++)
        for (char *f, *l = rows[r]; (f = strsep(&l, ",")) && nf[r] < max_f;)
            fields[r][nf[r]++] = f;
    /* Shown columns: point, the axes, the objectives. */
    size_t show[SW_FRONT_MAX_FIELDS], nshow = 0;
    for (size_t c = 0; c < nf[0]; c++) {
        bool keep = c == 0 || (c >= 2 && c < 2 + spec->axis_count);
        for (size_t g = 0; g < spec->objective_count && !keep; g++)
            keep = !strcmp(fields[0][c], spec->objectives[g].metric);
        if (keep)
            show[nshow++] = c;
    }
    for (size_t w = 0; w < spec->workload_count; w++) {
        size_t width[SW_FRONT_MAX_FIELDS], n = 0, shown = 0;
        double max_abs[SW_FRONT_MAX_FIELDS] = {0}, scale[SW_FRONT_MAX_FIELDS];
        char heading[SW_FRONT_MAX_FIELDS][128];
        for (size_t r = 1, seen = 0; r < row_count; r++) {
            if (nf[r] != nf[0] || strcmp(fields[r][1], spec->workloads[w]) || seen++ >= max_rows)
                continue;
            for (size_t k = 0; k < nshow; k++) {
                double v = strtod(fields[r][show[k]], NULL);
                if (isfinite(v))
                    max_abs[k] = fmax(max_abs[k], fabs(v));
            }
        }
        for (size_t k = 0; k < nshow; k++) {
            scale[k] = 1;
            if (show[k] >= 2 + spec->axis_count)
                sw_front_heading(heading[k], sizeof heading[k], fields[0][show[k]], max_abs[k],
                                 &scale[k]);
            else
                snprintf(heading[k], sizeof heading[k], "%s", fields[0][show[k]]);
            width[k] = strlen(heading[k]);
        }
        for (size_t r = 1; r < row_count; r++) {
            if (nf[r] != nf[0] || strcmp(fields[r][1], spec->workloads[w]))
                continue;
            if (n++ >= max_rows)
                continue;
            for (size_t k = 0; k < nshow; k++) {
                char cell[SW_FRONT_CELL_BYTES];
                sw_front_cell(cell, fields[r][show[k]], show[k] >= 2 + spec->axis_count,
                              scale[k]);
                width[k] = strlen(cell) > width[k] ? strlen(cell) : width[k];
            }
        }
        fprintf(out, "Pareto front of %s: %zu point%s%s\n", spec->workloads[w], n,
                n == 1 ? "" : "s", n > max_rows ? " (the first shown; all in pareto.csv)" : "");
        if (!n)
            continue;
        for (size_t k = 0; k < nshow; k++)
            fprintf(out, "  %-*s", k + 1 < nshow ? (int)width[k] : 0, heading[k]);
        fprintf(out, "\n");
        for (size_t r = 1; r < row_count; r++) {
            if (nf[r] != nf[0] || strcmp(fields[r][1], spec->workloads[w]) || shown++ >= max_rows)
                continue;
            for (size_t k = 0; k < nshow; k++) {
                char cell[SW_FRONT_CELL_BYTES];
                sw_front_cell(cell, fields[r][show[k]], show[k] >= 2 + spec->axis_count,
                              scale[k]);
                fprintf(out, "  %-*s", k + 1 < nshow ? (int)width[k] : 0, cell);
            }
            fprintf(out, "\n");
        }
    }
    free(fields);
    free(nf);
    free(rows);
    free(text);
    return ferror(out) ? fw_err_set(err, FW_EXIT_IO, "write error") : 0;
}
