/* sw_log: the crash-safe log of a sweep directory.
 *
 * DIR/points.log is the only file written while points run. Its first line identifies the run,
 *   # flopwatt sweep log v1 spec_fnv64=HEX inputs_fnv64=HEX points=N metrics=M shard=I/K
 * its second line is the CSV header (point,workload,<axis paths>,<metric names>), and every
 * further line is one finished point, appended with a single write() of the whole line (and
 * fdatasync'd periodically, see sw_run.h), in completion order. A kill can therefore leave at most
 * one torn line, at the end; reading the log for a resume drops it (and anything unparsable after
 * the last good line).
 *
 * The rows read back land in an sw_table (sw_table.h); the finished files are sw_out.h.
 */
#ifndef SW_LOG_H
#define SW_LOG_H

#include "common/fw_err.h"
#include "sweep/sw_spec.h"
#include "sweep/sw_table.h"

#include <stddef.h>

#define SW_LOG_NAME "points.log"

/* Formats the two header lines of a log (with newlines) into a malloc'd string. */
char *sw_log_header(const sw_spec *spec, const sw_log_id *id, const char *const *metric_names,
                    size_t metric_count);

/* The metrics of one row (line: its text, NUL-terminated, no newline; the metrics are the last
 * metric_count of its column_count fields), into out[metric_count], exactly as sw_log_parse reads
 * them. Returns 0, or -1 when the row is malformed (out then partly written). */
int sw_log_row_metrics(const char *line, size_t column_count, size_t metric_count, double *out);

/* Parses a log's text. Rows must belong to the header's shard (point % K == I) and be below
 * `points`; an exact duplicate row is dropped, a conflicting one is an error. Parsing stops at
 * the first line that is torn (no newline) or malformed: *good_bytes is the length of the text
 * that was accepted (the caller may truncate the file there). On success the caller owns *table
 * (sw_table_fini). Fails with FW_EXIT_INPUT naming file and line on a bad header or a
 * conflicting duplicate. */
int sw_log_parse(const char *name, const char *text, size_t len, sw_table *table,
                 size_t *good_bytes, fw_err *err);

#endif
