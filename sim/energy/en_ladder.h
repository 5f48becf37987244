/* en_ladder: the efficiency ceiling of one MAC precision at one (node, supply) point, as a ladder
 * of cumulative energy per MAC (flopwatt ceiling). Rungs, each adding to the previous one:
 *   arithmetic      multiply (input format) + add (accumulator format)
 *   +registers      PE operand/partial-sum register accesses per MAC (assumptions.json ladder:
 *                   input reads/writes x input bits + accumulator reads/writes x acc bits)
 *   +sram           SRAM input-element reads and accumulator-element writes per MAC at a nominal
 *                   reuse, in a nominal buffer (capacity, word width)
 *   +dram           DRAM input elements per MAC x input bits x pJ/bit of the nominal interface
 *   +leakage_clock  (leakage + clock fractions) x the PE energy (arithmetic + registers), the
 *                   same rule as the accounting at full rate (en.h)
 * GFLOPS/W = 2 FLOPs / energy per MAC (2000 / pJ). Stage sim/energy.
 */
#ifndef EN_LADDER_H
#define EN_LADDER_H

#include "energy/en.h"
#include "tech/tech.h"
#include "workload/wl.h"

#define EN_LADDER_RUNGS 5

typedef struct en_rung {
    const char *level;   /* "arithmetic", "+registers", "+sram", "+dram", "+leakage_clock" */
    double pj_per_mac;   /* cumulative */
    double gflops_per_w; /* 2000 / pj_per_mac */
} en_rung;

/* Fills out[0..EN_LADDER_RUNGS-1]. The nominal DRAM type of the assumptions must exist (checked
 * when the data is loaded). */
void en_ladder(const tech_point *pt, nx_fmt in, nx_fmt acc, en_rung out[EN_LADDER_RUNGS]);

/* The "achieved" rung: simulates every MAC layer of wl on cfg with the fast engine (real
 * memory, stalls included), sums the counters into *total and prices them with costs (which
 * must come from the same cfg). Fails as eng_run_layer does (FW_EXIT_INPUT: layer too large). */
int en_achieved(const en_costs *costs, const cfg_accel *cfg, const wl_workload *wl,
                eng_counters *total, en_breakdown *out, fw_err *err);

/* GFLOPS/W of an energy per MAC (2 FLOPs per MAC): 2000 / pj_per_mac. */
double en_gflops_per_w(double pj_per_mac);

#endif
