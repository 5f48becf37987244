/* sw_table: the result files of a sweep directory and their crash-safe log.
 *
 * DIR/points.log is the only file written while points run. Its first line identifies the run,
 *   # flopwatt sweep log v1 spec_fnv64=HEX inputs_fnv64=HEX points=N metrics=M shard=I/K
 * its second line is the CSV header (point,workload,<axis paths>,<metric names>), and every
 * further line is one finished point, appended with a single write() of the whole line (and
 * fdatasync'd periodically, see sw_run.h), in completion order. A kill can therefore leave at most
 * one torn line, at the end; reading the log for a resume drops it (and anything unparsable after
 * the last good line).
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
#ifndef SW_TABLE_H
#define SW_TABLE_H

#include "common/fw_err.h"
#include "sweep/sw_spec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SW_LOG_NAME "points.log"

typedef struct sw_log_id {
    uint64_t spec_fnv64, inputs_fnv64;
    uint64_t point_count;
    uint64_t metric_count;
    uint64_t shard_index, shard_count;
} sw_log_id;

typedef struct sw_row {
    uint64_t point;
    char *line;      /* owned: the row's CSV text, no newline */
    double *metrics; /* owned: metric_count values parsed from line */
} sw_row;

typedef struct sw_table {
    sw_log_id id;
    char *header;        /* owned: CSV header line, no newline */
    char **metric_names; /* owned: the metric columns, in order */
    size_t metric_count;
    size_t column_count;
    sw_row *rows; /* owned */
    size_t row_count;
} sw_table;

/* Formats the two header lines of a log (with newlines) into a malloc'd string. */
char *sw_log_header(const sw_spec *spec, const sw_log_id *id, const char *const *metric_names,
                    size_t metric_count);

/* Parses a log's text. Rows must belong to the header's shard (point % K == I) and be below
 * `points`; an exact duplicate row is dropped, a conflicting one is an error. Parsing stops at
 * the first line that is torn (no newline) or malformed: *good_bytes is the length of the text
 * that was accepted (the caller may truncate the file there). On success the caller owns *table
 * (sw_table_fini). Fails with FW_EXIT_INPUT naming file and line on a bad header or a
 * conflicting duplicate. */
int sw_log_parse(const char *name, const char *text, size_t len, sw_table *table,
                 size_t *good_bytes, fw_err *err);
void sw_table_fini(sw_table *table);

/* Sorts the rows by point (stable on equal points). */
void sw_table_sort(sw_table *table);

/* Adds src's rows to dst (moving them; src is left empty). Both must have the same header and
 * the same spec/inputs/points ids; fails (FW_EXIT_INPUT) otherwise or on conflicting rows
 * for one point. Keeps dst's shard. */
int sw_table_absorb(sw_table *dst, sw_table *src, const char *src_name, fw_err *err);

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
 * values and the objectives (4 significant digits), at most max_rows rows each. The front file
 * is read at most 256 lines deep. FW_EXIT_IO / FW_EXIT_INPUT on unreadable files. */
int sw_print_front(const sw_spec *spec, const char *dir, size_t max_rows, FILE *out, fw_err *err);

/* Writes text to dir/name through dir/name.tmp, fsync and rename. */
int sw_write_atomic(const char *dir, const char *name, const char *text, size_t len, fw_err *err);

/* Points of shard i/k among n points: those with point % k == i. */
uint64_t sw_shard_points(uint64_t n, uint64_t i, uint64_t k);

#endif
