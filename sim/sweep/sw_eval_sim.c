/* sw_eval_sim: config + fast engine point evaluator (see sw_eval_sim.h). */
#include "sweep/sw_eval_sim.h"
#include "config/cfg.h"
#include "engine/eng.h"

#include <stdlib.h>
#include <string.h>

static const char *const sw_sim_metrics[] = {
    "latency_cycles", "latency_ms", "stall_cycles", "macs",       "utilization",
    "gflops",         "dram_bytes", "pe_count",     "sram_bytes",
};

struct sw_eval_sim {
    int unused; /* no state yet: every point is independent */
};

static int sw_sim_eval(void *ctx, const jr_doc *config, const wl_workload *workload, double *values,
                       fw_err *err)
{
    (void)ctx;
    char *text = cJSON_PrintUnformatted(config->root);
    if (!text)
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    cfg_accel cfg;
    int rc = cfg_parse(config->file, text, NULL, 0, &cfg, err);
    cJSON_free(text);
    if (rc)
        return rc;
    eng_counters total;
    memset(&total, 0, sizeof total);
    const eng_options opt = {.kind = ENG_FAST};
    for (size_t i = 0; i < workload->layer_count && !rc; i++) {
        const wl_layer *layer = &workload->layers[i];
        if (layer->kind == WL_NOMAC)
            continue;
        eng_result res;
        memset(&res, 0, sizeof res);
        rc = eng_run_layer(&cfg, layer, &opt, &res, err);
        if (!rc)
            rc = eng_counters_add(&total, &res.c, err);
        if (rc)
            fw_err_prefix(err, "layer %s", layer->name);
        eng_result_fini(&res);
    }
    if (rc)
        return rc;
    double cycles = (double)total.cycles;
    double seconds = cycles / (cfg.clock_mhz * 1e6);
    uint64_t dram = 0;
    for (unsigned op = 0; op < CFG_OPERANDS; op++)
        dram += total.dram_read_bytes[op] + total.dram_write_bytes[op];
    values[0] = cycles;
    values[1] = seconds * 1e3;
    values[2] = (double)total.stall_cycles;
    values[3] = (double)total.macs;
    values[4] = cycles > 0 ? (double)total.macs / (cycles * cfg.rows * cfg.cols) : 0;
    values[5] = seconds > 0 ? 2.0 * (double)total.macs / seconds / 1e9 : 0;
    values[6] = (double)dram;
    values[7] = (double)cfg.rows * cfg.cols;
    double sram = 0;
    for (unsigned op = 0; op < CFG_OPERANDS; op++)
        sram += (double)cfg.sram[op].size_bytes;
    values[8] = sram;
    return 0;
}

int sw_eval_sim_create(sw_eval_sim **out, sw_eval *ev, fw_err *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    *ev = (sw_eval){"sim-fast-v1", sw_sim_metrics, sizeof sw_sim_metrics / sizeof sw_sim_metrics[0],
                    *out, sw_sim_eval};
    return 0;
}

void sw_eval_sim_destroy(sw_eval_sim *sim)
{
    free(sim);
}
