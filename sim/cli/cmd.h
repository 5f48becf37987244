/* The flopwatt subcommands. Each takes the arguments after its own name (argv[0] is the
 * subcommand name), prints results on stdout and one-line errors on stderr prefixed with
 * "flopwatt <cmd>: ", and returns the exit status (FW_EXIT_* of common/fw_err.h).
 * Each lives in its own file, sim/cli/cmd_<name>.c. */
#ifndef CLI_CMD_H
#define CLI_CMD_H

int cmd_fp(int argc, char **argv);       /* numerics: TestFloat-style hex vectors */
int cmd_workload(int argc, char **argv); /* workload table and totals */
int cmd_run(int argc, char **argv);      /* simulate a workload on a config */
int cmd_ceiling(int argc, char **argv);  /* efficiency ceilings per node and precision */
int cmd_validate(int argc, char **argv); /* modelled vs published chips */
int cmd_calibrate(int argc, char **argv); /* class factors fitted to published chips */
int cmd_sweep(int argc, char **argv);    /* design-space exploration */
int cmd_merge(int argc, char **argv);    /* merge sweep shards */
int cmd_plot(int argc, char **argv);     /* gnuplot figures */

#include "workload/wl.h"

#define CMD_DIMS_MAX 32 /* --dim options per command */

/* Appends `--dim NAME=VALUE` (arg is "NAME=VALUE", VALUE an integer in [1, 2^30]) to
 * dims[*count] (room for CMD_DIMS_MAX). On a bad or repeated one prints
 * "flopwatt CMD: --dim: reason" and returns FW_EXIT_INPUT. Defined in cmd_workload.c. */
int cmd_parse_dim(const char *cmd, const char *arg, wl_dim *dims, size_t *count);

#endif
