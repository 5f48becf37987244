/* Tests of the memory model (sim/engine/mem.h) through the fast engine: one stall case worked by
 * hand from the documented rules; unlimited bandwidth gives no stalls; more bandwidth or less
 * latency never gives more cycles; a bigger SRAM never gives more DRAM traffic and can cut
 * traffic and stalls; --ideal-memory removes all stalls and keeps the traffic. */
#include "config/cfg.h"
#include "engine/eng.h"
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static cfg_accel make_cfg_storage(unsigned rows, unsigned cols, const char *df,
                                  const char *sched, const char *storage,
                                  const char *const *sets, size_t n)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{\"clock_mhz\": 1000, \"array\": {\"rows\": %u, \"cols\": %u, \"dataflow\": \"%s\","
             " \"schedule\": \"%s\"},"
             " \"precision\": {\"input\": \"int8\", \"accumulator\": \"int32\"},"
             " %s,"
             " \"dram\": {\"type\": \"ddr4\", \"bandwidth_gbps\": 1, \"latency_cycles\": 5},"
             " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9}}",
             rows, cols, df, sched, storage);
    cfg_accel c;
    fw_err err;
    cr_assert_eq(cfg_parse("t.json", text, sets, n, &c, &err), 0, "%s", err.msg);
    return c;
}

static cfg_accel make_cfg(unsigned rows, unsigned cols, const char *df, const char *sched,
                          const char *const *sets, size_t n)
{
    return make_cfg_storage(rows, cols, df, sched,
                            "\"sram\": {\"ifmap\": {\"size_bytes\": 1048576}, \"filter\": "
                            "{\"size_bytes\": 1048576}, \"ofmap\": {\"size_bytes\": 1048576}}",
                            sets, n);
}

static eng_counters run(const cfg_accel *c, const wl_layer *l, bool ideal)
{
    eng_options opt = {.kind = ENG_FAST, .ideal_memory = ideal};
    eng_result r;
    fw_err err;
    cr_assert_eq(eng_run_layer(c, l, &opt, &r, &err), 0, "%s", err.msg);
    return r.c;
}

static uint64_t dram_bytes(const eng_counters *c)
{
    uint64_t b = 0;
    for (int op = 0; op < CFG_OPERANDS; op++)
        b += c->dram_read_bytes[op] + c->dram_write_bytes[op];
    return b;
}

Test(sim_memory, stall_case_by_hand)
{
    /* 2x2 WS pipelined, int8/int32, 1 byte/cycle (1 GB/s at 1000 MHz), latency 5, big buffers.
     * GEMM M=3 (T), N=2, K=4: 2 row folds, L = 2R + C + T - 2 = 7, gap max(T, R) = 3.
     * fold 0: ifmap tile T*sr = 6 B issued at 0, queue busy to 6, ready 11; filter tile
     *   sr*sc = 4 B issued at 6, busy to 10, ready 15 -> x0 = 15: 15 filter stall cycles.
     * fold 1 (double buffered: a free half from cycle 0): ifmap 6 B issued at 10 (queue),
     *   busy to 16, ready 21; filter 4 B at 16, busy to 20, ready 25; earliest x0 + 3 = 18
     *   -> x1 = 25: 7 filter stall cycles. Ends 25 + 7 = 32.
     * write-back of the 3x2 int32 outputs (24 B) at 32, done 56: 24 ofmap stall cycles.
     * total 56 = 10 compute (3 + 7, the ideal pipelined time) + 46 stall. */
    cfg_accel c = make_cfg(2, 2, "ws", "pipelined", NULL, 0);
    wl_layer l;
    fw_err err;
    cr_assert_eq(wl_layer_gemm(&l, "g", 3, 2, 4, 1, &err), 0);
    eng_counters e = run(&c, &l, false);
    cr_assert_eq(e.cycles, 56);
    cr_assert_eq(e.compute_cycles, 10);
    cr_assert_eq(e.stall_cycles, 46);
    cr_assert_eq(e.stall_cycles_by[CFG_IFMAP], 0);
    cr_assert_eq(e.stall_cycles_by[CFG_FILTER], 22);
    cr_assert_eq(e.stall_cycles_by[CFG_OFMAP], 24);
    cr_assert_eq(e.dram_read_bytes[CFG_IFMAP], 12);
    cr_assert_eq(e.dram_read_bytes[CFG_FILTER], 8);
    cr_assert_eq(e.dram_write_bytes[CFG_OFMAP], 24);
    /* ideal memory: the same traffic, no stalls */
    eng_counters i = run(&c, &l, true);
    cr_assert_eq(i.cycles, 10);
    cr_assert_eq(i.stall_cycles, 0);
    cr_assert_eq(dram_bytes(&i), dram_bytes(&e));
}

/* Random layer shapes for the property tests. */
static uint64_t rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void random_gemm(uint64_t *s, wl_layer *l)
{
    fw_err err;
    cr_assert_eq(wl_layer_gemm(l, "g", 1 + (uint32_t)(rng(s) % 300), 1 + (uint32_t)(rng(s) % 70),
                               1 + (uint32_t)(rng(s) % 200), 1, &err),
                 0);
}

static const char *const dfs[] = {"ws", "os", "is", "tree"};
static const char *const scheds[] = {"pipelined", "serial"};

Test(sim_memory, unlimited_bandwidth_no_stalls)
{
    /* double-buffered inputs, output tiles that fit: every stall comes from bandwidth or
     * latency, so unlimited bandwidth with zero latency has none */
    uint64_t s = 1;
    const char *sets[] = {"dram.bandwidth_gbps=0", "dram.latency_cycles=0",
                          "sram.ifmap.size_bytes=64", "sram.filter.size_bytes=64",
                          "sram.ofmap.size_bytes=100000000"};
    for (int n = 0; n < 300; n++) {
        wl_layer l;
        random_gemm(&s, &l);
        cfg_accel c = make_cfg(1 + (unsigned)(rng(&s) % 16), 1 + (unsigned)(rng(&s) % 16),
                               dfs[n % 4], scheds[(n / 4) % 2], sets, 5);
        eng_counters e = run(&c, &l, false);
        cr_assert_eq(e.stall_cycles, 0, "case %d", n);
        cr_assert_gt(dram_bytes(&e), 0);
    }
}

Test(sim_memory, more_bandwidth_never_more_cycles)
{
    uint64_t s = 2;
    static const char *const bws[] = {"0.1", "0.5", "1", "2", "8", "64", "0"}; /* 0: unlimited */
    static const char *const sizes[] = {"16", "256", "4096", "65536"};
    for (int n = 0; n < 200; n++) {
        wl_layer l;
        random_gemm(&s, &l);
        char a[48], b[48], c3[48], d[48], e4[48];
        snprintf(a, sizeof a, "sram.ifmap.size_bytes=%s", sizes[rng(&s) % 4]);
        snprintf(b, sizeof b, "sram.filter.size_bytes=%s", sizes[rng(&s) % 4]);
        snprintf(c3, sizeof c3, "sram.ofmap.size_bytes=%s", sizes[rng(&s) % 4]);
        snprintf(d, sizeof d, "sram.filter.double_buffered=%s", rng(&s) % 2 ? "true" : "false");
        unsigned rows = 1 + (unsigned)(rng(&s) % 16), cols = 1 + (unsigned)(rng(&s) % 16);
        unsigned lat = (unsigned)(rng(&s) % 200);
        enum { NBW = sizeof bws / sizeof bws[0] };
        uint64_t cyc[NBW][2];
        for (size_t bw = 0; bw < NBW; bw++) {
            char f[48];
            snprintf(f, sizeof f, "dram.bandwidth_gbps=%s", bws[bw]);
            for (unsigned k = 0; k < 2; k++) { /* latency lat + 1, then lat */
                snprintf(e4, sizeof e4, "dram.latency_cycles=%u", lat + 1 - k);
                const char *sets[] = {a, b, c3, d, f, e4};
                cfg_accel c = make_cfg(rows, cols, dfs[n % 4], scheds[(n / 4) % 2], sets, 6);
                cyc[bw][k] = run(&c, &l, false).cycles;
            }
            cr_assert_leq(cyc[bw][1], cyc[bw][0],
                          "case %d bandwidth %s: less latency, more "
                          "cycles",
                          n, bws[bw]);
            if (bw > 0)
                for (unsigned k = 0; k < 2; k++)
                    cr_assert_leq(cyc[bw][k], cyc[bw - 1][k],
                                  "case %d bandwidth %s: %llu cycles > %llu at %s", n, bws[bw],
                                  (unsigned long long)cyc[bw][k],
                                  (unsigned long long)cyc[bw - 1][k], bws[bw - 1]);
        }
    }
}

Test(sim_memory, bigger_sram_never_more_traffic)
{
    uint64_t s = 3;
    static const char *const sizes[] = {"8", "64", "512", "4096", "32768", "262144", "4194304"};
    const size_t ns = sizeof sizes / sizeof sizes[0];
    for (int n = 0; n < 150; n++) {
        wl_layer l;
        random_gemm(&s, &l);
        unsigned rows = 1 + (unsigned)(rng(&s) % 16), cols = 1 + (unsigned)(rng(&s) % 16);
        char chunk[64]; /* ws / is / tree: half the cases cut the streamed dimension */
        snprintf(chunk, sizeof chunk, "array.max_stream=%u",
                 n % 4 == 1 || n % 2 ? 0 : 1 + (unsigned)(rng(&s) % 64));
        for (int op = 0; op < 3; op++) {
            static const char *const names[] = {"ifmap", "filter", "ofmap"};
            uint64_t prev = UINT64_MAX;
            for (size_t z = 0; z < ns; z++) {
                char a[64];
                snprintf(a, sizeof a, "sram.%s.size_bytes=%s", names[op], sizes[z]);
                const char *sets[] = {a, chunk};
                cfg_accel c = make_cfg(rows, cols, dfs[n % 4], scheds[(n / 4) % 2], sets, 2);
                eng_counters e = run(&c, &l, false);
                uint64_t bytes = dram_bytes(&e);
                cr_assert_leq(bytes, prev, "case %d %s %s bytes", n, names[op], sizes[z]);
                prev = bytes;
            }
        }
    }
}

Test(sim_memory, bigger_sram_cuts_traffic_and_stalls)
{
    /* WS 8x8, GEMM M=512, N=64, K=256: ifmap matrix 128 KiB. With 64 KiB of ifmap SRAM it
     * is not resident and each of the 8 col folds re-reads it (8 x 128 KiB); with 1 MiB it is
     * read once. */
    wl_layer l;
    fw_err err;
    cr_assert_eq(wl_layer_gemm(&l, "g", 512, 64, 256, 1, &err), 0);
    const char *small[] = {"sram.ifmap.size_bytes=65536", "dram.bandwidth_gbps=4"};
    const char *big[] = {"sram.ifmap.size_bytes=1048576", "dram.bandwidth_gbps=4"};
    cfg_accel cs = make_cfg(8, 8, "ws", "pipelined", small, 2);
    cfg_accel cb = make_cfg(8, 8, "ws", "pipelined", big, 2);
    eng_counters es = run(&cs, &l, false), eb = run(&cb, &l, false);
    cr_assert_eq(es.dram_read_bytes[CFG_IFMAP], 8 * 512 * 256);
    cr_assert_eq(eb.dram_read_bytes[CFG_IFMAP], 512 * 256);
    cr_assert_lt(eb.stall_cycles, es.stall_cycles);
    cr_assert_lt(eb.cycles, es.cycles);
}

Test(sim_memory, resident_ifmap_is_the_tensor)
{
    /* 3x3 conv, pad 1, 6x6x2 int8 input, 4 filters, ws on 4x4: M = 36, K = 18, N = 4.
     * Input tensor 72 bytes; im2col matrix 36 x 18 = 648 bytes. 5 row folds (sr 4,4,4,4,2).
     * ifmap SRAM 144 B (a 72 B half): resident, fetched once as the tensor, in shares
     * 16, 16, 16, 16, 8 bytes. 64 B: not resident, each fold fetches its im2col tile:
     * 36 * 18 = 648 bytes. */
    wl_layer l;
    fw_err err;
    wl_layer_init(&l, WL_CONV, "c");
    l.in_h = l.in_w = 6;
    l.in_c = 2;
    l.filt_r = l.filt_s = 3;
    l.filters = 4;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = 1;
    cr_assert_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    const char *res[] = {"sram.ifmap.size_bytes=144"};
    const char *stream[] = {"sram.ifmap.size_bytes=64"};
    cfg_accel cr = make_cfg(4, 4, "ws", "pipelined", res, 1);
    cfg_accel cs = make_cfg(4, 4, "ws", "pipelined", stream, 1);
    cr_assert_eq(run(&cr, &l, false).dram_read_bytes[CFG_IFMAP], 72);
    cr_assert_eq(run(&cs, &l, false).dram_read_bytes[CFG_IFMAP], 648);
    /* stride 3 with a 1x1 window skips pixels: the im2col matrix (2x2 outputs x 2 channels =
     * 8 B) is smaller than the tensor (72 B) and is what stays resident */
    wl_layer_init(&l, WL_CONV, "s");
    l.in_h = l.in_w = 6;
    l.in_c = 2;
    l.filt_r = l.filt_s = 1;
    l.stride_h = l.stride_w = 3;
    l.filters = 4;
    cr_assert_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    cr_assert_eq(run(&cr, &l, false).dram_read_bytes[CFG_IFMAP], 8);
}

Test(sim_memory, bigger_sram_never_more_traffic_convs)
{
    uint64_t s = 4;
    static const char *const sizes[] = {"8", "64", "512", "4096", "32768", "262144"};
    for (int n = 0; n < 150; n++) {
        wl_layer l;
        fw_err err;
        do {
            wl_layer_init(&l, WL_CONV, "c");
            l.groups = 1 + (uint32_t)(rng(&s) % 2);
            l.in_c = l.groups * (1 + (uint32_t)(rng(&s) % 8));
            l.filters = l.groups * (1 + (uint32_t)(rng(&s) % 8));
            l.in_h = 1 + (uint32_t)(rng(&s) % 14);
            l.in_w = 1 + (uint32_t)(rng(&s) % 14);
            l.filt_r = 1 + (uint32_t)(rng(&s) % 3);
            l.filt_s = 1 + (uint32_t)(rng(&s) % 3);
            l.stride_h = l.stride_w = 1 + (uint32_t)(rng(&s) % 3);
            l.pad_top = l.pad_left = (uint32_t)(rng(&s) % 2);
        } while (wl_layer_finish(&l, &err) != 0);
        unsigned rows = 1 + (unsigned)(rng(&s) % 8), cols = 1 + (unsigned)(rng(&s) % 8);
        uint64_t prev = UINT64_MAX;
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            char a[64];
            snprintf(a, sizeof a, "sram.ifmap.size_bytes=%s", sizes[z]);
            const char *sets[] = {a};
            cfg_accel c = make_cfg(rows, cols, dfs[n % 4], scheds[(n / 4) % 2], sets, 1);
            eng_counters e = run(&c, &l, false);
            uint64_t bytes = dram_bytes(&e);
            cr_assert_leq(bytes, prev, "case %d ifmap %s bytes", n, sizes[z]);
            prev = bytes;
        }
    }
}

Test(sim_memory, outputs_written_back_in_the_output_format)
{
    /* GEMM M=10, N=6, K=9 on 4x4 ws: 60 outputs, written back once: int32 (the default,
     * the accumulator) 240 bytes, int8 60 bytes; spilled partial sums stay int32: with an 8-byte
     * ofmap SRAM every non-final row fold (2 per col fold) spills its T x sc partial sums
     * (10 x 4 and 10 x 2 int32) out and back: 2 x (160 + 80) = 480 bytes each way */
    wl_layer l;
    fw_err err;
    cr_assert_eq(wl_layer_gemm(&l, "g", 10, 6, 9, 1, &err), 0);
    cfg_accel acc = make_cfg(4, 4, "ws", "pipelined", NULL, 0);
    const char *i8[] = {"precision.output=int8"};
    cfg_accel out8 = make_cfg(4, 4, "ws", "pipelined", i8, 1);
    cr_assert_eq(out8.output, NX_INT8);
    cr_assert_eq(run(&acc, &l, false).dram_write_bytes[CFG_OFMAP], 240);
    eng_counters e = run(&out8, &l, false);
    cr_assert_eq(e.dram_write_bytes[CFG_OFMAP], 60);
    cr_assert_eq(e.sram_reads[CFG_OFMAP], 120 + 60); /* read-modify-write + write-back */
    const char *spill[] = {"precision.output=int8", "sram.ofmap.size_bytes=8"};
    cfg_accel sp = make_cfg(4, 4, "ws", "pipelined", spill, 2);
    e = run(&sp, &l, false);
    cr_assert_eq(e.dram_read_bytes[CFG_OFMAP], 480);
    cr_assert_eq(e.dram_write_bytes[CFG_OFMAP], 480 + 60);
}

/* Inter-layer residency (eng_options.ifmap_on_chip / ofmap_on_chip): the stall case above with
 * the ifmap already on chip reads only the filters (8 B) and, with the outputs kept on chip,
 * writes nothing; everything else is unchanged. */
Test(sim_memory, residency_removes_the_tensor_traffic)
{
    cfg_accel c = make_cfg(2, 2, "ws", "pipelined", NULL, 0);
    wl_layer l;
    fw_err err;
    cr_assert_eq(wl_layer_gemm(&l, "g", 3, 2, 4, 1, &err), 0);
    eng_options opt = {.kind = ENG_FAST, .ifmap_on_chip = true, .ofmap_on_chip = true};
    eng_result r;
    cr_assert_eq(eng_run_layer(&c, &l, &opt, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.c.dram_read_bytes[CFG_IFMAP], 0);
    cr_assert_eq(r.c.dram_read_bytes[CFG_FILTER], 8);
    cr_assert_eq(r.c.dram_write_bytes[CFG_OFMAP], 0);
    cr_assert_eq(r.c.sram_writes[CFG_IFMAP], 0); /* no fill */
    /* fold 0: filter 4 B issued at 0, ready 4 + 5 = 9; fold 1: 4 B at 4, ready 13 (earliest
     * 9 + 3 = 12): x1 = 13, ends 20; nothing to write back */
    cr_assert_eq(r.c.cycles, 20);
    cr_assert_eq(r.c.stall_cycles_by[CFG_FILTER], 10);
    cr_assert_eq(r.c.stall_cycles_by[CFG_OFMAP], 0);
}

/* The explicit hierarchy: with the mapping pinned, more DRAM bandwidth, less DRAM latency or
 * more level ports never add cycles; unlimited bandwidth, no latency and wide levels stall
 * never. */
Test(sim_memory, hierarchy_more_bandwidth_never_more_cycles)
{
    uint64_t s = 31;
    const char *lv =
        "\"memory\": {\"levels\": [{\"name\": \"rf\", \"kind\": \"regfile\", \"instances\": \"per_pe\","
        " \"double_buffered\": false, \"word_bits\": 8, \"partitions\": {\"ifmap\": {\"size_bytes\":"
        " 8}, \"filter\": {\"size_bytes\": 8}, \"ofmap\": {\"size_bytes\": 32}}}, {\"name\": \"glb\","
        " \"kind\": \"sram\", \"holds\": [\"ifmap\", \"filter\", \"ofmap\"], \"size_bytes\": 2048,"
        " \"word_bits\": 32}]}";
    static const char *const bws[] = {"0.1", "0.5", "2", "16", "0"};
    for (int n = 0; n < 60; n++) {
        wl_layer l;
        random_gemm(&s, &l);
        unsigned rows = 1 + (unsigned)(rng(&s) % 8), cols = 1 + (unsigned)(rng(&s) % 8);
        const char *df = dfs[n % 4];
        char mapping[256] = "";
        uint64_t prev_bw = UINT64_MAX;
        for (size_t b = 0; b < 5; b++) {
            uint64_t prev_lat = UINT64_MAX, prev_ports = UINT64_MAX;
            for (unsigned lat = 3; lat-- > 0;)
                for (unsigned ports = 1; ports <= 4; ports *= 2) {
                    char bw[48], la[48], po[48];
                    snprintf(bw, sizeof bw, "dram.bandwidth_gbps=%s", bws[b]);
                    snprintf(la, sizeof la, "dram.latency_cycles=%u", lat * 50);
                    snprintf(po, sizeof po, "memory.levels[1].read_ports=%u", ports);
                    const char *sets[] = {bw, la, po};
                    cfg_accel c = make_cfg_storage(rows, cols, df, "pipelined", lv, sets, 3);
                    eng_options opt = {.kind = ENG_FAST, .mapping = mapping[0] ? mapping : NULL};
                    eng_result r;
                    fw_err err;
                    cr_assert_eq(eng_run_layer(&c, &l, &opt, &r, &err), 0, "%s", err.msg);
                    if (!mapping[0])
                        tl_format(&r.mapping, mapping, sizeof mapping);
                    if (ports > 1)
                        cr_assert_leq(r.c.cycles, prev_ports, "case %d ports %u", n, ports);
                    prev_ports = r.c.cycles;
                    if (ports == 1) {
                        if (lat < 2)
                            cr_assert_leq(r.c.cycles, prev_lat, "case %d latency %u", n, lat);
                        prev_lat = r.c.cycles;
                        if (lat == 0) {
                            cr_assert_leq(r.c.cycles, prev_bw, "case %d bw %s", n, bws[b]);
                            prev_bw = r.c.cycles;
                        }
                    }
                }
        }
    }
}

/* A mapping pinned in the config (memory.mappings) is the one the layer runs with; an illegal
 * pin is an error naming the layer. */
Test(sim_memory, hierarchy_pinned_mapping)
{
    const char *lv = "\"memory\": {\"levels\": [{\"name\": \"glb\", \"kind\": \"sram\", \"holds\": "
                     "[\"ifmap\", \"filter\", \"ofmap\"], \"size_bytes\": 4096}]}";
    const char *pin = "KNGCPQRS [N1 G1 K2 C1 P1 Q1 R1 S4]";
    char set[160];
    snprintf(set, sizeof set, "memory.mappings={\"g\": \"%s\"}", pin);
    const char *sets[] = {set};
    cfg_accel c = make_cfg_storage(2, 2, "ws", "pipelined", lv, sets, 1);
    wl_layer l;
    fw_err err;
    cr_assert_eq(wl_layer_gemm(&l, "g", 3, 4, 4, 1, &err), 0);
    eng_options opt = {.kind = ENG_FAST};
    eng_result r;
    cr_assert_eq(eng_run_layer(&c, &l, &opt, &r, &err), 0, "%s", err.msg);
    char text[256];
    tl_format(&r.mapping, text, sizeof text);
    cr_assert_str_eq(text, pin);
    /* K outermost in steps of 2, P inside it one row at a time: the 3x4 input is refetched
     * for each K step (2 x 12 B); the filter tile changes with K only (16 B once); 12 int32
     * outputs once (4 B each) */
    cr_assert_eq(r.c.dram_read_bytes[CFG_IFMAP], 24);
    cr_assert_eq(r.c.dram_read_bytes[CFG_FILTER], 16);
    cr_assert_eq(r.c.dram_write_bytes[CFG_OFMAP], 48);
    snprintf(set, sizeof set, "memory.mappings={\"g\": \"KNGCPQRS [N1 G1 K5 C1 P3 Q1 R1 S4]\"}");
    c = make_cfg_storage(2, 2, "ws", "pipelined", lv, sets, 1);
    cr_assert_eq(eng_run_layer(&c, &l, &opt, &r, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "layer g: level glb: tile K5 outside [1, 4]");
}

/* With ideal memory an explicit hierarchy only counts: the cycles are the fold schedule's, the
 * same as the shorthand's (so `serial` still gives SCALE-Sim v2's compute cycles). */
Test(sim_memory, hierarchy_ideal_memory_keeps_the_schedule)
{
    uint64_t s = 8;
    const char *lv = "\"memory\": {\"levels\": [{\"name\": \"glb\", \"kind\": \"sram\", \"holds\": "
                     "[\"ifmap\", \"filter\", \"ofmap\"], \"size_bytes\": 512, \"word_bits\": 8}]}";
    for (int n = 0; n < 100; n++) {
        wl_layer l;
        random_gemm(&s, &l);
        unsigned rows = 1 + (unsigned)(rng(&s) % 16), cols = 1 + (unsigned)(rng(&s) % 16);
        cfg_accel h = make_cfg_storage(rows, cols, dfs[n % 4], scheds[(n / 4) % 2], lv, NULL, 0);
        cfg_accel c = make_cfg(rows, cols, dfs[n % 4], scheds[(n / 4) % 2], NULL, 0);
        eng_counters a = run(&h, &l, true), b = run(&c, &l, true);
        cr_assert_eq(a.cycles, b.cycles, "case %d", n);
        cr_assert_eq(a.stall_cycles, 0);
        cr_assert_eq(a.macs, b.macs);
    }
}
