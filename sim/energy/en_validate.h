/* en_validate: a modelled accelerator against the published figures of the chip it models
 * (flopwatt validate, over the chip database of en_chip.h). Definitions:
 *   ops              2 per MAC.
 *   published        efficiency = gops_per_w when the paper states it, else throughput / power
 *                    (throughput = throughput_gops, or 2 x MACs per image x frames_per_s).
 *   modelled, basis peak (the paper's efficiency is peak ops over chip power at full rate):
 *                    energy per MAC = the workload's on-chip dynamic energy per MAC (arithmetic,
 *                    registers, SRAM, wires; fast engine, averaged over the workload) + leakage
 *                    and clock per cycle shared by the R x C MACs of a full-rate cycle;
 *                    throughput = 2 x R x C x clock.
 *   modelled, basis workload (the paper measured power while running the workload): energy per
 *                    MAC = the chip's energy on the workload (everything but DRAM, stalls and
 *                    idle PEs included) / MACs; throughput = 2 x MACs / time.
 *   chip only        DRAM is never in the modelled efficiency: published chip power does not
 *                    include the DRAM devices.
 *   error            modelled / published - 1 (efficiency, throughput, power, area);
 *                    power modelled = energy per MAC x the published throughput's MAC rate.
 *   area             modelled (PE array + SRAMs) vs published area (information: control, I/O and
 *                    wiring are not modelled).
 * Two steps so that calibration can re-price without re-running: en_validate_run (engine
 * counters for the chip's workload) and en_validate_price (pure arithmetic on them).
 * Stage sim/energy.
 */
#ifndef EN_VALIDATE_H
#define EN_VALIDATE_H

#include "energy/en.h"
#include "energy/en_chip.h"
#include "tech/tech.h"
#include "workload/wl.h"

/* The reference band of issue 5 (+-35%), kept as information (efficiency_pass in --json);
 * nothing fails on it. */
#define EN_EFFICIENCY_TOLERANCE_PERCENT 35.0

/* What one run of a chip's workload leaves for pricing. */
typedef struct en_val_run {
    eng_counters c;            /* the whole workload, fast engine */
    double macs_per_image;     /* workload MACs / batch */
    double pes;                /* R x C */
} en_val_run;

typedef struct en_validation {
    en_basis basis;
    double throughput_gops_model, throughput_gops_published, throughput_error_percent;
    double gops_per_w_model, gops_per_w_published, efficiency_error_percent;
    double power_w_model, power_w_published, power_error_percent; /* 0 when not published */
    double area_mm2_model, area_mm2_published, area_error_percent; /* 0 when not published */
    /* energy per MAC, by class (the calibration classes, tech.h), summing to pj_per_mac_model */
    double class_pj_per_mac[TECH_CLASS_COUNT];
    double pj_per_mac_model;     /* 2000 / gops_per_w_model */
    double published_pj_per_mac; /* 2000 / gops_per_w_published */
    double pass_pj_per_mac_min, pass_pj_per_mac_max; /* the +-35% band, information */
    bool efficiency_pass;                            /* within the band, information */
    double utilization;                /* macs / (R * C * cycles) on the workload */
    double achieved_gops_per_w_chip;   /* on the workload, DRAM excluded */
    double achieved_gops_per_w_system; /* on the workload, DRAM included */
} en_validation;

/* Runs the chip's workload on cfg (fast engine). lib prices nothing that is kept: the counters
 * do not depend on energies. Fails as en_costs_init / en_achieved, or for a workload without
 * MACs. */
int en_validate_run(const tech_lib *lib, const cfg_accel *cfg, const wl_workload *wl,
                    en_val_run *out, fw_err *err);
/* Loads the chip's config and workload (the repository files when both exist, else the
 * copies built into the binary: *embedded set true) and runs it (en_validate_run). Errors are
 * prefixed with the chip file. */
int en_validate_prepare(const tech_lib *lib, const en_chip *chip, cfg_accel *cfg,
                        en_val_run *run, bool *embedded, fw_err *err);
/* Prices a run with lib (which may carry calibration factors) and compares with the chip's
 * published figures. Fails as en_costs_init. */
int en_validate_price(const tech_lib *lib, const cfg_accel *cfg, const en_val_run *run,
                      const en_chip *chip, en_validation *out, fw_err *err);

/* The published efficiency (GOPS/W) and throughput (GOPS, 0 when not derivable) of a chip. */
double en_chip_gops_per_w(const en_chip *chip, double macs_per_image);
double en_chip_throughput_gops(const en_chip *chip, double macs_per_image);

/* Summary of efficiency errors over a set: median and worst |error| (%), geometric mean of
 * modelled / published. n = 0 gives zeros. */
typedef struct en_val_summary {
    size_t n;
    double median_abs_error_percent, worst_abs_error_percent, geomean_ratio;
} en_val_summary;
void en_val_summarize(const double *error_percent, size_t n, en_val_summary *out);

#endif
