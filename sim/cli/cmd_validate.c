/* flopwatt validate: runs the shipped configs that model published chips (references.json
 * "chips": config and workload paths relative to the repository root) with the fast engine and
 * compares modelled with published peak throughput and efficiency (sim/energy/en_validate.h).
 * Exit status 0 when every chip passes (peak exact, efficiency within +-35%), 1 otherwise.
 */
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "config/cfg.h"
#include "energy/en_validate.h"
#include "tech/tech.h"
#include "workload/wl.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void val_usage(FILE *out)
{
    fprintf(out, "usage: flopwatt validate [--json]\n"
                 "  runs configs/validate/*.json on their workloads (from the repository root)\n"
                 "  and compares with the published chips of models/tech/data/references.json\n"
                 "  FLOPWATT_DATA=DIR  read the technology data from DIR\n");
}

/* The chip's config and workload: the repository files when they exist (run from the root),
 * else the copies built into the binary (tech_embedded_inputs). */
static int val_inputs(const tech_chip *c, cfg_accel *cfg, wl_workload **wl, bool *embedded,
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

static void val_text(FILE *out, const tech_lib *lib, const en_validation *v, size_t n,
                     bool embedded)
{
    fprintf(out,
            "flopwatt validate: modelled vs published chips (fast engine; pass: peak "
            "throughput within %.1f%% = the published rounding, efficiency within %.0f%%)\n",
            EN_PEAK_TOLERANCE_PERCENT, EN_EFFICIENCY_TOLERANCE_PERCENT);
    fprintf(out, "efficiency at peak rate: on-chip dynamic energy per MAC averaged over the "
                 "workload + leakage and clock per MAC at full rate; DRAM excluded (published "
                 "power is the chip's)\n");
    fprintf(out, "inputs: %s\n\n",
            embedded ? "copies built into the binary (not run from the repository root)"
                     : "the repository files");
    fprintf(out, "%-9s %12s %12s %8s  %12s %12s %8s  %s\n", "chip", "peak GOPS", "published",
            "error", "GOPS/W", "published", "error", "verdict");
    for (size_t i = 0; i < n; i++) {
        const tech_chip *c = &lib->chips[i];
        fprintf(out, "%-9s %12.5g %12.5g %7.2f%%  %12.4g %12.4g %7.1f%%  %s\n", c->name,
                v[i].peak_gops_model, v[i].peak_gops_published, v[i].peak_error_percent,
                v[i].gops_per_w_model, v[i].gops_per_w_published, v[i].efficiency_error_percent,
                v[i].peak_pass && v[i].efficiency_pass ? "pass" : "FAIL");
    }
    fprintf(out, "\n");
    for (size_t i = 0; i < n; i++) {
        const tech_chip *c = &lib->chips[i];
        fprintf(out,
                "%s: %s on %s (batch %u: %s)\n  modelled pJ per MAC: arithmetic %.4g + registers "
                "%.4g + SRAM "
                "%.4g + wires %.4g = on-chip dynamic %.4g, + leakage and clock %.4g at full rate\n"
                "  arithmetic alone would give %.4g GOPS/W; modelled area %.4g mm2",
                c->name, c->config, c->workload, c->batch, c->batch_source, v[i].mac_pj_per_mac,
                v[i].reg_pj_per_mac, v[i].sram_pj_per_mac, v[i].wire_pj_per_mac,
                v[i].onchip_dynamic_pj_per_mac, v[i].overhead_pj_per_mac,
                2000.0 / v[i].mac_pj_per_mac, v[i].area_mm2_model);
        if (c->area_mm2 > 0)
            fprintf(out, " (published %.4g mm2, %.1f%%)", c->area_mm2, v[i].area_error_percent);
        fprintf(out,
                "\n  published %.4g GOPS/W = %.4g pJ per MAC; within %.0f%% needs %.4g to %.4g pJ "
                "per MAC, of which the modelled arithmetic alone is %.0f%% of the upper end",
                v[i].gops_per_w_published, v[i].published_pj_per_mac,
                EN_EFFICIENCY_TOLERANCE_PERCENT, v[i].pass_pj_per_mac_min,
                v[i].pass_pj_per_mac_max, 100.0 * v[i].mac_pj_per_mac / v[i].pass_pj_per_mac_max);
        fprintf(out,
                "\n  achieved on the workload: utilization %.1f%%, %.4g GOPS/W on chip, %.4g "
                "GOPS/W with DRAM\n  published: %s\n",
                100 * v[i].utilization, v[i].achieved_onchip_gops_per_w, v[i].achieved_gops_per_w,
                c->source);
    }
}

static void val_json(FILE *out, const tech_lib *lib, const en_validation *v, size_t n)
{
    fprintf(out, "[\n");
    for (size_t i = 0; i < n; i++) {
        const tech_chip *c = &lib->chips[i];
        fprintf(out,
                "  {\"chip\": \"%s\", \"config\": \"%s\", \"workload\": \"%s\", \"batch\": %u,\n"
                "   \"peak_gops_model\": %.6g, \"peak_gops_published\": %.6g, "
                "\"peak_error_percent\": %.6g,\n"
                "   \"gops_per_w_model\": %.6g, \"gops_per_w_published\": %.6g, "
                "\"efficiency_error_percent\": %.6g,\n"
                "   \"pj_per_mac\": {\"arithmetic\": %.6g, \"registers\": %.6g, \"sram\": %.6g, "
                "\"wires\": %.6g, \"leakage_clock\": %.6g},\n"
                "   \"published_pj_per_mac\": %.6g, \"pass_pj_per_mac_min\": %.6g, "
                "\"pass_pj_per_mac_max\": %.6g,\n"
                "   \"onchip_dynamic_pj_per_mac\": %.6g, \"overhead_pj_per_mac\": %.6g, "
                "\"utilization\": %.6g,\n"
                "   \"achieved_gops_per_w\": %.6g, \"achieved_onchip_gops_per_w\": %.6g, "
                "\"area_mm2_model\": %.6g, \"area_error_percent\": %.6g,\n"
                "   \"peak_pass\": %s, \"efficiency_pass\": %s}%s\n",
                c->name, c->config, c->workload, c->batch, v[i].peak_gops_model,
                v[i].peak_gops_published, v[i].peak_error_percent, v[i].gops_per_w_model,
                v[i].gops_per_w_published, v[i].efficiency_error_percent, v[i].mac_pj_per_mac,
                v[i].reg_pj_per_mac, v[i].sram_pj_per_mac, v[i].wire_pj_per_mac,
                v[i].overhead_pj_per_mac, v[i].published_pj_per_mac, v[i].pass_pj_per_mac_min,
                v[i].pass_pj_per_mac_max, v[i].onchip_dynamic_pj_per_mac, v[i].overhead_pj_per_mac, v[i].utilization,
                v[i].achieved_gops_per_w, v[i].achieved_onchip_gops_per_w, v[i].area_mm2_model,
                v[i].area_error_percent, v[i].peak_pass ? "true" : "false",
                v[i].efficiency_pass ? "true" : "false", i + 1 < n ? "," : "");
    }
    fprintf(out, "]\n");
}

int cmd_validate(int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            val_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "flopwatt validate: %s: unknown argument\n", argv[i]);
            val_usage(stderr);
            return FW_EXIT_INPUT;
        }
    }
    tech_lib *lib;
    fw_err err;
    int rc = tech_load(getenv("FLOPWATT_DATA"), &lib, &err);
    if (rc) {
        fprintf(stderr, "flopwatt validate: %s\n", err.msg);
        return rc;
    }
    en_validation v[TECH_MAX_REFS];
    bool all_pass = true, embedded = false;
    for (size_t i = 0; i < lib->chip_count && !rc; i++) {
        const tech_chip *c = &lib->chips[i];
        cfg_accel cfg;
        wl_workload *wl = NULL;
        if ((rc = val_inputs(c, &cfg, &wl, &embedded, &err)) ||
            (rc = en_validate(lib, &cfg, wl, c, &v[i], &err) ? fw_err_prefix(&err, "%s", c->config)
                                                             : 0))
            fprintf(stderr, "flopwatt validate: %s\n", err.msg);
        wl_destroy(wl);
        all_pass &= v[i].peak_pass && v[i].efficiency_pass;
    }
    if (!rc) {
        if (json)
            val_json(stdout, lib, v, lib->chip_count);
        else
            val_text(stdout, lib, v, lib->chip_count, embedded);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "flopwatt validate: write error on stdout\n");
            rc = FW_EXIT_IO;
        } else if (!all_pass) {
            rc = FW_EXIT_FAIL;
        }
    }
    tech_destroy(lib);
    return rc;
}
