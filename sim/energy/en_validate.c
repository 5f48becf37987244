/* en_validate: modelled vs published chips (definitions in the header). */
#include "energy/en_validate.h"
#include "engine/net.h"

#include "energy/en_ladder.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int en_validate_run(const tech_lib *lib, const cfg_accel *cfg, const wl_workload *wl,
                    en_val_run *out, fw_err *err)
{
    en_costs k;
    en_breakdown b;
    *out = (en_val_run){0};
    int rc = en_costs_init(lib, cfg, &k, err);
    if (!rc)
        rc = en_achieved(&k, cfg, wl, &out->c, &b, err);
    if (rc)
        return rc;
    if (out->c.macs == 0)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: no MACs to validate on", wl->name);
    out->macs_per_image = (double)wl_total_macs(wl) / (double)(wl->batch ? wl->batch : 1);
    out->pes = (double)cfg->rows * (double)cfg->cols;
    return 0;
}

static int ev_inputs(const en_chip *c, cfg_accel *cfg, wl_workload **wl, bool *embedded,
                     fw_err *err)
{
    int rc;
    if (access(c->config, R_OK) == 0 && access(c->workload, R_OK) == 0) {
        if ((rc = cfg_load(c->config, NULL, 0, cfg, err)))
            return rc;
        return wl_load(c->workload, c->batch, wl, err);
    }
    const char *ct = tech_embedded_input(c->config), *wt = tech_embedded_input(c->workload);
    if (!ct || !wt)
        return fw_err_set(err, FW_EXIT_IO, "%s: cannot open, and no built-in copy",
                          ct ? c->workload : c->config);
    *embedded = true;
    if ((rc = cfg_parse(c->config, ct, NULL, 0, cfg, err)))
        return rc;
    return wl_parse_json(c->workload, wt, c->batch, wl, err);
}

int en_validate_prepare(const tech_lib *lib, const en_chip *chip, cfg_accel *cfg,
                        en_val_run *run, bool *embedded, fw_err *err)
{
    wl_workload *wl = NULL;
    int rc = ev_inputs(chip, cfg, &wl, embedded, err);
    if (!rc)
        rc = en_validate_run(lib, cfg, wl, run, err);
    wl_destroy(wl);
    return rc ? fw_err_prefix(err, "%s", chip->file) : 0;
}

double en_chip_throughput_gops(const en_chip *chip, double macs_per_image)
{
    if (chip->fig[EN_FIG_GOPS].present)
        return chip->fig[EN_FIG_GOPS].value;
    if (chip->fig[EN_FIG_FPS].present)
        return 2.0 * macs_per_image * chip->fig[EN_FIG_FPS].value * 1e-9;
    if (chip->fig[EN_FIG_GOPS_PER_W].present && chip->fig[EN_FIG_POWER].present)
        return chip->fig[EN_FIG_GOPS_PER_W].value * chip->fig[EN_FIG_POWER].value;
    return 0;
}

double en_chip_gops_per_w(const en_chip *chip, double macs_per_image)
{
    if (chip->fig[EN_FIG_GOPS_PER_W].present)
        return chip->fig[EN_FIG_GOPS_PER_W].value;
    return en_chip_throughput_gops(chip, macs_per_image) / chip->fig[EN_FIG_POWER].value;
}

static double ev_err(double model, double published)
{
    return published > 0 ? 100.0 * (model / published - 1.0) : 0;
}

int en_validate_price(const tech_lib *lib, const cfg_accel *cfg, const en_val_run *run,
                      const en_chip *chip, en_validation *out, fw_err *err)
{
    en_costs k;
    en_breakdown b;
    *out = (en_validation){0};
    int rc = en_costs_init(lib, cfg, &k, err);
    if (rc)
        return rc;
    en_price(&k, &run->c, &b);
    double macs = (double)run->c.macs;
    double *cls = out->class_pj_per_mac;
    cls[TECH_CLASS_ARITH] = b.mac_pj / macs;
    cls[TECH_CLASS_REG] = b.reg_pj / macs;
    cls[TECH_CLASS_SRAM] = (b.sram_pj[CFG_IFMAP] + b.sram_pj[CFG_FILTER] + b.sram_pj[CFG_OFMAP]) / macs;
    cls[TECH_CLASS_WIRE] = b.wire_pj / macs;
    double time_s = (double)run->c.cycles / k.clock_hz;
    out->basis = chip->basis;
    if (chip->basis == EN_BASIS_PEAK) {
        cls[TECH_CLASS_LEAK_CLOCK] = (k.leakage_pj_per_cycle + k.clock_pj_per_cycle) / run->pes;
        out->throughput_gops_model = 2.0 * run->pes * cfg->clock_mhz * 1e-3;
    } else {
        cls[TECH_CLASS_LEAK_CLOCK] = (b.leakage_pj + b.clock_pj) / macs;
        out->throughput_gops_model = time_s > 0 ? 2.0 * macs / time_s * 1e-9 : 0;
    }
    for (int c = 0; c < TECH_CLASS_COUNT; c++)
        out->pj_per_mac_model += cls[c];
    out->gops_per_w_model = en_gflops_per_w(out->pj_per_mac_model);
    out->throughput_gops_published = en_chip_throughput_gops(chip, run->macs_per_image);
    out->throughput_error_percent =
        ev_err(out->throughput_gops_model, out->throughput_gops_published);
    out->gops_per_w_published = en_chip_gops_per_w(chip, run->macs_per_image);
    out->efficiency_error_percent = ev_err(out->gops_per_w_model, out->gops_per_w_published);
    out->published_pj_per_mac = 2000.0 / out->gops_per_w_published;
    double tol = EN_EFFICIENCY_TOLERANCE_PERCENT / 100.0;
    out->pass_pj_per_mac_min = 2000.0 / (out->gops_per_w_published * (1.0 + tol));
    out->pass_pj_per_mac_max = 2000.0 / (out->gops_per_w_published * (1.0 - tol));
    out->efficiency_pass = fabs(out->efficiency_error_percent) <= EN_EFFICIENCY_TOLERANCE_PERCENT;
    if (chip->fig[EN_FIG_POWER].present) {
        out->power_w_published = chip->fig[EN_FIG_POWER].value;
        /* the modelled energy per op at the published throughput */
        out->power_w_model = out->throughput_gops_published / out->gops_per_w_model;
        out->power_error_percent = ev_err(out->power_w_model, out->power_w_published);
    }
    out->area_mm2_model = k.area_mm2;
    if (chip->fig[EN_FIG_AREA].present) {
        out->area_mm2_published = chip->fig[EN_FIG_AREA].value;
        out->area_error_percent = ev_err(k.area_mm2, out->area_mm2_published);
    }
    net_derived d;
    net_derive(cfg, &run->c, &d);
    out->utilization = d.utilization;
    /* chip = everything on the die (en.h), system = + DRAM */
    out->achieved_gops_per_w_chip = b.gops_per_w_chip;
    out->achieved_gops_per_w_system = b.gops_per_w_system;
    return 0;
}

static int ev_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void en_val_summarize(const double *error_percent, size_t n, en_val_summary *out)
{
    *out = (en_val_summary){0};
    out->n = n;
    if (n == 0)
        return;
    double *a = malloc(n * sizeof *a);
    double log_sum = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(error_percent[i]);
        if (e > out->worst_abs_error_percent)
            out->worst_abs_error_percent = e;
        log_sum += log(1.0 + error_percent[i] / 100.0);
        if (a)
            a[i] = e;
    }
    out->geomean_ratio = exp(log_sum / (double)n);
    if (a) {
        qsort(a, n, sizeof *a, ev_cmp);
        out->median_abs_error_percent = n % 2 ? a[n / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
        free(a);
    } else {
        out->median_abs_error_percent = NAN;
    }
}
