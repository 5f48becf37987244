/* rpt_metric: the one table of the figures a simulation reports. Each metric has its name (the
 * JSON key, CSV column and sweep metric, unit in the name), a label and unit for people, and a
 * getter from the counters (sim/engine), the derived rates (net_derive) and the energy
 * breakdown (sim/energy). The run report (rpt.c) writes the RPT_MG_COUNTER, RPT_MG_DERIVED and
 * RPT_MG_ENERGY groups in table order; the sweep's evaluator (sim/sweep/sw_eval_sim.c) picks
 * its metrics from the table by name; the figures (sim/sweep/sw_plot.c) label an axis by the
 * metric's label and unit. Stage sim/report.
 */
#ifndef RPT_METRIC_H
#define RPT_METRIC_H

#include "config/cfg.h"
#include "energy/en.h"
#include "engine/eng.h"
#include "engine/net.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a getter reads; all borrowed. b may be NULL when no energy was priced (energy metrics
 * then read 0). */
typedef struct rpt_metric_src {
    const cfg_accel *cfg;
    const eng_counters *c;
    const net_derived *d; /* net_derive(cfg, c) */
    const en_breakdown *b;
} rpt_metric_src;

typedef enum rpt_metric_group {
    RPT_MG_COUNTER = 0, /* an exact counter (get_count); run: JSON, CSV */
    RPT_MG_DERIVED,     /* rates and ratios from the counters; run: JSON, CSV */
    RPT_MG_ENERGY,      /* from the energy breakdown; run: JSON, CSV */
    RPT_MG_SWEEP,       /* whole-workload figures only the sweep lists */
    RPT_MG_XFORM,       /* exact counters of the transform unit (Winograd/FFT layers,
                           engine/eng_xform.h); run: JSON, CSV when a layer is transformed */
} rpt_metric_group;

typedef struct rpt_metric {
    const char *name;     /* "energy_chip_pj"; for floating MAC inputs when name_int is set */
    const char *name_int; /* integer MAC inputs ("gops" for "gflops"), also the precision-neutral
                             name a sweep uses; NULL: name */
    rpt_metric_group group;
    const char *label;    /* words for people: "system energy" */
    const char *unit;     /* the unit of the value as stored: "pJ", "cycles", "1" (a fraction) */
    const char *si_unit;  /* base SI unit for engineering prefixes ("J", "s", "W", "B"), or NULL
                             when the value is printed as is */
    double si_factor;     /* value x si_factor is in si_unit (pJ -> J: 1e-12) */
    uint64_t (*get_count)(const rpt_metric_src *s); /* RPT_MG_COUNTER; else NULL */
    double (*get)(const rpt_metric_src *s);        /* every metric (counters as double) */
} rpt_metric;

/* The table, in report order; *count receives its length. */
const rpt_metric *rpt_metrics(size_t *count);

/* The metric whose name or name_int is name, or NULL. */
const rpt_metric *rpt_metric_find(const char *name);

/* The name to write for a config: name_int for integer MAC inputs when set. */
const char *rpt_metric_name(const rpt_metric *m, const cfg_accel *cfg);

#endif
