/* flopwatt validate: runs every chip of the chip database (configs/chips/NAME.json, en_chip.h)
 * on its workload with the fast engine and compares modelled with published figures
 * (sim/energy/en_validate.h): per chip the efficiency, throughput, power and area with their
 * errors and the energy per MAC by class, then summary statistics of the efficiency error for
 * silicon and post-layout chips separately. Exit status 0 when it ran; 1 only with
 * --max-error X and some chip's |efficiency error| above X percent; 2 bad input; 3 I/O.
 */
#include "cli/cli_chips.h"
#include "cli/cli_opt.h"
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "config/cfg.h"
#include "energy/en_chip.h"
#include "energy/en_validate.h"
#include "tech/tech.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VAL_MAX_SELECT 64

static void val_usage(FILE *out)
{
    fprintf(out,
            "usage: flopwatt validate [--json] [--chips DIR] [--chip NAME]... [--tech FILE]\n"
            "                         [--max-error PERCENT]\n"
            "  runs each chip of the chip database on its workload and compares the modelled\n"
            "  efficiency, throughput, power and area with the published figures\n"
            "  --chips DIR        the database (default configs/chips from the repository root,\n"
            "                     else the copy built into the binary)\n"
            "  --chip NAME        only this chip (repeatable)\n"
            "  --tech FILE        apply a calibration overlay (flopwatt calibrate --out)\n"
            "  --max-error P      exit 1 when some chip's |efficiency error| exceeds P percent\n"
            "  --json             JSON instead of the tables\n"
            "  FLOPWATT_DATA=DIR  read the technology data from DIR\n");
}

typedef struct val_opts {
    bool json;
    const char *dir, *tech;
    double max_error;
    const char *select[VAL_MAX_SELECT];
    size_t select_count;
} val_opts;

enum { VAL_OPT_JSON = 256, VAL_OPT_CHIPS, VAL_OPT_TECH, VAL_OPT_CHIP, VAL_OPT_MAX_ERROR };

static const struct option val_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"json", no_argument, NULL, VAL_OPT_JSON},
    {"chips", required_argument, NULL, VAL_OPT_CHIPS},
    {"tech", required_argument, NULL, VAL_OPT_TECH},
    {"chip", required_argument, NULL, VAL_OPT_CHIP},
    {"max-error", required_argument, NULL, VAL_OPT_MAX_ERROR},
    {NULL, 0, NULL, 0},
};

static int val_args(int argc, char **argv, val_opts *o, bool *help)
{
    *o = (val_opts){0};
    o->max_error = -1;
    cli_opt p;
    cli_opt_init(&p, "validate", "h", val_options);
    for (int c; (c = cli_opt_next(&p, argc, argv)) != -1;) {
        char *end;
        switch (c) {
        case 'h':
            *help = true;
            return 0;
        case VAL_OPT_JSON:
            o->json = true;
            break;
        case VAL_OPT_CHIPS:
            o->dir = p.arg;
            break;
        case VAL_OPT_TECH:
            o->tech = p.arg;
            break;
        case VAL_OPT_CHIP:
            if (o->select_count == VAL_MAX_SELECT) {
                fprintf(stderr, "flopwatt validate: more than %d --chip\n", VAL_MAX_SELECT);
                return FW_EXIT_INPUT;
            }
            o->select[o->select_count++] = p.arg;
            break;
        case VAL_OPT_MAX_ERROR:
            o->max_error = strtod(p.arg, &end);
            if (*end || end == p.arg || !(o->max_error >= 0) || !isfinite(o->max_error)) {
                fprintf(stderr, "flopwatt validate: --max-error %s: not a percentage >= 0\n",
                        p.arg);
                return FW_EXIT_INPUT;
            }
            break;
        default:
            return FW_EXIT_INPUT;
        }
    }
    if (p.next < argc)
        return cli_opt_extra(&p, argv[p.next]);
    return 0;
}

/* One chip as validated. */
typedef struct val_row {
    const en_chip *chip;
    cfg_accel cfg;
    en_val_run run;
    en_validation v;
} val_row;

static const char *val_cite_short(const en_chip *c, const en_figure *g, char *buf, size_t size)
{
    const en_citation *ci = en_chip_cite(c, g->source);
    snprintf(buf, size, "%s, %s %u, %s", ci ? ci->authors : "?", ci ? ci->venue : "?",
             ci ? ci->year : 0, g->where);
    return buf;
}

static void val_summary_line(FILE *out, const char *label, const val_row *rows, size_t n, int m)
{
    double e[EN_CHIP_MAX] = {0};
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (m < 0 || rows[i].chip->measurement == (en_measure)m)
            e[k++] = rows[i].v.efficiency_error_percent;
    en_val_summary s;
    en_val_summarize(e, k, &s);
    if (!k) {
        fprintf(out, "  %-12s  0 chips\n", label);
        return;
    }
    fprintf(out,
            "  %-12s %2zu chips  median |error| %6.1f%%  worst |error| %6.1f%%  geometric-mean "
            "modelled/published %.3f\n",
            label, k, s.median_abs_error_percent, s.worst_abs_error_percent, s.geomean_ratio);
}

static void val_text(FILE *out, const tech_lib *lib, const val_row *rows, size_t n,
                     const char *dir, bool embedded)
{
    fprintf(out, "flopwatt validate: %zu chips of %s (fast engine)\n", n,
            dir ? dir : "the database built into the binary");
    if (lib->overlay[0])
        fprintf(out, "technology: calibration overlay %s, fitted on: %s\n", lib->overlay,
                lib->fitted_on);
    else
        fprintf(out, "technology: the generic model (uncalibrated)\n");
    fprintf(out,
            "efficiency: ops (2 per MAC) per joule on the chip, DRAM excluded. basis peak: "
            "workload-average dynamic energy per MAC + leakage and clock at full rate; basis "
            "workload: chip energy on the workload, stalls and idle PEs included\n");
    fprintf(out, "inputs: %s\n\n",
            embedded ? "copies built into the binary (not run from the repository root)"
                     : "the repository files");
    fprintf(out, "%-16s %5s %-17s %-11s %-8s %10s %10s %8s  %10s %10s %8s\n", "chip", "node",
            "precision", "measured", "basis", "GOPS/W", "published", "error", "GOPS",
            "published", "error");
    for (size_t i = 0; i < n; i++) {
        const val_row *r = &rows[i];
        char prec[32];
        snprintf(prec, sizeof prec, "%s/%s", nx_fmt_get(r->cfg.mac.input)->name,
                 nx_fmt_get(r->cfg.mac.accumulator)->name);
        fprintf(out, "%-16s %3gnm %-17s %-11s %-8s %10.4g %10.4g %7.1f%%  %10.5g %10.5g %7.1f%%\n",
                r->chip->name, r->cfg.tech.node_nm, prec, en_measure_name(r->chip->measurement),
                en_basis_name(r->chip->basis), r->v.gops_per_w_model, r->v.gops_per_w_published,
                r->v.efficiency_error_percent, r->v.throughput_gops_model,
                r->v.throughput_gops_published, r->v.throughput_error_percent);
    }
    fprintf(out, "\nper chip, energy per MAC (pJ): arithmetic + registers + SRAM + wires + leakage and "
                 "clock = modelled, vs published\n");
    for (size_t i = 0; i < n; i++) {
        const val_row *r = &rows[i];
        const en_chip *c = r->chip;
        const double *p = r->v.class_pj_per_mac;
        char buf[4 * EN_CHIP_TEXT_BYTES];
        fprintf(out, "%s: %.4g + %.4g + %.4g + %.4g + %.4g = %.4g pJ, published %.4g pJ\n",
                c->name, p[0], p[1], p[2], p[3], p[4], r->v.pj_per_mac_model,
                r->v.published_pj_per_mac);
        fprintf(out, "  %s %g nm %g V, %ux%u %s, %g MHz; %s batch %u (%s)\n", c->config,
                r->cfg.tech.node_nm, r->cfg.tech.vdd_v, r->cfg.rows, r->cfg.cols,
                cfg_dataflow_name(r->cfg.dataflow), r->cfg.clock_mhz, c->workload, c->batch,
                c->batch_source);
        if (r->v.power_w_published > 0)
            fprintf(out, "  power at the published throughput: modelled %.4g W, published %.4g W "
                         "(%.1f%%)\n",
                    r->v.power_w_model, r->v.power_w_published, r->v.power_error_percent);
        fprintf(out, "  area: modelled %.4g mm2 (PE array + SRAM)", r->v.area_mm2_model);
        if (r->v.area_mm2_published > 0)
            fprintf(out, ", published %.4g mm2 (%.1f%%)", r->v.area_mm2_published,
                    r->v.area_error_percent);
        fprintf(out, "\n  on the workload: utilization %.1f%%, %.4g GOPS/W chip, %.4g GOPS/W with "
                     "DRAM\n",
                100 * r->v.utilization, r->v.achieved_gops_per_w_chip,
                r->v.achieved_gops_per_w_system);
        for (int f = 0; f < EN_FIGS; f++)
            if (c->fig[f].present)
                fprintf(out, "  published %s %g (%s)\n", en_fig_key((en_fig)f), c->fig[f].value,
                        val_cite_short(c, &c->fig[f], buf, sizeof buf));
        if (c->notes[0])
            fprintf(out, "  notes: %s\n", c->notes);
    }
    fprintf(out, "\nsummary of the efficiency error (modelled / published - 1):\n");
    val_summary_line(out, "silicon", rows, n, EN_SILICON);
    val_summary_line(out, "post-layout", rows, n, EN_POST_LAYOUT);
    val_summary_line(out, "all", rows, n, -1);
}

static void val_json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

static void val_json_summary(FILE *out, const char *key, const val_row *rows, size_t n, int m,
                             bool last)
{
    double e[EN_CHIP_MAX] = {0};
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (m < 0 || rows[i].chip->measurement == (en_measure)m)
            e[k++] = rows[i].v.efficiency_error_percent;
    en_val_summary s;
    en_val_summarize(e, k, &s);
    fprintf(out,
            "    \"%s\": {\"chips\": %zu, \"median_abs_error_percent\": %.6g, "
            "\"worst_abs_error_percent\": %.6g, \"geomean_ratio\": %.6g}%s\n",
            key, k, s.median_abs_error_percent, s.worst_abs_error_percent, s.geomean_ratio,
            last ? "" : ",");
}

static void val_json(FILE *out, const tech_lib *lib, const val_row *rows, size_t n)
{
    fprintf(out, "{\n  \"technology\": ");
    val_json_str(out, lib->overlay[0] ? lib->overlay : "generic");
    fprintf(out, ",\n  \"fitted_on\": ");
    val_json_str(out, lib->fitted_on);
    fprintf(out, ",\n  \"chips\": [\n");
    for (size_t i = 0; i < n; i++) {
        const val_row *r = &rows[i];
        const en_validation *v = &r->v;
        const double *p = v->class_pj_per_mac;
        fprintf(out, "  {\"chip\": ");
        val_json_str(out, r->chip->name);
        fprintf(out, ", \"file\": ");
        val_json_str(out, r->chip->file);
        fprintf(out, ", \"config\": ");
        val_json_str(out, r->chip->config);
        fprintf(out, ", \"workload\": ");
        val_json_str(out, r->chip->workload);
        fprintf(out,
                ", \"batch\": %u, \"node_nm\": %g, \"measurement\": \"%s\", \"basis\": \"%s\",\n"
                "   \"gops_per_w_model\": %.6g, \"gops_per_w_published\": %.6g, "
                "\"efficiency_error_percent\": %.6g,\n"
                "   \"throughput_gops_model\": %.6g, \"throughput_gops_published\": %.6g, "
                "\"throughput_error_percent\": %.6g,\n"
                "   \"power_w_model\": %.6g, \"power_w_published\": %.6g, "
                "\"power_error_percent\": %.6g,\n"
                "   \"area_mm2_model\": %.6g, \"area_mm2_published\": %.6g, "
                "\"area_error_percent\": %.6g,\n"
                "   \"pj_per_mac\": {\"arithmetic\": %.6g, \"registers\": %.6g, \"sram\": %.6g, "
                "\"wires\": %.6g, \"leakage_clock\": %.6g},\n"
                "   \"pj_per_mac_model\": %.6g, \"published_pj_per_mac\": %.6g, "
                "\"pass_pj_per_mac_min\": %.6g, \"pass_pj_per_mac_max\": %.6g, "
                "\"efficiency_pass\": %s,\n"
                "   \"utilization\": %.6g, \"achieved_gops_per_w_chip\": %.6g, "
                "\"achieved_gops_per_w_system\": %.6g}%s\n",
                r->chip->batch, r->cfg.tech.node_nm, en_measure_name(r->chip->measurement),
                en_basis_name(r->chip->basis), v->gops_per_w_model, v->gops_per_w_published,
                v->efficiency_error_percent, v->throughput_gops_model,
                v->throughput_gops_published, v->throughput_error_percent, v->power_w_model,
                v->power_w_published, v->power_error_percent, v->area_mm2_model,
                v->area_mm2_published, v->area_error_percent, p[0], p[1], p[2], p[3], p[4],
                v->pj_per_mac_model, v->published_pj_per_mac, v->pass_pj_per_mac_min,
                v->pass_pj_per_mac_max, v->efficiency_pass ? "true" : "false", v->utilization,
                v->achieved_gops_per_w_chip, v->achieved_gops_per_w_system,
                i + 1 < n ? "," : "");
    }
    fprintf(out, "  ],\n  \"summary\": {\n");
    val_json_summary(out, "silicon", rows, n, EN_SILICON, false);
    val_json_summary(out, "post_layout", rows, n, EN_POST_LAYOUT, false);
    val_json_summary(out, "all", rows, n, -1, true);
    fprintf(out, "  }\n}\n");
}

int cmd_validate(int argc, char **argv)
{
    val_opts o;
    bool help = false;
    int rc = val_args(argc, argv, &o, &help);
    if (rc || help) {
        if (help)
            val_usage(stdout);
        return rc;
    }
    const char *dir = o.dir;
    tech_lib *lib = NULL;
    fw_err err;
    en_chip *chips = calloc(EN_CHIP_MAX, sizeof *chips);
    val_row *rows = calloc(EN_CHIP_MAX, sizeof *rows);
    size_t count = 0, n = 0;
    bool embedded = false;
    if (!chips || !rows)
        rc = fw_err_set(&err, FW_EXIT_IO, "out of memory");
    if (!rc && !(rc = tech_load(getenv("FLOPWATT_DATA"), &lib, &err)) && o.tech)
        rc = tech_overlay_apply(lib, o.tech, &err);
    if (!rc)
        rc = cli_chips_load(&dir, o.select, o.select_count, chips, &count, &err);
    for (size_t i = 0; i < count && !rc; i++) {
        if (!cli_chips_selected(&chips[i], o.select, o.select_count))
            continue;
        val_row *r = &rows[n++];
        r->chip = &chips[i];
        if (!(rc = en_validate_prepare(lib, r->chip, &r->cfg, &r->run, &embedded, &err)) &&
            (rc = en_validate_price(lib, &r->cfg, &r->run, r->chip, &r->v, &err)))
            fw_err_prefix(&err, "%s", r->chip->file);
    }
    if (rc) {
        fprintf(stderr, "flopwatt validate: %s\n", err.msg);
    } else {
        if (o.json)
            val_json(stdout, lib, rows, n);
        else
            val_text(stdout, lib, rows, n, dir, embedded);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "flopwatt validate: write error on stdout\n");
            rc = FW_EXIT_IO;
        }
        for (size_t i = 0; i < n && o.max_error >= 0 && rc != FW_EXIT_IO; i++)
            if (fabs(rows[i].v.efficiency_error_percent) > o.max_error) {
                fprintf(stderr, "flopwatt validate: %s: |efficiency error| %.1f%% > %g%%\n",
                        rows[i].chip->name, fabs(rows[i].v.efficiency_error_percent),
                        o.max_error);
                rc = FW_EXIT_FAIL;
            }
    }
    tech_destroy(lib);
    free(chips);
    free(rows);
    return rc;
}
