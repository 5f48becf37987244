/* flopwatt sweep: design-space exploration from a JSON sweep spec (configs/README.md,
 * "Sweeps"). Parses the arguments, picks the point evaluator and hands over to sim/sweep. */
#include "cli/cli_find.h"
#include "cli/cli_opt.h"
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "sweep/sw_check.h"
#include "sweep/sw_spec.h"
#include "sweep/sw_eval_sim.h"
#include "sweep/sw_plot.h"
#include "sweep/sw_run.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SW_CLI_MAX_JOBS 1024
#define SW_CLI_FRONT_ROWS 12 /* rows of the front printed per workload */

static void sweep_usage(FILE *out)
{
    fprintf(
        out,
        "usage: flopwatt sweep SPEC [-j N] [--out DIR] [--resume] [--shard I/K] [--plot]\n"
        "                      [--tech FILE]\n"
        "                      [--skip-invalid] [--sync-every-point]\n"
        "\n"
        "Runs every point of the sweep spec SPEC (configs/README.md, \"Sweeps\"; - reads stdin)\n"
        "and writes into DIR (default: SPEC's name without .json, plus \"-sweep\"):\n"
        "  points.csv    one row per point: inputs, metrics (units in the column names),\n"
        "                feasible (constraints hold) and pareto (on the front) as 0/1\n"
        "  pareto.csv    the non-dominated feasible points\n"
        "  summary.json  counts, best point per objective, metric ranges, the front\n"
        "  points.log    the crash-safe log (finished rows in completion order)\n"
        "  spec.json     a copy of the spec (used by `flopwatt merge`)\n"
        "\n"
        "  -j N, --jobs N  N worker processes (default 1)\n"
        "  --resume      continue an interrupted sweep in DIR (finished points are kept)\n"
        "  --tech FILE   apply a calibration overlay (flopwatt calibrate --out); a sweep\n"
        "                resumed with other factors, or none, is refused\n"
        "  --shard I/K   run only the points with point %% K == I (0 <= I < K); join the\n"
        "                shards' directories with `flopwatt merge`\n"
        "  --skip-invalid  a point whose config is invalid (e.g. an impossible precision\n"
        "                pair) gets NaN metrics (never feasible) instead of stopping the sweep\n"
        "  --sync-every-point  fdatasync the log after every point (default: each row is\n"
        "                written at once, so a kill loses none, and synced every 0.1 s)\n"
        "  --dry-run     check every point's config, print the count and the first invalid\n"
        "                point, run nothing (exit 2 when some are invalid, unless --skip-invalid)\n"
        "  --config-of N print point N's config (JSON, stdout) and workload (stderr); run\n"
        "                nothing\n"
        "  --plot        also draw DIR/plots/workloadN/pareto.svg and .png (gnuplot; see\n"
        "                `flopwatt plot pareto` for other axes and colours)\n"
        "A progress bar is drawn on stderr when it is a terminal. The same spec gives\n"
        "byte-identical points.csv, pareto.csv and summary.json for any -j and sharding.\n");
}

static int sweep_parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s[0] || s[0] == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static int sweep_parse_shard(const char *s, uint64_t *index, uint64_t *count)
{
    const char *slash = strchr(s, '/');
    char head[32];
    if (!slash || (size_t)(slash - s) >= sizeof head)
        return -1;
    memcpy(head, s, (size_t)(slash - s));
    head[slash - s] = '\0';
    if (sweep_parse_u64(head, index) || sweep_parse_u64(slash + 1, count) || *count == 0 ||
        *index >= *count)
        return -1;
    return 0;
}

static char *sweep_default_out(const char *spec_path)
{
    const char *base = strrchr(spec_path, '/');
    base = base ? base + 1 : spec_path;
    if (!strcmp(base, "-"))
        base = "stdin"; /* the spec read from standard input: stdin-sweep */
    size_t n = strlen(base);
    if (n > 5 && !strcmp(base + n - 5, ".json"))
        n -= 5;
    char *out = malloc(n + 7);
    if (out)
        snprintf(out, n + 7, "%.*s-sweep", (int)n, base);
    return out;
}

enum {
    SW_CLI_OUT = 256,
    SW_CLI_RESUME,
    SW_CLI_PLOT,
    SW_CLI_SKIP_INVALID,
    SW_CLI_SYNC,
    SW_CLI_SHARD,
    SW_CLI_TECH,
    SW_CLI_CONFIG_OF,
    SW_CLI_DRY_RUN,
};

static const struct option sweep_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"jobs", required_argument, NULL, 'j'},
    {"out", required_argument, NULL, SW_CLI_OUT},
    {"resume", no_argument, NULL, SW_CLI_RESUME},
    {"plot", no_argument, NULL, SW_CLI_PLOT},
    {"skip-invalid", no_argument, NULL, SW_CLI_SKIP_INVALID},
    {"sync-every-point", no_argument, NULL, SW_CLI_SYNC},
    {"shard", required_argument, NULL, SW_CLI_SHARD},
    {"tech", required_argument, NULL, SW_CLI_TECH},
    {"config-of", required_argument, NULL, SW_CLI_CONFIG_OF},
    {"dry-run", no_argument, NULL, SW_CLI_DRY_RUN},
    {NULL, 0, NULL, 0},
};

/* Ctrl-C (or SIGTERM) during a sweep: the finished rows are safe in the log; say how to go on.
 * The message is formatted before the run; the handler only writes it (async-signal-safe) in
 * the parent (workers inherit the handler and just die), then dies of the signal. */
static char sweep_resume_msg[8192];
static size_t sweep_resume_len;
static pid_t sweep_parent;

static void sweep_interrupted(int sig)
{
    if (getpid() == sweep_parent && write(STDERR_FILENO, sweep_resume_msg, sweep_resume_len) < 0)
        sweep_resume_len = 0;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void sweep_on_interrupt(const char *spec_path, const sw_run_opts *o)
{
    char shard[64] = "";
    if (o->shard_count > 1)
        snprintf(shard, sizeof shard, " --shard %" PRIu64 "/%" PRIu64, o->shard_index,
                 o->shard_count);
    int n = snprintf(sweep_resume_msg, sizeof sweep_resume_msg,
                     "\nflopwatt sweep: interrupted; the finished points are kept. Continue with:\n"
                     "  flopwatt sweep %s --out %s --resume -j %u%s%s\n",
                     spec_path, o->out_dir, o->jobs, shard, o->skip_invalid ? " --skip-invalid" : "");
    sweep_resume_len = n > 0 && (size_t)n < sizeof sweep_resume_msg ? (size_t)n : 0;
    sweep_parent = getpid();
    signal(SIGINT, sweep_interrupted);
    signal(SIGTERM, sweep_interrupted);
}

/* --config-of N: point N's config (the base with the axes' values written) as JSON on stdout,
 * its workload on stderr: `flopwatt run` of the two reproduces the point. */
static int sweep_config_of(const sw_spec *spec, uint64_t point)
{
    fw_err err;
    if (point >= spec->point_count) {
        fprintf(stderr, "flopwatt sweep: --config-of %" PRIu64 ": the sweep has points 0 to %" PRIu64
                        "\n", point, spec->point_count - 1);
        return FW_EXIT_INPUT;
    }
    jr_doc base, cfg;
    size_t w;
    int rc = jr_doc_load(spec->base_path, &base, &err);
    if (!rc) {
        rc = sw_spec_point_config(spec, &base, point, &cfg, &w, &err);
        char *text = rc ? NULL : cJSON_Print(cfg.root);
        if (!rc && !text)
            rc = fw_err_set(&err, FW_EXIT_IO, "out of memory");
        if (!rc) {
            printf("%s\n", text);
            fprintf(stderr, "flopwatt sweep: point %" PRIu64 " runs workload %s\n", point,
                    spec->workload_paths[w]);
        }
        free(text);
        cJSON_Delete(cfg.root);
        jr_doc_fini(&base);
    }
    if (rc)
        fprintf(stderr, "flopwatt sweep: %s\n", err.msg);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    const char *spec_path = NULL, *out_dir = NULL, *tech_path = NULL;
    uint64_t config_of = UINT64_MAX; /* --config-of N: print point N's config, run nothing */
    bool dry_run = false;
    bool plot = false;
    sw_run_opts opts = {.jobs = 1, .shard_index = 0, .shard_count = 1};
    cli_opt p;
    cli_opt_init(&p, "sweep", "hj:", sweep_options);
    for (int c; (c = cli_opt_next(&p, argc, argv)) != -1;) {
        uint64_t j;
        switch (c) {
        case 'h':
            sweep_usage(stdout);
            return FW_EXIT_OK;
        case 'j':
            if (sweep_parse_u64(p.arg, &j) || j < 1 || j > SW_CLI_MAX_JOBS) {
                fprintf(stderr, "flopwatt sweep: -j: expected 1 to %d workers\n", SW_CLI_MAX_JOBS);
                return FW_EXIT_INPUT;
            }
            opts.jobs = (unsigned)j;
            break;
        case SW_CLI_OUT:
            out_dir = p.arg;
            break;
        case SW_CLI_TECH:
            tech_path = p.arg;
            break;
        case SW_CLI_DRY_RUN:
            dry_run = true;
            break;
        case SW_CLI_CONFIG_OF:
            if (sweep_parse_u64(p.arg, &config_of)) {
                fprintf(stderr, "flopwatt sweep: --config-of %s: expected a point number\n",
                        p.arg);
                return FW_EXIT_INPUT;
            }
            break;
        case SW_CLI_RESUME:
            opts.resume = true;
            break;
        case SW_CLI_PLOT:
            plot = true;
            break;
        case SW_CLI_SKIP_INVALID:
            opts.skip_invalid = true;
            break;
        case SW_CLI_SYNC:
            opts.sync_every_point = true;
            break;
        case SW_CLI_SHARD:
            if (sweep_parse_shard(p.arg, &opts.shard_index, &opts.shard_count)) {
                fprintf(stderr, "flopwatt sweep: --shard %s: expected I/K with 0 <= I < K\n",
                        p.arg);
                return FW_EXIT_INPUT;
            }
            break;
        default:
            return FW_EXIT_INPUT;
        }
    }
    if (argc - p.next > 1) {
        fprintf(stderr, "flopwatt sweep: one SPEC only ('%s'?)\n", argv[p.next + 1]);
        return FW_EXIT_INPUT;
    }
    char found[4096]; /* a shipped sweep named without a path (cli_find.h) */
    spec_path = p.next < argc ? cli_find(argv[p.next], found, sizeof found) : NULL;
    if (!spec_path) {
        sweep_usage(stderr);
        return FW_EXIT_INPUT;
    }
    sw_spec spec;
    fw_err err;
    fw_err_clear(&err);
    int rc = sw_spec_load(spec_path, &spec, &err);
    if (rc) {
        fprintf(stderr, "flopwatt sweep: %s\n", err.msg);
        return rc;
    }
    if (config_of != UINT64_MAX) {
        rc = sweep_config_of(&spec, config_of);
        sw_spec_fini(&spec);
        return rc;
    }
    char *default_out = out_dir ? NULL : sweep_default_out(spec_path);
    opts.out_dir = out_dir ? out_dir : default_out;
    opts.progress = isatty(STDERR_FILENO) ? stderr : NULL;

    /* The analytic evaluator is a test hook for the sweep machinery's own tests only. */
    const char *test_eval = getenv("FLOPWATT_SWEEP_TEST_EVAL");
    sw_eval ev;
    sw_eval_sim *sim = NULL;
    unsigned delay_us = 0;
    if (test_eval && !strcmp(test_eval, "analytic")) {
        const char *d = getenv("FLOPWATT_SWEEP_TEST_DELAY_US");
        delay_us = d ? (unsigned)strtoul(d, NULL, 10) : 0;
        sw_eval_analytic(&ev, &delay_us);
    } else if (test_eval) {
        fprintf(stderr, "flopwatt sweep: FLOPWATT_SWEEP_TEST_EVAL=%s: unknown test evaluator\n",
                test_eval);
        rc = FW_EXIT_INPUT;
    } else {
        rc = sw_eval_sim_create(&sim, &ev, tech_path, &err);
        if (rc) {
            fprintf(stderr, "flopwatt sweep: %s\n", err.msg);
        }
    }
    /* Every point's config is checked before the first one runs: an invalid point found late
     * would otherwise stop the sweep after hours of work. */
    sw_check_result chk;
    if (!rc && (rc = sw_check_points(&spec, &ev, opts.shard_index, opts.shard_count, opts.jobs,
                                     &chk, &err)))
        fprintf(stderr, "flopwatt sweep: %s\n", err.msg);
    if (!rc && dry_run) {
        printf("sweep %s: %" PRIu64 " points%s, %" PRIu64 " invalid%s%s\n", spec.file, chk.checked,
               opts.shard_count > 1 ? " in this shard" : "", chk.invalid,
               chk.invalid ? "; the first: " : "", chk.invalid ? chk.first.msg : "");
        rc = chk.invalid && !opts.skip_invalid ? FW_EXIT_INPUT : FW_EXIT_OK;
        opts.out_dir = NULL; /* run nothing */
    } else if (!rc && chk.invalid && !opts.skip_invalid) {
        fprintf(stderr,
                "flopwatt sweep: %" PRIu64 " of %" PRIu64 " points are invalid (nothing ran); the "
                "first: %s (fix the spec, or --skip-invalid records them as invalid)\n",
                chk.invalid, chk.checked, chk.first.msg);
        rc = FW_EXIT_INPUT;
    }
    sw_run_stats stats;
    if (!rc && opts.out_dir) {
        sweep_on_interrupt(spec_path, &opts);
        rc = sw_run(&spec, &ev, &opts, &stats, &err);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        if (!rc && (stats.rows_renumbered || stats.rows_dropped))
            fprintf(stderr,
                    "flopwatt sweep: the spec changed since the log was written: %" PRIu64
                    " finished rows kept (renumbered), %" PRIu64 " dropped (values gone or "
                    "invalid)\n",
                    stats.rows_renumbered, stats.rows_dropped);
        if (rc) {
            fprintf(stderr, "flopwatt sweep: %s\n", err.msg);
        } else
            printf("sweep %s: %" PRIu64 " points%s (%" PRIu64 " resumed, %" PRIu64
                   " evaluated in %.2f s with %u worker%s)\n%zu feasible, %zu on the Pareto "
                   "front%s, %zu invalid\nwrote %s/points.csv, pareto.csv, summary.json\n",
                   spec.file, stats.points_shard, opts.shard_count > 1 ? " in this shard" : "",
                   stats.points_resumed, stats.points_run, stats.seconds, opts.jobs,
                   opts.jobs == 1 ? "" : "s", stats.counts.feasible, stats.counts.pareto,
                   spec.workload_count > 1 ? " (one front per workload)" : "", stats.counts.invalid,
                   opts.out_dir);
        if (!rc) {
            fw_err perr;
            if (sw_print_front(&spec, opts.out_dir, SW_CLI_FRONT_ROWS, stdout, &perr)) {
                fprintf(stderr, "flopwatt sweep: %s\n", perr.msg);
            }
        }
        /* Plots: one Pareto figure per workload, under DIR/plots/<workload index>. */
        for (size_t w = 0; !rc && plot && w < spec.workload_count; w++) {
            char dir[4096];
            snprintf(dir, sizeof dir, "%s/plots", opts.out_dir);
            mkdir(dir, 0755);
            snprintf(dir, sizeof dir, "%s/plots/workload%zu", opts.out_dir, w);
            sw_pareto_plot pp = {.sweep_dir = opts.out_dir, .workload = spec.workloads[w]};
            rc = sw_plot_pareto(&pp, dir, &err);
            if (rc) {
                fprintf(stderr, "flopwatt sweep: --plot: %s\n", err.msg);
            } else
                printf("wrote %s/pareto.svg and pareto.png (%s)\n", dir, spec.workloads[w]);
        }
        if (!rc && stats.points_skipped) {
            fprintf(stderr,
                    "flopwatt sweep: %" PRIu64
                    " invalid point%s skipped (NaN rows); the first: %s\n",
                    stats.points_skipped, stats.points_skipped == 1 ? "" : "s",
                    stats.first_skipped.msg);
        }
        if (!rc && stats.bytes_dropped)
            fprintf(stderr,
                    "flopwatt sweep: dropped %" PRIu64
                    " bytes of a torn line at the end of the log (those points ran "
                    "again)\n",
                    stats.bytes_dropped);
    } else if (!rc && !dry_run) {
        fprintf(stderr, "flopwatt sweep: out of memory\n");
        rc = FW_EXIT_IO;
    }
    sw_eval_sim_destroy(sim);
    free(default_out);
    sw_spec_fini(&spec);
    return rc;
}
