/* sw_plot: figures with gnuplot, each written as SVG (480 px wide at 10 pt, a paper column) and
 * PNG (twice the pixels) into an output directory together with its data files and the gnuplot
 * script that draws them (so a figure can be restyled by editing the script and running
 * `gnuplot NAME.gp` in that directory). Axes are labelled in words with units from the metric
 * table (report/rpt_metric.h), scaled to an engineering unit that suits the data, with tight
 * ranges; titles name the design and the network (configs/README.md, "flopwatt plot").
 *
 *   pareto   a sweep's points (sweep directory: points.csv): one metric against another,
 *            coloured by an input column (precision, node, ...), infeasible points grey, the
 *            Pareto front circled; with 3+ objectives and no x/y, one panel per pair of
 *            objectives, the front over all of them circled in each and the figure saying so.
 *   layers   per-layer energy breakdown bars from `flopwatt run --json` (every per-layer key
 *            ending in "_pj", except the totals energy_pj, energy_chip_pj, energy_system_pj and
 *            the not-spent energy_gating_saved_pj, is one stacked segment); more than 40 layers
 *            are summed per stage.
 *   ceiling  the efficiency ceiling ladder from `flopwatt ceiling --json`: GFLOPS/W (GOPS/W)
 *            after each level (arithmetic, +registers, +sram, +dram, +leakage_clock, ...), one
 *            panel per node.
 *   trend    demand vs efficiency, 2013-2016: forward compute per image of ImageNet winners and
 *            GPU GFLOPS/W (shared/reference figures, built in), each fitted with a straight line
 *            on log2 values (GSL gsl_fit_linear), drawn relative to its 2013 figure, the
 *            extrapolation dashed and shaded.
 * Every function fails with FW_EXIT_INPUT on unusable input (naming the file), FW_EXIT_IO when
 * a file cannot be written, FW_EXIT_FAIL when gnuplot fails or is missing.
 */
#ifndef SW_PLOT_H
#define SW_PLOT_H

#include "common/fw_err.h"

#include <stdio.h>

typedef struct sw_pareto_plot {
    const char *sweep_dir;
    const char *x, *y;    /* metric columns; NULL: latency_ms (or latency_cycles),
                             energy_system_pj (or energy_pj, or the first other metric) */
    const char *color;    /* input column grouping the colours; NULL: a column named like
                             "precision", then "node", else the workload */
    const char *workload; /* NULL: the first workload of points.csv */
} sw_pareto_plot;

int sw_plot_pareto(const sw_pareto_plot *p, const char *out_dir, fw_err *err);
int sw_plot_layers(const char *run_json, const char *out_dir, fw_err *err);
/* The ladder of `flopwatt ceiling --json` (a list of {node_nm, precision, unit, ladder: [{level,
 * gflops_per_w}, ...]}): one cluster of bars per (node, precision), one bar per level, log
 * scale. node_nm > 0 and precision != NULL keep only the matching entries. */
int sw_plot_ceiling(const char *ceiling_json, double node_nm, const char *precision,
                    const char *out_dir, fw_err *err);

/* A straight-line fit log2(value) = c0 + c1 * year. */
typedef struct sw_trend_fit {
    double c0, c1; /* c1: doublings per year */
    double cov00, cov01, cov11, sumsq;
    double growth_per_year; /* 2^c1 */
} sw_trend_fit;

/* Fits the built-in series and draws trend.svg/png extrapolated to until_year; report (may be
 * NULL) receives a short text with the fits. demand and efficiency may be NULL. */
int sw_plot_trend(const char *out_dir, double until_year, sw_trend_fit *demand,
                  sw_trend_fit *efficiency, FILE *report, fw_err *err);

/* Fits log2(y) = c0 + c1 * x over n points (y > 0). Returns 0, or FW_EXIT_INPUT for fewer than
 * two distinct x or a non-positive y. */
int sw_fit_log2(const double *x, const double *y, size_t n, sw_trend_fit *out, fw_err *err);

#endif
