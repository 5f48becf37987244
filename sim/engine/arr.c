/* arr: the schedule's fold lengths and fold gaps (arr.h writes the schedule down). */
#include "engine/arr.h"

uint64_t arr_fold_cycles(const cfg_accel *cfg, uint64_t t)
{
    uint64_t r = cfg->rows, c = cfg->cols, p = cfg->mac_pipeline_cycles;
    if (cfg->dataflow == CFG_TREE)
        return t + 1;
    return cfg->dataflow == CFG_OS ? t + r + c - 2 : r + r * p + c + t - 2;
}

uint64_t arr_fold_gap(const cfg_accel *cfg, uint64_t t)
{
    if (cfg->schedule == CFG_SERIAL)
        return arr_fold_cycles(cfg, t);
    if (cfg->dataflow == CFG_TREE)
        return t > 2 ? t : 2;
    uint64_t rp = (uint64_t)cfg->rows * (cfg->dataflow == CFG_OS ? 1 : cfg->mac_pipeline_cycles);
    return t > rp ? t : rp;
}
