/* flopwatt calibrate: fits one scale factor per energy class (arithmetic, registers, SRAM, wires,
 * leakage and clock) to a chosen subset of the chip database (sim/energy/en_cal.h), reports each
 * chip's uncalibrated, fitted and leave-one-out efficiency errors, and writes the factors as a
 * technology overlay (--out FILE) that run, sweep, ceiling and validate read with --tech FILE.
 * The generic model is never changed: an overlay applies only where it is named.
 */
#include "cli/cli_chips.h"
#include "cli/cli_opt.h"
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "config/cfg.h"
#include "energy/en_cal.h"
#include "energy/en_chip.h"
#include "energy/en_validate.h"
#include "tech/tech.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void cal_usage(FILE *out)
{
    fprintf(out,
            "usage: flopwatt calibrate [--chips DIR] [--chip NAME]... [--measurement M]\n"
            "                          [--bound B] [--prior S] [--out FILE] [--json]\n"
            "  fits one factor per energy class (arithmetic, registers, sram, wires,\n"
            "  leakage_clock) to the published efficiency of the chosen chips, in log space,\n"
            "  each factor within [1/B, B], and reports every chip's error uncalibrated, fitted\n"
            "  and leave-one-out (predicted with factors fitted without it)\n"
            "  --chips DIR       the database (default configs/chips, else the built-in copy)\n"
            "  --chip NAME       fit on this chip (repeatable; default: every chip)\n"
            "  --measurement M   fit on silicon, post-layout or all chips (default all)\n"
            "  --bound B         factor bound, > 1 (default %g)\n"
            "  --prior S         pull each factor towards 1: an extra residual ln(f) / S per\n"
            "                    class (ridge in log space; default none)\n"
            "  --out FILE        write the factors as a technology overlay (--tech FILE)\n"
            "  --json            JSON instead of the table\n"
            "  FLOPWATT_DATA=DIR read the technology data from DIR\n",
            EN_CAL_DEFAULT_BOUND);
}

typedef struct cal_chip {
    const en_chip *chip;
    cfg_accel cfg;
    en_val_run run;
    double published_pj, uncal_error, fit_error, loo_error;
} cal_chip;

typedef struct cal_ctx {
    const tech_lib *base;
    tech_lib *work;
    cal_chip *chips;
} cal_ctx;

/* The model of validate with the factors f on top of the base technology. */
static double cal_predict(void *vctx, size_t i, const double f[TECH_CLASS_COUNT])
{
    cal_ctx *x = vctx;
    memcpy(x->work, x->base, sizeof *x->work);
    tech_scale_classes(x->work, f);
    en_validation v;
    fw_err err;
    const cal_chip *c = &x->chips[i];
    if (en_validate_price(x->work, &c->cfg, &c->run, c->chip, &v, &err))
        return NAN;
    return v.pj_per_mac_model;
}

static double cal_err(double model_pj, double published_pj)
{
    return 100.0 * (published_pj / model_pj - 1.0); /* efficiency: GOPS/W ~ 1 / pJ */
}

static int cal_write(const char *path, const en_cal_fit *fit, const cal_chip *chips, size_t n,
                     double bound, fw_err *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return fw_err_set(err, FW_EXIT_IO, "%s: cannot write", path);
    fprintf(f,
            "{\n  \"about\": \"flopwatt calibrate: one factor per energy class fitted in log "
            "space (bound %g) to the published efficiency of the chips below; rms "
            "ln(modelled/published) %.4g. Apply with --tech FILE; the generic model is "
            "unchanged.\",\n  \"fitted_on\": [",
            bound, fit->rms_ln);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\"%s\"", i ? ", " : "", chips[i].chip->name);
    fprintf(f, "],\n  \"scale\": {");
    for (int c = 0; c < TECH_CLASS_COUNT; c++)
        fprintf(f, "%s\"%s\": %.9g", c ? ", " : "", tech_class_name((tech_class)c), fit->f[c]);
    fprintf(f, "}\n}\n");
    if (fclose(f) != 0)
        return fw_err_set(err, FW_EXIT_IO, "%s: write error", path);
    return 0;
}

static void cal_summary(FILE *out, const char *label, const cal_chip *c, size_t n, int m, bool json,
                        bool last)
{
    double u[EN_CHIP_MAX] = {0}, l[EN_CHIP_MAX] = {0};
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (m < 0 || c[i].chip->measurement == (en_measure)m) {
            u[k] = c[i].uncal_error;
            l[k++] = c[i].loo_error;
        }
    en_val_summary su, sl;
    en_val_summarize(u, k, &su);
    en_val_summarize(l, k, &sl);
    if (json) {
        fprintf(out,
                "    \"%s\": {\"chips\": %zu, \"uncalibrated\": {\"median_abs_error_percent\": "
                "%.6g, \"worst_abs_error_percent\": %.6g, \"geomean_ratio\": %.6g}, "
                "\"leave_one_out\": {\"median_abs_error_percent\": %.6g, "
                "\"worst_abs_error_percent\": %.6g, \"geomean_ratio\": %.6g}}%s\n",
                label, k, su.median_abs_error_percent, su.worst_abs_error_percent,
                su.geomean_ratio, sl.median_abs_error_percent, sl.worst_abs_error_percent,
                sl.geomean_ratio, last ? "" : ",");
        return;
    }
    if (!k) {
        fprintf(out, "  %-12s  0 chips\n", label);
        return;
    }
    fprintf(out,
            "  %-12s %2zu chips  uncalibrated: median |error| %6.1f%% worst %6.1f%% geomean "
            "%.3f   leave-one-out: median %6.1f%% worst %6.1f%% geomean %.3f\n",
            label, k, su.median_abs_error_percent, su.worst_abs_error_percent, su.geomean_ratio,
            sl.median_abs_error_percent, sl.worst_abs_error_percent, sl.geomean_ratio);
}

static void cal_report(FILE *out, const en_cal_fit *fit, const cal_chip *c, size_t n,
                       double bound, bool json)
{
    if (json) {
        fprintf(out, "{\n  \"bound\": %g, \"rms_ln\": %.6g, \"iterations\": %zu,\n  \"scale\": {",
                bound, fit->rms_ln, fit->iterations);
        for (int k = 0; k < TECH_CLASS_COUNT; k++)
            fprintf(out, "%s\"%s\": %.9g", k ? ", " : "", tech_class_name((tech_class)k),
                    fit->f[k]);
        fprintf(out, "},\n  \"at_bound\": [");
        for (int k = 0, first = 1; k < TECH_CLASS_COUNT; k++)
            if (fit->at_bound[k]) {
                fprintf(out, "%s\"%s\"", first ? "" : ", ", tech_class_name((tech_class)k));
                first = 0;
            }
        fprintf(out, "],\n  \"chips\": [\n");
        for (size_t i = 0; i < n; i++)
            fprintf(out,
                    "    {\"chip\": \"%s\", \"measurement\": \"%s\", \"published_pj_per_mac\": "
                    "%.6g, \"uncalibrated_error_percent\": %.6g, \"fitted_error_percent\": %.6g, "
                    "\"leave_one_out_error_percent\": %.6g}%s\n",
                    c[i].chip->name, en_measure_name(c[i].chip->measurement), c[i].published_pj,
                    c[i].uncal_error, c[i].fit_error, c[i].loo_error, i + 1 < n ? "," : "");
        fprintf(out, "  ],\n  \"summary\": {\n");
        cal_summary(out, "silicon", c, n, EN_SILICON, true, false);
        cal_summary(out, "post_layout", c, n, EN_POST_LAYOUT, true, false);
        cal_summary(out, "all", c, n, -1, true, true);
        fprintf(out, "  }\n}\n");
        return;
    }
    fprintf(out,
            "flopwatt calibrate: %zu chips, one factor per energy class within [1/%g, %g], "
            "least squares on ln(modelled/published efficiency)\n",
            n, bound, bound);
    fprintf(out, "factors:");
    for (int k = 0; k < TECH_CLASS_COUNT; k++)
        fprintf(out, " %s %.4g%s", tech_class_name((tech_class)k), fit->f[k],
                fit->at_bound[k] ? " (at the bound)" : "");
    fprintf(out, "; rms ln error %.4g (%zu iterations)\n", fit->rms_ln, fit->iterations);
    fprintf(out, "efficiency error (modelled / published - 1): uncalibrated = the generic model; "
                 "fitted = with the factors above (in-sample); leave-one-out = with factors "
                 "fitted on the other chips (held out)\n\n");
    fprintf(out, "%-12s %-11s %12s %13s %9s %14s\n", "chip", "measured", "published pJ",
            "uncalibrated", "fitted", "leave-one-out");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%-12s %-11s %12.4g %12.1f%% %8.1f%% %13.1f%%\n", c[i].chip->name,
                en_measure_name(c[i].chip->measurement), c[i].published_pj, c[i].uncal_error,
                c[i].fit_error, c[i].loo_error);
    fprintf(out, "\nsummary:\n");
    cal_summary(out, "silicon", c, n, EN_SILICON, false, false);
    cal_summary(out, "post-layout", c, n, EN_POST_LAYOUT, false, false);
    cal_summary(out, "all", c, n, -1, false, true);
}

enum { CAL_OPT_JSON = 256, CAL_OPT_CHIPS, CAL_OPT_OUT, CAL_OPT_CHIP, CAL_OPT_MEASUREMENT,
       CAL_OPT_BOUND, CAL_OPT_PRIOR };

static const struct option cal_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"json", no_argument, NULL, CAL_OPT_JSON},
    {"chips", required_argument, NULL, CAL_OPT_CHIPS},
    {"out", required_argument, NULL, CAL_OPT_OUT},
    {"chip", required_argument, NULL, CAL_OPT_CHIP},
    {"measurement", required_argument, NULL, CAL_OPT_MEASUREMENT},
    {"bound", required_argument, NULL, CAL_OPT_BOUND},
    {"prior", required_argument, NULL, CAL_OPT_PRIOR},
    {NULL, 0, NULL, 0},
};

int cmd_calibrate(int argc, char **argv)
{
    const char *dir = NULL, *outp = NULL, *sel[EN_CHIP_MAX];
    size_t nsel = 0;
    int measure = -1;
    double bound = EN_CAL_DEFAULT_BOUND, prior = 0;
    bool json = false;
    cli_opt p;
    cli_opt_init(&p, "calibrate", "h", cal_options);
    for (int c; (c = cli_opt_next(&p, argc, argv)) != -1;) {
        char *end;
        switch (c) {
        case 'h':
            cal_usage(stdout);
            return 0;
        case CAL_OPT_JSON:
            json = true;
            break;
        case CAL_OPT_CHIPS:
            dir = p.arg;
            break;
        case CAL_OPT_OUT:
            outp = p.arg;
            break;
        case CAL_OPT_CHIP:
            if (nsel == EN_CHIP_MAX) {
                fprintf(stderr, "flopwatt calibrate: more than %d --chip\n", EN_CHIP_MAX);
                return FW_EXIT_INPUT;
            }
            sel[nsel++] = p.arg;
            break;
        case CAL_OPT_MEASUREMENT:
            measure = !strcmp(p.arg, "silicon") ? EN_SILICON
                      : !strcmp(p.arg, "post-layout") ? EN_POST_LAYOUT
                      : !strcmp(p.arg, "all")         ? -1
                                                      : -2;
            if (measure == -2) {
                fprintf(stderr, "flopwatt calibrate: --measurement %s: silicon, post-layout or "
                                "all\n", p.arg);
                return FW_EXIT_INPUT;
            }
            break;
        case CAL_OPT_PRIOR:
            prior = strtod(p.arg, &end);
            if (*end || end == p.arg || !(prior > 0) || !isfinite(prior)) {
                fprintf(stderr, "flopwatt calibrate: --prior %s: a number > 0\n", p.arg);
                return FW_EXIT_INPUT;
            }
            break;
        case CAL_OPT_BOUND:
            bound = strtod(p.arg, &end);
            if (*end || end == p.arg || !(bound > 1) || !isfinite(bound) || bound > 1e3) {
                fprintf(stderr, "flopwatt calibrate: --bound %s: a number in (1, 1000]\n", p.arg);
                return FW_EXIT_INPUT;
            }
            break;
        default:
            return FW_EXIT_INPUT;
        }
    }
    if (p.next < argc)
        return cli_opt_extra(&p, argv[p.next]);
    fw_err err;
    tech_lib *lib = NULL;
    en_chip *db = calloc(EN_CHIP_MAX, sizeof *db);
    cal_chip *chips = calloc(EN_CHIP_MAX, sizeof *chips);
    double *pub = calloc(EN_CHIP_MAX, sizeof *pub), *loo = calloc(EN_CHIP_MAX, sizeof *loo);
    cal_ctx ctx = {0};
    size_t count = 0, n = 0;
    bool embedded = false;
    int rc = 0;
    if (!db || !chips || !pub || !loo || !(ctx.work = malloc(sizeof *ctx.work)))
        rc = fw_err_set(&err, FW_EXIT_IO, "out of memory");
    if (!rc)
        rc = tech_load(getenv("FLOPWATT_DATA"), &lib, &err);
    if (!rc)
        rc = cli_chips_load(&dir, sel, nsel, db, &count, &err);
    for (size_t i = 0; i < count && !rc; i++) {
        if (!cli_chips_selected(&db[i], sel, nsel) ||
            (measure >= 0 && db[i].measurement != (en_measure)measure))
            continue;
        cal_chip *c = &chips[n++];
        c->chip = &db[i];
        en_validation v;
        if (!(rc = en_validate_prepare(lib, c->chip, &c->cfg, &c->run, &embedded, &err)) &&
            (rc = en_validate_price(lib, &c->cfg, &c->run, c->chip, &v, &err)))
            fw_err_prefix(&err, "%s", c->chip->file);
        c->published_pj = v.published_pj_per_mac;
        c->uncal_error = v.efficiency_error_percent;
        pub[n - 1] = c->published_pj;
    }
    ctx.base = lib;
    ctx.chips = chips;
    en_cal_problem prob = {n, pub, cal_predict, &ctx, bound, prior};
    en_cal_fit fit;
    if (!rc)
        rc = en_cal_fit_set(&prob, NULL, &fit, &err);
    if (!rc)
        rc = en_cal_leave_one_out(&prob, NULL, loo, &err);
    for (size_t i = 0; i < n && !rc; i++) {
        chips[i].fit_error = cal_err(cal_predict(&ctx, i, fit.f), chips[i].published_pj);
        chips[i].loo_error = cal_err(loo[i], chips[i].published_pj);
    }
    if (!rc && outp)
        rc = cal_write(outp, &fit, chips, n, bound, &err);
    if (rc) {
        fprintf(stderr, "flopwatt calibrate: %s\n", err.msg);
    } else {
        cal_report(stdout, &fit, chips, n, bound, json);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "flopwatt calibrate: write error on stdout\n");
            rc = FW_EXIT_IO;
        }
    }
    tech_destroy(lib);
    free(ctx.work);
    free(db);
    free(chips);
    free(pub);
    free(loo);
    return rc;
}
