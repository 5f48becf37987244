/* rpt: the report of a simulation: per-layer rows and totals as a text table (people), JSON or
 * CSV (machines). Keys and columns carry units; the metrics and their order are the table of
 * report/rpt_metric.h. The text is for people: counts with thousands separators, energies and
 * times in engineering units (rpt_fmt.h), the energy breakdown with its shares, and a hint line
 * when memory stalls take most of the run. JSON and CSV keep raw numbers. Stage sim/report:
 * reads cfg, the engine's counters and the energy breakdown. The same input always gives
 * byte-identical output.
 */
#ifndef RPT_H
#define RPT_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "energy/en.h"
#include "engine/eng.h"
#include "engine/net.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum rpt_format { RPT_TEXT = 0, RPT_JSON, RPT_CSV } rpt_format;

/* What is needed to rerun a report: written as "provenance" in JSON and as '#' comment lines
 * before the CSV header. All borrowed. */
typedef struct rpt_provenance {
    const char *version;         /* fw_version() */
    const char *config_path;     /* as given ("-": standard input) */
    const char *const *sets;     /* the --set PATH=VALUE texts, set_count of them */
    size_t set_count;
    const char *config_resolved; /* the config after the overrides, one line of JSON */
    const char *workload_path;
    uint64_t workload_fnv64;     /* FNV-1a 64 of the workload file's bytes */
    uint32_t batch;              /* images per run */
    uint64_t seed;               /* pe engine operand seed */
} rpt_provenance;

typedef struct rpt_input {
    const rpt_provenance *prov; /* may be NULL: no provenance written */
    uint32_t sub_batch; /* > 0: the batch ran in sub-batches of this many images (engine/net.h):
                           text header, JSON "sub_batch", CSV provenance say so */
    const cfg_accel *cfg;
    const char *workload_name;
    const char *engine_name; /* "fast" or "pe" */
    bool ideal_memory;
    size_t layer_count;
    const char *const *layer_names; /* layer_count names, borrowed */
    const eng_counters *layers;     /* layer_count counters, borrowed */
    const eng_counters *total;
    /* explicit hierarchy (cfg.hierarchy_given): each layer's mapping (tl_format text), or NULL;
     * the reports then add the mapping and the per-level counters (sim/README.md) */
    const char *const *layer_mappings;
    /* the energy of each layer (layer_count) and of the total (en_price), or both NULL: the
     * energy metrics (rpt_metric.h RPT_MG_ENERGY) are then left out */
    const en_breakdown *layer_energy;
    const en_breakdown *total_energy;
    /* Inter-layer residency (engine/net.h), NULL when off: per layer where its input came
     * from and where its output went ("dram" or the level's name), borrowed. Shown as the last two
     * columns (text, CSV: empty on the total row) and as "input_from", "output_to" (JSON). */
    const char *const *input_from;
    const char *const *output_to;
    /* text: print the zero-operand MAC line (dense-equivalent and effective throughput);
     * JSON and CSV always have zero_macs */
    bool show_zeros;
    /* JSON and CSV: the transform unit's counters (rpt_metric.h RPT_MG_XFORM) after the other
     * counters: set when a layer ran a Winograd or FFT algorithm */
    bool show_xform;
    /* JSON and CSV, when not NULL: per layer (layer_count) and in total, the numerical error of
     * the pe engine's outputs (engine/eng.h eng_num_error; all 0 on layers not transformed):
     * error_max_rel, error_mean_rel, error_max_ulp, error_norm_rel, direct_error_max_rel,
     * direct_error_mean_rel, direct_error_max_ulp, direct_error_norm_rel,
     * error_outputs_differing_from_direct */
    const eng_num_error *layer_errors;
    const eng_num_error *total_error;
} rpt_input;

/* The derived figures of a row (utilization, GOPS, ...) are net_derive's (engine/net.h),
 * defined there once for the report, the sweep, the ceiling and validate. */

/* if_float when the config's MAC inputs are a floating format, if_int otherwise: integer
 * precisions report GOPS, floating ones GFLOPS ("gflops" / "gops" keys, "GFLOPS" / "GOPS"
 * units). Static strings as passed. */
const char *rpt_ops_key(const cfg_accel *cfg, const char *if_float, const char *if_int);

/* Writes the report. Fails with FW_EXIT_IO if the stream reports a write error. */
int rpt_write(FILE *out, rpt_format fmt, const rpt_input *in, fw_err *err);

#endif
