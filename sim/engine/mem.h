/* mem: the memory side of the engines: double-buffered SRAM per operand, DRAM with bandwidth
 * and latency, prefetch of the next fold's tiles, write-back of outputs, partial-sum spills,
 * and the stalls they cause, attributed per operand. One fold event model, used by both
 * engines (the pe engine asks it when each fold may start), so both agree by construction.
 *
 * Model (all cycles integers; bandwidth B in 1/1000 bytes per cycle, cfg.h):
 *   - A transfer of n bytes occupies its DRAM queue for ceil(1000 n / B) cycles (0 when the
 *     bandwidth is unlimited). Reads and writes use two separate in-order queues at the
 *     configured bandwidth each (a full-duplex simplification). A read's data is in SRAM
 *     latency_cycles after its transfer ends; a write is done when its transfer ends.
 *   - Before fold f may start (x_f, arr.h), in this order: the spilled partial sums of its
 *     output tile (when the output tile does not fit an ofmap buffer and f is not the first
 *     reduction fold), then its ifmap tile, then its filter tile, each when map.h says it must
 *     be fetched, must be in SRAM. A read request for fold f is issued when its queue is free
 *     and its buffer is: for a double-buffered operand at x_{f-1} (the start of fold f-1 frees
 *     the half fold f-2 used; folds 0 and 1 have a free half at cycle 0), for a
 *     single-buffered one at x_{f-1} + L_{f-1} (the end of fold f-1), and spilled partial
 *     sums once the previous fold's spill write is done.
 *   - When the output tile fits, the first fold f of output tile u also needs its ofmap
 *     buffer: the one that tile u-2 (double buffered) or u-1 (single) used. That buffer drains
 *     to DRAM in the order its results were produced while fold f refills it in the same
 *     order, so f may start once its end is no earlier than the drain's:
 *     x_f + L >= write-back done of that tile (an approximation at tile granularity).
 *   - At the end of fold f (x_f + L_f): when f is the last reduction fold its output tile
 *     (in the output format, precision.output) is written back to DRAM; otherwise, when the
 *     tile does not fit, its partial sums spill to DRAM (in the accumulator format).
 *   - x_f = max(earliest from the schedule, every ready cycle above); the difference is a stall
 *     of the operand with the latest ready cycle (ties: ifmap, filter, ofmap). The layer ends
 *     at max(x_last + L_last, last write done); the tail is an ofmap stall.
 *   - SRAM side: a DRAM read of n bytes writes n / element-bytes elements into the operand's
 *     SRAM; a DRAM write reads them out of the ofmap SRAM.
 *   - Ideal memory: the same traffic is counted but every ready cycle is 0: no stalls.
 * Monotone by construction: the order of requests and every fetch decision are fixed by the
 * mapping, and every time is a max/plus of transfer times, so more bandwidth or less latency
 * never adds cycles, and a bigger SRAM never adds traffic (residency and fits are monotone).
 */
#ifndef MEM_H
#define MEM_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "engine/eng.h"
#include "mapping/map.h"

#include <stdbool.h>
#include <stdint.h>

/* Runs the fold event model over the whole layer: fills x[f] with each fold's start cycle
 * when x is not NULL (map->folds entries, caller-owned), calls trace (when not NULL) for every
 * fold, and adds cycles, stalls, folds and memory-side accesses into *ctr. */
void mem_timeline(const cfg_accel *cfg, const map_layer *map, bool ideal, uint64_t *x,
                  eng_trace_fn trace, void *trace_ctx, eng_counters *ctr);

/* Cycles to move n bytes at the configured bandwidth (0 for unlimited). */
uint64_t mem_transfer_cycles(const cfg_accel *cfg, uint64_t bytes);

#endif
