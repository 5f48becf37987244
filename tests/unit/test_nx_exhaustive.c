/* Exhaustive tests where cheap: every fp8 x fp8 product, sum and difference (E5M2 and E4M3, all
 * 20 mode combinations) against the MPFR oracle; every int8 x int8 product accumulated into
 * int32 and int48 accumulators at and around their wrap/saturate boundaries, and random int16
 * MACs, against __int128 arithmetic. */
#include "nx_oracle.h"

#include <criterion/criterion.h>

static void run_fp8(nx_fmt f, int op)
{
    static const char *const names[] = {"mul", "add", "sub"};
    char what[64];
    snprintf(what, sizeof what, "%s_%s exhaustive", or_fmts[f].name, names[op]);
    or_stats st = {what, 0, 0};
    for (uint64_t a = 0; a < 256; a++)
        for (uint64_t b = 0; b < 256; b++) {
            const uint64_t v[2] = {a, b};
            for (unsigned mi = 0; mi < OR_N_MODES; mi++) {
                const nx_mode m = or_mode(mi);
                nx_flags got_fl = 0;
                unsigned want_fl = 0;
                uint64_t got, want;
                if (op == 0) {
                    got = nx_mul(f, a, b, m, &got_fl);
                    want = or_mul(f, f, a, b, m, &want_fl);
                } else if (op == 1) {
                    got = nx_add(f, a, b, m, &got_fl);
                    want = or_add(f, a, b, 0, m, &want_fl);
                } else {
                    got = nx_sub(f, a, b, m, &got_fl);
                    want = or_add(f, a, b, 1, m, &want_fl);
                }
                or_check(&st, f, m, v, 2, got, got_fl, want, want_fl);
            }
        }
    or_report(&st);
    cr_expect_eq(st.cases, 256 * 256 * OR_N_MODES);
    cr_expect_eq(st.mismatches, 0);
}

Test(nx_exhaustive, f8e5m2_mul, .timeout = 600)
{
    run_fp8(NX_FP8E5M2, 0);
}
Test(nx_exhaustive, f8e5m2_add, .timeout = 600)
{
    run_fp8(NX_FP8E5M2, 1);
}
Test(nx_exhaustive, f8e5m2_sub, .timeout = 600)
{
    run_fp8(NX_FP8E5M2, 2);
}
Test(nx_exhaustive, f8e4m3_mul, .timeout = 600)
{
    run_fp8(NX_FP8E4M3, 0);
}
Test(nx_exhaustive, f8e4m3_add, .timeout = 600)
{
    run_fp8(NX_FP8E4M3, 1);
}
Test(nx_exhaustive, f8e4m3_sub, .timeout = 600)
{
    run_fp8(NX_FP8E4M3, 2);
}

/* The integer MAC oracle: exact sum in __int128, then wrap modulo 2^w or clamp. */
static uint64_t or_mac_int(unsigned w_in, unsigned w_acc, bool sat, uint64_t acc, uint64_t a,
                           uint64_t b, unsigned *fl)
{
    /* sign-extend by arithmetic on __int128: value = bits - 2^w when the top bit is set */
    const __int128 va = (__int128)a - ((a >> (w_in - 1)) & 1 ? (__int128)1 << w_in : 0);
    const __int128 vb = (__int128)b - ((b >> (w_in - 1)) & 1 ? (__int128)1 << w_in : 0);
    const __int128 vc = (__int128)acc - ((acc >> (w_acc - 1)) & 1 ? (__int128)1 << w_acc : 0);
    const __int128 sum = vc + va * vb;
    const __int128 max = ((__int128)1 << (w_acc - 1)) - 1, min = -max - 1;
    __int128 r = sum;
    if (sum > max || sum < min) {
        *fl |= NX_FLAG_OVERFLOW;
        if (sat)
            r = sum > max ? max : min;
    }
    const __int128 mod = (__int128)1 << w_acc;
    r %= mod;
    if (r < 0)
        r += mod;
    return (uint64_t)r;
}

static void int_case(or_stats *st, nx_fmt in, nx_fmt acc, uint64_t c, uint64_t a, uint64_t b)
{
    const unsigned w_in = nx_fmt_get(in)->width_bits, w_acc = nx_fmt_get(acc)->width_bits;
    for (int sat = 0; sat < 2; sat++) {
        nx_flags got_fl = 0;
        unsigned want_fl = 0;
        const uint64_t got = nx_mac_int(in, acc, sat ? NX_SATURATE : NX_WRAP, c, a, b, &got_fl);
        const uint64_t want = or_mac_int(w_in, w_acc, sat, c, a, b, &want_fl);
        const uint64_t v[3] = {c, a, b};
        const nx_mode m = {NX_RNE, false, false};
        or_check(st, acc, m, v, 3, got, got_fl, want, want_fl);
        const nx_mac_cfg cfg = {in, acc, false, m, sat ? NX_SATURATE : NX_WRAP};
        nx_flags fl2 = 0;
        const uint64_t got2 = nx_mac(&cfg, c, a, b, &fl2); /* before fl2 is read */
        or_check(st, acc, m, v, 3, got2, fl2, want, want_fl);
    }
}

Test(nx_exhaustive, int8_products, .timeout = 600)
{
    static const nx_fmt accs[] = {NX_INT32, NX_INT48};
    for (unsigned t = 0; t < 2; t++) {
        const unsigned w = nx_fmt_get(accs[t])->width_bits;
        const uint64_t mask = (UINT64_C(1) << w) - 1, maxv = (UINT64_C(1) << (w - 1)) - 1;
        /* accumulators: zero, +-1, and within 2^14 (|a*b| <= 2^14) of both bounds */
        const uint64_t accs_v[] = {0,
                                   1,
                                   mask,
                                   maxv,
                                   maxv - 1,
                                   maxv - 16383,
                                   maxv - 16384,
                                   maxv - 127 * 128,
                                   maxv + 1,
                                   maxv + 2,
                                   maxv + 16384,
                                   maxv + 16385,
                                   (maxv + 1 + 127 * 128) & mask};
        char what[64];
        snprintf(what, sizeof what, "i8_mac_%s (wrap, saturate)", nx_fmt_get(accs[t])->tf_name);
        or_stats st = {what, 0, 0};
        for (size_t k = 0; k < sizeof accs_v / sizeof accs_v[0]; k++)
            for (uint64_t a = 0; a < 256; a++)
                for (uint64_t b = 0; b < 256; b++)
                    int_case(&st, NX_INT8, accs[t], accs_v[k] & mask, a, b);
        or_report(&st);
        cr_expect_eq(st.mismatches, 0);
    }
    /* a hand-worked pair: 0x7FFFFFFF + 1*1 wraps to 0x80000000, saturates to 0x7FFFFFFF */
    nx_flags fl = 0;
    cr_expect_eq(nx_mac_int(NX_INT8, NX_INT32, NX_WRAP, 0x7FFFFFFF, 1, 1, &fl), 0x80000000);
    cr_expect_eq(fl, NX_FLAG_OVERFLOW);
    cr_expect_eq(nx_mac_int(NX_INT8, NX_INT32, NX_SATURATE, 0x80000000, 0x80, 1, &fl), 0x80000000);
    fl = 0;
    cr_expect_eq(nx_mac_int(NX_INT8, NX_INT32, NX_SATURATE, 5, 0xFF, 3, &fl), 2); /* 5 + -3 */
    cr_expect_eq(fl, 0);
}

Test(nx_exhaustive, int16_random, .timeout = 600)
{
    static const nx_fmt accs[] = {NX_INT32, NX_INT48};
    or_rng g = {1616};
    for (unsigned t = 0; t < 2; t++) {
        const unsigned w = nx_fmt_get(accs[t])->width_bits;
        const uint64_t mask = (UINT64_C(1) << w) - 1, maxv = (UINT64_C(1) << (w - 1)) - 1;
        char what[64];
        snprintf(what, sizeof what, "i16_mac_%s random (wrap, saturate)",
                 nx_fmt_get(accs[t])->tf_name);
        or_stats st = {what, 0, 0};
        for (unsigned long k = 0; k < 200000UL * or_scale(); k++) {
            const uint64_t r = or_next(&g);
            /* the accumulator near a bound (within 2^31) or uniform */
            uint64_t c = or_next(&g) & mask;
            if (k % 2)
                c = (maxv + (k % 4 == 1 ? 1 : 0) +
                     ((r >> 32) & 0x7FFFFFFF) * (k % 4 == 1 ? 1 : (uint64_t)-1)) &
                    mask;
            int_case(&st, NX_INT16, accs[t], c, r & 0xFFFF, (r >> 16) & 0xFFFF);
        }
        or_report(&st);
        cr_expect_eq(st.mismatches, 0);
    }
}
