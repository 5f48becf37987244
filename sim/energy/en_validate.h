/* en_validate: a modelled accelerator against the published figures of the chip it models
 * (flopwatt validate). Definitions:
 *   peak throughput  2 ops x rows x cols x clock (GOPS); "exact" = within the rounding of the
 *                    published figure, taken as +-0.5%.
 *   efficiency       at peak rate, as chips publish it (peak ops / chip power): energy per MAC =
 *                    the workload's on-chip dynamic energy per MAC (MAC, registers, SRAM, wires;
 *                    fast engine, averaged over the workload) + leakage and clock per cycle
 *                    shared by the R x C MACs of a full-rate cycle. DRAM is excluded: published
 *                    chip power does not include the DRAM devices.
 *                    Passes within +-35% of the published peak ops / power.
 *   area             modelled (PE array + SRAMs) vs published die area, when published
 *                    (information, not checked: control, I/O and wiring are not modelled).
 *   achieved         on the workload itself, stalls and idle PEs included, with and without DRAM
 *                    (information, not checked).
 * Stage sim/energy.
 */
#ifndef EN_VALIDATE_H
#define EN_VALIDATE_H

#include "energy/en.h"
#include "tech/tech.h"
#include "workload/wl.h"

#define EN_PEAK_TOLERANCE_PERCENT 0.5
#define EN_EFFICIENCY_TOLERANCE_PERCENT 35.0

typedef struct en_validation {
    double peak_gops_model, peak_gops_published, peak_error_percent;
    double gops_per_w_model, gops_per_w_published, efficiency_error_percent;
    /* the published efficiency as energy per MAC (2000 / GOPS/W: 2 ops per MAC) and the range of
     * modelled energy per MAC that passes: 2000 / (published x (1 +- tolerance)) */
    double published_pj_per_mac, pass_pj_per_mac_min, pass_pj_per_mac_max;
    double onchip_dynamic_pj_per_mac; /* workload average, DRAM excluded: the sum of */
    double mac_pj_per_mac, reg_pj_per_mac, sram_pj_per_mac, wire_pj_per_mac;
    double overhead_pj_per_mac;        /* leakage + clock at full rate */
    double utilization;                /* macs / (R * C * cycles) on the workload */
    double achieved_gops_per_w;        /* everything, DRAM included */
    double achieved_onchip_gops_per_w; /* DRAM excluded */
    double area_mm2_model;
    double area_error_percent; /* vs the published area; 0 when none is published */
    bool peak_pass, efficiency_pass;
} en_validation;

/* Runs wl on cfg (fast engine) and compares with chip. Fails as en_costs_init / en_achieved. */
int en_validate(const tech_lib *lib, const cfg_accel *cfg, const wl_workload *wl,
                const tech_chip *chip, en_validation *out, fw_err *err);

#endif
