/* eng_pe: the pe engine (ENG_PE): executes the schedule of engine/arr.h register by register
 * with real values (models/numerics). Called by eng_run_layer (eng.h); the fold starts come
 * from the memory model (mem.h). Stage sim/engine. */
#ifndef ENG_PE_H
#define ENG_PE_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "engine/eng.h"
#include "mapping/map.h"

#include <stdint.h>

/* The pe engine on one layer: executes the schedule with fold starts x[0 .. map->folds-1]
 * (from the memory model) on operands ops, adds the compute-side counts (macs, pe_slots,
 * registers, array-side SRAM accesses) into *ctr and, when outputs is not NULL, writes the
 * output tensor (eng_output_count elements). FW_EXIT_FAIL on a schedule hazard,
 * FW_EXIT_INPUT when the layer is too large for it (more than ENG_PE_MAX_ELEMENTS im2col
 * elements) or the array has more than ENG_PE_MAX_PES PEs. */
#define ENG_PE_MAX_ELEMENTS (1ull << 24)
#define ENG_PE_MAX_PES (1ull << 20) /* the pe engine's array size limit (R * C) */
int eng_pe_run(const cfg_accel *cfg, const wl_layer *layer, const map_layer *map, const uint64_t *x,
               const eng_operands *ops, uint64_t *outputs, eng_counters *ctr, fw_err *err);

#endif
