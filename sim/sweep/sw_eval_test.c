/* sw_eval_test: the analytic test evaluator of the sweep machinery (see sw_run.h). It stands in
 * for the simulator in the sweep's own tests (Pareto, resume, sharding, determinism) and is
 * selected on the command line only by the test hook FLOPWATT_SWEEP_TEST_EVAL=analytic. Its
 * figures have no physical meaning: they are a deterministic function of the workload's MAC
 * count and the config's JSON text, with a trade-off between latency and energy so that fronts
 * have several points. */
#include "sweep/sw_run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const sw_analytic_metrics[] = {"latency_cycles", "energy_pj", "area_mm2",
                                                  "macs"};

/* Sum of log2(1 + |x|) over the config's numeric leaves. */
static double sw_size_score(const cJSON *node)
{
    double s = 0;
    for (const cJSON *c = node->child; c; c = c->next) {
        if (cJSON_IsNumber(c))
            s += log2(1 + fabs(c->valuedouble));
        else if (cJSON_IsObject(c) || cJSON_IsArray(c))
            s += sw_size_score(c);
    }
    return s;
}

static int sw_analytic_eval(void *ctx, void *scratch, const jr_doc *config,
                            const wl_workload *workload, double *values, fw_err *err)
{
    (void)scratch;
    const unsigned *delay_us = ctx;
    char *text = cJSON_PrintUnformatted(config->root);
    if (!text)
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    uint64_t h = sw_fnv64(SW_FNV64_INIT, text, strlen(text));
    cJSON_free(text);
    double macs = (double)wl_total_macs(workload);
    double size = sw_size_score(config->root);
    values[0] = ceil(macs / (1 + size)) + (double)(h % 97);
    values[1] = macs * (1 + size / 10) + (double)(h % 1000);
    values[2] = size;
    values[3] = macs;
    if (delay_us && *delay_us) {
        struct timespec pause = {*delay_us / 1000000u, (long)(*delay_us % 1000000u) * 1000L};
        nanosleep(&pause, NULL);
    }
    return 0;
}

void sw_eval_analytic(sw_eval *out, unsigned *delay_us_ctx)
{
    *out = (sw_eval){"analytic-test", sw_analytic_metrics,
                     sizeof sw_analytic_metrics / sizeof sw_analytic_metrics[0], delay_us_ctx,
                     sw_analytic_eval, NULL, NULL, NULL};
}
