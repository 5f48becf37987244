/* sw_plot: gnuplot figures of sweeps, runs, ceilings and the demand trend (see sw_plot.h). */
#include "common/fw_io.h"
#include "sweep/sw_plot.h"
#include "sweep/sw_gp.h"
#include "common/jr.h"
#include "sweep/sw_spec.h"
#include "report/rpt_fmt.h"
#include "report/rpt_metric.h"

#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SW_PLOT_MAX_COLUMNS 256
#define SW_PLOT_MAX_GROUPS 12
#define SW_PLOT_LOG_SPAN 20.0 /* a positive axis spanning more than this factor is logarithmic */

/* ---- pareto ---- */

typedef struct sw_csv {
    char *text;
    char *cols[SW_PLOT_MAX_COLUMNS];
    size_t col_count;
    char **rows; /* each row's fields, col_count per row */
    size_t row_count;
} sw_csv;

static void sw_csv_fini(sw_csv *c)
{
    free(c->text);
    free(c->rows);
    memset(c, 0, sizeof *c);
}

/* Splits a points.csv (fields never quoted) in place. */
static int sw_csv_load(const char *path, sw_csv *c, fw_err *err)
{
    memset(c, 0, sizeof *c);
    int rc = fw_read_file(path, &c->text, NULL, err);
    if (rc)
        return rc;
    char *save = NULL;
    char *line = strtok_r(c->text, "\n", &save);
    if (!line)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: empty", path);
    for (char *field; (field = strsep(&line, ","));) {
        if (c->col_count == SW_PLOT_MAX_COLUMNS)
            return fw_err_set(err, FW_EXIT_INPUT, "%s: too many columns", path);
        c->cols[c->col_count++] = field;
    }
    size_t cap = 0;
    for (char *l; (l = strtok_r(NULL, "\n", &save));) {
        if (c->row_count + 1 > cap) {
            cap = cap ? 2 * cap : 256;
            char **r = realloc(c->rows, cap * c->col_count * sizeof *r);
            if (!r)
                return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", path);
            c->rows = r;
        }
        char **row = c->rows + c->row_count * c->col_count;
        size_t k = 0;
        for (char *field; (field = strsep(&l, ","));)
            if (k < c->col_count)
                row[k++] = field;
            else
                k++;
        if (k != c->col_count)
            return fw_err_set(err, FW_EXIT_INPUT, "%s:%zu: %zu fields, expected %zu", path,
                              c->row_count + 2, k, c->col_count);
        c->row_count++;
    }
    return 0;
}

static long sw_csv_col(const sw_csv *c, const char *name)
{
    for (size_t i = 0; i < c->col_count; i++)
        if (!strcmp(c->cols[i], name))
            return (long)i;
    return -1;
}

/* First column whose name contains needle, among the input columns. */
static long sw_csv_col_like(const sw_csv *c, const char *needle, size_t first_metric)
{
    for (size_t i = 2; i < first_metric; i++)
        if (strstr(c->cols[i], needle))
            return (long)i;
    return -1;
}

static bool sw_axis_log(double lo, double hi)
{
    return lo > 0 && hi / lo > SW_PLOT_LOG_SPAN;
}

/* Tick marks of an axis: on a logarithmic axis spanning fewer than four decades, 1-2-5 in
 * each decade (gnuplot's default labels only the powers of ten, often one or two); elsewhere
 * gnuplot's own. */
static size_t sw_log_tics_pick(const double *steps, size_t nsteps, double lo, double hi,
                               FILE *gp)
{
    size_t n = 0;
    for (double d = pow(10, floor(log10(lo))); d <= hi; d *= 10)
        for (size_t i = 0; i < nsteps; i++)
            if (d * steps[i] >= lo && d * steps[i] <= hi) {
                if (gp)
                    fprintf(gp, "%s%.6g", n ? ", " : "", d * steps[i]);
                n++;
            }
    return n;
}

static void sw_log_tics(FILE *gp, char which, bool log, double lo, double hi, size_t max_tics)
{
    if (!log && hi > lo) { /* a 1-2-5 step giving at most max_tics labels */
        double step = pow(10, floor(log10((hi - lo) / (double)max_tics)));
        static const double m[] = {1, 2, 5, 10};
        size_t i = 0;
        while (i < 3 && (hi - lo) / (step * m[i]) > (double)max_tics - 1)
            i++;
        fprintf(gp, "set %ctics %.6g\n", which, step * m[i]);
        return;
    }
    if (!log || !(lo > 0) || hi / lo > 1e4) {
        fprintf(gp, "set %ctics autofreq\n", which);
        return;
    }
    /* the finest of 1-2-5, 1-3, 1 per decade with at most max_tics labels */
    static const double s125[] = {1, 2, 5}, s13[] = {1, 3}, s1[] = {1};
    const double *steps = s125;
    size_t nsteps = 3;
    if (sw_log_tics_pick(steps, nsteps, lo, hi, NULL) > max_tics)
        steps = s13, nsteps = 2;
    if (sw_log_tics_pick(steps, nsteps, lo, hi, NULL) > max_tics)
        steps = s1, nsteps = 1;
    fprintf(gp, "set %ctics (", which);
    sw_log_tics_pick(steps, nsteps, lo, hi, gp);
    fprintf(gp, ")\n");
}

/* An axis for people: the metric's words and unit from the metric table (report/rpt_metric.h),
 * values scaled to an engineering prefix chosen by the largest magnitude shown (energy in mJ,
 * not pJ at 1e10), fractions in %, a tight range around the data (5% of the span, or a factor
 * on a logarithmic axis), logarithmic when positive and spanning more than SW_PLOT_LOG_SPAN. A
 * column the table does not know keeps its name and raw values. */
typedef struct sw_pax {
    char label[160];
    double scale; /* shown = value x scale */
    double lo, hi; /* range, scaled */
    bool log;
} sw_pax;

/* A metric the table does not know (another evaluator's): its unit from the name's suffix
 * ("energy_pj" -> "energy", pJ), written into *out as a table entry; false when there is none. */
static bool sw_metric_by_suffix(const char *column, char *label, size_t size, rpt_metric *out)
{
    static const struct {
        const char *suffix, *unit, *si_unit;
        double si_factor;
    } units[] = {{"_pj", "pJ", "J", 1e-12}, {"_ms", "ms", "s", 1e-3}, {"_s", "s", "s", 1},
                 {"_w", "W", "W", 1},        {"_bytes", "B", "B", 1},  {"_mm2", "mm2", NULL, 0},
                 {"_cycles", "cycles", NULL, 0}};
    size_t n = strlen(column);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t k = strlen(units[i].suffix);
        if (n <= k || strcmp(column + n - k, units[i].suffix) || strchr(column, '.'))
            continue;
        snprintf(label, size, "%.*s", (int)(n - k), column);
        for (char *c = label; *c; c++)
            if (*c == '_')
                *c = ' ';
        memset(out, 0, sizeof *out);
        out->name = column;
        out->label = label;
        out->unit = units[i].unit;
        out->si_unit = units[i].si_unit;
        out->si_factor = units[i].si_factor;
        return true;
    }
    return false;
}

static void sw_pax_of(const char *column, double lo, double hi, sw_pax *a)
{
    const rpt_metric *m = rpt_metric_find(column);
    rpt_metric guessed;
    char name[128], words[128];
    if (!m && sw_metric_by_suffix(column, words, sizeof words, &guessed))
        m = &guessed;
    sw_gp_label(name, sizeof name, column);
    a->scale = 1;
    if (m && m->si_unit) {
        rpt_eng e = rpt_eng_pick(fmax(fabs(lo), fabs(hi)) * m->si_factor);
        a->scale = m->si_factor * e.scale;
        snprintf(a->label, sizeof a->label, "%s (%s%s)", m->label, e.prefix, m->si_unit);
    } else if (m && !strcmp(m->unit, "1")) {
        a->scale = 100;
        snprintf(a->label, sizeof a->label, "%s (%%)", m->label);
    } else if (m && fmax(fabs(lo), fabs(hi)) >= 1e4 && strchr(m->unit, '/') == NULL) {
        /* large counts (cycles, MACs): thousands, millions, ... of them */
        rpt_eng e = rpt_eng_pick(fmax(fabs(lo), fabs(hi)));
        a->scale = e.scale;
        if (strcmp(m->label, m->unit)) /* "latency (M cycles)" */
            snprintf(a->label, sizeof a->label, "%s (%s %s)", m->label, e.prefix, m->unit);
        else /* "MACs (millions)", not "MACs (M MACs)" */
            snprintf(a->label, sizeof a->label, "%s (%s)", m->label,
                     !strcmp(e.prefix, "k")   ? "thousands"
                     : !strcmp(e.prefix, "M") ? "millions"
                     : !strcmp(e.prefix, "G") ? "billions"
                                              : "10^12");
    } else if (m) {
        snprintf(a->label, sizeof a->label, "%s (%s)", m->label, m->unit);
    } else {
        snprintf(a->label, sizeof a->label, "%s", name);
    }
    a->log = sw_axis_log(lo, hi);
    lo *= a->scale;
    hi *= a->scale;
    if (!(lo <= hi)) { /* no finite values */
        a->lo = 0, a->hi = 1;
    } else if (a->log) {
        a->lo = lo / 1.15, a->hi = hi * 1.15;
    } else {
        double pad = hi > lo ? 0.05 * (hi - lo) : (lo != 0 ? 0.05 * fabs(lo) : 1);
        a->lo = lo - pad, a->hi = hi + pad;
    }
}

/* The axis commands of one panel. */
static void sw_pax_write(FILE *gp, char which, const sw_pax *a, size_t max_tics)
{
    fprintf(gp, "set %clabel '%s'\n%s logscale %c\nset %crange [%.6g:%.6g]\n", which, a->label,
            a->log ? "set" : "unset", which, which, a->lo, a->hi);
    sw_log_tics(gp, which, a->log, a->lo, a->hi, max_tics);
}

/* One panel: columns cx and cy (1-based in the .dat files) against each other; groups of
 * feasible points coloured, infeasible grey, front points circled, the front's staircase
 * when steps. keys: whether the series carry titles. */
static void sw_pareto_panel(FILE *gp, size_t cx, size_t cy, const sw_pax *ax, const sw_pax *ay,
                            const char *const *groups, const size_t *per_group,
                            size_t group_count, size_t infeasible, size_t on_front, bool steps,
                            const char *front_title, bool keys)
{
    sw_pax_write(gp, 'x', ax, keys ? 8 : 5); /* panels (no keys) are half as wide */
    sw_pax_write(gp, 'y', ay, 8);
    fprintf(gp, "plot ");
    const char *sep = "";
    char use[96];
    snprintf(use, sizeof use, "using ($%zu*%.6g):($%zu*%.6g)", cx, ax->scale, cy, ay->scale);
    if (infeasible) {
        fprintf(gp, "'pareto_infeasible.dat' %s with points pt 1 ps 0.5 lc rgb '#b8b8b8' %s",
                use, keys ? "title 'infeasible'" : "notitle");
        sep = ", \\\n     ";
    }
    for (size_t g = 0; g < group_count; g++) {
        char lg[128];
        if (!per_group[g])
            continue;
        sw_gp_label(lg, sizeof lg, groups[g]);
        fprintf(gp, "%s'pareto_points.dat' index %zu %s with points pt 7 ps 0.45 lc %zu ", sep, g,
                use, g + 1);
        if (keys)
            fprintf(gp, "title '%s'", lg);
        else
            fprintf(gp, "notitle");
        sep = ", \\\n     ";
    }
    if (on_front) {
        if (steps)
            fprintf(gp, "%s'pareto_front.dat' %s with steps lw 1 lc rgb 'black' notitle", sep, use);
        fprintf(gp, "%s'pareto_front.dat' %s with points pt 6 ps 1.1 lw 1 lc rgb 'black' ",
                steps ? ", \\\n     " : sep, use);
        if (keys)
            fprintf(gp, "title '%s'", front_title);
        else
            fprintf(gp, "notitle");
    }
    fprintf(gp, "\n");
}

/* A file name's last component without its extension: "../workloads/resnet50.json" ->
 * "resnet50". */
static void sw_base_name(char *out, size_t size, const char *path)
{
    const char *slash = strrchr(path, '/');
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", slash ? slash + 1 : path);
    char *dot = strrchr(tmp, '.');
    if (dot && dot != tmp)
        *dot = '\0';
    sw_gp_label(out, size, tmp);
}

#define SW_PLOT_MAX_PANEL_METRICS 4 /* pairwise panels of at most this many objectives */

int sw_plot_pareto(const sw_pareto_plot *p, const char *out_dir, fw_err *err)
{
    char path[1024];
    sw_csv c;
    sw_spec spec;
    bool have_spec = false;
    FILE *dat = NULL, *inf = NULL, *front = NULL, *gp = NULL;
    /* declared before the first jump to out (-Wjump-misses-init) */
    long feas, par, x, y, color;
    size_t first_metric, group_count = 0, shown = 0, infeasible = 0, on_front = 0;
    size_t per_group[SW_PLOT_MAX_GROUPS] = {0};
    double lo[SW_PLOT_MAX_PANEL_METRICS], hi[SW_PLOT_MAX_PANEL_METRICS];
    long pcol[SW_PLOT_MAX_PANEL_METRICS]; /* the plotted columns: x, y, or the objectives */
    size_t npc = 2;
    bool panels = false;
    const char *workload;
    const char *groups[SW_PLOT_MAX_GROUPS];
    size_t *fr;
    bool steps;
    snprintf(path, sizeof path, "%s/points.csv", p->sweep_dir);
    int rc = sw_csv_load(path, &c, err);
    if (rc)
        goto out;
    feas = sw_csv_col(&c, "feasible");
    par = sw_csv_col(&c, "pareto");
    if (feas < 0 || par < 0 || c.col_count < 4) {
        rc = fw_err_set(err, FW_EXIT_INPUT, "%s: not a flopwatt sweep points.csv", path);
        goto out;
    }
    snprintf(path, sizeof path, "%s/spec.json", p->sweep_dir);
    have_spec = sw_spec_load(path, &spec, err) == 0;
    /* Metric columns start after workload and the axes. */
    first_metric = 2 + (have_spec ? spec.axis_count : 0);
    x = p->x ? sw_csv_col(&c, p->x) : sw_csv_col(&c, "latency_ms");
    if (x < 0 && !p->x)
        x = sw_csv_col(&c, "latency_cycles");
    y = p->y ? sw_csv_col(&c, p->y) : sw_csv_col(&c, "energy_system_pj");
    if (y < 0 && !p->y)
        y = sw_csv_col(&c, "energy_pj");
    for (size_t o = 0; y < 0 && !p->y && have_spec && o < spec.objective_count; o++)
        if (sw_csv_col(&c, spec.objectives[o].metric) != x)
            y = sw_csv_col(&c, spec.objectives[o].metric);
    if (y < 0 && !p->y)
        y = (long)first_metric + (x == (long)first_metric);
    if (x < 0 || y < 0 || y >= feas) {
        rc = fw_err_set(err, FW_EXIT_INPUT, "%s/points.csv: no column '%s'", p->sweep_dir,
                        x < 0 ? (p->x ? p->x : "latency_ms") : (p->y ? p->y : "energy_system_pj"));
        goto out;
    }
    color =
        p->color ? sw_csv_col(&c, p->color) : sw_csv_col_like(&c, "precision", first_metric);
    if (color < 0 && !p->color)
        color = sw_csv_col_like(&c, "node", first_metric);
    if (color < 0 && !p->color)
        color = 1;
    if (color < 0) {
        rc =
            fw_err_set(err, FW_EXIT_INPUT, "%s/points.csv: no column '%s'", p->sweep_dir, p->color);
        goto out;
    }
    workload = p->workload ? p->workload : (c.row_count ? c.rows[1] : "");
    for (size_t r = 0; r < c.row_count; r++) {
        char **row = c.rows + r * c.col_count;
        if (strcmp(row[1], workload))
            continue;
        size_t g = 0;
        while (g < group_count && strcmp(groups[g], row[color]))
            g++;
        if (g == group_count && group_count < SW_PLOT_MAX_GROUPS)
            groups[group_count++] = row[color];
    }
    if (!group_count) {
        rc = fw_err_set(err, FW_EXIT_INPUT, "%s/points.csv: no points of workload '%s'",
                        p->sweep_dir, workload);
        goto out;
    }
    if ((rc = sw_make_out_dir(out_dir, err)))
        goto out;
    if (!(dat = sw_open_out(out_dir, "pareto_points.dat", err)) ||
        !(inf = sw_open_out(out_dir, "pareto_infeasible.dat", err)) ||
        !(front = sw_open_out(out_dir, "pareto_front.dat", err)) ||
        !(gp = sw_open_out(out_dir, "pareto.gp", err))) {
        rc = err->status;
        goto out;
    }
    /* Three or more objectives (and no --x/--y): one panel per pair of objectives, the front
     * (non-dominated in all of them) circled in each; a 2-D view of a 3-D front shows front points
     * that look dominated, so the figure says so. */
    pcol[0] = x, pcol[1] = y;
    if (!p->x && !p->y && have_spec && spec.objective_count >= 3) {
        size_t k = spec.objective_count < SW_PLOT_MAX_PANEL_METRICS ? spec.objective_count
                                                                    : SW_PLOT_MAX_PANEL_METRICS;
        panels = true;
        for (size_t o = 0; o < k && panels; o++)
            panels = (pcol[o] = sw_csv_col(&c, spec.objectives[o].metric)) >= 0;
        if (panels)
            npc = k;
        else
            pcol[0] = x, pcol[1] = y;
    }
    for (size_t k = 0; k < npc; k++)
        lo[k] = HUGE_VAL, hi[k] = -HUGE_VAL;
    for (size_t g = 0; g < group_count; g++) {
        fprintf(dat, "# %s = %s\n", c.cols[color], groups[g]);
        for (size_t r = 0; r < c.row_count; r++) {
            char **row = c.rows + r * c.col_count;
            bool nan = false;
            for (size_t k = 0; k < npc; k++)
                nan |= isnan(strtod(row[pcol[k]], NULL));
            if (strcmp(row[1], workload) || strcmp(row[color], groups[g]) || nan)
                continue;
            for (size_t k = 0; k < npc; k++) {
                double v = strtod(row[pcol[k]], NULL);
                lo[k] = fmin(lo[k], v), hi[k] = fmax(hi[k], v);
            }
            FILE *to = row[feas][0] == '1' ? dat : inf;
            for (size_t k = 0; k < npc; k++)
                fprintf(to, "%s ", row[pcol[k]]);
            fprintf(to, "%s\n", row[0]);
            if (row[feas][0] == '1')
                per_group[g]++;
            else
                infeasible++;
            shown++;
        }
        fprintf(dat, "\n\n");
    }
    /* The front, sorted by x (insertion order of points.csv is by point; sort a copy). */
    fr = malloc((c.row_count + 1) * sizeof *fr);
    if (!fr) {
        rc = fw_err_set(err, FW_EXIT_IO, "out of memory");
        goto out;
    }
    for (size_t r = 0; r < c.row_count; r++) {
        char **row = c.rows + r * c.col_count;
        if (!strcmp(row[1], workload) && row[par][0] == '1')
            fr[on_front++] = r;
    }
    for (size_t i = 1; i < on_front; i++) /* insertion sort: fronts are small */
        for (size_t j = i; j > 0; j--) {
            double a = strtod(c.rows[fr[j - 1] * c.col_count + (size_t)pcol[0]], NULL);
            double b = strtod(c.rows[fr[j] * c.col_count + (size_t)pcol[0]], NULL);
            if (a <= b)
                break;
            size_t t = fr[j];
            fr[j] = fr[j - 1];
            fr[j - 1] = t;
        }
    for (size_t i = 0; i < on_front; i++) {
        char **row = c.rows + fr[i] * c.col_count;
        for (size_t k = 0; k < npc; k++)
            fprintf(front, "%s ", row[pcol[k]]);
        fprintf(front, "%s\n", row[0]);
    }
    free(fr);
    steps = !panels && have_spec && spec.objective_count == 2 &&
            ((!strcmp(spec.objectives[0].metric, c.cols[x]) &&
              !strcmp(spec.objectives[1].metric, c.cols[y])) ||
             (!strcmp(spec.objectives[1].metric, c.cols[x]) &&
              !strcmp(spec.objectives[0].metric, c.cols[y]))) &&
            !spec.objectives[0].maximize && !spec.objectives[1].maximize;
    {
        char lw[128], ld[128], lc[128], title[400], front_title[160];
        sw_pax axes[SW_PLOT_MAX_PANEL_METRICS];
        for (size_t k = 0; k < npc; k++)
            sw_pax_of(c.cols[pcol[k]], lo[k], hi[k], &axes[k]);
        sw_base_name(lw, sizeof lw, workload);
        sw_base_name(ld, sizeof ld, have_spec ? spec.base_path : "design");
        sw_gp_label(lc, sizeof lc, c.cols[color]);
        snprintf(title, sizeof title, "%s sweep on %s: %zu points, %zu on the Pareto front", ld,
                 lw, shown, on_front);
        /* which objectives the front is over (a front over more objectives than the two axes
         * has points that look dominated in the plane) */
        if (have_spec && spec.objective_count != 2) {
            snprintf(front_title, sizeof front_title, "Pareto front (%zu objectives)",
                     spec.objective_count);
        } else {
            snprintf(front_title, sizeof front_title, "Pareto front");
        }
        if (!panels) {
            sw_gp_begin(gp, "pareto", 480, 360);
            char short_front[64];
            snprintf(short_front, sizeof short_front, have_spec && spec.objective_count != 2
                                                          ? "front (%zu obj.)"
                                                          : "Pareto front",
                     have_spec ? spec.objective_count : 0);
            fprintf(gp, "set title \"%s sweep on %s\\n%zu points, %zu on the Pareto front\"\n"
                        "set key outside right top vertical Left reverse samplen 1 title '%s'\n",
                    ld, lw, shown, on_front, lc);
            sw_pareto_panel(gp, 1, 2, &axes[0], &axes[1], groups, per_group, group_count,
                            infeasible, on_front, steps, short_front, true);
        } else {
            size_t pairs = npc * (npc - 1) / 2, rows = (pairs + 2) / 2;
            sw_gp_begin(gp, "pareto", 480, 220 * (int)rows + 30);
            fprintf(gp, "set multiplot layout %zu,2 title '%s'\nset key off\n", rows, title);
            for (size_t i = 0; i < npc; i++)
                for (size_t j = i + 1; j < npc; j++)
                    sw_pareto_panel(gp, i + 1, j + 1, &axes[i], &axes[j], groups, per_group,
                                    group_count, infeasible, on_front, false, front_title,
                                    false);
            /* the legend cell: the same series as keys of an empty plot, and the note */
            char names[400];
            size_t used = 0;
            names[0] = '\0';
            for (size_t k = 0; k < npc && used < sizeof names; k++)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                         k ? (k + 1 == npc ? " and " : ",\\n") : "",
                                         rpt_metric_find(c.cols[pcol[k]])
                                             ? rpt_metric_find(c.cols[pcol[k]])->label
                                             : c.cols[pcol[k]]);
            fprintf(gp,
                    "unset xlabel\nunset ylabel\nunset logscale\nunset border\nunset tics\n"
                    "unset grid\nset xrange [0:1]\nset yrange [0:1]\n"
                    "set key inside left top Left reverse samplen 1 title '%s:'\n"
                    "set label 1 \"Circled: the Pareto front over\\nall %zu objectives:\\n%s.\\n"
                    "In a 2-D panel a front point\\ncan look dominated.\" "
                    "at graph 0.02, graph 0.38 left font ',8'\nplot ",
                    lc, spec.objective_count, names);
            const char *sep = "";
            for (size_t g = 0; g < group_count; g++) {
                char lg[128];
                if (!per_group[g])
                    continue;
                sw_gp_label(lg, sizeof lg, groups[g]);
                fprintf(gp, "%sNaN with points pt 7 ps 0.6 lc %zu title '%s'", sep, g + 1, lg);
                sep = ", ";
            }
            if (infeasible)
                fprintf(gp, "%sNaN with points pt 1 ps 0.6 lc rgb '#b8b8b8' title 'infeasible'",
                        sep);
            fprintf(gp, ", NaN with points pt 6 ps 1.1 lc rgb 'black' title '%s'\n"
                        "unset label 1\nset border\nset tics\nset grid\nunset multiplot\n",
                    front_title);
        }
    }
    sw_gp_end(gp);
    rc = sw_close_out(dat, out_dir, "pareto_points.dat", err);
    dat = NULL;
    if (!rc)
        rc = sw_close_out(inf, out_dir, "pareto_infeasible.dat", err);
    inf = NULL;
    if (!rc)
        rc = sw_close_out(front, out_dir, "pareto_front.dat", err);
    front = NULL;
    if (!rc)
        rc = sw_close_out(gp, out_dir, "pareto.gp", err);
    gp = NULL;
    if (!rc)
        rc = sw_gnuplot(out_dir, "pareto", err);
out:
    if (dat)
        fclose(dat);
    if (inf)
        fclose(inf);
    if (front)
        fclose(front);
    if (gp)
        fclose(gp);
    if (have_spec)
        sw_spec_fini(&spec);
    sw_csv_fini(&c);
    return rc;
}

/* ---- layers ---- */

/* Distinct fill colours for up to 12 stacked segments (then they repeat). */
#define SW_PALETTE_COLORS 12
static const char *const sw_palette[SW_PALETTE_COLORS] = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
    "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1b9e77", "#7570b3"};

static bool sw_is_segment_key(const char *k)
{
    size_t n = strlen(k);
    /* totals are not segments: energy_pj, and the chip and system totals of flopwatt run; nor
     * is the energy zero gating saved (not spent) */
    return n > 3 && !strcmp(k + n - 3, "_pj") && strcmp(k, "energy_pj") &&
           strcmp(k, "energy_chip_pj") && strcmp(k, "energy_system_pj") &&
           strcmp(k, "energy_gating_saved_pj");
}

/* Words for a segment key: the metric table's label without " energy" ("DRAM", "PE register"),
 * else the key without "energy_" and "_pj", underscores as spaces. */
static void sw_segment_label(char *out, size_t size, const char *key)
{
    const rpt_metric *m = rpt_metric_find(key);
    char tmp[128];
    if (m) {
        snprintf(tmp, sizeof tmp, "%s", m->label);
        char *tail = strstr(tmp, " energy");
        if (tail && !tail[7])
            *tail = '\0';
    } else {
        snprintf(tmp, sizeof tmp, "%s", strncmp(key, "energy_", 7) ? key : key + 7);
        size_t n = strlen(tmp);
        if (n > 3 && !strcmp(tmp + n - 3, "_pj"))
            tmp[n - 3] = '\0';
        for (char *c = tmp; *c; c++)
            if (*c == '_')
                *c = ' ';
    }
    sw_gp_label(out, size, tmp);
}

#define SW_LAYERS_MAX_BARS 40 /* more layers than this are grouped by stage */
#define SW_LAYERS_CHUNKS 32   /* ... or, without stage names, into this many runs of layers */

/* A layer's stage: its name up to and including the first run of digits ("res4b12_branch2a" ->
 * "res4", "inception_3a_1x1" -> "inception_3", "block12_dw" -> "block12", "l7_qkv" -> "l7");
 * the whole name when it has no digit. */
static void sw_stage_of(char *out, size_t size, const char *name)
{
    size_t i = 0;
    while (name[i] && !(name[i] >= '0' && name[i] <= '9'))
        i++;
    while (name[i] >= '0' && name[i] <= '9')
        i++;
    snprintf(out, size, "%.*s", (int)i, name);
}

int sw_plot_layers(const char *run_json, const char *out_dir, fw_err *err)
{
    jr_doc doc;
    int rc = jr_doc_load(run_json, &doc, err);
    if (rc)
        return rc;
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(doc.root, "layers");
    const char *keys[32];
    size_t key_count = 0;
    FILE *dat = NULL, *gp = NULL;
    size_t shown = 0, bars = 0, chunk = 0;
    double *vals = NULL; /* shown x key_count, uJ */
    char (*names)[128] = NULL;
    int width;
    double max_bar = 0;
    bool grouped;
    if (!cJSON_IsArray(layers) || !cJSON_GetArraySize(layers)) {
        rc = fw_err_set(err, FW_EXIT_INPUT,
                        "%s: layers: expected the non-empty array of "
                        "`flopwatt run --json`",
                        run_json);
        goto out;
    }
    for (const cJSON *k = layers->child->child; k; k = k->next)
        if (cJSON_IsNumber(k) && sw_is_segment_key(k->string) && key_count < 32)
            keys[key_count++] = k->string;
    if (!key_count) {
        rc = fw_err_set(err, FW_EXIT_INPUT,
                        "%s: layers[0]: no per-layer energy keys (*_pj): this report has no "
                        "energy breakdown",
                        run_json);
        goto out;
    }
    {
        size_t n = (size_t)cJSON_GetArraySize(layers);
        vals = calloc(n * key_count, sizeof *vals);
        names = calloc(n, sizeof *names);
        if (!vals || !names) {
            rc = fw_err_set(err, FW_EXIT_IO, "out of memory");
            goto out;
        }
    }
    for (const cJSON *l = layers->child; l; l = l->next) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(l, "name");
        double sum = 0;
        for (size_t k = 0; k < key_count; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(l, keys[k]);
            sum += cJSON_IsNumber(v) ? v->valuedouble : 0;
        }
        if (sum <= 0)
            continue; /* layers without MACs */
        sw_gp_label(names[shown], sizeof names[shown],
                    cJSON_IsString(name) ? name->valuestring : "?");
        for (size_t k = 0; k < key_count; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(l, keys[k]);
            vals[shown * key_count + k] = cJSON_IsNumber(v) ? v->valuedouble * 1e-6 : 0.0;
        }
        shown++;
    }
    if ((rc = sw_make_out_dir(out_dir, err)))
        goto out;
    if (!(dat = sw_open_out(out_dir, "layers.dat", err)) ||
        !(gp = sw_open_out(out_dir, "layers.gp", err))) {
        rc = err->status;
        goto out;
    }
    /* Deep networks: consecutive layers of one stage become one bar (their sums), so the chart
     * fits a page; names without stages fall back to runs of equal length. */
    grouped = shown > SW_LAYERS_MAX_BARS;
    if (grouped) {
        size_t stages = 0;
        char prev[128] = "", cur[128];
        for (size_t i = 0; i < shown; i++) {
            sw_stage_of(cur, sizeof cur, names[i]);
            stages += strcmp(cur, prev) != 0;
            snprintf(prev, sizeof prev, "%s", cur);
        }
        if (stages > SW_LAYERS_MAX_BARS)
            chunk = (shown + SW_LAYERS_CHUNKS - 1) / SW_LAYERS_CHUNKS;
    }
    for (size_t i = 0; i < shown;) {
        size_t j = i + 1;
        char label[160], si[128], sj[128];
        if (grouped && chunk) {
            j = i + chunk < shown ? i + chunk : shown;
            snprintf(label, sizeof label, "%s-%s", names[i], names[j - 1]);
        } else if (grouped) {
            sw_stage_of(si, sizeof si, names[i]);
            while (j < shown && (sw_stage_of(sj, sizeof sj, names[j]), !strcmp(si, sj)))
                j++;
            snprintf(label, sizeof label, "%s (%zu)", si, j - i);
        } else {
            snprintf(label, sizeof label, "%s", names[i]);
        }
        fprintf(dat, "\"%s\"", label);
        double bar = 0;
        for (size_t k = 0; k < key_count; k++) {
            double v = 0;
            for (size_t r = i; r < j; r++)
                v += vals[r * key_count + k];
            bar += v;
            fprintf(dat, " %.9g", v);
        }
        fprintf(dat, "\n");
        max_bar = fmax(max_bar, bar);
        bars++;
        i = j;
    }
    {
        const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(doc.root, "config");
        const cJSON *cname = cJSON_GetObjectItemCaseSensitive(cfg, "name");
        const cJSON *wname = cJSON_GetObjectItemCaseSensitive(doc.root, "workload");
        char lc[128], lw[128];
        sw_gp_label(lc, sizeof lc, cJSON_IsString(cname) ? cname->valuestring : "design");
        sw_gp_label(lw, sizeof lw, cJSON_IsString(wname) ? wname->valuestring : "workload");
        rpt_eng e = rpt_eng_pick(max_bar * 1e-6); /* bars in uJ -> J */
        double scale = 1e-6 * e.scale;            /* uJ -> the chosen unit */
        width = bars <= 16 ? 480 : 480 + 16 * (int)(bars - 16);
        sw_gp_begin(gp, "layers", width, 360);
        fprintf(gp,
                "set title \"%s on %s\\nenergy per %s (%zu layers%s)\"\n"
                "set ylabel 'system energy (%sJ)'\nset xlabel '%s'\nset yrange [0:*]\n"
                "set style data histograms\nset style histogram rowstacked\n"
                "set style fill solid 0.9 noborder\nset boxwidth 0.75\n"
                "set xtics rotate by %d left font ',%d' nomirror scale 0\nset ytics nomirror\n"
                "set key outside right top vertical invert Left reverse samplen 1 font ',9' "
                "title 'part'\nset grid noxtics ytics\nplot ",
                lc, lw, grouped ? (chunk ? "run of layers" : "stage") : "layer", shown,
                grouped ? (chunk ? ", summed over consecutive runs" : ", summed per stage")
                        : "",
                e.prefix, grouped ? (chunk ? "layers" : "stage (layers in it)") : "layer",
                bars > 16 ? -60 : -45, bars > 16 ? 8 : 9);
        /* the first segment at the bottom; the legend (inverted) lists them top to bottom as
         * they are stacked */
        for (size_t k = 0; k < key_count; k++) {
            char lk[128];
            sw_segment_label(lk, sizeof lk, keys[k]);
            fprintf(gp, "%s'layers.dat' using ($%zu*%.6g)%s lc rgb '%s' title '%s'",
                    k ? ", \\\n     " : "", k + 2, scale, k ? "" : ":xtic(1)",
                    sw_palette[k % SW_PALETTE_COLORS], lk);
        }
        fprintf(gp, "\n");
    }
    sw_gp_end(gp);
    rc = sw_plot_finish(dat, gp, out_dir, "layers", err);
    dat = NULL;
    gp = NULL;
out:
    if (dat)
        fclose(dat);
    if (gp)
        fclose(gp);
    free(vals);
    free(names);
    jr_doc_fini(&doc);
    return rc;
}

/* ---- ceiling ---- */

#define SW_PLOT_MAX_LEVELS 12

int sw_plot_ceiling(const char *ceiling_json, double node_nm, const char *precision,
                    const char *out_dir, fw_err *err)
{
    jr_doc doc;
    int rc = jr_doc_load(ceiling_json, &doc, err);
    if (rc)
        return rc;
    const char *levels[SW_PLOT_MAX_LEVELS];
    size_t level_count = 0, shown = 0, index = 0;
    FILE *dat = NULL, *gp = NULL;
    int width;
    if (!cJSON_IsArray(doc.root)) {
        rc = fw_err_set(err, FW_EXIT_INPUT,
                        "%s: (root): expected the list of `flopwatt ceiling --json`", ceiling_json);
        goto out;
    }
    /* The union of the levels, each after its predecessor in the entry that names it first;
     * every entry must be well formed. */
    for (const cJSON *e = doc.root->child; e; e = e->next, index++) {
        const cJSON *ladder = cJSON_GetObjectItemCaseSensitive(e, "ladder");
        const cJSON *node = cJSON_GetObjectItemCaseSensitive(e, "node_nm");
        const cJSON *prec = cJSON_GetObjectItemCaseSensitive(e, "precision");
        if (!cJSON_IsArray(ladder) || !cJSON_IsNumber(node) || !cJSON_IsString(prec)) {
            rc = fw_err_set(err, FW_EXIT_INPUT, "%s: [%zu]: expected node_nm, precision and ladder",
                            ceiling_json, index);
            goto out;
        }
        size_t step = 0;
        const char *prev = NULL;
        for (const cJSON *l = ladder->child; l; l = l->next, step++) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(l, "level");
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(l, "gflops_per_w");
            if (!cJSON_IsString(name) || !cJSON_IsNumber(v)) {
                rc = fw_err_set(err, FW_EXIT_INPUT,
                                "%s: [%zu].ladder[%zu]: expected level and gflops_per_w",
                                ceiling_json, index, step);
                goto out;
            }
            size_t k = 0;
            while (k < level_count && strcmp(levels[k], name->valuestring))
                k++;
            if (k == level_count && level_count < SW_PLOT_MAX_LEVELS) {
                /* A new level goes right after this entry's previous level. */
                size_t at = level_count;
                for (size_t q = 0; prev && q < level_count; q++)
                    if (!strcmp(levels[q], prev))
                        at = q + 1;
                memmove(levels + at + 1, levels + at, (level_count - at) * sizeof *levels);
                levels[at] = name->valuestring;
                level_count++;
            }
            prev = name->valuestring;
        }
    }
    if ((rc = sw_make_out_dir(out_dir, err)))
        goto out;
    if (!(dat = sw_open_out(out_dir, "ceiling.dat", err)) ||
        !(gp = sw_open_out(out_dir, "ceiling.gp", err))) {
        rc = err->status;
        goto out;
    }
    fprintf(dat, "# node precision");
    for (size_t k = 0; k < level_count; k++)
        fprintf(dat, " %s", levels[k]);
    fprintf(dat, "   (GFLOPS/W, GOPS/W for integer formats; ? = level absent; one block per "
                 "node)\n");
    {
        /* one block (gnuplot index) per node, in order of first appearance */
        double nodes[SW_PLOT_MAX_GROUPS] = {0};
        size_t node_count = 0, per_node[SW_PLOT_MAX_GROUPS] = {0};
        double vmin = HUGE_VAL, vmax = 0;
        bool have_int = false, have_float = false;
        const char *reuse = NULL;
        for (const cJSON *e = doc.root->child; e; e = e->next) {
            double node = cJSON_GetObjectItemCaseSensitive(e, "node_nm")->valuedouble;
            const char *prec = cJSON_GetObjectItemCaseSensitive(e, "precision")->valuestring;
            if ((node_nm > 0 && node != node_nm) || (precision && strcmp(precision, prec)))
                continue;
            size_t n = 0;
            while (n < node_count && nodes[n] != node)
                n++;
            if (n == node_count && node_count < SW_PLOT_MAX_GROUPS)
                nodes[node_count++] = node;
        }
        for (size_t n = 0; n < node_count; n++) {
            if (n)
                fprintf(dat, "\n\n");
            for (const cJSON *e = doc.root->child; e; e = e->next) {
                double node = cJSON_GetObjectItemCaseSensitive(e, "node_nm")->valuedouble;
                const char *prec = cJSON_GetObjectItemCaseSensitive(e, "precision")->valuestring;
                const cJSON *unit = cJSON_GetObjectItemCaseSensitive(e, "unit");
                const cJSON *ru = cJSON_GetObjectItemCaseSensitive(e, "reuse");
                if (node != nodes[n] || (precision && strcmp(precision, prec)))
                    continue;
                if (cJSON_IsString(unit)) {
                    have_int |= !strcmp(unit->valuestring, "GOPS/W");
                    have_float |= strcmp(unit->valuestring, "GOPS/W") != 0;
                }
                if (cJSON_IsString(ru))
                    reuse = ru->valuestring;
                char label[96];
                sw_gp_label(label, sizeof label, prec);
                fprintf(dat, "\"%g nm %s\"", node, label);
                const cJSON *ladder = cJSON_GetObjectItemCaseSensitive(e, "ladder");
                for (size_t k = 0; k < level_count; k++) {
                    const cJSON *hit = NULL;
                    for (const cJSON *l = ladder->child; l && !hit; l = l->next)
                        if (!strcmp(cJSON_GetObjectItemCaseSensitive(l, "level")->valuestring,
                                    levels[k]))
                            hit = l;
                    if (hit) {
                        double v =
                            cJSON_GetObjectItemCaseSensitive(hit, "gflops_per_w")->valuedouble;
                        fprintf(dat, " %.6g", v);
                        if (v > 0)
                            vmin = fmin(vmin, v), vmax = fmax(vmax, v);
                    } else {
                        fprintf(dat, " ?");
                    }
                }
                fprintf(dat, "\n");
                per_node[n]++;
                shown++;
            }
        }
        if (!shown || !level_count) {
            rc = fw_err_set(err, FW_EXIT_INPUT, "%s: no ladder entries%s", ceiling_json,
                            node_nm > 0 || precision ? " match --node/--precision" : "");
            goto out;
        }
        /* One panel per node (column width), the precisions as clusters, one bar per level;
         * the key once, above the first panel; one logarithmic range for all panels. */
        size_t most = 0;
        for (size_t n = 0; n < node_count; n++)
            most = per_node[n] > most ? per_node[n] : most;
        width = 480 + (most > 4 ? 60 * (int)(most - 4) : 0);
        sw_gp_begin(gp, "ceiling", width, 90 + 170 * (int)node_count);
        fprintf(gp,
                "set multiplot layout %zu,1 title \"Efficiency after each level of the energy "
                "ladder\\n(%s reuse; each bar adds the level named to those before it)\"\n"
                "set logscale y\nset yrange [%.6g:%.6g]\nset datafile missing '?'\n"
                "set style data histograms\nset style histogram clustered gap 1\n"
                "set style fill solid 0.9 border rgb '#404040'\nset xtics nomirror scale 0\n"
                "set ytics nomirror\nset grid noxtics ytics\n",
                node_count, reuse && !strcmp(reuse, "design") ? "the design's" : "reference",
                pow(10, floor(log10(vmin))), pow(10, ceil(log10(vmax * 3))));
        for (size_t n = 0; n < node_count; n++) {
            fprintf(gp,
                    "set ylabel '%s'\nset rmargin 4\nset label 1 '%g nm' at graph 1.03, graph "
                    "0.5 center rotate by -90 font ',11'\nset xrange [-0.6:%zu.6]\n",
                    have_int && have_float ? "GOPS/W, GFLOPS/W" : have_int ? "GOPS/W" : "GFLOPS/W",
                    nodes[n], per_node[n] - 1);
            /* the key in the first panel's top decade (the range is rounded up to a power of
             * ten, above every bar) */
            if (n == 0)
                fprintf(gp, "set key inside top right horizontal maxrows 2 Left reverse samplen 1 width -1 font ',8' "
                            "opaque\n");
            else
                fprintf(gp, "set key off\n");
            fprintf(gp, "plot ");
            for (size_t k = 0; k < level_count; k++) {
                char lk[128];
                const char *name = levels[k];
                if (!strcmp(name, "+leakage_clock"))
                    name = "+ leakage, clock";
                else if (!strcmp(name, "+sram"))
                    name = "+ SRAM";
                else if (!strcmp(name, "+dram"))
                    name = "+ DRAM";
                else if (!strcmp(name, "+registers"))
                    name = "+ registers";
                else if (!strcmp(name, "achieved"))
                    name = "achieved (the run)";
                sw_gp_label(lk, sizeof lk, name);
                /* x labels: the precision (the node is the panel's) */
                fprintf(gp, "%s'ceiling.dat' index %zu using %zu%s lc rgb '%s' title '%s'",
                        k ? ", \\\n     " : "", n, k + 2,
                        k ? "" : ":xtic(substr(strcol(1), strstrt(strcol(1), 'nm ') + 3, 99))",
                        sw_palette[k % SW_PALETTE_COLORS], lk);
            }
            fprintf(gp, "\n");
        }
        fprintf(gp, "unset multiplot\n");
    }
    sw_gp_end(gp);
    rc = sw_plot_finish(dat, gp, out_dir, "ceiling", err);
    dat = NULL;
    gp = NULL;
out:
    if (dat)
        fclose(dat);
    if (gp)
        fclose(gp);
    jr_doc_fini(&doc);
    return rc;
}

/* ---- trend ---- */

/* Forward compute per image of ImageNet-winning networks, GFLOP (1 MAC = 2 FLOP), from
 * /work/shared DESIGN.md and reference/networks.md: ~2 GFLOP (2013), ~4.5 GFLOP (2014),
 * ResNet-152 11.3 G multiply-adds = 22.6 GFLOP (2015). */
static const double sw_demand_year[] = {2013, 2014, 2015};
static const double sw_demand_gflop[] = {2.0, 4.5, 22.6};
static const char *const sw_demand_name[] = {"2013 winners", "2014 winners", "ResNet-152"};

/* GPU peak fp32 GFLOPS per board watt, reference/energy-data.md (datasheet peak / TDP), by year
 * of release: K40 4.29 TFLOPS base / 235 W (2013); Titan X (Maxwell) 6.1 TFLOPS [check] / 250 W
 * and M40 6.84 TFLOPS / 250 W (2015); P100 SXM2 10.6 TFLOPS / 300 W and P40 11.76 TFLOPS /
 * 250 W (2016). */
static const double sw_gpu_year[] = {2013, 2015, 2015, 2016, 2016};
static const double sw_gpu_gflops_per_w[] = {4290.0 / 235, 6100.0 / 250, 6840.0 / 250,
                                             10600.0 / 300, 11760.0 / 250};
static const char *const sw_gpu_name[] = {"K40", "Titan X", "M40", "P100", "P40"};
/* the figure's labels: one per year where two boards share it (they sit a few pixels apart) */
static const char *const sw_gpu_label[] = {"K40", "", "Titan X, M40", "", "P100, P40"};

/* Published accelerators (not fitted; for scale): DianNao 2014, 452 GOP/s at 485 mW; TPU v1,
 * 2017 paper, ~2.3 TOPS/W busy [check] (reference/energy-data.md). */
static const double sw_asic_year[] = {2014, 2017};
static const double sw_asic_gops_per_w[] = {452.0 / 0.485, 2300.0};
static const char *const sw_asic_name[] = {"DianNao (16-bit)", "TPU v1 (int8)"};

int sw_fit_log2(const double *x, const double *y, size_t n, sw_trend_fit *out, fw_err *err)
{
    double ly[16];
    if (n < 2 || n > 16)
        return fw_err_set(err, FW_EXIT_INPUT, "fit: need 2 to 16 points, got %zu", n);
    bool distinct = false;
    for (size_t i = 0; i < n; i++) {
        if (!(y[i] > 0))
            return fw_err_set(err, FW_EXIT_INPUT, "fit: value %zu is not positive", i);
        ly[i] = log2(y[i]);
        distinct |= x[i] != x[0];
    }
    if (!distinct)
        return fw_err_set(err, FW_EXIT_INPUT, "fit: all x are equal");
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int st = gsl_fit_linear(x, 1, ly, 1, n, &out->c0, &out->c1, &out->cov00, &out->cov01,
                            &out->cov11, &out->sumsq);
    gsl_set_error_handler(old);
    if (st)
        return fw_err_set(err, FW_EXIT_INPUT, "fit: %s", gsl_strerror(st));
    out->growth_per_year = exp2(out->c1);
    return 0;
}

int sw_plot_trend(const char *out_dir, double until_year, sw_trend_fit *demand,
                  sw_trend_fit *efficiency, FILE *report, fw_err *err)
{
    sw_trend_fit fd, fe;
    int rc;
    if ((rc = sw_fit_log2(sw_demand_year, sw_demand_gflop, 3, &fd, err)) ||
        (rc = sw_fit_log2(sw_gpu_year, sw_gpu_gflops_per_w, 5, &fe, err)))
        return rc;
    if (demand)
        *demand = fd;
    if (efficiency)
        *efficiency = fe;
    if (!(until_year > 2016 && until_year < 2100))
        return fw_err_set(err, FW_EXIT_INPUT, "--until %g: expected a year after 2016", until_year);
    if ((rc = sw_make_out_dir(out_dir, err)))
        return rc;
    FILE *dat = sw_open_out(out_dir, "trend.dat", err);
    if (!dat)
        return err->status;
    fprintf(dat, "# demand: year GFLOP-per-image label\n");
    for (size_t i = 0; i < 3; i++)
        fprintf(dat, "%g %g \"%s\"\n", sw_demand_year[i], sw_demand_gflop[i], sw_demand_name[i]);
    fprintf(dat, "\n\n# GPU: year GFLOPS-per-W board figure-label\n");
    for (size_t i = 0; i < 5; i++)
        fprintf(dat, "%g %.4g \"%s\" \"%s\"\n", sw_gpu_year[i], sw_gpu_gflops_per_w[i],
                sw_gpu_name[i], sw_gpu_label[i]);
    fprintf(dat, "\n\n# accelerators: year GOPS-per-W label\n");
    for (size_t i = 0; i < 2; i++)
        fprintf(dat, "%g %.4g \"%s\"\n", sw_asic_year[i], sw_asic_gops_per_w[i], sw_asic_name[i]);
    if ((rc = sw_close_out(dat, out_dir, "trend.dat", err)))
        return rc;
    FILE *gp = sw_open_out(out_dir, "trend.gp", err);
    if (!gp)
        return err->status;
    /* Each quantity relative to its 2013 figure (one axis, no unit mixed with another): the
     * demand to the 2013 winners' 2.0 GFLOP, GPU efficiency to the K40's GFLOPS/W; the
     * accelerators (other precisions, not fitted) to the K40 as well, and labelled so. Fits
     * solid over the years they were fitted on, dashed and shaded where extrapolated. */
    const double last_demand = sw_demand_year[2], last_gpu = sw_gpu_year[4];
    const double last = fmax(last_demand, last_gpu);
    sw_gp_begin(gp, "trend", 480, 360);
    fprintf(gp,
            "set title \"Forward compute per image vs GPU efficiency, relative to 2013\\n"
            "(fits of log2 values; dashed: extrapolated; shaded: after the data)\"\n"
            "set xlabel 'year'\nset ylabel 'relative to the 2013 figure (x)'\n"
            "set logscale y 2\nset xrange [2012.6:%g]\nset yrange [0.5:*]\nset samples 400\n"
            "set xtics 1 nomirror\nset ytics nomirror\n"
            "set object 1 rect from %g, graph 0 to graph 1, graph 1 behind fc rgb '#ececec' "
            "fs solid noborder\n"
            "set label 2 'extrapolated' at %g, graph 0.04 left font ',9' tc rgb '#606060'\n"
            "set key inside left top Left reverse samplen 2 font ',9'\n"
            "d0 = %.10g\ne0 = %.10g\n"
            "demand(x) = 2**(%.10g + %.10g*x) / d0\nefficiency(x) = 2**(%.10g + %.10g*x) / e0\n"
            "d_fit(x) = x <= %g ? demand(x) : NaN\nd_ext(x) = x >= %g ? demand(x) : NaN\n"
            "e_fit(x) = x <= %g ? efficiency(x) : NaN\ne_ext(x) = x >= %g ? efficiency(x) : NaN\n"
            "plot 'trend.dat' index 0 using 1:($2/d0) with points pt 7 ps 1 lc 1 "
            "title sprintf('GFLOP per image, x%%.2f/year', %.6g), \\\n"
            "     d_fit(x) with lines lw 1.5 lc 1 notitle, \\\n"
            "     d_ext(x) with lines lw 1.5 dt 2 lc 1 notitle, \\\n"
            "     'trend.dat' index 1 using 1:($2/e0) with points pt 5 ps 0.9 lc 2 "
            "title sprintf('GPU GFLOPS/W, x%%.2f/year', %.6g), \\\n"
            "     e_fit(x) with lines lw 1.5 lc 2 notitle, \\\n"
            "     e_ext(x) with lines lw 1.5 dt 2 lc 2 notitle, \\\n"
            "     'trend.dat' index 2 using 1:($2/e0) with points pt 9 ps 1.1 lc 4 "
            "title 'ASIC GOPS/W over K40 GFLOPS/W', \\\n"
            "     'trend.dat' index 0 using 1:($2/d0):3 with labels offset 0,0.9 font ',8' "
            "notitle, \\\n"
            "     'trend.dat' index 1 using 1:($2/e0):4 with labels left offset 0.8,0 font ',8' "
            "notitle, \\\n"
            "     'trend.dat' index 2 using 1:($2/e0):3 with labels offset 0,0.9 font ',8' "
            "notitle\n",
            until_year, last, last + 0.15, sw_demand_gflop[0], sw_gpu_gflops_per_w[0], fd.c0,
            fd.c1, fe.c0, fe.c1, last_demand, last_demand, last_gpu, last_gpu,
            fd.growth_per_year, fe.growth_per_year);
    sw_gp_end(gp);
    if ((rc = sw_close_out(gp, out_dir, "trend.gp", err)))
        return rc;
    if (report) {
        double y = until_year;
        fprintf(report,
                "compute per image: x%.2f per year (doubling every %.2f years); fit %g GFLOP in "
                "%g\nGPU GFLOPS/W:      x%.2f per year (doubling every %.2f years); fit %g "
                "GFLOPS/W in %g\nthe gap (demand / efficiency) grows x%.2f per year\n",
                fd.growth_per_year, 1 / fd.c1, exp2(fd.c0 + fd.c1 * y), y, fe.growth_per_year,
                1 / fe.c1, exp2(fe.c0 + fe.c1 * y), y, fd.growth_per_year / fe.growth_per_year);
    }
    return sw_gnuplot(out_dir, "trend", err);
}
