/* sw_out: the finished result files of a sweep directory, written from the rows of its log
 * (sw_log.h, sw_table.h).
 *
 * Finishing (after a run, or `flopwatt merge`) reads the log rows, sorts them by point, and
 * writes, each through a temporary file and rename():
 *   DIR/points.csv   header + every row + feasible,pareto (0/1) columns, in point order
 *   DIR/pareto.csv   the front rows, same columns, by workload, then objectives, then point
 *   DIR/summary.json counts, constraint violations, metric ranges, and per workload the best
 *                    point of each objective and the front
 * The front is computed per workload (designs are compared on the same work): a point is on it
 * when it is feasible and no feasible point of the same workload dominates it.
 * Every figure in these files is derived from the log's text, so the same rows give the same
 * bytes whatever the number of workers, the sharding or the order of completion.
 */
#ifndef SW_OUT_H
#define SW_OUT_H

#include "common/fw_err.h"
#include "sweep/sw_spec.h"
#include "sweep/sw_table.h"

#include <stdint.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/uio.h>

/* Counts of a finished table (sw_table_finish). */
typedef struct sw_finish_counts {
    size_t rows, feasible, pareto;
    size_t invalid; /* rows whose metrics are all NaN (skipped invalid configs) */
} sw_finish_counts;

/* Writes points.csv, pareto.csv and summary.json into dir from the table's rows, using the
 * spec's constraints and objectives (checked against the table's metric names). expected is
 * the number of points this table should hold (its shard's share). counts may be NULL.
 * FW_EXIT_IO on write errors. */
int sw_table_finish(const sw_spec *spec, sw_table *table, uint64_t expected, const char *dir,
                    sw_finish_counts *counts, fw_err *err);

/* Prints the front of dir/pareto.csv as a table for people: per workload, the point, the axis
 * values and the objectives, at most max_rows rows each. An objective the metric table
 * (report/rpt_metric.h) knows is headed by its words and unit, energies and times in the
 * engineering unit of the largest value shown ("system energy (mJ)", 4 significant digits);
 * counts are exact with thousands separators, other numbers 4 significant digits.
 * FW_EXIT_IO / FW_EXIT_INPUT on unreadable files. */
int sw_print_front(const sw_spec *spec, const char *dir, size_t max_rows, FILE *out, fw_err *err);

/* Writes text to dir/name through dir/name.tmp, fsync and rename. */
int sw_write_atomic(const char *dir, const char *name, const char *text, size_t len, fw_err *err);

/* An fsync (or fdatasync) running in a thread of its own while the caller goes on; when no
 * thread can be started it runs at once in sw_flush_start. */
typedef struct sw_flush {
    int fd;
    bool data_only; /* fdatasync instead of fsync */
    int sync_errno; /* 0, or errno of the failed sync */
    pthread_t thread;
    bool started;   /* the thread runs (sw_flush_wait joins it) */
} sw_flush;

void sw_flush_start(sw_flush *f, int fd, bool data_only);

/* Waits for it; returns 0 or the sync's errno. */
int sw_flush_wait(sw_flush *f);

/* A file for sw_write_atomic_all: text[0..len), or, when iov_count > 0, the pieces iov[0..
 * iov_count) one after the other (written with writev, without copying them into one buffer). */
typedef struct sw_file {
    const char *name;
    const char *text;
    size_t len;
    const struct iovec *iov;
    size_t iov_count;
} sw_file;

/* sw_write_atomic of n files, with their fsyncs and an fdatasync of sync_fd (when >= 0; named
 * sync_name in messages) waited for together, then the renames in order: every file is on disk
 * before any is renamed into place. The first failure stops the renames. */
int sw_write_atomic_all(const char *dir, const sw_file *files, size_t n, int sync_fd,
                        const char *sync_name, fw_err *err);

#endif
