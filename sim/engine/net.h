/* net: a whole network on one accelerator: the layers of a workload run one after another
 * through the engine (eng.h), their counters summed. The one network loop of the project:
 * `flopwatt run`, the sweep's point evaluator and the ceiling's achieved rung all call
 * net_run. Stage sim/engine: reads cfg, wl and the layer engine; read by energy, report, sweep
 * and the CLI.
 *
 * Layers without MACs (pooling, element-wise) are not simulated: they take no cycles and move
 * nothing counted (as the layer engine never sees them). Layer i of the workload runs with
 * eng seed = options.eng.seed + i, so a layer's pe data do not depend on which other layers
 * run.
 */
#ifndef NET_H
#define NET_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "engine/eng.h"
#include "workload/wl.h"

#include <stddef.h>

/* Called before a MAC layer runs (e.g. to name the layer in a trace). */
typedef void (*net_start_fn)(void *ctx, const wl_layer *layer);
/* Called after a MAC layer ran, with its result (outputs when eng.keep_outputs) and the seed it
 * ran with. A non-zero
 * return stops the run and net_run returns it (err untouched: the callback reports its own
 * failure). */
typedef int (*net_done_fn)(void *ctx, const wl_layer *layer, const eng_result *res,
                           uint64_t seed);

typedef struct net_options {
    eng_options eng;        /* for every layer; seed is the base (layer i: seed + i) */
    const char *only_layer; /* NULL: every layer; else only the layer of this name */
    net_start_fn on_start;  /* optional */
    net_done_fn on_done;    /* optional */
    void *ctx;              /* passed to on_start and on_done */
} net_options;

/* One MAC layer as it ran. */
typedef struct net_layer {
    size_t index;   /* position in wl->layers */
    eng_counters c; /* its counters */
} net_layer;

typedef struct net_result {
    net_layer *layers;  /* owned: the MAC layers that ran, in workload order */
    size_t layer_count;
    eng_counters total; /* sum over layers */
    size_t failed;      /* on an engine failure: the workload index of the layer that failed */
} net_result;

/* Runs the workload's MAC layers (or only opt->only_layer, which must name a layer of wl: the
 * caller checks, a missing name runs nothing). On success the caller owns *out
 * (net_result_fini). Fails as eng_run_layer (FW_EXIT_INPUT: a layer too large to count, or the
 * totals overflow; FW_EXIT_FAIL: a pe-engine schedule hazard), with out->failed naming the layer
 * and err unprefixed; FW_EXIT_IO when out of memory; or with an on_done callback's code. On
 * failure *out holds no memory (net_result_fini is still safe). */
int net_run(const cfg_accel *cfg, const wl_workload *wl, const net_options *opt, net_result *out,
            fw_err *err);
void net_result_fini(net_result *res);

#endif
