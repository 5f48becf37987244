/* sw_plot: gnuplot figures of sweeps, runs, ceilings and the demand trend (see sw_plot.h). */
#include "common/fw_io.h"
#include "sweep/sw_plot.h"
#include "sweep/sw_gp.h"
#include "common/jr.h"
#include "sweep/sw_spec.h"

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
    double lo[2] = {HUGE_VAL, HUGE_VAL}, hi[2] = {-HUGE_VAL, -HUGE_VAL};
    const char *workload, *slash, *sep;
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
    for (size_t g = 0; g < group_count; g++) {
        fprintf(dat, "# %s = %s\n", c.cols[color], groups[g]);
        for (size_t r = 0; r < c.row_count; r++) {
            char **row = c.rows + r * c.col_count;
            double vx = strtod(row[x], NULL), vy = strtod(row[y], NULL);
            if (strcmp(row[1], workload) || strcmp(row[color], groups[g]) || isnan(vx) || isnan(vy))
                continue;
            lo[0] = fmin(lo[0], vx), hi[0] = fmax(hi[0], vx);
            lo[1] = fmin(lo[1], vy), hi[1] = fmax(hi[1], vy);
            if (row[feas][0] == '1') {
                fprintf(dat, "%s %s %s\n", row[x], row[y], row[0]);
                per_group[g]++;
            } else {
                fprintf(inf, "%s %s %s\n", row[x], row[y], row[0]);
                infeasible++;
            }
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
            double a = strtod(c.rows[fr[j - 1] * c.col_count + x], NULL);
            double b = strtod(c.rows[fr[j] * c.col_count + x], NULL);
            if (a <= b)
                break;
            size_t t = fr[j];
            fr[j] = fr[j - 1];
            fr[j - 1] = t;
        }
    for (size_t i = 0; i < on_front; i++) {
        char **row = c.rows + fr[i] * c.col_count;
        fprintf(front, "%s %s %s\n", row[x], row[y], row[0]);
    }
    free(fr);
    steps = have_spec && spec.objective_count == 2 &&
                 ((!strcmp(spec.objectives[0].metric, c.cols[x]) &&
                   !strcmp(spec.objectives[1].metric, c.cols[y])) ||
                  (!strcmp(spec.objectives[1].metric, c.cols[x]) &&
                   !strcmp(spec.objectives[0].metric, c.cols[y]))) &&
                 !spec.objectives[0].maximize && !spec.objectives[1].maximize;
    char lx[128], ly[128], lw[256], lc[128];
    sw_gp_label(lx, sizeof lx, c.cols[x]);
    sw_gp_label(ly, sizeof ly, c.cols[y]);
    slash = strrchr(workload, '/');
    sw_gp_label(lw, sizeof lw, slash ? slash + 1 : workload);
    sw_gp_label(lc, sizeof lc, c.cols[color]);
    sw_gp_begin(gp, "pareto", 900, 620);
    fprintf(gp, "set title '%s: %zu points, %zu on the Pareto front'\n", lw, shown, on_front);
    fprintf(gp, "set xlabel '%s'\nset ylabel '%s'\nset key outside right top title '%s'\n", lx, ly,
            lc);
    if (sw_axis_log(lo[0], hi[0]))
        fprintf(gp, "set logscale x\n");
    if (sw_axis_log(lo[1], hi[1]))
        fprintf(gp, "set logscale y\n");
    fprintf(gp, "plot ");
    sep = "";
    for (size_t g = 0; g < group_count; g++) {
        char lg[128];
        if (!per_group[g])
            continue;
        sw_gp_label(lg, sizeof lg, groups[g]);
        fprintf(gp,
                "%s'pareto_points.dat' index %zu using 1:2 with points pt 7 ps 0.6 lc %zu "
                "title '%s'",
                sep, g, g + 1, lg);
        sep = ", \\\n     ";
    }
    if (infeasible) {
        fprintf(gp,
                "%s'pareto_infeasible.dat' using 1:2 with points pt 1 ps 0.5 lc rgb "
                "'#b0b0b0' title 'infeasible'",
                sep);
        sep = ", \\\n     ";
    }
    if (on_front) {
        if (steps)
            fprintf(gp,
                    "%s'pareto_front.dat' using 1:2 with steps lw 1.5 lc rgb 'black' "
                    "notitle",
                    sep);
        fprintf(gp,
                "%s'pareto_front.dat' using 1:2 with points pt 6 ps 1.3 lw 1.5 lc rgb "
                "'black' title 'Pareto front'",
                steps ? ", \\\n     " : sep);
    }
    fprintf(gp, "\n");
    sw_gp_end(gp, "pareto", 1350, 930);
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
    /* totals are not segments: energy_pj, and the chip and system totals of flopwatt run */
    return n > 3 && !strcmp(k + n - 3, "_pj") && strcmp(k, "energy_pj") &&
           strcmp(k, "energy_chip_pj") && strcmp(k, "energy_system_pj");
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
    size_t shown = 0, index = 0;
    int width;
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
    if ((rc = sw_make_out_dir(out_dir, err)))
        goto out;
    if (!(dat = sw_open_out(out_dir, "layers.dat", err)) ||
        !(gp = sw_open_out(out_dir, "layers.gp", err))) {
        rc = err->status;
        goto out;
    }
    for (const cJSON *l = layers->child; l; l = l->next, index++) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(l, "name");
        double sum = 0;
        for (size_t k = 0; k < key_count; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(l, keys[k]);
            sum += cJSON_IsNumber(v) ? v->valuedouble : 0;
        }
        if (sum <= 0)
            continue; /* layers without MACs */
        char label[128];
        sw_gp_label(label, sizeof label, cJSON_IsString(name) ? name->valuestring : "?");
        fprintf(dat, "\"%s\"", label);
        for (size_t k = 0; k < key_count; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(l, keys[k]);
            fprintf(dat, " %.9g", cJSON_IsNumber(v) ? v->valuedouble * 1e-6 : 0.0);
        }
        fprintf(dat, "\n");
        shown++;
    }
    width = 500 + 18 * (int)shown;
    sw_gp_begin(gp, "layers", width, 600);
    fprintf(gp,
            "set title 'energy per layer (%zu layers)'\nset ylabel 'energy (uJ)'\n"
            "set style data histograms\nset style histogram rowstacked\n"
            "set style fill solid 0.85 border -1\nset boxwidth 0.8\n"
            "set xtics rotate by -60 font ',8' nomirror\nset key outside right top\n"
            "set grid noxtics ytics\nplot ",
            shown);
    for (size_t k = 0; k < key_count; k++) {
        char lk[128];
        const char *key = keys[k];
        if (!strncmp(key, "energy_", 7))
            key += 7; /* "energy_dram_pj" -> "dram_pj" */
        sw_gp_label(lk, sizeof lk, key);
        fprintf(gp, "%s'layers.dat' using %zu%s lc rgb '%s' title '%s'", k ? ", \\\n     " : "",
                k + 2, k ? "" : ":xtic(1)", sw_palette[k % SW_PALETTE_COLORS], lk);
    }
    fprintf(gp, "\n");
    sw_gp_end(gp, "layers", width * 3 / 2, 900);
    rc = sw_plot_finish(dat, gp, out_dir, "layers", err);
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
    fprintf(dat, "   (GFLOPS/W, GOPS/W for integer formats; ? = level absent)\n");
    for (const cJSON *e = doc.root->child; e; e = e->next) {
        double node = cJSON_GetObjectItemCaseSensitive(e, "node_nm")->valuedouble;
        const char *prec = cJSON_GetObjectItemCaseSensitive(e, "precision")->valuestring;
        if ((node_nm > 0 && node != node_nm) || (precision && strcmp(precision, prec)))
            continue;
        char label[96];
        sw_gp_label(label, sizeof label, prec);
        fprintf(dat, "\"%g nm %s\"", node, label);
        const cJSON *ladder = cJSON_GetObjectItemCaseSensitive(e, "ladder");
        for (size_t k = 0; k < level_count; k++) {
            const cJSON *hit = NULL;
            for (const cJSON *l = ladder->child; l && !hit; l = l->next)
                if (!strcmp(cJSON_GetObjectItemCaseSensitive(l, "level")->valuestring, levels[k]))
                    hit = l;
            if (hit)
                fprintf(dat, " %.6g",
                        cJSON_GetObjectItemCaseSensitive(hit, "gflops_per_w")->valuedouble);
            else
                fprintf(dat, " ?");
        }
        fprintf(dat, "\n");
        shown++;
    }
    if (!shown || !level_count) {
        rc = fw_err_set(err, FW_EXIT_INPUT, "%s: no ladder entries%s", ceiling_json,
                        node_nm > 0 || precision ? " match --node/--precision" : "");
        goto out;
    }
    width = 500 + (int)(shown * (level_count * 14 + 20));
    sw_gp_begin(gp, "ceiling", width, 620);
    fprintf(gp, "set title 'efficiency ceiling ladder: GFLOPS/W (GOPS/W for integers) after each "
                "level'\nset ylabel 'GFLOPS/W'\nset logscale y\nset datafile missing '?'\n"
                "set style data histograms\nset style histogram clustered gap 1\n"
                "set style fill solid 0.85 border -1\nset xtics rotate by -45 nomirror\n"
                "set key outside right top\nset grid noxtics ytics\nplot ");
    for (size_t k = 0; k < level_count; k++) {
        char lk[128];
        sw_gp_label(lk, sizeof lk, levels[k]);
        fprintf(gp, "%s'ceiling.dat' using %zu%s title '%s'", k ? ", \\\n     " : "", k + 2,
                k ? "" : ":xtic(1)", lk);
    }
    fprintf(gp, "\n");
    sw_gp_end(gp, "ceiling", width * 3 / 2, 930);
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
    fprintf(dat, "\n\n# GPU: year GFLOPS-per-W label\n");
    for (size_t i = 0; i < 5; i++)
        fprintf(dat, "%g %.4g \"%s\"\n", sw_gpu_year[i], sw_gpu_gflops_per_w[i], sw_gpu_name[i]);
    fprintf(dat, "\n\n# accelerators: year GOPS-per-W label\n");
    for (size_t i = 0; i < 2; i++)
        fprintf(dat, "%g %.4g \"%s\"\n", sw_asic_year[i], sw_asic_gops_per_w[i], sw_asic_name[i]);
    if ((rc = sw_close_out(dat, out_dir, "trend.dat", err)))
        return rc;
    FILE *gp = sw_open_out(out_dir, "trend.gp", err);
    if (!gp)
        return err->status;
    sw_gp_begin(gp, "trend", 900, 620);
    fprintf(gp,
            "set title 'compute demand per image vs GPU efficiency (fits on log2, extrapolated)'\n"
            "set xlabel 'year'\nset logscale y 2\nset format y '%%g'\nset xrange [2012.5:%g]\n"
            "set ylabel 'GFLOP per image  /  GFLOPS per W'\nset key left top\n"
            "demand(x) = 2**(%.10g + %.10g*x)\nefficiency(x) = 2**(%.10g + %.10g*x)\n"
            "plot 'trend.dat' index 0 using 1:2 with points pt 7 ps 1.2 lc 1 title 'forward "
            "GFLOP per image (ImageNet winners)', \\\n"
            "     demand(x) with lines dt 2 lc 1 title sprintf('fit: x%%.2f per year', %.6g), \\\n"
            "     'trend.dat' index 1 using 1:2 with points pt 5 ps 1.1 lc 2 title 'GPU GFLOPS/W "
            "(peak fp32 / TDP)', \\\n"
            "     efficiency(x) with lines dt 2 lc 2 title sprintf('fit: x%%.2f per year', "
            "%.6g), \\\n"
            "     'trend.dat' index 2 using 1:2 with points pt 9 ps 1.3 lc 4 title "
            "'accelerators, GOPS/W (not fitted)', \\\n"
            "     'trend.dat' index 0 using 1:2:3 with labels offset 0,1 font ',9' notitle, \\\n"
            "     'trend.dat' index 1 using 1:2:3 with labels offset 0,-1 font ',9' notitle, \\\n"
            "     'trend.dat' index 2 using 1:2:3 with labels offset 0,1 font ',9' notitle\n",
            until_year, fd.c0, fd.c1, fe.c0, fe.c1, fd.growth_per_year, fe.growth_per_year);
    sw_gp_end(gp, "trend", 1350, 930);
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
