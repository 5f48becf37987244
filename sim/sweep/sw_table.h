/* sw_table: the rows of a sweep log in memory (read by sw_log_parse, sw_log.h): sorted by point,
 * exact duplicates dropped, shards merged. The result files written from a table are sw_out.h.
 */
#ifndef SW_TABLE_H
#define SW_TABLE_H

#include "common/fw_err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sw_log_id {
    uint64_t spec_fnv64, inputs_fnv64;
    uint64_t point_count;
    uint64_t metric_count;
    uint64_t shard_index, shard_count;
} sw_log_id;

typedef struct sw_row {
    uint64_t point;
    char *line;      /* owned: the row's CSV text, no newline */
    size_t len;      /* strlen(line) */
    double *metrics; /* owned: metric_count values parsed from line */
    bool borrowed;   /* line and metrics belong to someone else (sw_run's shared rows, which
                        outlive the table): the table never frees them */
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

/* Frees what the table owns and zeroes it. */
void sw_table_fini(sw_table *table);

/* Sorts the rows by point (stable on equal points). */
void sw_table_sort(sw_table *table);

/* Sorts, then drops exact duplicates; a conflicting duplicate (same point, different row) is an
 * error (FW_EXIT_INPUT, naming name and the point) and leaves the table consistent for
 * sw_table_fini. */
int sw_table_dedupe(sw_table *table, const char *name, fw_err *err);

/* Adds src's rows to dst (moving them; src is left empty). Both must have the same header and
 * the same spec/inputs/points ids; fails (FW_EXIT_INPUT) otherwise or on conflicting rows
 * for one point. Keeps dst's shard. */
int sw_table_absorb(sw_table *dst, sw_table *src, const char *src_name, fw_err *err);

/* Points of shard i/k among n points: those with point % k == i. */
uint64_t sw_shard_points(uint64_t n, uint64_t i, uint64_t k);

#endif
