/* sw_check: sweeps that never dead-end.
 *   - sw_check_points validates every point's config before the first point runs (and is
 *     `flopwatt sweep --dry-run`): an impossible point found after hours of work stops nothing.
 *   - sw_rekey_log lets `--resume` continue after a spec edit that only fixes or removes points:
 *     a point is identified by its content (workload and, per axis, the value's label and JSON
 *     text), not by its number, so finished rows are renumbered for the new spec; rows whose
 *     values are gone and invalid (NaN) rows are dropped and run again when still in the spec.
 */
#ifndef SW_CHECK_H
#define SW_CHECK_H

#include "common/fw_err.h"
#include "sweep/sw_run.h"
#include "sweep/sw_spec.h"

#include <stdint.h>

typedef struct sw_check_result {
    uint64_t checked;        /* points of the shard checked */
    uint64_t invalid;        /* of which the evaluator's check refused */
    uint64_t first_invalid;  /* the first of them (by number), when invalid > 0 */
    fw_err first;            /* its reason: "point N (workload=..., path=value, ...): ..." */
} sw_check_result;

#define SW_CHECK_MAX_JOBS 256

/* Builds each point of the shard (point % shard_count == shard_index) and passes it to
 * ev->check (nothing is checked when ev->check is NULL), in `jobs` forked processes (at most
 * SW_CHECK_MAX_JOBS; one, the caller, for a small shard): *out is the same for any jobs (counts,
 * and the lowest-numbered invalid point). Fails when the base config cannot be read or an axis
 * path does not exist in it (FW_EXIT_INPUT/IO, *err: the lowest point that could not be built),
 * or a worker died (FW_EXIT_FAIL); invalid points are counted in *out. */
int sw_check_points(const sw_spec *spec, const sw_eval *ev, uint64_t shard_index,
                    uint64_t shard_count, unsigned jobs, sw_check_result *out, fw_err *err);

/* Rewrites DIR/points.log, written for the spec in DIR/spec.json, for `spec` (new_header: its
 * log header): possible when both specs are full grids with the same axis paths, the inputs
 * hash of the old log is one of inputs_ok[0..n) (the same base config, workloads and evaluator,
 * with or without --skip-invalid), the metrics and the shard are the same. *kept rows are
 * renumbered, *dropped removed. Fails with FW_EXIT_INPUT saying why the logs are incompatible
 * (the caller then refuses the resume as before), FW_EXIT_IO on a write error. */
int sw_rekey_log(const sw_spec *spec, const char *out_dir, const char *new_header,
                 const uint64_t *inputs_ok, size_t n, const sw_eval *ev, uint64_t shard_index,
                 uint64_t shard_count, uint64_t *kept, uint64_t *dropped, fw_err *err);

#endif
