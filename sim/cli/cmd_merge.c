/* flopwatt merge: joins sweep directories (shards, or partial runs of one spec) into one and
 * recomputes feasibility, the Pareto front and the summary (sim/sweep/sw_run.h, sw_merge). */
#include "cli/cli_opt.h"
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "sweep/sw_spec.h"
#include "sweep/sw_run.h"
#include "sweep/sw_out.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MERGE_FRONT_ROWS 12 /* rows of the front printed per workload */

static void merge_usage(FILE *out)
{
    fprintf(out,
            "usage: flopwatt merge --out DIR SWEEP_DIR...\n"
            "\n"
            "Joins the points.log files of sweep directories written by `flopwatt sweep` from one\n"
            "spec (typically its --shard I/K runs), keeps every point once, and writes DIR as an\n"
            "unsharded run would: points.log, spec.json, points.csv, pareto.csv, summary.json.\n"
            "Exit status 1 (after writing) when some points are in none of the inputs.\n");
}

static const struct option merge_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"out", required_argument, NULL, 256},
    {NULL, 0, NULL, 0},
};

int cmd_merge(int argc, char **argv)
{
    const char *out_dir = NULL;
    const char *dirs[1024];
    size_t dir_count = 0;
    cli_opt p;
    cli_opt_init(&p, "merge", "h", merge_options);
    for (int c; (c = cli_opt_next(&p, argc, argv)) != -1;) {
        if (c == 'h') {
            merge_usage(stdout);
            return FW_EXIT_OK;
        } else if (c == 256) {
            out_dir = p.arg;
        } else {
            return FW_EXIT_INPUT;
        }
    }
    for (int i = p.next; i < argc; i++) {
        if (dir_count == sizeof dirs / sizeof dirs[0]) {
            fprintf(stderr, "flopwatt merge: too many directories (at most %zu)\n",
                    sizeof dirs / sizeof dirs[0]);
            return FW_EXIT_INPUT;
        }
        dirs[dir_count++] = argv[i];
    }
    if (!out_dir || dir_count == 0) {
        merge_usage(stderr);
        return FW_EXIT_INPUT;
    }
    fw_err err;
    uint64_t missing = 0;
    fw_err_clear(&err);
    int rc = sw_merge(dirs, dir_count, out_dir, &missing, &err);
    if (rc) {
        fprintf(stderr, "flopwatt merge: %s\n", err.msg);
        return rc;
    }
    printf("merged %zu director%s into %s\n", dir_count, dir_count == 1 ? "y" : "ies", out_dir);
    /* The merged front, read back from DIR (spec.json, pareto.csv). */
    char spec_path[4096];
    sw_spec spec;
    snprintf(spec_path, sizeof spec_path, "%s/spec.json", out_dir);
    if (sw_spec_load(spec_path, &spec, &err) == 0) {
        if (sw_print_front(&spec, out_dir, MERGE_FRONT_ROWS, stdout, &err))
            fprintf(stderr, "flopwatt merge: %s\n", err.msg);
        sw_spec_fini(&spec);
    }
    if (missing) {
        fprintf(stderr, "flopwatt merge: %" PRIu64 " points are missing from every input\n",
                missing);
        return FW_EXIT_FAIL;
    }
    return FW_EXIT_OK;
}
