/* Tests of zero skipping (eng.h "Zero skipping") and N:M weights (mapping/map.h "N:M"):
 *   - E[max of r iid binomials]: closed forms for n = 1 and (n, r) = (2, 2) by hand, and the
 *     distribution of the maximum summed here with exact binomial coefficients;
 *   - the expected zero-operand MACs of padded convolutions against the in-bounds (output,
 *     tap) pairs counted one by one;
 *   - hand-derived skipped steps, skipped MACs and cycles saved on small GEMMs with given
 *     operands (ws and is: lock-step lanes; os: independent rows, the slowest sets the fold);
 *   - pe (counted from the values) and fast (expected) agree within 5 standard deviations of
 *     the count, the variance derived below for each model, on many seeds;
 *   - skipping (and gating) never change outputs: pe outputs identical bit for bit, every
 *     dataflow, integer and floating point, padded sparse convolutions;
 *   - N:M: the compressed reduction, MACs, traffic with metadata, SRAM reads and metadata bits
 *     derived by hand; which layer patterns an array's pattern holds; pe = fast in every
 *     counter but the zero-operand MACs. */
#include "config/cfg.h"
#include "engine/eng.h"
#include "mapping/map.h"
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const dataflows[] = {"ws", "is", "os", "tree"};

/* extra: more keys of "array" (JSON text starting with a comma, or "") */
static cfg_accel make_cfg(unsigned rows, unsigned cols, const char *df, const char *in,
                          const char *acc, const char *extra)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"clock_mhz\": 1000, \"array\": {\"rows\": %u, \"cols\": %u, \"dataflow\": \"%s\""
             "%s}, \"precision\": {\"input\": \"%s\", \"accumulator\": \"%s\"},"
             " \"sram\": {\"ifmap\": {\"size_bytes\": 1048576}, \"filter\": {\"size_bytes\": "
             "1048576}, \"ofmap\": {\"size_bytes\": 1048576}},"
             " \"dram\": {\"type\": \"ddr4\", \"bandwidth_gbps\": 1, \"latency_cycles\": 0},"
             " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9}}",
             rows, cols, df, extra, in, acc);
    cfg_accel c;
    fw_err err;
    cr_assert_eq(cfg_parse("t.json", text, NULL, 0, &c, &err), 0, "%s", err.msg);
    return c;
}

static wl_layer gemm(uint32_t m, uint32_t n, uint32_t k)
{
    wl_layer l;
    fw_err err;
    cr_assert_eq(wl_layer_gemm(&l, "g", m, n, k, 1, &err), 0, "%s", err.msg);
    return l;
}

static eng_result run(const cfg_accel *cfg, const wl_layer *l, eng_kind kind, uint64_t seed,
                      const eng_operands *ops, bool ideal, bool keep)
{
    eng_options o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.seed = seed;
    o.operands = ops;
    o.ideal_memory = ideal;
    o.keep_outputs = keep;
    eng_result r;
    fw_err err;
    cr_assert_eq(eng_run_layer(cfg, l, &o, &r, &err), 0, "%s", err.msg);
    return r;
}

/* int8 operands from small integers: ifmap [M][K], filters [N][K] (wl.h GEMM layout) */
static eng_operands ops_of(const int *x, size_t nx, const int *w, size_t nw)
{
    eng_operands o;
    o.ifmap = calloc(nx, sizeof *o.ifmap);
    o.filter = calloc(nw, sizeof *o.filter);
    o.ifmap_count = nx;
    o.filter_count = nw;
    for (size_t i = 0; i < nx; i++)
        o.ifmap[i] = (uint64_t)(uint8_t)x[i];
    for (size_t i = 0; i < nw; i++)
        o.filter[i] = (uint64_t)(uint8_t)w[i];
    return o;
}

/* P(X <= t) for X ~ Binomial(n, p), from exact binomial coefficients (long double). */
static long double binom_cdf(unsigned n, long double p, unsigned t)
{
    long double sum = 0, c = 1; /* c = C(n, j) */
    for (unsigned j = 0; j <= t && j <= n; j++) {
        sum += c * powl(p, j) * powl(1 - p, n - j);
        c = c * (n - j) / (j + 1);
    }
    return sum;
}

/* mean and variance of the max of r iid Binomial(n, p), from P(max = t) = F(t)^r - F(t-1)^r */
static void max_moments(unsigned n, long double p, unsigned r, double *mean, double *var)
{
    long double m1 = 0, m2 = 0, prev = 0;
    for (unsigned t = 0; t <= n; t++) {
        long double f = powl(binom_cdf(n, p, t), r), pt = f - prev;
        m1 += t * pt;
        m2 += (long double)t * t * pt;
        prev = f;
    }
    *mean = (double)m1;
    *var = (double)(m2 - m1 * m1);
}

Test(skip, expected_max_binomial)
{
    /* n = 1: the max of r Bernoulli(p) is 1 unless all are 0 */
    for (unsigned r = 1; r <= 5; r++)
        cr_expect_float_eq(eng_expected_max_binomial(1, 0.3, r), 1 - pow(0.7, r), 1e-12);
    /* n = 2, r = 2, p = 1/2: F(0) = 1/4, F(1) = 3/4: E = (1 - 1/16) + (1 - 9/16) = 1.375 */
    cr_expect_float_eq(eng_expected_max_binomial(2, 0.5, 2), 1.375, 1e-12);
    unsigned ns[] = {5, 40, 300}, rs[] = {1, 3, 16, 64};
    double ps[] = {0.05, 0.3, 0.56, 0.9};
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 4; b++)
            for (size_t c = 0; c < 4; c++) {
                double mean, var;
                max_moments(ns[a], ps[c], rs[b], &mean, &var);
                cr_expect_float_eq(eng_expected_max_binomial(ns[a], ps[c], rs[b]), mean,
                                   1e-9 * (1 + mean), "n %u r %u p %g", ns[a], rs[b], ps[c]);
            }
    cr_expect_eq(eng_expected_max_binomial(10, 0, 4), 0);
    cr_expect_eq(eng_expected_max_binomial(10, 1, 4), 10);
}

/* ws, 2x2 array, GEMM M 4, K 2, N 2: ifmap rows (the stream steps) [0 0] [1 0] [0 0] [2 3].
 * Steps 0 and 2 carry only zeros in both lanes (rows): 2 skipped steps of 2 x 2 MACs = 8
 * skipped MACs; the one fold's stream is 2 steps instead of 4, its length L = 2R + C + T - 2
 * goes from 8 to 6 cycles: 2 saved. Step 1 has a zero too, but its lane moves with the other. */
Test(skip, ws_hand_derived)
{
    int x[] = {0, 0, 1, 0, 0, 0, 2, 3}, w[] = {1, 2, 3, 4};
    eng_operands o = ops_of(x, 8, w, 4);
    wl_layer l = gemm(4, 2, 2);
    cfg_accel off = make_cfg(2, 2, "ws", "int8", "int32", "");
    cfg_accel on = make_cfg(2, 2, "ws", "int8", "int32", ", \"zero_skipping\": true");
    eng_result a = run(&off, &l, ENG_PE, 1, &o, true, true);
    eng_result b = run(&on, &l, ENG_PE, 1, &o, true, true);
    cr_expect_eq(a.c.cycles, 8);
    cr_expect_eq(b.c.cycles, 6);
    cr_expect_eq(b.c.skip_saved_cycles, 2);
    cr_expect_eq(b.c.skipped_macs, 8);
    cr_expect_eq(a.c.skipped_macs, 0);
    cr_expect_eq(b.c.zero_macs, 10); /* + step 1's zero lane on both columns */
    cr_expect_eq(memcmp(a.outputs, b.outputs, 8 * sizeof *a.outputs), 0);
    cr_expect_eq(b.outputs[3 * 2 + 1], 2 * 3 + 3 * 4); /* (m 3, n 1) = 2x3 + 3x4 */
    eng_result_fini(&a);
    eng_result_fini(&b);
    eng_operands_fini(&o);
}

/* os, 2x2 array, GEMM M 2, K 4, N 2: row 0's activations [1 0 0 2] have 2 non-zeros, row 1's
 * [0 0 0 3] one. Each row streams its own non-zeros; the fold ends with the slower: 2 steps
 * instead of 4, L = T + R + C - 2 from 6 to 4 cycles. Skipped MACs: (8 - 3) zero activations x
 * 2 columns = 10. */
Test(skip, os_hand_derived)
{
    int x[] = {1, 0, 0, 2, 0, 0, 0, 3}, w[] = {1, 1, 1, 1, 2, 2, 2, 2};
    eng_operands o = ops_of(x, 8, w, 8);
    wl_layer l = gemm(2, 2, 4);
    cfg_accel on = make_cfg(2, 2, "os", "int8", "int32", ", \"zero_skipping\": true");
    eng_result b = run(&on, &l, ENG_PE, 1, &o, true, false);
    cr_expect_eq(b.c.cycles, 4);
    cr_expect_eq(b.c.skip_saved_cycles, 2);
    cr_expect_eq(b.c.skipped_macs, 10);
    eng_result_fini(&b);
    eng_operands_fini(&o);
}

/* is, 2x2 array, GEMM M 2, K 2, N 4: the filters stream (steps n), lanes the K rows. Filters
 * [0 0] [1 0] [0 0] [0 0]: steps 0, 2, 3 are all zero: 3 x 2 x 2 = 12 skipped MACs, T 4 -> 1,
 * L = 2R + C + T - 2 from 8 to 5 cycles. */
Test(skip, is_hand_derived)
{
    int x[] = {5, 6, 7, 8}, w[] = {0, 0, 1, 0, 0, 0, 0, 0};
    eng_operands o = ops_of(x, 4, w, 8);
    wl_layer l = gemm(2, 4, 2);
    cfg_accel on = make_cfg(2, 2, "is", "int8", "int32", ", \"zero_skipping\": true");
    eng_result b = run(&on, &l, ENG_PE, 1, &o, true, false);
    cr_expect_eq(b.c.cycles, 5);
    cr_expect_eq(b.c.skip_saved_cycles, 3);
    cr_expect_eq(b.c.skipped_macs, 12);
    eng_result_fini(&b);
    eng_operands_fini(&o);
}

/* ws, 4x4 array, GEMM M 400, K 3, N 8 (one row fold of 3 lanes, 2 column folds streaming the
 * same 400 steps), ifmap density d = 0.4 (filters dense, no padding). A step is all zero with
 * probability p = 0.6^3 = 0.216, independently: S ~ Binomial(400, p) all-zero steps, each fold
 * saves S cycles (its gap and its last length shrink by S; T - S stays above R), so the layer
 * saves 2S cycles and skips 2 x S x 3 x 4 MACs. Fast: 2 x round(400 p). sd(2S) = 2
 * sqrt(400 p (1 - p)) = 16.5; tolerance 5 sd + 1 (rounding). */
Test(skip, ws_pe_fast_agree_in_expectation)
{
    wl_layer l = gemm(400, 8, 3);
    l.ifmap_zero_frac = 0.6;
    cfg_accel on = make_cfg(4, 4, "ws", "int8", "int32", ", \"zero_skipping\": true");
    double p = 0.216, sd = 2 * sqrt(400 * p * (1 - p));
    eng_result f = run(&on, &l, ENG_FAST, 0, NULL, true, false);
    cr_expect_eq(f.c.skip_saved_cycles, 2 * 86); /* round(86.4) */
    double sum = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        eng_result pe = run(&on, &l, ENG_PE, seed, NULL, true, false);
        double diff = (double)pe.c.skip_saved_cycles - (double)f.c.skip_saved_cycles;
        cr_expect(fabs(diff) <= 5 * sd + 1, "seed %llu: pe %llu fast %llu",
                  (unsigned long long)seed, (unsigned long long)pe.c.skip_saved_cycles,
                  (unsigned long long)f.c.skip_saved_cycles);
        cr_expect_eq(pe.c.skipped_macs, pe.c.skip_saved_cycles * 12); /* 2S x 3 x 4 / 2 */
        cr_expect_eq(pe.c.cycles + pe.c.skip_saved_cycles, f.c.cycles + f.c.skip_saved_cycles);
        sum += diff;
    }
    /* the mean over 20 seeds: sd / sqrt(20) */
    cr_expect(fabs(sum / 20) <= 5 * sd / sqrt(20) + 1, "mean difference %g", sum / 20);
}

/* os, 8x4 array, GEMM M 64, K 50, N 4: 8 row folds, each of 8 rows with nz_i ~ Binomial(50,
 * d = 0.5) non-zeros; a fold streams max_i nz_i steps, saving 50 - max (its gap and last
 * length: max stays above R = 8 except with negligible probability). Saved = sum over the 8 row
 * folds of (50 - max), variance 8 Var(max) from the exact distribution of the max; fast:
 * 8 (50 - round(E max)); tolerance 5 sd + 8 x 0.5 (rounding per fold). */
Test(skip, os_pe_fast_agree_in_expectation)
{
    wl_layer l = gemm(64, 4, 50);
    l.ifmap_zero_frac = 0.5;
    cfg_accel on = make_cfg(8, 4, "os", "fp16", "fp32", ", \"zero_skipping\": true");
    double mean, var;
    max_moments(50, 0.5, 8, &mean, &var);
    double sd = sqrt(8 * var);
    eng_result f = run(&on, &l, ENG_FAST, 0, NULL, true, false);
    cr_expect_eq(f.c.skip_saved_cycles, 8 * (50 - (uint64_t)llround(mean)));
    for (uint64_t seed = 1; seed <= 20; seed++) {
        eng_result pe = run(&on, &l, ENG_PE, seed, NULL, true, false);
        double diff = (double)pe.c.skip_saved_cycles - (double)f.c.skip_saved_cycles;
        cr_expect(fabs(diff) <= 5 * sd + 4, "seed %llu: pe %llu fast %llu (sd %g)",
                  (unsigned long long)seed, (unsigned long long)pe.c.skip_saved_cycles,
                  (unsigned long long)f.c.skip_saved_cycles, sd);
        /* skipped MACs: the zero activations x 4 columns, within 5 sd of 64 x 50 x 0.5 x 4 */
        double sk_sd = 4 * sqrt(64 * 50 * 0.25);
        cr_expect(fabs((double)pe.c.skipped_macs - (double)f.c.skipped_macs) <= 5 * sk_sd + 1);
    }
    /* the load imbalance: the expected max is above the mean of one row (25) */
    cr_expect(mean > 25 + 1);
}

static wl_layer conv(uint32_t hw, uint32_t c, uint32_t f, uint32_t k, uint32_t pad)
{
    wl_layer l;
    fw_err err;
    wl_layer_init(&l, WL_CONV, "c");
    l.in_h = l.in_w = hw;
    l.in_c = c;
    l.filters = f;
    l.filt_r = l.filt_s = k;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = pad;
    cr_assert_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    return l;
}

/* The (output, tap) pairs of one axis that read inside the input, one by one (wl.h: position
 * o * stride + k * dil - pad). */
static uint64_t pairs_inside(uint32_t out, uint32_t taps, uint32_t stride, uint32_t dil,
                             uint32_t pad, uint32_t in)
{
    uint64_t n = 0;
    for (int64_t o = 0; o < out; o++)
        for (int64_t k = 0; k < taps; k++) {
            int64_t p = o * stride + k * dil - pad;
            n += p >= 0 && p < in;
        }
    return n;
}

/* The expected zero-operand MACs and the in-bounds fraction against the pairs counted one by
 * one, on random padded, strided, dilated and grouped convolutions (pads up to past the
 * kernel's reach, strides past the kernel): a MAC reads padding exactly when its row or column
 * pair does, so the in-bounds MACs are batch x Y x X x in_c x filters / groups; with zeros,
 * E = macs - (1 - zi)(1 - zw) x that (eng.h). */
Test(skip, expected_zero_macs_against_pairs_counted)
{
    uint64_t state = 12345;
    int checked = 0;
    for (int i = 0; i < 4000; i++) {
        uint32_t r[12];
        for (int j = 0; j < 12; j++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            r[j] = (uint32_t)(state >> 33);
        }
        wl_layer l;
        fw_err err;
        wl_layer_init(&l, WL_CONV, "c");
        l.in_h = 1 + r[0] % 40;
        l.in_w = 1 + r[1] % 40;
        l.filt_r = 1 + r[2] % 7;
        l.filt_s = 1 + r[3] % 7;
        l.stride_h = 1 + r[4] % 5;
        l.stride_w = 1 + r[5] % 5;
        l.dil_h = 1 + r[6] % 3;
        l.dil_w = 1 + r[7] % 3;
        l.pad_top = r[8] % 9;
        l.pad_bottom = r[8] / 9 % 9;
        l.pad_left = r[9] % 9;
        l.pad_right = r[9] / 9 % 9;
        l.groups = 1 + r[10] % 3;
        l.in_c = l.groups * (1 + r[10] / 3 % 4);
        l.filters = l.groups * (1 + r[11] % 5);
        l.batch = 1 + r[11] / 5 % 3;
        if (wl_layer_finish(&l, &err))
            continue; /* no output (kernel larger than the padded input): not a layer */
        checked++;
        uint64_t y = pairs_inside(l.out_h, l.filt_r, l.stride_h, l.dil_h, l.pad_top, l.in_h);
        uint64_t x = pairs_inside(l.out_w, l.filt_s, l.stride_w, l.dil_w, l.pad_left, l.in_w);
        uint64_t inside = l.batch * y * x * l.in_c * (l.filters / l.groups);
        uint64_t macs = wl_layer_macs(&l);
        cr_assert(inside <= macs);
        /* integers below 2^53: exact in a double */
        cr_expect_eq(eng_expected_zero_macs(&l), (double)(macs - inside), "layer %d", i);
        cr_expect(fabs(eng_inbounds_fraction(&l) - (double)inside / (double)macs) <= 1e-15,
                  "layer %d", i);
        l.ifmap_zero_frac = 0.25;
        l.weight_zero_frac = 0.5;
        cr_expect_eq(eng_expected_zero_macs(&l), (double)macs - 0.375 * (double)inside,
                     "layer %d", i);
    }
    cr_expect(checked > 3000, "%d layers", checked);
}

/* Skipping and gating never change outputs: a padded conv with sparse operands, every
 * dataflow, int8 and fp16 -> fp32; outputs identical bit for bit with them on and off. */
Test(skip, never_changes_outputs)
{
    wl_layer l = conv(6, 5, 7, 3, 1);
    l.ifmap_zero_frac = 0.6;
    l.weight_zero_frac = 0.3;
    const char *fmts[][2] = {{"int8", "int32"}, {"fp16", "fp32"}};
    for (size_t d = 0; d < 4; d++)
        for (size_t f = 0; f < 2; f++) {
            cfg_accel off = make_cfg(4, 3, dataflows[d], fmts[f][0], fmts[f][1], "");
            cfg_accel on = make_cfg(4, 3, dataflows[d], fmts[f][0], fmts[f][1],
                                    ", \"zero_skipping\": true, \"zero_gating\": true");
            eng_result a = run(&off, &l, ENG_PE, 7, NULL, false, true);
            eng_result b = run(&on, &l, ENG_PE, 7, NULL, false, true);
            cr_assert_eq(a.output_count, b.output_count);
            cr_expect_eq(memcmp(a.outputs, b.outputs, a.output_count * sizeof *a.outputs), 0,
                         "%s %s", dataflows[d], fmts[f][0]);
            cr_expect(b.c.cycles <= a.c.cycles, "%s: skipping added cycles", dataflows[d]);
            cr_expect_eq(b.c.cycles + b.c.skip_saved_cycles, a.c.cycles);
            cr_expect(b.c.skipped_macs <= b.c.zero_macs);
            eng_result_fini(&a);
            eng_result_fini(&b);
        }
}

/* N:M, GEMM M 4, N 2, K 8 with 2:4 weights on a 4x2 ws array taking 2:4 (fp16, 2 bytes):
 * k = 8 / 4 x 2 = 4 compressed rows: one fold of 4 x 2, MACs 4 x 2 x 4 = 32 (dense 64).
 * Filter tile: 8 kept weights x 2 B + 8 x 2 metadata bits = 16 + 2 = 18 B from DRAM; metadata
 * 2 B in storage, 8 weights read once from SRAM with 2 bits each: 16 bits. The ifmap (4 x 8
 * dense activations, 64 B, resident) is fetched whole; the stream reads 4 steps x 4 rows = 16
 * compressed rows, each choosing among 8 / 4 = 2 activations: 32 SRAM reads. */
Test(skip, nm_hand_derived)
{
    wl_layer l = gemm(4, 2, 8);
    l.sparsity_n = 2;
    l.sparsity_m = 4;
    l.weight_zero_frac = 0.5;
    cfg_accel c = make_cfg(4, 2, "ws", "fp16", "fp32", ", \"nm_sparsity\": \"2:4\"");
    map_layer map;
    fw_err err;
    cr_assert_eq(map_layer_init(&c, &l, &map, &err), 0, "%s", err.msg);
    cr_expect_eq(map.k, 4);
    cr_expect_eq(map.k_dense, 8);
    cr_expect_eq(map.meta_bits, 2);
    eng_result f = run(&c, &l, ENG_FAST, 0, NULL, false, false);
    cr_expect_eq(f.c.macs, 32);
    cr_expect_eq(f.c.dense_macs, 64);
    cr_expect_eq(f.c.folds, 1);
    cr_expect_eq(f.c.dram_read_bytes[CFG_FILTER], 18);
    cr_expect_eq(f.c.dram_read_bytes[CFG_IFMAP], 64);
    cr_expect_eq(f.c.nm_metadata_bytes, 2);
    cr_expect_eq(f.c.sram_reads[CFG_FILTER], 8);
    cr_expect_eq(f.c.nm_metadata_sram_bits, 16);
    cr_expect_eq(f.c.sram_reads[CFG_IFMAP], 32);
    /* dense weights on the same array: 2 row folds of 4, filter 32 B */
    cr_expect_eq(f.c.nm_dense_dram_bytes, 32 + 64 + 4 * 2 * 4);
    /* the pe engine agrees in every counter but the zero-operand MACs */
    eng_result p = run(&c, &l, ENG_PE, 3, NULL, false, false);
    p.c.zero_macs = f.c.zero_macs;
    cr_expect_eq(memcmp(&p.c, &f.c, sizeof p.c), 0);
    /* the kept weights are non-zero: the zero-operand MACs are the ifmap's (none here) */
    cr_expect_eq(f.c.zero_macs, 0);
}

/* The compressed reduction k = (K / M) N + min(N, K mod M), and metadata ceil(log2 M). */
Test(skip, nm_reduction_and_compatibility)
{
    struct {
        uint32_t k, ln, lm;
        const char *hw;
        uint64_t want_k;
        uint32_t bits;
    } cases[] = {
        {8, 2, 4, "2:4", 4, 2},   {6, 2, 4, "2:4", 4, 2},    {5, 2, 4, "2:4", 3, 2},
        {3, 2, 4, "2:4", 2, 2},   {16, 1, 4, "2:4", 8, 2}, /* 1:4 fits 2:4 */
        {16, 2, 8, "2:4", 8, 2},                           /* 2 of 8: at most 2 in every 4 */
        {16, 1, 2, "2:4", 8, 2},                           /* 1 of 2: 2 in every 4 */
        {16, 3, 4, "2:4", 16, 0},                          /* 3 of 4 does not fit: dense */
        {16, 4, 8, "2:4", 16, 0}, /* 4 of 8 may put 4 in one group of 4: dense */
        {24, 3, 8, "3:8", 9, 3},  {16, 2, 4, "none", 16, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wl_layer l = gemm(4, 4, cases[i].k);
        l.sparsity_n = cases[i].ln;
        l.sparsity_m = cases[i].lm;
        char extra[64];
        snprintf(extra, sizeof extra, ", \"nm_sparsity\": \"%s\"", cases[i].hw);
        cfg_accel c = make_cfg(4, 4, "ws", "int8", "int32", extra);
        map_layer map;
        fw_err err;
        cr_assert_eq(map_layer_init(&c, &l, &map, &err), 0, "%s", err.msg);
        cr_expect_eq(map.k, cases[i].want_k, "case %zu: k %llu", i, (unsigned long long)map.k);
        cr_expect_eq(map.meta_bits, cases[i].bits, "case %zu", i);
    }
}

/* pe = fast in every counter but zero_macs with N:M on every dataflow and a padded conv. */
Test(skip, nm_pe_equals_fast)
{
    wl_layer l = conv(5, 8, 6, 3, 1); /* K = 72 */
    l.sparsity_n = 1;
    l.sparsity_m = 4;
    l.weight_zero_frac = 0.75;
    for (size_t d = 0; d < 4; d++) {
        cfg_accel c = make_cfg(4, 3, dataflows[d], "int8", "int32", ", \"nm_sparsity\": \"2:4\"");
        eng_result f = run(&c, &l, ENG_FAST, 0, NULL, false, false);
        eng_result p = run(&c, &l, ENG_PE, 5, NULL, false, false);
        cr_expect_eq(f.c.macs, 25 * 6 * 36, "%s", dataflows[d]);
        p.c.zero_macs = f.c.zero_macs;
        cr_expect_eq(memcmp(&p.c, &f.c, sizeof p.c), 0, "%s", dataflows[d]);
    }
}

/* Compression (mapping/map.h "Compression"): expected milli-bits per element, by hand:
 *   bitmask, d 1/4, 8 bits: 1 + 2 = 3 bits;
 *   rle, r 2 (full run R = 4 zeros), d 1/2, 8 bits: x = (1/2)(1/16)/(15/16) = 1/30 extra
 *     entries per element, (1/2 + 1/30) x 10 bits = 5.333 bits;
 *   rle, all zeros, r 5, 16 bits: one (31 zeros, 0) entry per 32 elements: 21/32 = 0.65625;
 *   csr, 4 x 8, d 1/4, 8 bits: 8 values x (8 + 3 column bits) + 5 row pointers x 6 bits
 *     (ceil(log2 33)) = 118 bits over 32 elements = 3.6875. */
Test(skip, compression_sizes_hand_derived)
{
    cr_expect_eq(map_cmp_millibits(CFG_CMP_BITMASK, 0.25, 8, 4, 8, 5), 3000);
    cr_expect_eq(map_cmp_millibits(CFG_CMP_RLE, 0.5, 8, 4, 8, 2), 5333);
    cr_expect_eq(map_cmp_millibits(CFG_CMP_RLE, 0.0, 16, 4, 8, 5), 656);
    cr_expect_eq(map_cmp_millibits(CFG_CMP_CSR, 0.25, 8, 4, 8, 5), 3688);
    cr_expect_eq(map_cmp_millibits(CFG_CMP_NONE, 0.25, 8, 4, 8, 5), 8000);
}

/* The formats encoded here element by element on random tensors of n elements with zeros of
 * probability q: the bits per element agree with the expectation within 5 standard deviations
 * of a sum of n terms each in [0, r + w] (a bound on the per-element spread). */
static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

Test(skip, compression_sizes_against_an_encoder)
{
    enum { ROWS = 250, COLS = 400, N = ROWS * COLS };
    static unsigned char nz[N];
    double ds[] = {0.05, 0.3, 0.56, 0.9};
    for (size_t di = 0; di < 4; di++) {
        uint64_t st = 42 + di;
        uint64_t count = 0;
        for (int i = 0; i < N; i++)
            count += nz[i] = (double)(splitmix(&st) >> 11) * 0x1p-53 < ds[di];
        const uint32_t w = 8, r = 3, R = 1u << r;
        /* bitmask: N mask bits + the non-zeros */
        double bm = (double)(N + count * w) / N;
        /* rle: an entry per non-zero, one per R zeros of a gap before a non-zero */
        uint64_t entries = 0, gap = 0;
        for (int i = 0; i < N; i++) {
            if (nz[i]) {
                entries += 1 + gap / R;
                gap = 0;
            } else {
                gap++;
            }
        }
        double rle = (double)(entries * (r + w)) / N;
        /* csr: values and column indices (9 bits for 400 columns), 251 row pointers of
         * ceil(log2(100001)) = 17 bits */
        double csr = (double)(count * (w + 9) + (ROWS + 1) * 17) / N;
        double tol = 5 * (r + w) / sqrt(N);
        double d = ds[di];
        cr_expect(fabs(bm - map_cmp_millibits(CFG_CMP_BITMASK, d, w, ROWS, COLS, r) / 1000.0) <
                  tol);
        cr_expect(fabs(rle - map_cmp_millibits(CFG_CMP_RLE, d, w, ROWS, COLS, r) / 1000.0) < tol,
                  "d %g: encoded %g expected %g", d, rle,
                  map_cmp_millibits(CFG_CMP_RLE, d, w, ROWS, COLS, r) / 1000.0);
        cr_expect(fabs(csr - map_cmp_millibits(CFG_CMP_CSR, d, w, ROWS, COLS, r) / 1000.0) < tol);
    }
}

/* A compressed GEMM by hand: M 4, K 8, N 2 on a 4x2 ws array, int8, ifmap density 1/2 stored
 * as a bitmask (1 + 4 = 5 bits per element, 5000 milli-bits). The 32-element ifmap is resident:
 * each of the 2 row folds fetches its 16 elements as ceil(16 x 5 / 8) = 10 bytes (20 against
 * 32 dense); the filter (not compressed) 16 bytes. The array's stream reads 2 folds x 4 steps x
 * 4 rows = 32 elements through the decompressor, ceil(32 x 5 / 8) = 20 element-equivalents
 * from the SRAM. Without compression the same layer moves 32 + 16 + 8 x 4 (int32 outputs). */
Test(skip, compression_gemm_hand_derived)
{
    wl_layer l = gemm(4, 2, 8);
    l.ifmap_zero_frac = 0.5;
    char text[1024];
    snprintf(text, sizeof text,
             "{\"clock_mhz\": 1000, \"array\": {\"rows\": 4, \"cols\": 2, \"dataflow\": \"ws\"},"
             " \"precision\": {\"input\": \"int8\", \"accumulator\": \"int32\"},"
             " \"sram\": {\"ifmap\": {\"size_bytes\": 1048576}, \"filter\": {\"size_bytes\": "
             "1048576}, \"ofmap\": {\"size_bytes\": 1048576}},"
             " \"dram\": {\"type\": \"ddr4\", \"bandwidth_gbps\": 1, \"latency_cycles\": 0},"
             " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9},"
             " \"compression\": {\"format\": \"bitmask\", \"operands\": [\"ifmap\"]}}");
    cfg_accel c;
    fw_err err;
    cr_assert_eq(cfg_parse("t.json", text, NULL, 0, &c, &err), 0, "%s", err.msg);
    eng_result f = run(&c, &l, ENG_FAST, 0, NULL, false, false);
    cr_expect_eq(f.c.dram_read_bytes[CFG_IFMAP], 20);
    cr_expect_eq(f.c.dram_read_bytes[CFG_FILTER], 16);
    cr_expect_eq(f.c.cmp_decoded_elems, 32);
    cr_expect_eq(f.c.sram_reads[CFG_IFMAP], 20);
    cr_expect_eq(f.c.cmp_dense_dram_bytes, 32 + 16 + 8 * 4);
    /* pe = fast in every counter but the zero-operand MACs, every dataflow */
    for (size_t d = 0; d < 4; d++) {
        cfg_accel cd = c;
        cd.dataflow = d == 0 ? CFG_WS : d == 1 ? CFG_IS : d == 2 ? CFG_OS : CFG_TREE;
        eng_result a = run(&cd, &l, ENG_FAST, 0, NULL, false, false);
        eng_result b = run(&cd, &l, ENG_PE, 9, NULL, false, false);
        b.c.zero_macs = a.c.zero_macs;
        cr_expect_eq(memcmp(&a.c, &b.c, sizeof a.c), 0, "%s", dataflows[d]);
    }
}
