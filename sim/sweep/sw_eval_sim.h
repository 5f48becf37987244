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
 *   utilization     macs / (latency_cycles x rows x cols)   (these, gops, latency_ms and
 *                   dram_bytes are net_derive's, engine/net.h, as in `flopwatt run`)
 *   gops            2 x macs / latency: G ops per second, 1 MAC = 2 ops (a FLOP for floating
 *                   formats). A sweep may mix integer and floating points in one table, so its
 *                   metric names are precision-neutral; `flopwatt run` names them GFLOPS or GOPS
 *   dram_bytes      DRAM bytes read and written
 *   pe_count        rows x cols
 *   sram_bytes      total SRAM capacity of the three operand buffers
 *   energy_chip_pj  everything on the die (en_breakdown chip_pj): arithmetic, registers, SRAM,
 *                   wires, leakage, clock over latency_cycles
 *   energy_system_pj  energy_chip_pj + energy_dram_pj
 *   power_chip_w, power_system_w, gops_per_w_chip, gops_per_w_system, pj_per_mac_chip,
 *   pj_per_mac_system, area_mm2   from the same en_breakdown
 *   energy_mac_pj, energy_sram_pj (three operands), energy_dram_pj   parts of energy_system_pj
 * Pricing the summed counters equals the sum of per-layer prices (en_price is linear).
 */
#ifndef SW_EVAL_SIM_H
#define SW_EVAL_SIM_H

#include "common/fw_err.h"
#include "sweep/sw_run.h"

typedef struct sw_eval_sim sw_eval_sim;

/* Creates the evaluator's state (loads the technology data: embedded, or FLOPWATT_DATA=DIR, with
 * the calibration overlay tech_overlay applied when not NULL) and fills *ev (whose ctx points
 * into it). With an overlay the evaluator's name carries its factors, so a sweep resumed with
 * other factors, or none, is refused instead of mixing results. Caller owns *out (sw_eval_sim_destroy, which accepts
 * NULL). Fails with FW_EXIT_IO when out of memory or unreadable data, FW_EXIT_INPUT when the
 * technology data is invalid. */
int sw_eval_sim_create(sw_eval_sim **out, sw_eval *ev, const char *tech_overlay, fw_err *err);
void sw_eval_sim_destroy(sw_eval_sim *sim);

#endif
