/* Tests of transformed convolution (engine/eng_xform.h: Winograd F(2x2,3x3), F(4x4,3x3), FFT):
 *   - the transform operation counts per tile against hand derivations from the matrices
 *     (Lavin & Gray 2016) and the FFT's butterflies, written out below;
 *   - a layer's transformed-domain MACs, transform operations and cycles against closed forms
 *     derived by hand for that layer, fast and pe engines equal in every counter;
 *   - exact integer arithmetic: int8 Winograd outputs bit-identical to the direct convolution
 *     (padding, groups, batch, ragged edge tiles), F(2x2,3x3) and F(4x4,3x3);
 *   - floating point: the error the engine reports equals the error of its outputs against the
 *     direct convolution computed exactly with MPFR (1200 bits: every sum of products exact),
 *     and stays far below O(1) (a wrong transform coefficient errs by O(1));
 *   - applicability: a strided, dilated or non-3x3 layer is refused with the reason. */
#include "config/cfg.h"
#include "engine/eng.h"
#include "engine/eng_xform.h"
#include "numerics/nx.h"
#include "workload/wl.h"

#include "nx_oracle.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static cfg_accel make_cfg(const char *df, const char *in, const char *acc, unsigned ops)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"clock_mhz\": 1000, \"array\": {\"rows\": 4, \"cols\": 5, \"dataflow\": \"%s\","
             " \"transform_ops_per_cycle\": %u},"
             " \"precision\": {\"input\": \"%s\", \"accumulator\": \"%s\"},"
             " \"sram\": {\"ifmap\": {\"size_bytes\": 4096}, \"filter\": {\"size_bytes\": "
             "4096}, \"ofmap\": {\"size_bytes\": 4096}},"
             " \"dram\": {\"type\": \"ddr4\", \"bandwidth_gbps\": 1, \"latency_cycles\": 3},"
             " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9}}",
             df, ops, in, acc);
    cfg_accel c;
    fw_err err;
    cr_assert_eq(cfg_parse("t.json", text, NULL, 0, &c, &err), 0, "%s", err.msg);
    return c;
}

static wl_layer conv(uint32_t h, uint32_t w, uint32_t c, uint32_t f, uint32_t k, uint32_t pad,
                     uint32_t groups, uint32_t batch, wl_algo a)
{
    wl_layer l;
    fw_err err;
    wl_layer_init(&l, WL_CONV, "c");
    l.in_h = h;
    l.in_w = w;
    l.in_c = c;
    l.filters = f;
    l.filt_r = l.filt_s = k;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = pad;
    l.groups = groups;
    l.batch = batch;
    l.algorithm = a;
    cr_assert_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    return l;
}

static eng_result run(const cfg_accel *cfg, const wl_layer *l, eng_kind kind, uint64_t seed,
                      bool keep)
{
    eng_options o;
    memset(&o, 0, sizeof o);
    o.ideal_memory = true;
    o.kind = kind;
    o.seed = seed;
    o.keep_outputs = keep;
    eng_result r;
    fw_err err;
    cr_assert_eq(eng_run_layer(cfg, l, &o, &r, &err), 0, "%s", err.msg);
    return r;
}

static void expect_ops(const eng_xform_ops *o, uint64_t adds, uint64_t muls, uint64_t shifts,
                       const char *what)
{
    cr_expect_eq(o->adds, adds, "%s adds %" PRIu64 " != %" PRIu64, what, o->adds, adds);
    cr_expect_eq(o->muls, muls, "%s muls %" PRIu64 " != %" PRIu64, what, o->muls, muls);
    cr_expect_eq(o->shifts, shifts, "%s shifts %" PRIu64 " != %" PRIu64, what, o->shifts, shifts);
}

/* F(2x2,3x3). B^T: four rows of two +-1 entries: 1 add each, 4 per application; 2a = 8
 * applications: 32 adds. G: rows [1 0 0], [0 0 1] free; [1/2 1/2 1/2] and [1/2 -1/2 1/2]:
 * 2 adds + one multiply by 1/2 of the sum: 4 adds + 2 muls per application, r + a = 7
 * applications: 28 adds, 14 muls (integer D G = [1 0 0; 1 1 1; 1 -1 1; 0 0 1]: 28 adds).
 * A^T: [1 1 1 0], [0 1 -1 -1]: 2 + 2 adds, a + m = 6 applications: 24 adds. Integer: the 16
 * factors 4 / (D_i D_j), D = (1, 2, 2, 1): 4 where both i, j in {0, 3} (4 entries), 2 where one
 * is (8), 1 where neither (4): 12 shifts, and the division of the 4 outputs by 4: 4 shifts. */
Test(xform, counts_f2_by_hand)
{
    eng_xform_costs k;
    eng_xform_costs_of(WL_ALGO_WINO_F2, 3, 3, false, &k);
    expect_ops(&k.input, 32, 0, 0, "F2 fp input");
    expect_ops(&k.filter, 28, 14, 0, "F2 fp filter");
    expect_ops(&k.output, 24, 0, 0, "F2 fp output");
    eng_xform_costs_of(WL_ALGO_WINO_F2, 3, 3, true, &k);
    expect_ops(&k.input, 32, 0, 0, "F2 int input");
    expect_ops(&k.filter, 28, 0, 0, "F2 int filter");
    expect_ops(&k.output, 24, 0, 16, "F2 int output");
}

/* F(4x4,3x3). B^T rows (adds, constants != +-1): [4 0 -5 0 1 0] 2, {4, 5}; [0 -4 -4 1 1 0]
 * 3, {4, 4}; [0 4 -4 -1 1 0] 3, {4, 4}; [0 -2 -1 2 1 0] 3, {2, 2}; [0 2 -1 -2 1 0] 3, {2, 2};
 * [0 4 0 -5 0 1] 2, {4, 5}: 16 adds, 12 constants of which the two 5s are not powers of two;
 * 12 applications: 192 adds, 144 muls (integer: 24 muls, 120 shifts).
 * G rows: [1/4 0 0] 1 mul; [-1/6 -1/6 -1/6] and [-1/6 1/6 -1/6] 2 adds + 1 mul each;
 * [1/24 1/12 1/6] and [1/24 -1/12 1/6] 2 adds + 3 muls each; [0 0 1] free: 8 adds, 9 muls;
 * 9 applications: 72 adds, 81 muls. Integer D G rows [1 0 0], [-1 -1 -1], [-1 1 -1],
 * [1 2 4], [1 -2 4], [0 0 1]: 8 adds, 4 shifts; x9: 72 adds, 36 shifts.
 * A^T rows: [1 1 1 1 1 0] 4 adds; [0 1 -1 2 -2 0] 3 adds, 2 constants; [0 1 1 4 4 0] 3, 2;
 * [0 1 -1 8 -8 1] 4, 2: 14 adds, 6 constants; 10 applications: 140 adds, 60 muls (integer 60
 * shifts). Integer rescale by 576 / (D_i D_j), D = (4, 6, 6, 24, 24, 1), over the 36 (i, j):
 * (4,4) 36, (4,6) 24 x4, (4,24) 6 x4, (4,1) 144 x2, (6,1) 96 x4, (24,1) 24 x4, (1,1) 576:
 * 20 multiplies; (6,6) 16 x4, (6,24) 4 x8: 12 shifts; (24,24) 1 x4: free. Division of the 16
 * outputs by 576 = 2^6 x 9: 16 shifts and 16 multiplies. Output: 140 adds, 36 muls, 88 shifts. */
Test(xform, counts_f4_by_hand)
{
    eng_xform_costs k;
    eng_xform_costs_of(WL_ALGO_WINO_F4, 3, 3, false, &k);
    expect_ops(&k.input, 192, 144, 0, "F4 fp input");
    expect_ops(&k.filter, 72, 81, 0, "F4 fp filter");
    expect_ops(&k.output, 140, 60, 0, "F4 fp output");
    eng_xform_costs_of(WL_ALGO_WINO_F4, 3, 3, true, &k);
    expect_ops(&k.input, 192, 24, 120, "F4 int input");
    expect_ops(&k.filter, 72, 0, 36, "F4 int filter");
    expect_ops(&k.output, 140, 36, 88, "F4 int output");
}

/* FFT on 8 x 8 tiles: one 8-point radix-2 FFT is 3 stages of 4 butterflies (2 complex adds = 4
 * real adds each: 48) and two general twiddles (W8^1, W8^3: 4 muls + 2 adds each): 52 adds,
 * 8 muls. Input: 8 row FFTs + 5 column FFTs = 13: 676 adds, 104 muls. A 3x3 filter: 3 + 5 = 8
 * FFTs: 416, 64. Output (m = 6): 5 column + 6 row FFTs = 11: 572 adds, 88 muls, plus the 36
 * scalings by 1/64: 124 muls. A 5 x 3 filter: output tiles 4 x 6: 5 + 4 FFTs and 24 scalings. */
Test(xform, counts_fft_by_hand)
{
    eng_xform_costs k;
    eng_xform_costs_of(WL_ALGO_FFT, 3, 3, false, &k);
    expect_ops(&k.input, 676, 104, 0, "fft input");
    expect_ops(&k.filter, 416, 64, 0, "fft filter");
    expect_ops(&k.output, 572, 124, 0, "fft output");
    eng_xform_costs_of(WL_ALGO_FFT, 5, 3, false, &k);
    expect_ops(&k.filter, 520, 80, 0, "fft 5x3 filter");
    expect_ops(&k.output, 468, 96, 0, "fft 5x3 output");
}

/* A 14 x 14 x 16 -> 16 layer, 3x3, padding 1 (out 14 x 14), fp16 -> fp32, ideal memory, a
 * transform unit of 1 op per cycle:
 *   F2: tiles 7 x 7 = 49; MACs 49 x 16 positions x 16 x 16 = 200704 (direct: 196 x 9 x 256 =
 *       451584); in adds 49 x 16 x 32 + 16 x 16 x 28 = 32256, in muls 16 x 16 x 14 = 3584,
 *       out adds 49 x 16 x 24 = 18816; ops 54656: 54656 cycles.
 *   F4: tiles 4 x 4 = 16; MACs 16 x 36 x 256 = 147456; in adds 16 x 16 x 192 + 256 x 72 =
 *       67584, in muls 16 x 16 x 144 + 256 x 81 = 57600, out 16 x 16 x 140 = 35840 adds,
 *       16 x 16 x 60 = 15360 muls; ops 176384: 176384 cycles.
 *   FFT: tiles 3 x 3 = 9; MACs 9 x 40 bins x 32 x 32 = 368640; in adds 9 x 16 x 676 + 256 x
 *       416 = 203840, in muls 9 x 16 x 104 + 256 x 64 = 31360; out adds 9 x 16 x 572 = 82368,
 *       muls 9 x 16 x 124 = 17856; ops 335424: 335424 cycles.
 * The array needs fewer (F2: 256 folds of 49 streamed rows, about 12.6 k; F4 576 x 16; FFT 2240
 * x 9): the transform unit is the bottleneck, so the layer's cycles are its; and pe == fast.
 * DRAM: the raw input tiles, tiles x a^2 x 16 channels x 2 B (F2 49 x 16, F4 16 x 36, FFT
 * 9 x 64: 25088, 18432, 18432 B), and the outputs, 14 x 14 x 16 x 4 B = 12544 B. */
Test(xform, layer_counts_by_hand)
{
    const struct {
        wl_algo a;
        uint64_t macs, in_adds, in_muls, out_adds, out_muls, cycles, in_bytes;
    } want[] = {
        {WL_ALGO_WINO_F2, 200704, 32256, 3584, 18816, 0, 54656, 25088},
        {WL_ALGO_WINO_F4, 147456, 67584, 57600, 35840, 15360, 176384, 18432},
        {WL_ALGO_FFT, 368640, 203840, 31360, 82368, 17856, 335424, 18432},
    };
    cfg_accel cfg = make_cfg("ws", "fp16", "fp32", 1);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        wl_layer l = conv(14, 14, 16, 16, 3, 1, 1, 1, want[i].a);
        eng_result f = run(&cfg, &l, ENG_FAST, 0, false);
        eng_result p = run(&cfg, &l, ENG_PE, 3, false);
        const char *n = wl_algo_name(want[i].a);
        cr_expect_eq(f.c.macs, want[i].macs, "%s macs %" PRIu64, n, f.c.macs);
        cr_expect_eq(f.c.xform_in_adds, want[i].in_adds, "%s in adds %" PRIu64, n,
                     f.c.xform_in_adds);
        cr_expect_eq(f.c.xform_in_muls, want[i].in_muls, "%s", n);
        cr_expect_eq(f.c.xform_out_adds, want[i].out_adds, "%s", n);
        cr_expect_eq(f.c.xform_out_muls, want[i].out_muls, "%s", n);
        cr_expect_eq(f.c.xform_cycles, want[i].cycles, "%s xform cycles %" PRIu64, n,
                     f.c.xform_cycles);
        cr_expect_eq(f.c.cycles, want[i].cycles, "%s cycles %" PRIu64, n, f.c.cycles);
        cr_expect_eq(f.c.dram_read_bytes[CFG_IFMAP], want[i].in_bytes, "%s input bytes %" PRIu64, n,
                     f.c.dram_read_bytes[CFG_IFMAP]);
        cr_expect_eq(f.c.dram_write_bytes[CFG_OFMAP], 12544, "%s output bytes %" PRIu64, n,
                     f.c.dram_write_bytes[CFG_OFMAP]);
        eng_counters pc = p.c, fc = f.c;
        pc.zero_macs = fc.zero_macs = 0; /* counted vs expected: eng.h */
        cr_expect(!memcmp(&pc, &fc, sizeof pc), "%s: pe and fast counters differ", n);
        eng_result_fini(&f);
        eng_result_fini(&p);
    }
}

/* int8 inputs: transforms exact in integers, outputs identical to the direct layer's, with the
 * int32 and (F4 beyond 26 channels) the int48 accumulator of the transformed domain. */
Test(xform, int8_exact)
{
    const char *dfs[] = {"ws", "os", "is", "ws"};
    const struct {
        uint32_t h, w, c, f, pad, groups, batch;
    } shapes[] = {{7, 9, 5, 3, 1, 1, 1},
                  {6, 6, 4, 6, 0, 2, 2},
                  {11, 5, 3, 2, 2, 1, 1},
                  {5, 6, 32, 2, 1, 1, 1}}; /* 32 channels: F4 accumulates in int48 */
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int a = WL_ALGO_WINO_F2; a <= WL_ALGO_WINO_F4; a++) {
            cfg_accel cfg = make_cfg(dfs[s], "int8", "int32", 0);
            wl_layer lw = conv(shapes[s].h, shapes[s].w, shapes[s].c, shapes[s].f, 3, shapes[s].pad,
                               shapes[s].groups, shapes[s].batch, (wl_algo)a);
            wl_layer ld = lw;
            ld.algorithm = WL_ALGO_DIRECT;
            eng_result rw = run(&cfg, &lw, ENG_PE, 11 + s, true);
            eng_result rd = run(&cfg, &ld, ENG_PE, 11 + s, true);
            cr_assert_eq(rw.output_count, rd.output_count);
            cr_expect(!memcmp(rw.outputs, rd.outputs, rw.output_count * sizeof *rw.outputs),
                      "shape %zu %s: outputs differ from direct", s, wl_algo_name((wl_algo)a));
            cr_expect(rw.error.valid && rw.error.mismatches == 0 && rw.error.max_ulp == 0,
                      "shape %zu %s: reported error", s, wl_algo_name((wl_algo)a));
            cr_expect_eq(rw.c.wide_macs, rw.c.macs);
            eng_result_fini(&rw);
            eng_result_fini(&rd);
        }
}

/* The exact direct convolution of output (img, oy, ox, f), from MPFR at 1200 bits (every sum of
 * products of these formats is exact), rounded to double. */
static double mpfr_direct(const wl_layer *l, const eng_operands *ops, nx_fmt in, uint64_t img,
                          uint64_t oy, uint64_t ox, uint64_t f)
{
    mpfr_t acc, p;
    or_val x, w;
    mpfr_init2(acc, OR_PREC);
    mpfr_init2(p, OR_PREC);
    or_val_init(&x);
    or_val_init(&w);
    mpfr_set_zero(acc, 1);
    uint64_t cg = l->in_c / l->groups, g = f / (l->filters / l->groups);
    for (uint64_t r = 0; r < l->filt_r; r++)
        for (uint64_t s = 0; s < l->filt_s; s++)
            for (uint64_t c = 0; c < cg; c++) {
                int64_t y = (int64_t)(oy + r) - l->pad_top, xx = (int64_t)(ox + s) - l->pad_left;
                if (y < 0 || xx < 0 || y >= (int64_t)l->in_h || xx >= (int64_t)l->in_w)
                    continue;
                or_decode(
                    in,
                    ops->ifmap[((img * l->in_h + (uint64_t)y) * l->in_w + (uint64_t)xx) * l->in_c +
                               g * cg + c],
                    0, &x);
                or_decode(in, ops->filter[((f * l->filt_r + r) * l->filt_s + s) * cg + c], 0, &w);
                mpfr_mul(p, x.v, w.v, MPFR_RNDN);
                mpfr_add(acc, acc, p, MPFR_RNDN);
            }
    double d = mpfr_get_d(acc, MPFR_RNDN);
    mpfr_clears(acc, p, x.v, w.v, (mpfr_ptr)0);
    return d;
}

/* Floating point: the engine's reported max and mean relative error equal those of its outputs
 * (and the norm-wise error) against MPFR's exact direct convolution; every algorithm stays far from
 * O(1) in fp32; and the error in fp16 grows from F(2x2,3x3) to F(4x4,3x3), both above the direct
 * convolution's. */
Test(xform, float_error_against_mpfr)
{
    const char *fmts[][2] = {{"fp32", "fp32"}, {"fp16", "fp32"}, {"bf16", "fp32"}};
    double f16_mean[WL_ALGO_COUNT] = {0};
    for (size_t fi = 0; fi < 3; fi++)
        for (int a = WL_ALGO_WINO_F2; a < WL_ALGO_COUNT; a++) {
            cfg_accel cfg = make_cfg("ws", fmts[fi][0], fmts[fi][1], 0);
            wl_layer l = conv(9, 10, 6, 4, 3, 1, 2, 1, (wl_algo)a);
            eng_result r = run(&cfg, &l, ENG_PE, 5, true);
            eng_operands ops;
            fw_err err;
            cr_assert_eq(eng_operands_random(&cfg, &l, 5, &ops, &err), 0);
            double max_rel = 0, sum_rel = 0, e2 = 0, x2 = 0;
            uint64_t n = 0;
            for (uint64_t oy = 0; oy < l.out_h; oy++)
                for (uint64_t ox = 0; ox < l.out_w; ox++)
                    for (uint64_t f = 0; f < l.filters; f++) {
                        double ex = mpfr_direct(&l, &ops, cfg.mac.input, 0, oy, ox, f);
                        double y = nx_to_double(cfg.mac.accumulator,
                                                r.outputs[(oy * l.out_w + ox) * l.filters + f]);
                        e2 += (y - ex) * (y - ex);
                        x2 += ex * ex;
                        if (ex == 0)
                            continue;
                        double rel = fabs(y - ex) / fabs(ex);
                        max_rel = fmax(max_rel, rel);
                        sum_rel += rel;
                        n++;
                    }
            const char *name = wl_algo_name((wl_algo)a);
            cr_assert(r.error.valid);
            cr_expect(fabs(r.error.max_rel - max_rel) <= 1e-9 * max_rel, "%s %s max %g vs %g",
                      fmts[fi][0], name, r.error.max_rel, max_rel);
            cr_expect(fabs(r.error.mean_rel - sum_rel / (double)n) <= 1e-9 * sum_rel / (double)n,
                      "%s %s mean %g vs %g", fmts[fi][0], name, r.error.mean_rel,
                      sum_rel / (double)n);
            cr_expect(fabs(r.error.norm_rel - sqrt(e2 / x2)) <= 1e-9 * sqrt(e2 / x2),
                      "%s %s norm %g vs %g", fmts[fi][0], name, r.error.norm_rel, sqrt(e2 / x2));
            if (fi == 0) /* fp32: a wrong coefficient would give O(1) */
                cr_expect(r.error.mean_rel < 0x1p-12, "fp32 %s mean %g", name, r.error.mean_rel);
            if (fi == 1) {
                f16_mean[a] = r.error.mean_rel;
                cr_expect(r.error.mean_rel > r.error.direct_mean_rel, "fp16 %s", name);
            }
            eng_operands_fini(&ops);
            eng_result_fini(&r);
        }
    cr_expect(f16_mean[WL_ALGO_WINO_F4] > f16_mean[WL_ALGO_WINO_F2], "fp16: F4 %g, F2 %g",
              f16_mean[WL_ALGO_WINO_F4], f16_mean[WL_ALGO_WINO_F2]);
}

/* Where an algorithm does not apply, the reason. */
Test(xform, applicability)
{
    wl_layer l;
    fw_err err;
    wl_layer_init(&l, WL_CONV, "s2");
    l.in_h = l.in_w = 8;
    l.in_c = l.filters = 2;
    l.filt_r = l.filt_s = 3;
    l.stride_h = l.stride_w = 2;
    l.algorithm = WL_ALGO_WINO_F2;
    cr_assert_neq(wl_layer_finish(&l, &err), 0);
    cr_expect_str_eq(err.msg, "algorithm: winograd_f2x2_3x3 needs stride 1, the layer has 2x2");
    l.stride_h = l.stride_w = 1;
    l.filt_r = l.filt_s = 5;
    cr_assert_neq(wl_layer_finish(&l, &err), 0);
    cr_expect_str_eq(err.msg, "algorithm: winograd_f2x2_3x3 needs a 3x3 filter, the layer has 5x5");
    l.algorithm = WL_ALGO_FFT;
    cr_expect_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    l.filt_r = 8;
    cr_assert_neq(wl_layer_finish(&l, &err), 0);
    cr_expect_str_eq(err.msg, "algorithm: fft on 8x8 tiles needs a filter of at most 7x7, the "
                              "layer has 8x5");
    /* integer inputs: the FFT is not defined, nor Winograd on int16 */
    wl_layer c3 = conv(6, 6, 2, 2, 3, 1, 1, 1, WL_ALGO_FFT);
    cfg_accel cfg = make_cfg("ws", "int8", "int32", 0);
    eng_options o;
    memset(&o, 0, sizeof o);
    eng_result r;
    cr_assert_eq(eng_run_layer(&cfg, &c3, &o, &r, &err), FW_EXIT_INPUT);
    cr_expect_str_eq(err.msg, "layer c: algorithm fft is not defined for integer inputs (int8): "
                              "its twiddle factors are irrational");
    c3.algorithm = WL_ALGO_WINO_F2;
    cfg = make_cfg("ws", "int16", "int48", 0);
    cr_assert_eq(eng_run_layer(&cfg, &c3, &o, &r, &err), FW_EXIT_INPUT);
    cr_expect_str_eq(err.msg, "layer c: algorithm winograd_f2x2_3x3 is not defined for int16 "
                              "inputs: the transformed operands need more than 16 bits, the "
                              "widest integer multiplier");
}
