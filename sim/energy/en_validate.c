/* en_validate: modelled vs published peak throughput and efficiency (definitions in the header). */
#include "energy/en_validate.h"

#include "energy/en_ladder.h"

#include <math.h>

int en_validate(const tech_lib *lib, const cfg_accel *cfg, const wl_workload *wl,
                const tech_chip *chip, en_validation *out, fw_err *err)
{
    en_costs k;
    en_breakdown b;
    eng_counters c;
    *out = (en_validation){0};
    int rc = en_costs_init(lib, cfg, &k, err);
    if (!rc)
        rc = en_achieved(&k, cfg, wl, &c, &b, err);
    if (rc)
        return rc;
    double pes = (double)cfg->rows * (double)cfg->cols;
    out->peak_gops_model = 2.0 * pes * cfg->clock_mhz * 1e-3;
    out->peak_gops_published = chip->peak_gops;
    out->peak_error_percent = 100.0 * (out->peak_gops_model / chip->peak_gops - 1.0);
    out->peak_pass = fabs(out->peak_error_percent) <= EN_PEAK_TOLERANCE_PERCENT;
    if (c.macs == 0)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: no MACs to validate on", wl->name);
    double onchip = b.chip_pj - b.leakage_pj - b.clock_pj;
    out->onchip_dynamic_pj_per_mac = onchip / (double)c.macs;
    double macs = (double)c.macs;
    out->mac_pj_per_mac = b.mac_pj / macs;
    out->reg_pj_per_mac = b.reg_pj / macs;
    out->sram_pj_per_mac =
        (b.sram_pj[CFG_IFMAP] + b.sram_pj[CFG_FILTER] + b.sram_pj[CFG_OFMAP]) / macs;
    out->wire_pj_per_mac = b.wire_pj / macs;
    out->overhead_pj_per_mac = (k.leakage_pj_per_cycle + k.clock_pj_per_cycle) / pes;
    out->gops_per_w_model =
        en_gflops_per_w(out->onchip_dynamic_pj_per_mac + out->overhead_pj_per_mac);
    out->gops_per_w_published = chip->peak_gops / chip->power_w;
    out->efficiency_error_percent =
        100.0 * (out->gops_per_w_model / out->gops_per_w_published - 1.0);
    double tol = EN_EFFICIENCY_TOLERANCE_PERCENT / 100.0;
    /* 2 ops per MAC: pJ per MAC = 2 / (GOPS/W) x 1000 */
    out->published_pj_per_mac = 2000.0 / out->gops_per_w_published;
    out->pass_pj_per_mac_min = 2000.0 / (out->gops_per_w_published * (1.0 + tol));
    out->pass_pj_per_mac_max = 2000.0 / (out->gops_per_w_published * (1.0 - tol));
    out->efficiency_pass = fabs(out->efficiency_error_percent) <= EN_EFFICIENCY_TOLERANCE_PERCENT;
    out->utilization = c.cycles ? (double)c.macs / (pes * (double)c.cycles) : 0;
    out->achieved_gops_per_w = b.gops_per_w_system;
    out->achieved_onchip_gops_per_w = b.gops_per_w_chip;
    out->area_mm2_model = k.area_mm2;
    if (chip->area_mm2 > 0)
        out->area_error_percent = 100.0 * (k.area_mm2 / chip->area_mm2 - 1.0);
    return 0;
}
