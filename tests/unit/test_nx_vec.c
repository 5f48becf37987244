/* Differential test of the pe engine's MAC kernels (nx_mac_vec_select, models/numerics/nx_vec.c)
 * against the bit-exact model nx_mac, lane by lane: every input/accumulator pair, fused and
 * unfused, the rounding and subnormal modes that select a host kernel and some that do not,
 * wrap and saturate. Operands are random bit patterns with every class over-represented
 * (zeros, subnormals, the largest finite values, infinities, NaNs of both kinds); accumulators
 * are random patterns or the previous MAC's result (long accumulation chains, cancellation).
 * 10^6 lanes per datapath with a host kernel (10^8 with FLOPWATT_LONG=1). */
#include "nx_oracle.h"
#include "numerics/nx.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

/* A random bit pattern of fmt, one draw in four a chosen class. */
static uint64_t vec_operand(nx_fmt fmt, uint64_t *s)
{
    const nx_fmt_info *f = nx_fmt_get(fmt);
    const uint64_t r = or_next_u64(s), mask = (UINT64_C(1) << f->width_bits) - 1;
    if (!f->is_float || (r & 3) != 0)
        return or_next_u64(s) & mask;
    const uint64_t sign = (r >> 2 & 1) << (f->width_bits - 1);
    const uint64_t man_mask = (UINT64_C(1) << f->man_bits) - 1;
    const uint64_t exp_ones = ((UINT64_C(1) << f->exp_bits) - 1) << f->man_bits;
    const uint64_t frac = (r >> 8) & man_mask;
    switch ((r >> 3) % 6) {
    case 0:
        return sign; /* zero */
    case 1:
        return sign | (frac ? frac : 1); /* subnormal */
    case 2:
        return sign | exp_ones; /* inf (E4M3: 448) */
    case 3:
        return sign | exp_ones | (frac ? frac : 1); /* NaN (E4M3: large finite or NaN) */
    case 4:
        return sign | (exp_ones - (UINT64_C(1) << f->man_bits)) | man_mask; /* largest finite */
    default:
        return sign | (UINT64_C(1) << f->man_bits) | frac; /* smallest binade */
    }
}

/* Runs `lanes` lanes through the selected kernel and through nx_mac; returns the mismatches
 * (reporting the first). */
static uint64_t vec_check(const nx_mac_cfg *cfg, uint64_t lanes, uint64_t seed)
{
    enum { BLOCK = 1000 };
    uint64_t acc[BLOCK], got[BLOCK], prev[BLOCK] = {0};
    uint32_t a[BLOCK], b[BLOCK]; /* operands travel in 32-bit lanes (nx.h) */
    nx_mac_vec_fn fn = nx_mac_vec_select(cfg);
    uint64_t s = seed, bad = 0;
    for (uint64_t done = 0; done < lanes; done += BLOCK) {
        for (size_t i = 0; i < BLOCK; i++) {
            a[i] = (uint32_t)vec_operand(cfg->input, &s);
            b[i] = (uint32_t)vec_operand(cfg->input, &s);
            acc[i] = (or_next_u64(&s) & 1) ? prev[i] : vec_operand(cfg->accumulator, &s);
        }
        fn(cfg, BLOCK, acc, a, b, got);
        for (size_t i = 0; i < BLOCK; i++) {
            nx_flags fl = 0;
            const uint64_t want = nx_mac(cfg, acc[i], a[i], b[i], &fl);
            if (got[i] != want && bad++ == 0)
                cr_log_error("%s x %s -> %s fused %d round %d ftz %d: acc %llx a %llx b %llx: "
                             "kernel %llx, model %llx",
                             nx_fmt_get(cfg->input)->name, nx_fmt_get(cfg->input)->name,
                             nx_fmt_get(cfg->accumulator)->name, cfg->fused, cfg->mode.round,
                             cfg->mode.ftz, (unsigned long long)acc[i], (unsigned long long)a[i],
                             (unsigned long long)b[i], (unsigned long long)got[i],
                             (unsigned long long)want);
            prev[i] = want;
        }
    }
    return bad;
}

static const nx_fmt vec_floats[] = {NX_FP32, NX_FP16, NX_BF16, NX_FP8E5M2, NX_FP8E4M3};

Test(nx_vec, float_kernels_equal_the_model, .timeout = 3600)
{
    const uint64_t lanes = 1000000 * or_scale();
    const nx_mode modes[] = {
        {NX_RNE, false, false}, /* host kernel */
        {NX_RNE, false, true},  /* host kernel (tininess changes flags only) */
        {NX_RNE, true, false},  /* model: ftz */
        {NX_RMIN, false, false}, {NX_RNEARMAXMAG, false, false},
    };
    uint64_t seed = 1, host_kernels = 0;
    for (size_t ii = 0; ii < sizeof vec_floats / sizeof *vec_floats; ii++)
        for (size_t ai = 0; ai < sizeof vec_floats / sizeof *vec_floats; ai++)
            for (int fused = 0; fused < 2; fused++)
                for (size_t mi = 0; mi < sizeof modes / sizeof *modes; mi++) {
                    nx_mac_cfg cfg = {vec_floats[ii], vec_floats[ai], fused != 0, modes[mi],
                                      NX_WRAP};
                    const bool host = vec_floats[ai] == NX_FP32 && mi < 2;
                    host_kernels += host;
                    cr_expect_eq(vec_check(&cfg, host ? lanes : 20000, seed++), 0);
                }
    cr_assert_eq(host_kernels, 20);
}

Test(nx_vec, integer_kernels_equal_the_model, .timeout = 3600)
{
    const uint64_t lanes = 1000000 * or_scale();
    const nx_fmt ins[] = {NX_INT8, NX_INT16}, accs[] = {NX_INT32, NX_INT48};
    uint64_t seed = 100;
    for (size_t ii = 0; ii < 2; ii++)
        for (size_t ai = 0; ai < 2; ai++)
            for (int ovf = 0; ovf < 2; ovf++) {
                nx_mac_cfg cfg = {
                    ins[ii], accs[ai], false, {NX_RNE, false, false}, ovf ? NX_SATURATE : NX_WRAP};
                cr_expect_eq(vec_check(&cfg, lanes, seed++), 0);
            }
}

/* Hand cases where the host's answer differs before canonicalisation or a wrong conversion would
 * show: the host's default NaN is negative (FFC00000 on x86-64), inf*0 into a NaN addend,
 * fp16's largest subnormal squared (2^-48 exactly, normal in fp32), E4M3's 448 and its NaN. */
Test(nx_vec, hand_cases)
{
    const nx_mac_cfg f16 = {NX_FP16, NX_FP32, true, {NX_RNE, false, false}, NX_WRAP};
    const nx_mac_cfg e4 = {NX_FP8E4M3, NX_FP32, true, {NX_RNE, false, false}, NX_WRAP};
    struct {
        const nx_mac_cfg *cfg;
        uint64_t acc;
        uint32_t a, b;
        uint64_t want;
    } cases[] = {
        {&f16, 0x3F800000, 0x7C00, 0x0000, 0x7FC00000}, /* 1 + inf*0: invalid, canonical NaN */
        {&f16, 0xFFC00001, 0x3C00, 0x3C00, 0x7FC00000}, /* NaN payload and sign dropped */
        {&f16, 0xFF800000, 0x7C00, 0x3C00, 0x7FC00000}, /* -inf + inf */
        {&f16, 0x00000000, 0x0001, 0x0001, 0x27800000}, /* 2^-24 * 2^-24 = 2^-48 */
        {&f16, 0x80000000, 0x8000, 0x0000, 0x80000000}, /* -0 + (-0 * +0) = -0 */
        {&e4, 0x00000000, 0x7E, 0x38, 0x43E00000},      /* 448 * 1 = 448 */
        {&e4, 0x00000000, 0x7F, 0x38, 0x7FC00000},      /* NaN * 1 */
        {&e4, 0x00000000, 0x01, 0x08, 0x38000000},      /* 2^-9 * 2^-6 = 2^-15 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        nx_flags fl = 0;
        uint64_t got;
        nx_mac_vec_select(cases[i].cfg)(cases[i].cfg, 1, &cases[i].acc, &cases[i].a, &cases[i].b,
                                        &got);
        const uint64_t model = nx_mac(cases[i].cfg, cases[i].acc, cases[i].a, cases[i].b, &fl);
        cr_expect_eq(got, model, "case %zu: kernel %llx model %llx", i, (unsigned long long)got,
                     (unsigned long long)model);
        cr_expect_eq(got, cases[i].want, "case %zu: %llx", i, (unsigned long long)got);
    }
}
