/* sw_run: runs a sweep spec's points through a point evaluator, in parallel worker processes,
 * crash-safe and resumable, and writes the result files (sw_out.h) into an output directory.
 *
 * Point evaluation is an interface so that the sweep machinery does not depend on one model:
 * the real evaluator (sw_eval_sim.c: config validation, fast engine, energy accounting) and the
 * analytic test evaluator (sw_eval_test.c, used by tests only) implement it.
 *
 * Parallelism: `jobs` forked worker processes take points from a shared counter (so slow and
 * fast points balance), each appends every finished row to DIR/points.log with one write() at
 * once (a killed sweep loses no finished row); the parent fdatasyncs the log every 0.1 s and at
 * the end (each worker syncs every row with sync_every_point). Workers die with the parent
 * (PR_SET_PDEATHSIG), so a killed sweep leaves no stray writer behind. An exclusive flock() on
 * the log refuses a second concurrent run. Sharding: shard i/k runs the points with
 * point % k == i.
 */
#ifndef SW_RUN_H
#define SW_RUN_H

#include "common/fw_err.h"
#include "common/jr.h"
#include "sweep/sw_spec.h"
#include "sweep/sw_out.h"
#include "workload/wl.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A point evaluator. eval() receives the base config with the point's axis values applied (not
 * yet validated: validating it is the evaluator's job, and its errors name the config path) and
 * the point's workload, and fills values[metric_count] in the order of metric_names (names carry
 * units: "latency_cycles", "energy_pj"). It must be reentrant and deterministic: the same point
 * must give the same values in any process, whatever points the worker evaluated before.
 * Returns 0 or an FW_EXIT_* status with *err.
 * scratch: the calling worker's own state (worker_create), NULL when the evaluator has none:
 * caches, buffers and work done once for the base config, reused from point to point, which
 * must never change a result. */
typedef struct sw_eval {
    const char *name;
    const char *const *metric_names;
    size_t metric_count;
    void *ctx; /* borrowed: the evaluator's read-only state */
    int (*eval)(void *ctx, void *scratch, const jr_doc *config, const wl_workload *workload,
                double *values, fw_err *err);
    /* Whether a point's config is valid, without evaluating it (FW_EXIT_INPUT and the reason
     * when not): sw_check_points, before any point runs. NULL: every config is. */
    int (*check)(void *ctx, void *scratch, const jr_doc *config, fw_err *err);
    /* Optional (both NULL: no scratch): each process that evaluates or checks points calls
     * worker_create(ctx, spec, base) once before its first point (base: the base config as
     * read, before any axis value is set; NULL return: out of memory) and
     * worker_destroy(scratch) after its last. */
    void *(*worker_create)(void *ctx, const sw_spec *spec, const jr_doc *base);
    void (*worker_destroy)(void *scratch);
} sw_eval;

typedef struct sw_run_opts {
    unsigned jobs;         /* worker processes, >= 1 */
    const char *out_dir;   /* created if missing (one level) */
    bool resume;           /* continue an existing DIR/points.log; without it, one is an error */
    uint64_t shard_index;  /* run the points with point % shard_count == shard_index */
    uint64_t shard_count;  /* 1: no sharding */
    FILE *progress;        /* progress bar stream (a terminal), or NULL for silence */
    bool sync_every_point; /* fdatasync the log after every row (default: the parent syncs
                              every 0.1 s and at the end; rows are written at once either way) */
    bool skip_invalid;     /* a point the evaluator rejects as bad input (FW_EXIT_INPUT: an
                              invalid config value or combination) is logged with NaN metrics
                              (infeasible, never on a front) instead of stopping the sweep; part
                              of the run's identity (a resume must use the same setting) */
    bool read_log_back;    /* build the finished files from the log read back after the run, not
                              from the rows the workers hand over in memory (the same bytes;
                              for tests, and what happens when a run's rows do not fit) */
} sw_run_opts;

typedef struct sw_run_stats {
    uint64_t points_shard;   /* points of this shard */
    uint64_t points_resumed; /* found finished in the log */
    uint64_t points_run;     /* evaluated by this call */
    uint64_t bytes_dropped;  /* torn or unparsable log tail removed on resume */
    double seconds;          /* wall time of the evaluation phase */
    sw_finish_counts counts; /* rows, feasible and Pareto points of the finished files */
    uint64_t points_skipped; /* evaluated by this call and skipped as invalid (skip_invalid) */
    fw_err first_skipped;    /* the reason of the lowest-numbered one (when points_skipped) */
    uint64_t rows_renumbered; /* --resume after a spec edit: finished rows kept (sw_rekey_log) */
    uint64_t rows_dropped;    /* ... and rows dropped (values gone, or invalid: run again) */
} sw_run_stats;

/* Runs the sweep. Loads the base config and the workloads once, hashes them (a resume with
 * changed inputs is refused), evaluates the points that are not yet in the log, then writes
 * points.csv, pareto.csv, summary.json and a copy of the spec (spec.json). Failures: FW_EXIT_INPUT
 * (spec/config/workload errors, a point's evaluation error: "point N (axis=value, ...): ...",
 * a log of another sweep), FW_EXIT_IO. Finished rows stay in the log on failure, so --resume
 * continues. stats may be NULL. */
int sw_run(const sw_spec *spec, const sw_eval *ev, const sw_run_opts *opts, sw_run_stats *stats,
           fw_err *err);

/* Merges sweep directories (each with points.log and spec.json, from shards or partial runs of
 * one spec) into out_dir: a points.log holding every row once, spec.json and the finished files,
 * as if the sweep had run unsharded. *missing is set to the number of points absent from all
 * inputs. FW_EXIT_INPUT if the directories come from different sweeps. */
int sw_merge(const char *const *dirs, size_t dir_count, const char *out_dir, uint64_t *missing,
             fw_err *err);

/* The analytic test evaluator (sw_eval_test.c): metrics latency_cycles, energy_pj, area_mm2,
 * macs computed from the workload's MAC count and a hash of the config's JSON text; no physical
 * meaning. It exists only for the sweep machinery's tests (FLOPWATT_SWEEP_TEST_EVAL=analytic);
 * delay_us > 0 makes each point sleep that long (to test kills mid-run). */
void sw_eval_analytic(sw_eval *out, unsigned *delay_us_ctx);

#endif
