/* sw_eval_sim: the real point evaluator of a sweep (sw_run.h's sw_eval): validates the point's
 * config (sim/config), runs the fast engine (sim/engine) over every MAC layer of the workload,
 * prices the summed counters with the energy accounting (sim/energy, technology data loaded
 * once per evaluator) and reports whole-workload metrics. Stage sim/sweep.
 *
 * Metrics (one workload run = batch images as the workload says or the spec's "batch"):
 *   latency_cycles  sum of the layers' cycles (layers run one after another)
 *   latency_ms      latency_cycles / clock
 *   stall_cycles    cycles waiting for memory
 *   macs            useful multiply-accumulates
 *   utilization     macs / (latency_cycles x rows x cols)
 *   gflops          2 x macs / latency (1 MAC = 2 FLOPs; integer formats: GOPS)
 *   dram_bytes      DRAM bytes read and written
 *   pe_count        rows x cols
 *   sram_bytes      total SRAM capacity of the three operand buffers
 *   energy_pj       en_price total: dynamic + leakage + clock over latency_cycles
 *   power_w, gflops_per_w, pj_per_mac, area_mm2   from the same en_breakdown
 *   energy_mac_pj, energy_sram_pj (three operands), energy_dram_pj   parts of energy_pj
 * Pricing the summed counters equals the sum of per-layer prices (en_price is linear).
 */
#ifndef SW_EVAL_SIM_H
#define SW_EVAL_SIM_H

#include "common/fw_err.h"
#include "sweep/sw_run.h"

typedef struct sw_eval_sim sw_eval_sim;

/* Creates the evaluator's state (loads the technology data: embedded, or FLOPWATT_DATA=DIR) and
 * fills *ev (whose ctx points into it). Caller owns *out (sw_eval_sim_destroy, which accepts
 * NULL). Fails with FW_EXIT_IO when out of memory or unreadable data, FW_EXIT_INPUT when the
 * technology data is invalid. */
int sw_eval_sim_create(sw_eval_sim **out, sw_eval *ev, fw_err *err);
void sw_eval_sim_destroy(sw_eval_sim *sim);

#endif
