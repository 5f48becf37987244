/* Tests of the zero-operand MAC counts (eng.h zero_macs) behind zero gating:
 *   - hand-derived counts: a padded conv (padding is zero by construction) and a 2x3x2 GEMM
 *     with given integer operands;
 *   - the pe engine's count equals a direct count over the conv definition (written here from
 *     wl.h's lowering, not from the engine) on sparse random operands, every dataflow;
 *   - the operand generator's zero fraction is within 5 binomial standard deviations;
 *   - pe (counted from the values) and fast (expected from the densities) agree within 5
 *     standard deviations of the count, the variance derived below, on many seeds;
 *   - gating never changes outputs: pe outputs byte-identical with array.zero_gating on/off. */
#include "config/cfg.h"
#include "engine/eng.h"
#include "numerics/nx.h"
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const dataflows[] = {"ws", "is", "os", "tree"};

static cfg_accel make_cfg(unsigned rows, unsigned cols, const char *df, const char *in,
                          const char *acc, bool gating)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"clock_mhz\": 1000, \"array\": {\"rows\": %u, \"cols\": %u, \"dataflow\": \"%s\","
             " \"zero_gating\": %s},"
             " \"precision\": {\"input\": \"%s\", \"accumulator\": \"%s\"},"
             " \"sram\": {\"ifmap\": {\"size_bytes\": 1048576}, \"filter\": {\"size_bytes\": "
             "1048576}, \"ofmap\": {\"size_bytes\": 1048576}},"
             " \"dram\": {\"type\": \"ddr4\", \"bandwidth_gbps\": 1, \"latency_cycles\": 0},"
             " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9}}",
             rows, cols, df, gating ? "true" : "false", in, acc);
    cfg_accel c;
    fw_err err;
    cr_assert_eq(cfg_parse("t.json", text, NULL, 0, &c, &err), 0, "%s", err.msg);
    return c;
}

static wl_layer conv(uint32_t hw, uint32_t c, uint32_t f, uint32_t k, uint32_t stride,
                     uint32_t pad, uint32_t groups)
{
    wl_layer l;
    fw_err err;
    wl_layer_init(&l, WL_CONV, "c");
    l.in_h = l.in_w = hw;
    l.in_c = c;
    l.filters = f;
    l.filt_r = l.filt_s = k;
    l.stride_h = l.stride_w = stride;
    l.pad_top = l.pad_bottom = l.pad_left = l.pad_right = pad;
    l.groups = groups;
    cr_assert_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    return l;
}

static eng_result run(const cfg_accel *cfg, const wl_layer *l, eng_kind kind, uint64_t seed,
                      const eng_operands *ops, bool keep)
{
    eng_options o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.seed = seed;
    o.operands = ops;
    o.keep_outputs = keep;
    eng_result r;
    fw_err err;
    cr_assert_eq(eng_run_layer(cfg, l, &o, &r, &err), 0, "%s", err.msg);
    return r;
}

/* 3x3 input, 3x3 filter, padding 1, stride 1: output 3x3. Output row 0 and 2 see 2 filter rows
 * inside the input, row 1 sees 3: 7 of the 9 (oy, r) pairs; likewise 7 of 9 (ox, s) pairs. So
 * per (channel, filter) 81 MACs of which 49 read the input and 32 read padding. With 2 channels
 * and 3 filters: 192 zero-operand MACs of 486 (fp32 random data has no zero by chance). */
Test(sparse, padding_hand_derived)
{
    wl_layer l = conv(3, 2, 3, 3, 1, 1, 1);
    cr_assert_eq(wl_layer_macs(&l), 486);
    for (size_t d = 0; d < 4; d++) {
        cfg_accel c = make_cfg(4, 4, dataflows[d], "fp32", "fp32", false);
        eng_result f = run(&c, &l, ENG_FAST, 0, NULL, false);
        eng_result p = run(&c, &l, ENG_PE, 7, NULL, false);
        cr_assert_eq(f.c.zero_macs, 192, "%s fast %" PRIu64, dataflows[d], f.c.zero_macs);
        cr_assert_eq(p.c.zero_macs, 192, "%s pe %" PRIu64, dataflows[d], p.c.zero_macs);
    }
}

/* GEMM C = X W^T, X (M=2 x K=3) = [[0,1,2],[3,0,0]], W (N=2 x K=3) = [[1,0,1],[0,0,5]]:
 * (m,n) = (0,0): k0 x=0, k1 w=0 -> 2; (0,1): k0 x=0, k1 w=0 -> 2; (1,0): k1, k2 x=0 -> 2;
 * (1,1): k0 w=0, k1 and k2 x=0 -> 3. Total 9 of 12. */
Test(sparse, gemm_hand_derived)
{
    wl_layer l;
    fw_err err;
    cr_assert_eq(wl_layer_gemm(&l, "g", 2, 2, 3, 1, &err), 0, "%s", err.msg);
    uint64_t x[6] = {0, 1, 2, 3, 0, 0}, w[6] = {1, 0, 1, 0, 0, 5};
    eng_operands ops = {x, 6, w, 6};
    for (size_t d = 0; d < 4; d++) {
        cfg_accel c = make_cfg(2, 2, dataflows[d], "int8", "int32", true);
        eng_result p = run(&c, &l, ENG_PE, 0, &ops, true);
        cr_assert_eq(p.c.zero_macs, 9, "%s pe %" PRIu64, dataflows[d], p.c.zero_macs);
        /* outputs: [[0*1+1*0+2*1, 0+0+2*5], [3, 0]] = [[2, 10], [3, 0]] */
        uint64_t want[4] = {2, 10, 3, 0};
        for (int i = 0; i < 4; i++)
            cr_assert_eq(p.outputs[i], want[i], "%s output %d", dataflows[d], i);
        eng_result_fini(&p);
    }
}

/* Direct count over the conv definition (wl.h lowering): MACs whose ifmap element is padding or
 * zero, or whose filter value is zero. */
static uint64_t direct_zero_macs(const wl_layer *l, const eng_operands *ops, uint64_t mag)
{
    uint64_t z = 0, cg = l->in_c / l->groups, fg = l->filters / l->groups;
    for (uint64_t b = 0; b < l->batch; b++)
        for (uint64_t oy = 0; oy < l->out_h; oy++)
            for (uint64_t ox = 0; ox < l->out_w; ox++)
                for (uint64_t f = 0; f < l->filters; f++)
                    for (uint64_t r = 0; r < l->filt_r; r++)
                        for (uint64_t s = 0; s < l->filt_s; s++)
                            for (uint64_t c = 0; c < cg; c++) {
                                int64_t y = (int64_t)(oy * l->stride_h + r) - l->pad_top;
                                int64_t x = (int64_t)(ox * l->stride_w + s) - l->pad_left;
                                uint64_t wv = ops->filter[((f * l->filt_r + r) * l->filt_s + s) *
                                                              cg +
                                                          c];
                                bool xz = y < 0 || x < 0 || y >= (int64_t)l->in_h ||
                                          x >= (int64_t)l->in_w;
                                if (!xz) {
                                    uint64_t g = f / fg;
                                    uint64_t xv = ops->ifmap[((b * l->in_h + (uint64_t)y) *
                                                                  l->in_w +
                                                              (uint64_t)x) *
                                                                 l->in_c +
                                                             g * cg + c];
                                    xz = (xv & mag) == 0;
                                }
                                z += xz || (wv & mag) == 0;
                            }
    return z;
}

Test(sparse, pe_count_equals_direct_count)
{
    wl_layer l = conv(7, 4, 6, 3, 2, 1, 2);
    l.ifmap_zero_frac = 0.5;
    l.weight_zero_frac = 0.2;
    const char *fmts[][2] = {{"int8", "int32"}, {"bf16", "fp32"}};
    for (size_t fi = 0; fi < 2; fi++)
        for (size_t d = 0; d < 4; d++) {
            cfg_accel c = make_cfg(3, 5, dataflows[d], fmts[fi][0], fmts[fi][1], true);
            eng_operands ops;
            fw_err err;
            cr_assert_eq(eng_operands_random(&c, &l, 11 + d, &ops, &err), 0, "%s", err.msg);
            uint64_t mag = fi == 0 ? 0xff : 0x7fff;
            uint64_t want = direct_zero_macs(&l, &ops, mag);
            eng_result p = run(&c, &l, ENG_PE, 0, &ops, false);
            cr_assert_eq(p.c.zero_macs, want, "%s %s: pe %" PRIu64 " direct %" PRIu64,
                         fmts[fi][0], dataflows[d], p.c.zero_macs, want);
            eng_operands_fini(&ops);
        }
}

/* The generator: zeros in a tensor of n elements ~ Binomial(n, z); within 5 sigma. Dense
 * (z = 0) data are those of before: unchanged bit for bit by the sparse path's existence. */
Test(sparse, generator_density)
{
    wl_layer l = conv(32, 16, 32, 3, 1, 1, 1);
    l.ifmap_zero_frac = 0.7;
    l.weight_zero_frac = 0.25;
    cfg_accel c = make_cfg(4, 4, "ws", "fp16", "fp32", false);
    eng_operands ops;
    fw_err err;
    cr_assert_eq(eng_operands_random(&c, &l, 3, &ops, &err), 0, "%s", err.msg);
    double zf[2] = {0.7, 0.25};
    const uint64_t *t[2] = {ops.ifmap, ops.filter};
    size_t n[2] = {ops.ifmap_count, ops.filter_count};
    for (int k = 0; k < 2; k++) {
        uint64_t zeros = 0;
        for (size_t i = 0; i < n[k]; i++)
            zeros += (t[k][i] & 0x7fff) == 0;
        double mean = zf[k] * (double)n[k], sd = sqrt((double)n[k] * zf[k] * (1 - zf[k]));
        cr_assert(fabs((double)zeros - mean) <= 5 * sd, "tensor %d: %" PRIu64 " zeros, want %g +- %g",
                  k, zeros, mean, 5 * sd);
    }
    eng_operands_fini(&ops);
}

/* GEMM M x N x K, no padding. The non-zero MACs are sum over k of X_k * W_k, X_k the non-zeros
 * of column k of the ifmap ~ Binomial(M, p), W_k those of row k of the filter ~ Binomial(N, q),
 * all independent (p = 1 - ifmap_zero_frac, q = 1 - weight_zero_frac). So
 *   E = K M N p q,  Var = K (E[X^2] E[W^2] - (M p N q)^2),  E[X^2] = M p (1 - p) + (M p)^2.
 * Every seed's pe count must be within 5 sigma of the fast engine's expectation, and the mean
 * over the seeds within 5 sigma / sqrt(seeds). */
Test(sparse, pe_fast_agree_in_expectation)
{
    const uint32_t M = 12, N = 10, K = 300;
    const double p = 0.4, q = 0.65;
    wl_layer l;
    fw_err err;
    cr_assert_eq(wl_layer_gemm(&l, "g", M, N, K, 1, &err), 0, "%s", err.msg);
    l.ifmap_zero_frac = 1 - p;
    l.weight_zero_frac = 1 - q;
    double ex2 = M * p * (1 - p) + (M * p) * (M * p), ew2 = N * q * (1 - q) + (N * q) * (N * q);
    double var = K * (ex2 * ew2 - (M * p * N * q) * (M * p * N * q)), sd = sqrt(var);
    const int seeds = 24;
    for (size_t d = 0; d < 4; d++) {
        cfg_accel c = make_cfg(8, 8, dataflows[d], "int8", "int32", true);
        eng_result f = run(&c, &l, ENG_FAST, 0, NULL, false);
        double want_zero = (double)M * N * K * (1 - p * q);
        cr_assert(fabs((double)f.c.zero_macs - want_zero) <= 0.5, "fast %" PRIu64 " vs %g",
                  f.c.zero_macs, want_zero);
        double sum = 0;
        for (int s = 0; s < seeds; s++) {
            eng_result r = run(&c, &l, ENG_PE, 100 + (uint64_t)s, NULL, false);
            double diff = (double)r.c.zero_macs - (double)f.c.zero_macs;
            cr_assert(fabs(diff) <= 5 * sd, "%s seed %d: pe %" PRIu64 " fast %" PRIu64
                      " (sd %g)", dataflows[d], s, r.c.zero_macs, f.c.zero_macs, sd);
            sum += diff;
        }
        cr_assert(fabs(sum / seeds) <= 5 * sd / sqrt(seeds), "%s: mean difference %g (sd %g)",
                  dataflows[d], sum / seeds, sd / sqrt(seeds));
    }
}

/* Gating is an energy-model option: the pe engine's outputs and every counter are the same. */
Test(sparse, gating_never_changes_outputs)
{
    wl_layer l = conv(6, 3, 4, 3, 1, 1, 1);
    l.ifmap_zero_frac = 0.6;
    for (size_t d = 0; d < 4; d++) {
        cfg_accel off = make_cfg(4, 4, dataflows[d], "fp16", "fp32", false);
        cfg_accel on = make_cfg(4, 4, dataflows[d], "fp16", "fp32", true);
        eng_result a = run(&off, &l, ENG_PE, 5, NULL, true);
        eng_result b = run(&on, &l, ENG_PE, 5, NULL, true);
        cr_assert_eq(a.output_count, b.output_count);
        cr_assert(!memcmp(a.outputs, b.outputs, a.output_count * sizeof *a.outputs), "%s",
                  dataflows[d]);
        cr_assert(!memcmp(&a.c, &b.c, sizeof a.c), "%s: counters", dataflows[d]);
        eng_result_fini(&a);
        eng_result_fini(&b);
    }
}
