/* sw_spec: a design-space sweep spec (configs/README.md, "Sweeps"), read strictly with jr, and
 * the enumeration of its points.
 *
 * A spec names a base accelerator config, workloads, axes (config keys addressed by JSON path,
 * each with a list or a range of values), constraints and objectives on reported metrics, and
 * a sampling (the full grid, or N distinct random grid points drawn with GSL's mt19937).
 *
 * Points are numbered 0 .. point_count-1. Grid order: the workload index varies slowest, then
 * axis 0, axis 1, ..., the last axis fastest (mixed radix). Random sampling draws N distinct grid
 * points in a fixed order from the seed, so every process (every shard, every -j) sees the same
 * numbering. Parsing touches no file other than the spec: paths are resolved, not opened.
 */
#ifndef SW_SPEC_H
#define SW_SPEC_H

#include "common/fw_err.h"
#include "common/jr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_MAX_AXES 32
#define SW_MAX_PATHS 8 /* config paths one axis sets to the same value */
#define SW_MAX_AXIS_VALUES 100000
#define SW_MAX_POINTS 10000000ULL /* points of one sweep (grid or sampled) */
#define SW_NAME_BYTES 64          /* metric names */

typedef struct sw_axis {
    char *paths[SW_MAX_PATHS]; /* owned; paths[0] is the CSV column name */
    size_t path_count;
    char **json_values; /* owned; each value as JSON text, handed to jr_doc_set */
    char **csv_values;  /* owned; each value as a CSV field (strings without quotes) */
    size_t value_count;
} sw_axis;

typedef struct sw_constraint {
    char metric[SW_NAME_BYTES];
    bool has_min, has_max;
    double min, max; /* inclusive bounds, in the metric's unit */
} sw_constraint;

typedef struct sw_objective {
    char metric[SW_NAME_BYTES];
    bool maximize;
} sw_objective;

typedef enum sw_sampling { SW_SAMPLE_GRID = 0, SW_SAMPLE_RANDOM } sw_sampling;

typedef struct sw_spec {
    char *file;            /* owned: the spec's path as given (for messages) */
    char *text;            /* owned: the spec's bytes (copied into the output directory) */
    uint64_t fnv64;        /* FNV-1a 64 of text: identifies the spec in logs and shards */
    char *base_path;       /* owned: base config, resolved against the spec's directory */
    char **workloads;      /* owned: workload paths as written (CSV column "workload") */
    char **workload_paths; /* owned: the same, resolved against the spec's directory */
    size_t workload_count;
    uint32_t batch; /* batch override for every workload; 0 keeps each workload's */
    sw_axis axes[SW_MAX_AXES];
    size_t axis_count;
    sw_constraint *constraints; /* owned */
    size_t constraint_count;
    sw_objective *objectives; /* owned */
    size_t objective_count;
    sw_sampling sampling;
    uint64_t seed;
    uint64_t grid_count;   /* workloads x product of axis sizes */
    uint64_t point_count;  /* grid_count for a grid, the sample size for random */
    uint64_t *random_grid; /* owned (random only): the grid point of each sampled point */
} sw_spec;

/* Parses spec text; name is used in messages and to resolve relative paths. On success the
 * caller owns *spec (sw_spec_fini). Fails with FW_EXIT_INPUT and "NAME: json.path: reason". */
int sw_spec_parse(const char *name, const char *text, sw_spec *spec, fw_err *err);
/* Reads and parses a spec file (FW_EXIT_IO if unreadable). */
int sw_spec_load(const char *path, sw_spec *spec, fw_err *err);
void sw_spec_fini(sw_spec *spec);

/* The choice of point `index` (< point_count): *workload and value[a] for each axis a (value
 * has axis_count entries). */
void sw_spec_point(const sw_spec *spec, uint64_t index, size_t *workload, size_t *value);

/* Writes the axis values v (as sw_spec_point gives them) into cfg, a document that holds the
 * base config with every axis's values have[a] written in axis order (have[a] == SIZE_MAX: not
 * known, e.g. a fresh copy of the base; have NULL: nothing known). Only the axes from the first
 * one whose value differs from have[] are written again, in order: the document then equals the
 * base with all of v written in order (the axes before that one would write the same values
 * into the same places; any later axis writing inside or over one of their paths is written
 * again after it, as in the full sequence). Sets have[] to v (to SIZE_MAX on failure).
 * Fails like jr_doc_set. */
int sw_spec_apply(const sw_spec *spec, jr_doc *cfg, size_t *have, const size_t *v, fw_err *err);

/* The config of point `index`: base (the loaded base config) with each axis's value written at
 * its paths. *out borrows base's file name and owns its tree (free with cJSON_Delete(out->root)
 * also on failure); *workload as sw_spec_point. Fails like jr_doc_set (a path that does not
 * exist in the base: FW_EXIT_INPUT) or FW_EXIT_IO (out of memory). */
int sw_spec_point_config(const sw_spec *spec, const jr_doc *base, uint64_t index, jr_doc *out,
                         size_t *workload, fw_err *err);

/* Checks that every constraint and objective names one of the metric names (the evaluator's
 * columns); fails with the spec's JSON path ("objectives[1].metric: unknown metric ..."). */
int sw_spec_check_metrics(const sw_spec *spec, const char *const *names, size_t count, fw_err *err);

/* FNV-1a 64-bit hash of n bytes, continuing from h (start with SW_FNV64_INIT). */
#define SW_FNV64_INIT 0xcbf29ce484222325ULL
uint64_t sw_fnv64(uint64_t h, const void *data, size_t n);



#endif
