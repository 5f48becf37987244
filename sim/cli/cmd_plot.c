/* flopwatt plot: gnuplot figures (SVG and PNG) of sweeps, runs, ceilings and the demand trend
 * (sim/sweep/sw_plot.h). */
#include "cli/cli_opt.h"
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "sweep/sw_spec.h"
#include "sweep/sw_plot.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void plot_usage(FILE *out)
{
    fprintf(out,
            "usage: flopwatt plot KIND INPUT [options] [--out DIR]\n"
            "\n"
            "Writes KIND.svg and KIND.png into DIR (default: plots), with the data files and\n"
            "the gnuplot script KIND.gp that draws them.\n"
            "  pareto SWEEP_DIR [--x METRIC] [--y METRIC] [--color COLUMN] [--workload W]\n"
            "        a sweep's points (default latency_ms vs energy_system_pj, coloured by the\n"
            "        precision or node axis), infeasible points grey, the Pareto front; with\n"
            "        3+ objectives and no --x/--y, one panel per pair of objectives\n"
            "  layers RUN_JSON       per-layer energy breakdown of `flopwatt run --json`\n"
            "        (summed per stage beyond 40 layers)\n"
            "  ceiling CEILING_JSON [--node NM] [--precision P]\n"
            "        the efficiency ladder of `flopwatt ceiling --json` (GFLOPS/W after each\n"
            "        level: arithmetic, +registers, +sram, +dram, +leakage_clock, ...), one\n"
            "        panel per node\n"
            "  trend [--until YEAR]  compute per image 2013-2015 vs GPU GFLOPS/W, each relative\n"
            "        to 2013, fitted on log2 values and extrapolated (dashed, shaded) to YEAR\n"
            "        (default 2020); prints the fits\n");
}

enum { PLOT_OUT = 256, PLOT_X, PLOT_Y, PLOT_COLOR, PLOT_WORKLOAD, PLOT_PRECISION, PLOT_NODE,
       PLOT_UNTIL };

static const struct option plot_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"out", required_argument, NULL, PLOT_OUT},
    {"x", required_argument, NULL, PLOT_X},
    {"y", required_argument, NULL, PLOT_Y},
    {"color", required_argument, NULL, PLOT_COLOR},
    {"workload", required_argument, NULL, PLOT_WORKLOAD},
    {"precision", required_argument, NULL, PLOT_PRECISION},
    {"node", required_argument, NULL, PLOT_NODE},
    {"until", required_argument, NULL, PLOT_UNTIL},
    {NULL, 0, NULL, 0},
};

int cmd_plot(int argc, char **argv)
{
    const char *kind = NULL, *input = NULL, *out_dir = "plots";
    sw_pareto_plot pp = {0};
    double until = 2020, node_nm = 0;
    const char *precision = NULL;
    cli_opt p;
    cli_opt_init(&p, "plot", "h", plot_options);
    for (int c; (c = cli_opt_next(&p, argc, argv)) != -1;) {
        char *end;
        switch (c) {
        case 'h':
            plot_usage(stdout);
            return FW_EXIT_OK;
        case PLOT_OUT:
            out_dir = p.arg;
            break;
        case PLOT_X:
            pp.x = p.arg;
            break;
        case PLOT_Y:
            pp.y = p.arg;
            break;
        case PLOT_COLOR:
            pp.color = p.arg;
            break;
        case PLOT_WORKLOAD:
            pp.workload = p.arg;
            break;
        case PLOT_PRECISION:
            precision = p.arg;
            break;
        case PLOT_NODE:
            node_nm = strtod(p.arg, &end);
            if (*end || end == p.arg || !(node_nm > 0)) {
                fprintf(stderr, "flopwatt plot: --node %s: expected a node in nm\n", p.arg);
                return FW_EXIT_INPUT;
            }
            break;
        case PLOT_UNTIL:
            until = strtod(p.arg, &end);
            if (*end || end == p.arg) {
                fprintf(stderr, "flopwatt plot: --until %s: expected a year\n", p.arg);
                return FW_EXIT_INPUT;
            }
            break;
        default:
            return FW_EXIT_INPUT;
        }
    }
    if (p.next >= argc) {
        plot_usage(stderr);
        return FW_EXIT_INPUT;
    }
    kind = argv[p.next];
    input = p.next + 1 < argc ? argv[p.next + 1] : NULL;
    if (argc - p.next > 2) {
        fprintf(stderr, "flopwatt plot: one input only ('%s'?)\n", argv[p.next + 2]);
        return FW_EXIT_INPUT;
    }
    fw_err err;
    fw_err_clear(&err);
    int rc;
    bool needs_input = strcmp(kind, "trend") != 0;
    if (needs_input && !input) {
        fprintf(stderr, "flopwatt plot %s: missing input (try --help)\n", kind);
        return FW_EXIT_INPUT;
    }
    if (!strcmp(kind, "pareto")) {
        pp.sweep_dir = input;
        rc = sw_plot_pareto(&pp, out_dir, &err);
    } else if (!strcmp(kind, "layers")) {
        rc = sw_plot_layers(input, out_dir, &err);
    } else if (!strcmp(kind, "ceiling")) {
        rc = sw_plot_ceiling(input, node_nm, precision, out_dir, &err);
    } else if (!strcmp(kind, "trend")) {
        if (input) {
            fprintf(stderr, "flopwatt plot trend: takes no input ('%s'?)\n", input);
            return FW_EXIT_INPUT;
        }
        rc = sw_plot_trend(out_dir, until, NULL, NULL, stdout, &err);
    } else {
        fprintf(stderr, "flopwatt plot: unknown kind '%s' (pareto, layers, ceiling, trend)\n",
                kind);
        return FW_EXIT_INPUT;
    }
    if (rc) {
        fprintf(stderr, "flopwatt plot %s: %s\n", kind, err.msg);
        return rc;
    }
    printf("wrote %s/%s.svg and %s/%s.png\n", out_dir, kind, out_dir, kind);
    return FW_EXIT_OK;
}
