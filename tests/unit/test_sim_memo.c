/* Tests of the fold timeline memo (sim/engine/mem_memo.h): a memoized run adds exactly the
 * counters of the fold event model (mem_timeline) run directly, on random layers x dataflows x
 * schedules x array shapes x precisions x SRAM sizes and buffering x DRAM bandwidths and
 * latencies x ideal memory x inter-layer residency, drawn from small pools so that the memo hits
 * often and is also evicted (direct mapped) often. The reference is the model itself, run
 * without the memo: the memo must be invisible. */
#include "config/cfg.h"
#include "engine/eng.h"
#include "engine/mem.h"
#include "engine/mem_memo.h"
#include "mapping/map.h"
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t rng_in(uint64_t *s, uint32_t lo, uint32_t hi) /* [lo, hi] */
{
    return lo + (uint32_t)(rng_next(s) % (hi - lo + 1));
}

/* A random conv (padding, stride, dilation, groups, batch) or GEMM layer. */
static void random_layer(uint64_t *s, wl_layer *l)
{
    fw_err err;
    if (rng_in(s, 0, 4) == 0) {
        cr_assert_eq(
            wl_layer_gemm(l, "g", rng_in(s, 1, 200), rng_in(s, 1, 90), rng_in(s, 1, 300), 1, &err),
            0, "%s", err.msg);
        return;
    }
    for (;;) {
        wl_layer_init(l, WL_CONV, "c");
        uint32_t groups = rng_in(s, 1, 4);
        l->groups = rng_in(s, 0, 2) ? 1 : groups;
        l->in_c = l->groups * rng_in(s, 1, 40);
        l->filters = l->groups * rng_in(s, 1, 50);
        l->in_h = rng_in(s, 1, 30);
        l->in_w = rng_in(s, 1, 30);
        l->filt_r = rng_in(s, 1, 3);
        l->filt_s = rng_in(s, 1, 3);
        l->stride_h = rng_in(s, 1, 2);
        l->stride_w = rng_in(s, 1, 2);
        l->dil_h = rng_in(s, 1, 2);
        l->dil_w = rng_in(s, 1, 2);
        l->pad_top = l->pad_bottom = rng_in(s, 0, 1);
        l->pad_left = l->pad_right = rng_in(s, 0, 1);
        l->batch = rng_in(s, 1, 2);
        if (wl_layer_finish(l, &err) == 0)
            return;
    }
}

/* The knobs of a config in the `sram` form. */
enum {
    K_CLOCK,
    K_ROWS,
    K_COLS,
    K_DF,
    K_SCHED,
    K_PIPE,
    K_STREAM,
    K_PREC,
    K_ISIZE,
    K_IDB,
    K_FSIZE,
    K_FDB,
    K_OSIZE,
    K_ODB,
    K_BW,
    K_LAT,
    KNOBS
};

static void random_knobs(uint64_t *s, unsigned k[KNOBS])
{
    k[K_CLOCK] = rng_in(s, 0, 1);
    k[K_ROWS] = rng_in(s, 1, 40);
    k[K_COLS] = rng_in(s, 1, 40);
    k[K_DF] = rng_in(s, 0, 3);
    k[K_SCHED] = rng_in(s, 0, 1);
    k[K_PIPE] = rng_in(s, 1, 3);
    k[K_STREAM] = rng_in(s, 0, 1) ? 0 : rng_in(s, 1, 300);
    k[K_PREC] = rng_in(s, 0, 4);
    k[K_ISIZE] = rng_in(s, 1, 1u << rng_in(s, 4, 20)); /* log-spread: residency both ways */
    k[K_IDB] = rng_in(s, 0, 1);
    k[K_FSIZE] = rng_in(s, 1, 1u << rng_in(s, 4, 20));
    k[K_FDB] = rng_in(s, 0, 1);
    k[K_OSIZE] = rng_in(s, 1, 1u << rng_in(s, 4, 18));
    k[K_ODB] = rng_in(s, 0, 1);
    k[K_BW] = rng_in(s, 0, 5);
    k[K_LAT] = rng_in(s, 0, 200);
}

/* The config of the knobs (a pipeline deeper than 1 only where the dataflow allows it). */
static void knobs_cfg(const unsigned k[KNOBS], cfg_accel *c)
{
    static const char *const dfs[] = {"ws", "os", "is", "tree"};
    static const char *const prec[][2] = {{"int8", "int32"},
                                          {"int16", "int48"},
                                          {"fp16", "fp32"},
                                          {"bf16", "fp32"},
                                          {"fp32", "fp32"}};
    static const char *const bws[] = {"0", "0.25", "1", "8", "12.8", "100"};
    const char *df = dfs[k[K_DF]];
    unsigned pipe = (!strcmp(df, "ws") || !strcmp(df, "is")) ? k[K_PIPE] : 1;
    char text[1400];
    snprintf(text, sizeof text,
             "{\"clock_mhz\": %u, \"array\": {\"rows\": %u, \"cols\": %u, \"dataflow\": \"%s\","
             " \"schedule\": \"%s\", \"mac_pipeline_cycles\": %u, \"max_stream\": %u},"
             " \"precision\": {\"input\": \"%s\", \"accumulator\": \"%s\"},"
             " \"sram\": {\"ifmap\": {\"size_bytes\": %u, \"double_buffered\": %s},"
             " \"filter\": {\"size_bytes\": %u, \"double_buffered\": %s},"
             " \"ofmap\": {\"size_bytes\": %u, \"double_buffered\": %s}},"
             " \"dram\": {\"type\": \"ddr4\", \"bandwidth_gbps\": %s, \"latency_cycles\": %u},"
             " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9}}",
             k[K_CLOCK] ? 500 : 1000, k[K_ROWS], k[K_COLS], df, k[K_SCHED] ? "pipelined" : "serial",
             pipe, k[K_STREAM], prec[k[K_PREC]][0], prec[k[K_PREC]][1], k[K_ISIZE],
             k[K_IDB] ? "true" : "false", k[K_FSIZE], k[K_FDB] ? "true" : "false", k[K_OSIZE],
             k[K_ODB] ? "true" : "false", bws[k[K_BW]], k[K_LAT]);
    fw_err err;
    cr_assert_eq(cfg_parse("t.json", text, NULL, 0, c, &err), 0, "%s: %s", err.msg, text);
}

static void random_cfg(uint64_t *s, cfg_accel *c)
{
    unsigned k[KNOBS];
    random_knobs(s, k);
    knobs_cfg(k, c);
}

/* A pool of configs that differ from a random base in one knob at a time (and some in several):
 * a key that left out an input of the model would make two of them share a memo entry and
 * return the wrong counters. */
static void cfg_pool(uint64_t *s, cfg_accel *pool, unsigned n)
{
    unsigned base[KNOBS], k[KNOBS], fresh[KNOBS];
    random_knobs(s, base);
    for (unsigned i = 0; i < n; i++) {
        memcpy(k, base, sizeof k);
        random_knobs(s, fresh);
        unsigned changes = rng_in(s, 0, 3) ? 1 : rng_in(s, 2, 4);
        for (unsigned j = 0; j < changes; j++) {
            unsigned knob = rng_in(s, 0, KNOBS - 1);
            k[knob] = fresh[knob];
        }
        if (rng_in(s, 0, 7) == 0)
            random_knobs(s, base);
        knobs_cfg(k, &pool[i]);
    }
}

/* The memo adds exactly what the model adds, into counters that already hold something (as in
 * a network run), over many hits, misses and evictions. */
Test(sim_memo, memoized_timeline_equals_the_model)
{
    uint64_t s = 20261206;
    enum { LAYERS = 4, CFGS = 48 }; /* 4 x 48 x 4 residencies x 2 = 1536 > 1024 entries */
    unsigned cases = getenv("FLOPWATT_LONG") ? 1000000 : 100000;
    wl_layer *layers = calloc(LAYERS, sizeof *layers);
    cfg_accel *cfgs = malloc(CFGS * sizeof *cfgs);
    cr_assert(layers && cfgs);
    mem_memo *memo;
    cr_assert_eq(mem_memo_create(&memo), 0);
    for (unsigned n = 0; n < cases; n++) {
        if (n % 2000 == 0) { /* a new pool */
            for (unsigned i = 0; i < LAYERS; i++)
                random_layer(&s, &layers[i]);
            cfg_pool(&s, cfgs, CFGS);
        }
        const wl_layer *l = &layers[rng_in(&s, 0, LAYERS - 1)];
        const cfg_accel *c = &cfgs[rng_in(&s, 0, CFGS - 1)];
        map_layer map;
        fw_err err;
        cr_assert_eq(map_layer_init(c, l, &map, &err), 0, "%s", err.msg);
        map_layer_residency(&map, rng_in(&s, 0, 3) == 0, rng_in(&s, 0, 3) == 0);
        bool ideal = rng_in(&s, 0, 5) == 0;
        eng_counters direct, memoized;
        memset(&direct, 0, sizeof direct);
        direct.cycles = direct.dram_read_bytes[CFG_IFMAP] = n; /* earlier layers' sums */
        direct.folds = 7;
        memoized = direct;
        mem_timeline(c, &map, ideal, NULL, NULL, NULL, &direct);
        mem_memo_timeline(memo, c, &map, ideal, &memoized);
        cr_assert(memcmp(&direct, &memoized, sizeof direct) == 0,
                  "case %u: memoized counters differ (cycles %" PRIu64 " vs %" PRIu64 ")", n,
                  direct.cycles, memoized.cycles);
    }
    uint64_t hits, misses;
    mem_memo_stats(memo, &hits, &misses);
    cr_assert_eq(hits + misses, cases);
    cr_assert_gt(hits, cases / 4, "%" PRIu64 " hits of %u", hits, cases);
    cr_assert_gt(misses, 1024, "%" PRIu64 " misses: the table was never evicted", misses);
    mem_memo_destroy(memo);
    free(layers);
    free(cfgs);
}

/* What a sweep over SRAM sizes relies on: two configs that differ only in SRAM capacities map a
 * layer with the same residency, so the second is answered from the memo, and its counters are
 * the model's; capacities that change residency or the output tile's fit are different keys. */
Test(sim_memo, sram_sizes_enter_only_through_the_mapping)
{
    wl_layer l;
    fw_err err;
    wl_layer_init(&l, WL_CONV, "conv");
    l.in_h = l.in_w = 28;
    l.in_c = 32;
    l.filters = 48;
    l.filt_r = l.filt_s = 3;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = 1;
    l.batch = 1;
    cr_assert_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    /* input tensor 28*28*32 = 25088 bytes: resident from a 50176-byte double buffer on */
    static const unsigned ifmap_sizes[] = {4096, 8192, 50174, 50176, 65536, 1 << 20};
    static const bool resident[] = {false, false, false, true, true, true};
    mem_memo *memo;
    cr_assert_eq(mem_memo_create(&memo), 0);
    for (unsigned i = 0; i < sizeof ifmap_sizes / sizeof ifmap_sizes[0]; i++) {
        char set[64];
        snprintf(set, sizeof set, "sram.ifmap.size_bytes=%u", ifmap_sizes[i]);
        const char *sets[] = {set};
        cfg_accel c;
        cr_assert_eq(cfg_parse("t.json",
                               "{\"clock_mhz\": 500, \"array\": {\"rows\": 16, \"cols\": 16,"
                               " \"dataflow\": \"ws\", \"max_stream\": 100},"
                               " \"precision\": {\"input\": \"int8\", \"accumulator\": \"int32\"},"
                               " \"sram\": {\"ifmap\": {\"size_bytes\": 1},"
                               " \"filter\": {\"size_bytes\": 4096},"
                               " \"ofmap\": {\"size_bytes\": 65536}},"
                               " \"dram\": {\"type\": \"ddr4\", \"bandwidth_gbps\": 4},"
                               " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9}}",
                               sets, 1, &c, &err),
                     0, "%s", err.msg);
        map_layer map;
        cr_assert_eq(map_layer_init(&c, &l, &map, &err), 0, "%s", err.msg);
        cr_assert_eq(map.resident[0], resident[i], "ifmap %u bytes", ifmap_sizes[i]);
        eng_counters direct, memoized;
        memset(&direct, 0, sizeof direct);
        memset(&memoized, 0, sizeof memoized);
        mem_timeline(&c, &map, false, NULL, NULL, NULL, &direct);
        uint64_t hits0, hits1, misses;
        mem_memo_stats(memo, &hits0, &misses);
        mem_memo_timeline(memo, &c, &map, false, &memoized);
        mem_memo_stats(memo, &hits1, &misses);
        cr_assert(memcmp(&direct, &memoized, sizeof direct) == 0, "ifmap %u bytes", ifmap_sizes[i]);
        /* the first size of each residency class computes, the others hit */
        bool first_of_class = i == 0 || resident[i] != resident[i - 1];
        cr_assert_eq(hits1 - hits0, first_of_class ? 0u : 1u, "ifmap %u bytes", ifmap_sizes[i]);
    }
    mem_memo_destroy(memo);
}

static void count_fold(void *ctx, const eng_fold_event *ev)
{
    (void)ev;
    ++*(uint64_t *)ctx;
}

/* Through the engine: eng_run_layer with a memo equals it without, and a traced run (which
 * needs every fold) is never memoized. */
Test(sim_memo, engine_with_memo_equals_engine_without)
{
    uint64_t s = 77;
    mem_memo *memo;
    cr_assert_eq(mem_memo_create(&memo), 0);
    for (unsigned n = 0; n < 3000; n++) {
        wl_layer l;
        cfg_accel c;
        random_layer(&s, &l);
        random_cfg(&s, &c);
        eng_options plain = {.kind = ENG_FAST,
                             .ideal_memory = rng_in(&s, 0, 5) == 0,
                             .ifmap_on_chip = rng_in(&s, 0, 3) == 0,
                             .ofmap_on_chip = rng_in(&s, 0, 3) == 0};
        eng_options memoized = plain;
        memoized.timeline_memo = memo;
        eng_result a, b, again;
        fw_err err;
        cr_assert_eq(eng_run_layer(&c, &l, &plain, &a, &err), 0, "%s", err.msg);
        cr_assert_eq(eng_run_layer(&c, &l, &memoized, &b, &err), 0, "%s", err.msg);
        cr_assert_eq(eng_run_layer(&c, &l, &memoized, &again, &err), 0, "%s", err.msg);
        cr_assert(memcmp(&a.c, &b.c, sizeof a.c) == 0, "case %u", n);
        cr_assert(memcmp(&a.c, &again.c, sizeof a.c) == 0, "case %u (hit)", n);
    }
    uint64_t hits, misses, hits2, misses2;
    mem_memo_stats(memo, &hits, &misses);
    cr_assert_eq(hits + misses, 6000);
    cr_assert_geq(hits, 3000);
    /* traced: every fold reaches the trace, the memo is not asked */
    wl_layer l;
    cfg_accel c;
    random_layer(&s, &l);
    random_cfg(&s, &c);
    uint64_t traced = 0;
    eng_options opt = {
        .kind = ENG_FAST, .timeline_memo = memo, .trace = count_fold, .trace_ctx = &traced};
    eng_result r;
    fw_err err;
    cr_assert_eq(eng_run_layer(&c, &l, &opt, &r, &err), 0, "%s", err.msg);
    mem_memo_stats(memo, &hits2, &misses2);
    cr_assert_eq(traced, r.c.folds);
    cr_assert_eq(hits2, hits);
    cr_assert_eq(misses2, misses);
    mem_memo_destroy(memo);
}
