/* eng_fast: the fast engine (ENG_FAST): the compute-side counts of a layer (macs, pe_slots,
 * PE registers, array-side SRAM accesses) from the closed forms listed in eng.h, summed over the
 * fold grid in closed form. Cycles and memory-side counts come from mem.h. Called by
 * eng_run_layer (eng.h). Stage sim/engine. */
#ifndef ENG_FAST_H
#define ENG_FAST_H

#include "config/cfg.h"
#include "engine/eng.h"
#include "mapping/map.h"

/* Adds the layer's compute-side counts into *c. Cannot fail (map_layer_init bounded the layer
 * so that no sum wraps). */
void eng_fast_layer(const cfg_accel *cfg, const map_layer *map, eng_counters *c);

#endif
