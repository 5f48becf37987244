/* en_ladder: the efficiency ceiling of one MAC precision at one (node, supply) point, as a ladder
 * of cumulative energy per MAC (flopwatt ceiling), priced with one arithmetic source (datapath:
 * the operators alone, the lower bound of a MAC's energy; as built: published measured units,
 * tech_as_built_factor >= 1, so every rung of the as-built ladder costs at least the datapath
 * one). Two kinds of ladder:
 *
 * The reference ladder (en_ladder_src): a nominal design at stated reuse (assumptions.json);
 * a reference, not a bound on any particular design. Rungs, each adding to the previous one:
 *   arithmetic      multiply (input format) + add (accumulator format) [x as-built factor]
 *   +registers      PE operand/partial-sum register accesses per MAC (assumptions.json ladder:
 *                   input reads/writes x input bits + accumulator reads/writes x acc bits)
 *   +sram           SRAM input-element reads and accumulator-element writes per MAC at a nominal
 *                   reuse, in a nominal buffer (capacity, word width)
 *   +dram           DRAM input elements per MAC x input bits x pJ/bit of the nominal interface
 *   +leakage_clock  (leakage + clock fractions) x the PE energy (arithmetic + registers), the
 *                   same rule as the accounting at full rate (en.h)
 *
 * The design ladder (en_ladder_design): the same rungs with a design's own reuse, from the
 * simulator's counters c of a whole workload priced with the design's costs k:
 *   arithmetic      k.mac_pj (every MAC)
 *   +registers      register energy / MACs
 *   +sram           every other on-die energy / MACs: the operand SRAMs and their wires to
 *                   the array (chip energy - arithmetic - registers - leakage - clock, so a
 *                   storage level the accounting prices later is covered too)
 *   +dram           DRAM energy / MACs (0 with dram.type none)
 *   +leakage_clock  (leakage + clock per cycle) / (R x C): at full rate, every PE busy
 * The achieved figure (en_price: system energy / MACs) differs from the top rung only in
 * leakage and clock, charged for the cycles actually taken: cycles >= MACs / (R x C) (at most
 * one MAC per PE per cycle), so achieved >= top rung >= ... >= arithmetic in energy, i.e. the
 * achieved efficiency never exceeds any rung (equal at 100% utilization).
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

/* The reference ladder priced with src into out[0..EN_LADDER_RUNGS-1]. The nominal DRAM type of
 * the assumptions must exist (checked when the data is loaded). */
void en_ladder_src(const tech_point *pt, nx_fmt in, nx_fmt acc, tech_arith_source src,
                   en_rung out[EN_LADDER_RUNGS]);
/* en_ladder_src with the datapath source. */
void en_ladder(const tech_point *pt, nx_fmt in, nx_fmt acc, en_rung out[EN_LADDER_RUNGS]);

/* The design ladder of counters c (a whole workload) priced with the costs k of cfg (rules
 * above). With no MACs every rung is 0 pJ and 0 GFLOPS/W. Pure arithmetic. */
void en_ladder_design(const en_costs *k, const cfg_accel *cfg, const eng_counters *c,
                      en_rung out[EN_LADDER_RUNGS]);

/* The supply at which one MAC priced by src reaches a target efficiency at a node (the
 * arithmetic rung alone; GSL Brent root finding, tech_vdd_for_scale), and whether it lies in
 * the node's plausible range (tech_lib vdd_min_rel..vdd_max_rel x nominal). */
typedef struct en_supply {
    bool reachable;                /* a supply in (floor, 3 x nominal] reaches the target */
    bool plausible;                /* reachable and within the plausible range */
    double vdd_v;                  /* the supply (or the nearer end when not reachable) */
    double gflops_per_w_nominal;   /* the rung at the node's nominal supply */
    char reason[FW_ERR_MSG_BYTES]; /* why not, when not reachable */
} en_supply;
void en_supply_for(const tech_lib *lib, const tech_node *node, nx_fmt in, nx_fmt acc,
                   tech_arith_source src, double target_gflops_per_w, en_supply *out);

/* The "achieved" rung: simulates every MAC layer of wl on cfg with the fast engine (real
 * memory, stalls included), sums the counters into *total and prices them with costs (which
 * must come from the same cfg). Fails as eng_run_layer does (FW_EXIT_INPUT: layer too large). */
int en_achieved(const en_costs *costs, const cfg_accel *cfg, const wl_workload *wl,
                eng_counters *total, en_breakdown *out, fw_err *err);

/* GFLOPS/W of an energy per MAC (2 FLOPs per MAC): 2000 / pj_per_mac. */
double en_gflops_per_w(double pj_per_mac);

#endif
