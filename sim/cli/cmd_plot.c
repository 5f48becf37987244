/* flopwatt plot: gnuplot figures (SVG and PNG) of sweeps, runs, ceilings and the demand trend
 * (sim/sweep/sw_plot.h). */
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
            "        precision or node axis), infeasible points grey, the Pareto front\n"
            "  layers RUN_JSON       per-layer energy breakdown of `flopwatt run --json`\n"
            "  ceiling CEILING_JSON [--node NM] [--precision P]\n"
            "        the efficiency ladder of `flopwatt ceiling --json` (GFLOPS/W after each\n"
            "        level: arithmetic, +registers, +sram, +dram, +leakage_clock, ...)\n"
            "  trend [--until YEAR]  compute per image 2013-2015 vs GPU GFLOPS/W, fitted on\n"
            "        log2 values and extrapolated to YEAR (default 2020); prints the fits\n");
}

int cmd_plot(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        plot_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? FW_EXIT_INPUT : FW_EXIT_OK;
    }
    const char *kind = argv[1], *input = NULL, *out_dir = "plots";
    sw_pareto_plot pp = {0};
    double until = 2020, node_nm = 0;
    const char *precision = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--out") && v)
            out_dir = argv[++i];
        else if (!strcmp(a, "--x") && v)
            pp.x = argv[++i];
        else if (!strcmp(a, "--y") && v)
            pp.y = argv[++i];
        else if (!strcmp(a, "--color") && v)
            pp.color = argv[++i];
        else if (!strcmp(a, "--workload") && v)
            pp.workload = argv[++i];
        else if (!strcmp(a, "--precision") && v)
            precision = argv[++i];
        else if (!strcmp(a, "--node") && v) {
            char *end;
            node_nm = strtod(argv[++i], &end);
            if (*end || end == argv[i] || !(node_nm > 0)) {
                fprintf(stderr, "flopwatt plot: --node %s: expected a node in nm\n", argv[i]);
                return FW_EXIT_INPUT;
            }
        } else if (!strcmp(a, "--until") && v) {
            char *end;
            until = strtod(argv[++i], &end);
            if (*end || end == argv[i]) {
                fprintf(stderr, "flopwatt plot: --until %s: expected a year\n", argv[i]);
                return FW_EXIT_INPUT;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "flopwatt plot: unknown or incomplete option '%s' (try --help)\n", a);
            return FW_EXIT_INPUT;
        } else if (!input) {
            input = a;
        } else {
            fprintf(stderr, "flopwatt plot: one input only ('%s'?)\n", a);
            return FW_EXIT_INPUT;
        }
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
