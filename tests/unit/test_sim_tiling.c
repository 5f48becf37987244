/* Tests of the tiling model (sim/mapping/tl.h): per-level traffic of tiled convolutions and
 * GEMMs worked by hand from the layer's geometry (halos with stride, dilation and padding;
 * groups; depthwise; batch; loop orders across two levels), and properties on random layers
 * and hierarchies (every element read from DRAM at least once; exactly compulsory when
 * everything fits; a larger level never adds traffic at the optimum; the search never worse
 * than any pinned legal mapping tried, compared with an exhaustive search of every aligned
 * tiling and every loop order on small layers). */
#include "config/cfg.h"
#include "mapping/tl.h"
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

/* A config with the given memory.levels JSON (int8 in, int32 acc, int8 out). */
static cfg_accel hier_cfg(const char *levels, const char *const *sets, size_t n)
{
    char text[4096];
    snprintf(text, sizeof text,
             "{\"clock_mhz\": 1000, \"array\": {\"rows\": 4, \"cols\": 4, \"dataflow\": \"ws\"},"
             " \"precision\": {\"input\": \"int8\", \"accumulator\": \"int32\", \"output\": "
             "\"int8\"},"
             " \"memory\": {\"levels\": %s},"
             " \"dram\": {\"type\": \"ddr4\", \"bandwidth_gbps\": 1, \"latency_cycles\": 5},"
             " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9}}",
             levels);
    cfg_accel c;
    fw_err err;
    cr_assert_eq(cfg_parse("t.json", text, sets, n, &c, &err), 0, "%s", err.msg);
    return c;
}

static const char *const one_level =
    "[{\"name\": \"glb\", \"kind\": \"sram\", \"holds\": [\"ifmap\", \"filter\", \"ofmap\"],"
    " \"size_bytes\": 1048576}]";

static wl_layer conv(uint32_t in, uint32_t c, uint32_t k, uint32_t f, uint32_t stride,
                     uint32_t pad, uint32_t dil, uint32_t groups, uint32_t batch)
{
    wl_layer l;
    wl_layer_init(&l, WL_CONV, "c");
    l.in_h = l.in_w = in;
    l.in_c = c;
    l.filters = k;
    l.filt_r = l.filt_s = f;
    l.stride_h = l.stride_w = stride;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = pad;
    l.dil_h = l.dil_w = dil;
    l.groups = groups;
    l.batch = batch;
    fw_err err;
    cr_assert_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    return l;
}

/* Parses a pinned mapping and counts it. */
static tl_traffic count(const cfg_accel *c, tl_layer *tl, const char *text)
{
    tl_mapping m;
    fw_err err;
    cr_assert_eq(tl_parse(c, tl, text, &m, &err), 0, "%s", err.msg);
    cr_assert_eq(tl_legal(c, tl, &m, &err), 0, "%s: %s", text, err.msg);
    tl_traffic t;
    tl_count(c, tl, &m, false, false, &t);
    return t;
}

Test(sim_tiling, halo_with_padding)
{
    /* 5x5 input, 3x3 filter, stride 1, pad 1 -> 5x5 output. Level tile: 2 output rows (tiles
     * rows [0,2), [2,4), [4,5)), all columns, the whole filter. Input rows each tile needs:
     * p + r - 1 for p in the tile, r in 0..2, inside [0, 5): {0,1,2} = 3, {1..4} = 4,
     * {3,4} = 2: 9 rows; columns: all 5. The P loop is the innermost loop relevant to the ifmap
     * (rule 3): its consecutive tiles keep the rows they share, the sweep fetches the 5
     * distinct rows once: ifmap fills 5 * 5 = 25 (compulsory); filter 9 once; outputs 25
     * written once. */
    cfg_accel c = hier_cfg(one_level, NULL, 0);
    wl_layer l = conv(5, 1, 1, 3, 1, 1, 1, 1, 1);
    tl_layer tl;
    fw_err err;
    cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
    cr_assert_eq(tl.ifmap_touched, 25);
    tl_traffic t = count(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P2 Q5 R3 S3]");
    cr_assert_eq(t.fills[0][CFG_IFMAP], 25);
    cr_assert_eq(t.dram_read_bytes[CFG_IFMAP], 25);
    cr_assert_eq(t.fills[0][CFG_FILTER], 9);
    cr_assert_eq(t.drains[0][CFG_OFMAP], 25);
    cr_assert_eq(t.dram_write_bytes, 25); /* int8 outputs */
    cr_assert_eq(t.dram_read_bytes[CFG_OFMAP], 0);
    cr_assert_eq(t.footprint[0][CFG_IFMAP], 4 * 5); /* the largest tile: 4 rows x 5 cols */
    /* the whole output at once: the ifmap once */
    t = count(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P5 Q5 R3 S3]");
    cr_assert_eq(t.fills[0][CFG_IFMAP], 25);
    tl_layer_fini(&tl);
    /* two input channels, one per tile. C inside P (order ...P Q C...): the innermost relevant
     * loop is C, so between two P tiles every channel passed through: the halos are fetched
     * again, 2 channels x 9 rows x 5 columns = 90. C outside P (order ...C P Q...): each
     * channel's P sweep keeps its halos: 2 x 25 = 50. */
    l = conv(5, 2, 1, 3, 1, 1, 1, 1, 1);
    cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
    t = count(&c, &tl, "NGKPQCRS [N1 G1 K1 C1 P2 Q5 R3 S3]");
    cr_assert_eq(t.fills[0][CFG_IFMAP], 90);
    t = count(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P2 Q5 R3 S3]");
    cr_assert_eq(t.fills[0][CFG_IFMAP], 50);
    tl_layer_fini(&tl);
}

Test(sim_tiling, halo_with_stride_and_dilation)
{
    /* stride 2: 7x7 input, 3x3 filter, no pad -> 3x3 output. One output row per tile:
     * rows {2p, 2p+1, 2p+2}: 3 per tile, 9 in all (7 distinct); all columns: 7. The P sweep
     * keeps the shared row of consecutive tiles: 7 x 7 = 49 (fetched again it would be 63). */
    cfg_accel c = hier_cfg(one_level, NULL, 0);
    wl_layer l = conv(7, 1, 1, 3, 2, 0, 1, 1, 1);
    tl_layer tl;
    fw_err err;
    cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
    tl_traffic t = count(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P1 Q3 R3 S3]");
    cr_assert_eq(t.fills[0][CFG_IFMAP], 49);
    /* Q tiles of one column inside P tiles of one row: the innermost relevant loop is Q, whose
     * sweep keeps columns: per P tile 3 rows x 7 distinct columns, 3 P tiles: 63 */
    t = count(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P1 Q1 R3 S3]");
    cr_assert_eq(t.fills[0][CFG_IFMAP], 63);
    tl_layer_fini(&tl);
    /* 1x1 filter, stride 2: 7x7 -> 4x4, the tile touches every other row and column only:
     * exactly the 16 elements, never the rows in between */
    l = conv(7, 1, 1, 1, 2, 0, 1, 1, 1);
    cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
    cr_assert_eq(tl.ifmap_touched, 16);
    t = count(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P4 Q4 R1 S1]");
    cr_assert_eq(t.fills[0][CFG_IFMAP], 16);
    tl_layer_fini(&tl);
    /* dilation 2: 5x5 input, 2x2 filter, dilation 2 -> 3x3 output. Tiles: one output row,
     * one filter row (the R loop above the level): input row p + 2r, one per (p, r) pair: 6;
     * columns: all 3 outputs and both filter columns: {q + 2s} = {0,1,2,3,4}: 5 -> 30. */
    l = conv(5, 1, 1, 2, 1, 0, 2, 1, 1);
    cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
    t = count(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P1 Q3 R1 S2]");
    cr_assert_eq(t.fills[0][CFG_IFMAP], 30);
    /* the filter tile changes with r (R relevant) while P is inside: filter fills = the R
     * loop is innermost-relevant for filters, P outside it revisits: 3 P tiles x 4 = 12 */
    cr_assert_eq(t.fills[0][CFG_FILTER], 12);
    /* order R outer, P inner: each filter row is fetched once (4) */
    t = count(&c, &tl, "NGKCRPQS [N1 G1 K1 C1 P1 Q3 R1 S2]");
    cr_assert_eq(t.fills[0][CFG_FILTER], 4);
    cr_assert_eq(t.fills[0][CFG_IFMAP], 30);
    tl_layer_fini(&tl);
}

Test(sim_tiling, groups_depthwise_batch)
{
    cfg_accel c = hier_cfg(one_level, NULL, 0);
    tl_layer tl;
    fw_err err;
    /* depthwise 3x3 on 4x4x8, pad 1, 2 images: G = 8, K = C = 1. One group per tile, loop
     * order G outer, N inner (filter stays across images): filter 8*9 = 72 once; ifmap whole
     * planes: 2*8*16 = 256 once; with N outer and G inner the filter of every group is fetched
     * again for each image: 144. Outputs 2*8*16 = 256, int8. */
    wl_layer l = conv(4, 8, 8, 3, 1, 1, 1, 8, 2);
    cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
    tl_traffic t = count(&c, &tl, "GNKCPQRS [N1 G1 K1 C1 P4 Q4 R3 S3]");
    cr_assert_eq(t.fills[0][CFG_FILTER], 72);
    cr_assert_eq(t.fills[0][CFG_IFMAP], 256);
    cr_assert_eq(t.dram_write_bytes, 256);
    t = count(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P4 Q4 R3 S3]");
    cr_assert_eq(t.fills[0][CFG_FILTER], 144);
    cr_assert_eq(t.fills[0][CFG_IFMAP], 256);
    tl_layer_fini(&tl);
    /* grouped 1x1: 2x2x4 input, 6 filters, 2 groups (C = 2, K = 3 per group), batch 1.
     * K tile 1 inside C tile 2: K innermost keeps the ifmap; with C outermost split (C1) and
     * K inner, outputs get partial sums: C splits the reduction above the level, K inside:
     * ofmap multiplicity 2: the 24 outputs (2 groups x 3 filters x 2x2) go to DRAM twice:
     * writes 24*4 (partial sums, int32) + 24*1 (final, int8) = 120 B, reads back 24*4 = 96 B. */
    l = conv(2, 4, 6, 1, 1, 0, 1, 2, 1);
    cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
    t = count(&c, &tl, "GCNPQRSK [N1 G1 K1 C1 P2 Q2 R1 S1]");
    cr_assert_eq(t.mult[0][CFG_OFMAP], 2);
    cr_assert_eq(t.dram_write_bytes, 120);
    cr_assert_eq(t.dram_read_bytes[CFG_OFMAP], 96);
    cr_assert_eq(t.fills[0][CFG_IFMAP], 16); /* K innermost: once */
    cr_assert_eq(t.fills[0][CFG_FILTER], 12);
    /* K outside C: the reduction completes inside the output tile's visit */
    t = count(&c, &tl, "GKCNPQRS [N1 G1 K1 C1 P2 Q2 R1 S1]");
    cr_assert_eq(t.mult[0][CFG_OFMAP], 1);
    cr_assert_eq(t.dram_write_bytes, 24);
    cr_assert_eq(t.fills[0][CFG_IFMAP], 16 * 3); /* refetched for each of the 3 filters */
    tl_layer_fini(&tl);
}

/* The tl view of the GEMM M=4, N=2, K=4 (batch 1) on c. */
static void gemm_4x2x4(const cfg_accel *c, tl_layer *tl)
{
    wl_layer l;
    fw_err err;
    cr_assert_eq(wl_layer_gemm(&l, "g", 4, 2, 4, 1, &err), 0);
    cr_assert_eq(tl_layer_init(c, &l, tl, &err), 0);
}

Test(sim_tiling, gemm_two_levels)
{
    /* GEMM M=4, N=2, K=4 as a 1x1 conv view (P = M = 4, K = N = 2, S = K = 4 via the GEMM
     * conv view: an M x K input under N filters of 1 x K). Level 0 "spad" holds the filters
     * only, level 1 "glb" the ifmap and outputs; filters come from DRAM straight into spad.
     * glb tile: P2 and everything else whole; spad tile: K1, P1, S4.
     * Filter at spad, loops above it from the inside (glb order ...K P: P innermost): P
     * irrelevant (ignored, inside), K relevant (j*), then DRAM's P loop (irrelevant, outside
     * j*): 4/2 = 2 visits -> 2 x 8 = 16. With glb's order ...P K: K is j*, glb's P outside
     * it steps over spad's P tiles of 1: 4 visits -> 32. */
    const char *lv = "[{\"name\": \"spad\", \"kind\": \"regfile\", \"partitions\": {\"filter\": "
                     "{\"size_bytes\": 64}}, \"double_buffered\": false},"
                     " {\"name\": \"glb\", \"kind\": \"sram\", \"holds\": [\"ifmap\", "
                     "\"ofmap\"], \"size_bytes\": 4096}]";
    cfg_accel c = hier_cfg(lv, NULL, 0);
    tl_layer tl;
    gemm_4x2x4(&c, &tl);
    tl_traffic t =
        count(&c, &tl, "PNGKCQRS [N1 G1 K2 C1 P2 Q1 R1 S4] NGCQRSKP [N1 G1 K1 C1 P1 Q1 R1 S4]");
    cr_assert_eq(t.fills[0][CFG_FILTER], 16);
    cr_assert_eq(t.reads[2][CFG_FILTER], 16);   /* from DRAM */
    cr_assert_eq(t.fills[1][CFG_IFMAP], 16);    /* the 4x4 input once */
    cr_assert_eq(t.dram_write_bytes, 8);        /* 4x2 outputs, int8 */
    cr_assert_eq(t.writes[1][CFG_OFMAP], 0);    /* array-side writes are the engine's */
    cr_assert_eq(t.reads[1][CFG_OFMAP], 8);     /* sent to DRAM */
    t = count(&c, &tl, "PNGKCQRS [N1 G1 K2 C1 P2 Q1 R1 S4] NGCQRSPK [N1 G1 K1 C1 P1 Q1 R1 S4]");
    cr_assert_eq(t.fills[0][CFG_FILTER], 32);
    tl_layer_fini(&tl);
}

Test(sim_tiling, final_outputs_in_the_output_format)
{
    /* Rule 7 on a TPU-like pair: level 0 "acc" holds filters and partial sums (the
     * accumulators), level 1 "ub" ifmaps and ofmaps (the unified buffer). GEMM M=4, N=2, K=4
     * (conv view P = 4, K = 2, S = 4): |O| = 8 outputs.
     * Whole tiles everywhere: m_ofmap,0 = 1, acc sends each final output up once: acc reads 8
     * (in int32: it is the innermost ofmap level), ub writes 8 finals and reads them out to DRAM
     * (8 finals): 8 x 8 bits each way. */
    const char *lv = "[{\"name\": \"acc\", \"kind\": \"sram\", \"partitions\": {\"filter\": "
                     "{\"size_bytes\": 64}, \"ofmap\": {\"size_bytes\": 64}}},"
                     " {\"name\": \"ub\", \"kind\": \"sram\", \"holds\": [\"ifmap\", "
                     "\"ofmap\"], \"size_bytes\": 4096}]";
    cfg_accel c = hier_cfg(lv, NULL, 0);
    fw_err err;
    tl_layer tl;
    gemm_4x2x4(&c, &tl);
    const char *whole = "NGKPQCRS [N1 G1 K2 C1 P4 Q1 R1 S4] NGKPQCRS [N1 G1 K2 C1 P4 Q1 R1 S4]";
    tl_traffic t = count(&c, &tl, whole);
    uint64_t rb, wb;
    cr_assert_eq(t.reads[0][CFG_OFMAP], 8);
    cr_assert_eq(t.final_reads[0], 0);
    tl_level_bits(&tl, &t, 0, CFG_OFMAP, &rb, &wb);
    cr_assert_eq(rb, 8 * 32);
    cr_assert_eq(t.writes[1][CFG_OFMAP], 8);
    cr_assert_eq(t.final_writes[1], 8);
    cr_assert_eq(t.reads[1][CFG_OFMAP], 8);
    cr_assert_eq(t.final_reads[1], 8);
    tl_level_bits(&tl, &t, 1, CFG_OFMAP, &rb, &wb);
    cr_assert_eq(rb, 8 * 8);
    cr_assert_eq(wb, 8 * 8);
    /* the outputs stay in ub (residency): not read out, not written to DRAM */
    tl_mapping m;
    cr_assert_eq(tl_parse(&c, &tl, whole, &m, &err), 0, "%s", err.msg);
    tl_count(&c, &tl, &m, false, true, &t);
    cr_assert_eq(t.reads[1][CFG_OFMAP], 0);
    cr_assert_eq(t.final_reads[1], 0);
    cr_assert_eq(t.writes[1][CFG_OFMAP], 8);
    cr_assert_eq(t.dram_write_bytes, 0);
    /* acc tile P2, S2, ub's loops S (outer) then P: S splits the reduction across acc, m = 2:
     * acc drains 16 (8 partial sums, 8 finals), reads 8 partial sums back from ub. ub writes
     * 8 partial sums (int32) + 8 finals (int8) = 320 bits, reads 8 partial sums back down + 8
     * finals out to DRAM = 320 bits; staying on chip, only the 8 partial sums: 256 bits. */
    const char *split = "NGKPQCRS [N1 G1 K2 C1 P4 Q1 R1 S4] NGKCRSPQ [N1 G1 K2 C1 P2 Q1 R1 S2]";
    t = count(&c, &tl, split);
    cr_assert_eq(t.mult[0][CFG_OFMAP], 2);
    cr_assert_eq(t.reads[0][CFG_OFMAP], 16);
    cr_assert_eq(t.writes[1][CFG_OFMAP], 16);
    cr_assert_eq(t.final_writes[1], 8);
    cr_assert_eq(t.reads[1][CFG_OFMAP], 16);
    tl_level_bits(&tl, &t, 1, CFG_OFMAP, &rb, &wb);
    cr_assert_eq(wb, 8 * 32 + 8 * 8);
    cr_assert_eq(rb, 8 * 32 + 8 * 8);
    cr_assert_eq(tl_parse(&c, &tl, split, &m, &err), 0, "%s", err.msg);
    tl_count(&c, &tl, &m, false, true, &t);
    tl_level_bits(&tl, &t, 1, CFG_OFMAP, &rb, &wb);
    cr_assert_eq(rb, 8 * 32);
    /* capacity: ub's ofmap tile of 8 outputs takes 8 B as finals (whole), 32 B as partial sums
     * (split); with the 16 B ifmap tile, a ub of 48 B (double buffered: 24 B a half) fits the
     * first (16 + 8 = 24), not the second (16 + 32 = 48) */
    const char *sets[] = {"memory.levels[1].size_bytes=48"};
    cfg_accel small = hier_cfg(lv, sets, 1);
    cr_assert_eq(tl_parse(&small, &tl, whole, &m, &err), 0, "%s", err.msg);
    cr_expect_eq(tl_legal(&small, &tl, &m, &err), 0, "%s", err.msg);
    cr_assert_eq(tl_parse(&small, &tl, split, &m, &err), 0, "%s", err.msg);
    cr_expect_neq(tl_legal(&small, &tl, &m, &err), 0);
    tl_layer_fini(&tl);
}

Test(sim_tiling, parse_and_legality_errors)
{
    cfg_accel c = hier_cfg(one_level, NULL, 0);
    wl_layer l = conv(5, 1, 1, 3, 1, 1, 1, 1, 1);
    tl_layer tl;
    fw_err err;
    tl_mapping m;
    cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
    cr_assert_eq(tl_parse(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P2 Q5 R3]", &m, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "mapping 'NGKCPQRS [N1 G1 K1 C1 P2 Q5 R3]': level glb: give all "
                              "of N G K C P Q R S");
    cr_assert_eq(tl_parse(&c, &tl, "NGKCPQR [N1 G1 K1 C1 P2 Q5 R3 S3]", &m, &err),
                 FW_EXIT_INPUT);
    cr_assert_eq(tl_parse(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P6 Q5 R3 S3]", &m, &err), 0);
    cr_assert_eq(tl_legal(&c, &tl, &m, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "level glb: tile P6 outside [1, 5]");
    /* capacity: 64-byte shared level, double buffered: 32 bytes per half */
    const char *sets[] = {"memory.levels[0].size_bytes=64"};
    cfg_accel small = hier_cfg(one_level, sets, 1);
    cr_assert_eq(tl_parse(&small, &tl, "NGKCPQRS [N1 G1 K1 C1 P5 Q5 R3 S3]", &m, &err), 0);
    cr_assert_eq(tl_legal(&small, &tl, &m, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "level glb: tiles of 34 bytes exceed its 32 bytes");
    char buf[256];
    cr_assert_eq(tl_parse(&c, &tl, "NGKCPQRS [N1 G1 K1 C1 P2 Q5 R3 S3]", &m, &err), 0);
    tl_format(&m, buf, sizeof buf);
    cr_assert_str_eq(buf, "NGKCPQRS [N1 G1 K1 C1 P2 Q5 R3 S3]");
    tl_layer_fini(&tl);
}

/* ---- properties and the exhaustive oracle ---- */

static uint64_t rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static wl_layer random_layer(uint64_t *s)
{
    uint32_t g = rng(s) % 4 == 0 ? 2 : 1;
    uint32_t f = 1 + (uint32_t)(rng(s) % 3), stride = 1 + (uint32_t)(rng(s) % 2);
    uint32_t dil = rng(s) % 4 == 0 ? 2 : 1, pad = (uint32_t)(rng(s) % 2);
    uint32_t in = dil * (f - 1) + 1 + (uint32_t)(rng(s) % 4);
    return conv(in, g * (1 + (uint32_t)(rng(s) % 3)), g * (1 + (uint32_t)(rng(s) % 3)), f, stride,
                pad, dil, g, 1 + (uint32_t)(rng(s) % 2));
}

/* Every loop order that matters: permutations of the dimensions with more than one iteration
 * at each level, the others after them. Calls visit for each complete mapping. */
typedef struct oracle {
    const cfg_accel *c;
    tl_layer *tl;
    tl_costs costs;
    double best;
    uint64_t count;
    tl_mapping best_m;
} oracle;

static void oracle_visit(oracle *o, const tl_mapping *m)
{
    fw_err err;
    if (tl_legal(o->c, o->tl, m, &err))
        return;
    tl_traffic t;
    tl_count(o->c, o->tl, m, false, false, &t);
    double v = tl_objective_value(o->c, o->tl, &t, &o->costs, TL_ENERGY, 0);
    o->count++;
    if (o->best < 0 || v < o->best) {
        o->best = v;
        o->best_m = *m;
    }
}

static void oracle_orders(oracle *o, tl_mapping *m, uint32_t l)
{
    if (l > m->levels) {
        oracle_visit(o, m);
        return;
    }
    int multi[TL_DIMS], n = 0, rest[TL_DIMS], nr = 0;
    for (int d = 0; d < TL_DIMS; d++) {
        uint64_t up = l >= m->levels ? o->tl->dim[d] : m->tile[l][d];
        if (up > m->tile[l - 1][d])
            multi[n++] = d;
        else
            rest[nr++] = d;
    }
    /* Heap's algorithm over multi[0..n-1] */
    int c[TL_DIMS] = {0}, i = 0;
    for (;;) {
        for (int k = 0; k < n; k++)
            m->order[l][k] = (uint8_t)multi[k];
        for (int k = 0; k < nr; k++)
            m->order[l][n + k] = (uint8_t)rest[k];
        oracle_orders(o, m, l + 1);
        while (i < n && c[i] >= i) {
            c[i] = 0;
            i++;
        }
        if (i >= n)
            break;
        int j = i % 2 ? c[i] : 0, t = multi[j];
        multi[j] = multi[i];
        multi[i] = t;
        c[i]++;
        i = 0;
    }
}

/* Every aligned tiling of level `level` and below, outermost first. */
static void oracle_tiles(oracle *o, tl_mapping *m, int level, int d)
{
    if (level < 0) {
        oracle_orders(o, m, 1);
        return;
    }
    if (d == TL_DIMS) {
        oracle_tiles(o, m, level - 1, 0);
        return;
    }
    uint64_t D = o->tl->dim[d], up = (uint32_t)level + 1 >= m->levels ? D : m->tile[level + 1][d];
    for (uint64_t t = 1; t <= up; t++) {
        if (up != D && up % t)
            continue;
        m->tile[level][d] = t;
        oracle_tiles(o, m, level, d + 1);
    }
}

static double exhaustive(const cfg_accel *c, tl_layer *tl, uint64_t *count)
{
    oracle o = {c, tl, {{0}, 0}, -1, 0, {0}};
    tl_costs_default(c, &o.costs);
    tl_mapping m;
    memset(&m, 0, sizeof m);
    m.levels = c->level_count;
    oracle_tiles(&o, &m, (int)m.levels - 1, 0);
    if (count)
        *count = o.count;
    return o.best;
}

static double searched(const cfg_accel *c, tl_layer *tl, tl_traffic *t)
{
    tl_costs costs;
    tl_costs_default(c, &costs);
    tl_mapping m;
    fw_err err;
    cr_assert_eq(tl_search(c, tl, &costs, TL_ENERGY, 0, &m, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(tl_legal(c, tl, &m, &err), 0, "%s", err.msg);
    tl_count(c, tl, &m, false, false, t);
    return tl_objective_value(c, tl, t, &costs, TL_ENERGY, 0);
}

/* tl_search is exhaustive over its candidate tilings on spaces this small (with the best of
 * four canonical loop orders, then every order of the winner), so it must find the true
 * optimum of every aligned tiling and every loop order; the pruned descent alone (used on
 * larger spaces) is measured and printed. */
Test(sim_tiling, search_against_exhaustive)
{
    uint64_t s = 11;
    static const char *const sizes[] = {"24", "48", "96", "200", "100000"};
    int equal = 0, cases = 0;
    double worst = 1;
    for (int n = 0; n < 40; n++) {
        wl_layer l = random_layer(&s);
        char set[64];
        snprintf(set, sizeof set, "memory.levels[0].size_bytes=%s", sizes[rng(&s) % 5]);
        const char *sets[] = {set};
        cfg_accel c = hier_cfg(one_level, sets, 1);
        tl_layer tl;
        fw_err err;
        cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
        double best = exhaustive(&c, &tl, NULL);
        if (best < 0) {
            tl_layer_fini(&tl);
            continue;
        }
        tl_traffic t;
        double v = searched(&c, &tl, &t);
        cr_assert(v <= best * (1 + 1e-12) && v >= best * (1 - 1e-12),
                  "case %d: search %g, exhaustive %g", n, v, best);
        tl_costs costs;
        tl_costs_default(&c, &costs);
        tl_mapping dm;
        cr_assert_eq(tl_search_descent(&c, &tl, &costs, TL_ENERGY, 0, &dm, NULL, &err), 0);
        tl_count(&c, &tl, &dm, false, false, &t);
        double dv = tl_objective_value(&c, &tl, &t, &costs, TL_ENERGY, 0);
        cr_assert_geq(dv, best * (1 - 1e-12));
        cases++;
        equal += dv <= best * (1 + 1e-12);
        worst = dv / best > worst ? dv / best : worst;
        tl_layer_fini(&tl);
    }
    cr_assert_gt(cases, 30);
    fprintf(stderr, "tl descent alone vs exhaustive: %d of %d optimal, worst %.4fx\n", equal,
            cases, worst);
}

/* A random legal mapping of a one-level hierarchy: random tiles (any size) and a random order,
 * redrawn until legal (NULL when none of 200 draws is). */
static bool random_mapping(uint64_t *s, const cfg_accel *c, tl_layer *tl, tl_mapping *m)
{
    for (int tries = 0; tries < 200; tries++) {
        memset(m, 0, sizeof *m);
        m->levels = c->level_count;
        for (int i = (int)m->levels - 1; i >= 0; i--)
            for (int d = 0; d < TL_DIMS; d++) {
                uint64_t up = (uint32_t)i + 1 >= m->levels ? tl->dim[d] : m->tile[i + 1][d];
                uint64_t t = 1 + rng(s) % up;
                while (up != tl->dim[d] && up % t)
                    t--;
                m->tile[i][d] = t;
            }
        for (uint32_t l = 1; l <= m->levels; l++) {
            for (int k = 0; k < TL_DIMS; k++)
                m->order[l][k] = (uint8_t)k;
            for (int k = TL_DIMS - 1; k > 0; k--) {
                int j = (int)(rng(s) % (uint64_t)(k + 1));
                uint8_t x = m->order[l][k];
                m->order[l][k] = m->order[l][j];
                m->order[l][j] = x;
            }
        }
        fw_err err;
        if (!tl_legal(c, tl, m, &err))
            return true;
    }
    return false;
}

static const char *const two_levels =
    "[{\"name\": \"rf\", \"kind\": \"regfile\", \"instances\": \"per_pe\", \"double_buffered\": "
    "false, \"partitions\": {\"ifmap\": {\"size_bytes\": 4}, \"filter\": {\"size_bytes\": 8}, "
    "\"ofmap\": {\"size_bytes\": 16}}},"
    " {\"name\": \"glb\", \"kind\": \"sram\", \"holds\": [\"ifmap\", \"filter\", \"ofmap\"],"
    " \"size_bytes\": 256}]";

Test(sim_tiling, properties_on_random_layers)
{
    uint64_t s = 99;
    static const char *const sizes[] = {"64", "160", "400", "1000", "100000"};
    unsigned fits = 0;
    for (int n = 0; n < 200; n++) {
        wl_layer l = random_layer(&s);
        bool two = n % 2;
        char set[64];
        snprintf(set, sizeof set, "memory.levels[%d].size_bytes=%s", two ? 1 : 0,
                 sizes[rng(&s) % 5]);
        const char *sets[] = {set};
        cfg_accel c = hier_cfg(two ? two_levels : one_level, sets, 1);
        tl_layer tl;
        fw_err err;
        cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
        uint64_t W = tl.dim[TL_G] * tl.dim[TL_K] * tl.dim[TL_C] * tl.dim[TL_R] * tl.dim[TL_S];
        uint64_t O = tl.dim[TL_N] * tl.dim[TL_G] * tl.dim[TL_K] * tl.dim[TL_P] * tl.dim[TL_Q];
        uint64_t compulsory = tl.ifmap_touched + W + O; /* int8 in and out: bytes = elements */
        tl_costs costs;
        tl_costs_default(&c, &costs);
        tl_mapping best;
        if (tl_search(&c, &tl, &costs, TL_ENERGY, 0, &best, NULL, &err)) {
            tl_layer_fini(&tl);
            continue;
        }
        tl_traffic bt;
        tl_count(&c, &tl, &best, false, false, &bt);
        double bv = tl_objective_value(&c, &tl, &bt, &costs, TL_ENERGY, 0);
        /* every element read from DRAM at least once, every output written once */
        for (int k = 0; k < 8; k++) {
            tl_mapping m;
            if (!random_mapping(&s, &c, &tl, &m))
                break;
            tl_traffic t;
            tl_count(&c, &tl, &m, false, false, &t);
            cr_assert_geq(t.dram_read_bytes[CFG_IFMAP], tl.ifmap_touched, "case %d", n);
            cr_assert_geq(t.dram_read_bytes[CFG_FILTER], W, "case %d", n);
            cr_assert_geq(t.dram_write_bytes, O, "case %d", n);
            /* the search is never worse than a pinned legal mapping */
            double v = tl_objective_value(&c, &tl, &t, &costs, TL_ENERGY, 0);
            cr_assert_leq(bv, v * (1 + 1e-12), "case %d: search %g, a pinned mapping %g", n, bv,
                          v);
        }
        /* everything fits the outer level at once (one tile of the whole layer): exactly
         * compulsory */
        tl_mapping whole;
        memset(&whole, 0, sizeof whole);
        whole.levels = c.level_count;
        for (uint32_t i = 0; i < whole.levels; i++)
            for (int d = 0; d < TL_DIMS; d++)
                whole.tile[i][d] = i + 1 == whole.levels ? tl.dim[d] : 1;
        for (uint32_t lv = 1; lv <= whole.levels; lv++)
            for (int k = 0; k < TL_DIMS; k++)
                whole.order[lv][k] = (uint8_t)k;
        if (!tl_legal(&c, &tl, &whole, &err)) {
            fits++;
            tl_traffic t;
            tl_count(&c, &tl, &whole, false, false, &t);
            uint64_t dram = t.dram_read_bytes[0] + t.dram_read_bytes[1] + t.dram_read_bytes[2] +
                            t.dram_write_bytes;
            cr_assert_eq(dram, compulsory, "case %d", n);
            /* and the search, minimising energy, moves exactly that too */
            cr_assert_eq(bt.dram_read_bytes[0] + bt.dram_read_bytes[1] + bt.dram_read_bytes[2] +
                             bt.dram_write_bytes,
                         compulsory, "case %d", n);
        }
        tl_layer_fini(&tl);
    }
    cr_assert_gt(fits, 20);
}

/* A larger level never adds traffic: every mapping legal with the smaller level is legal with
 * the larger one and counts the same, so the optimum (exhaustive) can only improve; checked
 * on the objective and on the DRAM bytes of the same mapping. */
Test(sim_tiling, larger_level_never_adds_traffic)
{
    uint64_t s = 5;
    for (int n = 0; n < 25; n++) {
        wl_layer l = random_layer(&s);
        double prev = -1;
        static const char *const sizes[] = {"32", "64", "128", "512", "100000"};
        for (int k = 0; k < 5; k++) {
            char set[64];
            snprintf(set, sizeof set, "memory.levels[0].size_bytes=%s", sizes[k]);
            const char *sets[] = {set};
            cfg_accel c = hier_cfg(one_level, sets, 1);
            tl_layer tl;
            fw_err err;
            cr_assert_eq(tl_layer_init(&c, &l, &tl, &err), 0);
            double v = exhaustive(&c, &tl, NULL);
            if (prev >= 0)
                cr_assert(v >= 0 && v <= prev * (1 + 1e-12), "case %d size %s: %g after %g", n,
                          sizes[k], v, prev);
            if (v >= 0)
                prev = v;
            tl_layer_fini(&tl);
        }
    }
}
