/* mem_memo: a cache of the fold event model's results (mem_timeline, mem.h) for callers that
 * time the same layer mapping many times: a sweep over SRAM sizes, clocks or technology, where
 * most points map a layer the same way, or a network with repeated layer shapes. Stage
 * sim/engine; the sweep's evaluator (sim/sweep/sw_eval_sim.c) owns one per worker and passes it
 * in eng_options.timeline_memo.
 *
 * Why a memo is exact: with the `sram` shorthand (map->tiling NULL), mem_timeline is a pure
 * function that adds into its counters a result computed from the map_layer (every field), the
 * ideal flag and these config fields only: array rows, cols, dataflow, schedule,
 * mac_pipeline_cycles (fold lengths and gaps, arr.h), sram[op].double_buffered, dram
 * bandwidth_millibytes_per_cycle and latency_cycles. (The SRAM sizes enter only through the map:
 * resident[], ofmap_fits.) The key holds all of them, so a hit returns what the model would
 * compute, and adding a stored result equals adding it fold by fold (unsigned sums). The
 * explicit hierarchy (map->tiling set), zero skipping (map->t_eff set) and traced runs are
 * never memoized.
 * tests/unit/test_sim_memo.c compares memoized and direct results on random layers and configs.
 *
 * Not thread-safe: one memo per thread or process (it is plain caller-owned state; there is no
 * global). Results never depend on what the memo holds.
 */
#ifndef MEM_MEMO_H
#define MEM_MEMO_H

#include "config/cfg.h"
#include "engine/eng.h"
#include "mapping/map.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct mem_memo mem_memo;

/* Creates an empty memo of a fixed size (a few MB at most, allocated lazily by the OS). Caller
 * owns *out (mem_memo_destroy, which accepts NULL). Returns 0, or -1 when out of memory. */
int mem_memo_create(mem_memo **out);
void mem_memo_destroy(mem_memo *memo);

/* mem_timeline(cfg, map, ideal, NULL, NULL, NULL, ctr), answered from the memo when an earlier
 * call had the same inputs (see above); memo may be NULL (then it is mem_timeline). */
void mem_memo_timeline(mem_memo *memo, const cfg_accel *cfg, const map_layer *map, bool ideal,
                       eng_counters *ctr);

/* Calls answered from the memo and calls that ran the model, since creation (for tests and
 * benchmarks). */
void mem_memo_stats(const mem_memo *memo, uint64_t *hits, uint64_t *misses);

#endif
