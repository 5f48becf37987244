/* flopwatt: command-line entry point. Dispatches to one subcommand (sim/cli/cmd_*.c). */
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "common/fw_near.h"
#include "common/fw_version.h"

#include <stdio.h>
#include <string.h>

typedef struct cli_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} cli_command;

static const cli_command cli_commands[] = {
    {"run", cmd_run, "simulate a workload on an accelerator config"},
    {"workload", cmd_workload, "print a workload's layers, GEMM views and MAC totals"},
    {"fp", cmd_fp, "bit-exact numerics on TestFloat-style hex vectors (stdin -> stdout)"},
    {"ceiling", cmd_ceiling, "efficiency ceilings per process node and precision"},
    {"validate", cmd_validate, "modelled vs published accelerators"},
    {"calibrate", cmd_calibrate, "fit energy class factors to published chips (tech overlay)"},
    {"sweep", cmd_sweep, "design-space exploration from a JSON sweep spec"},
    {"merge", cmd_merge, "merge sweep shards and recompute the Pareto front"},
    {"plot", cmd_plot, "plots (SVG/PNG) with gnuplot"},
};

#define CLI_COMMAND_COUNT (sizeof cli_commands / sizeof cli_commands[0])

static void cli_usage(FILE *out)
{
    fprintf(out, "usage: flopwatt COMMAND [ARGS]...\n       flopwatt --version\n\ncommands:\n");
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++)
        fprintf(out, "  %-9s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fprintf(out, "\n'flopwatt COMMAND --help' describes one command. Options take their value as\n"
                 "'--opt VALUE' or '--opt=VALUE'; '--' ends the options; a file argument '-'\n"
                 "reads standard input.\n"
                 "\nexit status:\n"
                 "  0  success\n"
                 "  1  a check you asked for failed (validate outside its bounds, merge with\n"
                 "     points missing); the output was written\n"
                 "  2  bad input: usage, config, workload, sweep spec or vector line (one line on\n"
                 "     stderr names the file and JSON path or line)\n"
                 "  3  a file could not be read or written (or out of memory)\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_usage(stderr);
        return FW_EXIT_INPUT;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("flopwatt %s\n", fw_version());
        return FW_EXIT_OK;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        cli_usage(stdout);
        return FW_EXIT_OK;
    }
    const char *names[CLI_COMMAND_COUNT];
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++) {
        if (!strcmp(argv[1], cli_commands[i].name))
            return cli_commands[i].fn(argc - 1, argv + 1);
        names[i] = cli_commands[i].name;
    }
    const char *near = fw_near(argv[1], names, CLI_COMMAND_COUNT);
    if (near)
        fprintf(stderr, "flopwatt: unknown command '%s' (did you mean '%s'?)\n", argv[1], near);
    else
        fprintf(stderr, "flopwatt: unknown command '%s' (try 'flopwatt --help')\n", argv[1]);
    return FW_EXIT_INPUT;
}
