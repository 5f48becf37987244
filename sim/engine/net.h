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
 *
 * Inter-layer residency: on when the whole workload runs and the outermost on-chip level holding
 * ifmaps (cfg_outer_level) is a shared level that also holds the ofmap (`holds` with both,
 * configs/README.md: a unified activation buffer such as the TPU's Unified Buffer), of
 * C = its size_bytes x instances (the whole level: tensors live in it, halves or not). The
 * `sram` shorthand (separate operand SRAMs) has none: with it every layer reads its input from
 * DRAM and writes its output back, as before.
 * Tensors are layer outputs (workload/wl.h "inputs"); a tensor's bytes are its elements
 * (wl_layer_ofmap_elems) x the output format's bytes. Layers are visited in workload order,
 * with L the bytes of the tensors on chip that a layer at or after this one still reads:
 *   - a layer's input is "on chip" when every tensor it reads is on chip (the network's input
 *     never is); then its MAC layer runs with eng_options.ifmap_on_chip (no DRAM ifmap reads).
 *     Otherwise the layer reads its whole input from DRAM as the mapping says (inputs partly on
 *     chip are read from DRAM too: an over-count of the on-chip part, documented in
 *     sim/README.md);
 *   - its output stays on chip (eng_options.ofmap_on_chip: no write-back) when some later layer
 *     reads it, no matmul reads it (a matmul's operands come through the DRAM, sim/README.md),
 *     and L + its bytes <= C; otherwise it goes to DRAM (a spill, or the network's output) and
 *     its readers fetch it from there (tile by tile, as the mapping says: an input read from
 *     DRAM takes no room of its own in C, like the other operand tiles, sim/README.md);
 *     An element-wise layer (any layer without MACs but a pooling) may write its output over
 *     an on-chip input of at least its size that it reads last: that input's bytes (up to the
 *     output's) do not count in L for this test;
 *   - after the layer, each tensor whose last reader it was leaves the chip (L shrinks).
 * A layer without MACs follows the same rules (its output stays when it fits, wherever its
 * inputs are). Under residency, when it reads a tensor from DRAM or writes its output there,
 * that traffic is counted in a row of its own (net_layer with no MACs or folds): bytes read as
 * ifmap, written as ofmap, and as many cycles as the longer of the two transfers at the DRAM
 * bandwidth (plus the read latency), all stall cycles of that operand (none with
 * ideal_memory; the element-wise unit itself is not modelled). Without residency such layers move nothing, as before. The decisions are greedy in workload
 * order (a tensor that fits when produced stays until its last reader; nothing is evicted), so
 * the live bytes never exceed C. With residency off every layer reads from and writes to DRAM,
 * exactly as a layer run on its own.
 *
 * Sub-batches: a batch of N images may run as sub-batches of b images, one after another, each
 * through the whole network (its weights fetched again per sub-batch, its activations kept on
 * chip as above at b images), as a compiler splits a batch whose activations do not fit: N / b
 * sub-batches of b and one of N mod b. Every full sub-batch is the same run, so the runner runs
 * one of each size (trace, outputs and callbacks see those) and a layer's counters are
 * (N / b) x its counters at b + its counters at N mod b; its input (output) is on chip when it
 * was in every sub-batch. net_options.sub_batch gives b (clamped to N); 0 lets the runner
 * choose when residency is on, N > 1 and no mapping is pinned (config or workload pins name
 * tiles of the whole batch): it tries b = ceil(N / k) for k = 1, 2, ... (largest first, at most
 * NET_SUB_BATCH_CANDIDATES sizes) with the fast engine and stops at the first b whose
 * sub-batches spill no tensor that a later layer reads (a smaller b would only fetch the weights
 * more often); the size of the best net_objective_value wins, a tie going to the larger. Without
 * residency, with --layer, or when a layer's batch differs from the workload's (a matmul: its
 * images not a multiple of N), the batch runs whole.
 */
#ifndef NET_H
#define NET_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "engine/eng.h"
#include "workload/wl.h"

#include <stdbool.h>
#include <stddef.h>

/* Called before a MAC layer runs (e.g. to name the layer in a trace). */
typedef void (*net_start_fn)(void *ctx, const wl_layer *layer);
/* Called after a MAC layer ran, with its result (outputs when eng.keep_outputs) and the seed it
 * ran with. A non-zero
 * return stops the run and net_run returns it (err untouched: the callback reports its own
 * failure). */
typedef int (*net_done_fn)(void *ctx, const wl_layer *layer, const eng_result *res,
                           uint64_t seed);

#define NET_MAX_JOBS 256 /* net_options.jobs beyond this run on this many threads */
/* Sub-batch sizes the runner tries at most when it chooses one (net.h, "Sub-batches"). */
#define NET_SUB_BATCH_CANDIDATES 16

typedef struct net_options {
    eng_options eng;        /* for every layer; seed is the base (layer i: seed + i) */
    const char *only_layer; /* NULL: every layer; else only the layer of this name */
    net_start_fn on_start;  /* optional */
    net_done_fn on_done;    /* optional */
    void *ctx;              /* passed to on_start and on_done */
    /* MAC layers run on this many threads (0 or 1: one after another). Whatever the count, the
     * caller sees the same: on_start, the layer's fold trace and on_done in workload order, the
     * same counters, outputs and the first failing layer's error (net.c "Jobs"). */
    unsigned jobs;
    uint32_t sub_batch;     /* images per sub-batch; 0: chosen by the runner (below) */
} net_options;

/* Where a tensor is read from or written to. */
typedef enum net_place { NET_DRAM = 0, NET_CHIP } net_place;

/* One layer as it ran: a MAC layer, or under residency a layer without MACs that moved DRAM
 * traffic (net.h). */
typedef struct net_layer {
    size_t index;         /* position in wl->layers */
    eng_counters c;       /* its counters */
    net_place input_from; /* where its input tensors were read from */
    net_place output_to;  /* where its output went */
} net_layer;

typedef struct net_result {
    net_layer *layers;  /* owned: the MAC layers that ran, in workload order */
    size_t layer_count;
    eng_counters total; /* sum over layers */
    bool residency;     /* inter-layer residency was on (above) */
    const char *chip_level; /* then: the name of the level holding the tensors (in cfg) */
    size_t failed;      /* on an engine failure: the workload index of the layer that failed */
    uint32_t sub_batch; /* images per sub-batch the batch ran as (the batch: not split) */
    uint64_t spilled_bytes; /* under residency: bytes of the tensors that went to DRAM although
                               a later layer reads them, in one sub-batch (0: none spilled) */
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

/* The objective of memory.objective (cfg.h) for a whole run's counters, as the runner compares
 * sub-batch sizes: cycles; energy in the mapping search's relative units (tl_costs_default:
 * every level's reads and writes, array side included, and the DRAM bytes); or their product. */
double net_objective_value(const cfg_accel *cfg, const eng_counters *c);

/* Figures derived from counters, defined here once for every consumer: the report's per-layer
 * and total rows (text, JSON, CSV), the sweep's metrics, the ceiling's and validate's
 * utilization. All 0 when cycles is 0.
 *   utilization         macs / (R x C x cycles)
 *   mapping_efficiency  macs / pe_slots (used PEs while streaming; 0 without PE slots)
 *   time_s              cycles / clock
 *   gmacs_per_s         macs / time_s / 1e9
 *   gops                2 x gmacs_per_s (1 MAC = 2 operations: GFLOPS for floating inputs,
 *                       GOPS for integer ones)
 *   dram_bytes          DRAM bytes read and written, every operand (exact)
 *   dram_gbps           dram_bytes / time_s / 1e9 */
typedef struct net_derived {
    double utilization;
    double mapping_efficiency;
    double time_s;
    double gmacs_per_s;
    double gops;         /* 2 ops per MAC, every MAC of the dense layer (eng dense_macs, with
                            N:M the pruned ones too): dense-equivalent */
    double gops_nonzero; /* counting only MACs without a zero operand (eng zero_macs): effective */
    uint64_t dram_bytes;
    double dram_gbps;
} net_derived;

void net_derive(const cfg_accel *cfg, const eng_counters *c, net_derived *out);

/* Name of a place in reports: "dram", or res->chip_level. */
const char *net_place_name(const net_result *res, net_place p);

/* The level where tensors can stay between layers (the rule above), or -1 when none. */
int net_activation_level(const cfg_accel *cfg);

#endif
