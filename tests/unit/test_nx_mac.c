/* Tests of the mixed-precision MACs (nx_mac_fp fused and unfused, every pair of floating input
 * and accumulator formats), nx_mac dispatch, conversions between floating formats (exhaustive
 * for 8- and 16-bit sources) and between floating and integer formats, against the MPFR oracle
 * of tests/unit/nx_oracle.h under all 20 mode combinations. Unfused oracle = the product rounded
 * into the accumulator format by the oracle, then the oracle's add. */
#include "nx_oracle.h"

#include <criterion/criterion.h>

static long unbiased(nx_fmt f, uint64_t bits)
{
    return or_field(f, bits) - (1 - or_fmts[f].emin);
}

/* Random MAC operands: acc (format acc) then a, b (format in). */
static void gen_mac(or_rng *g, nx_fmt in, nx_fmt acc, uint64_t *v)
{
    const or_fmt *I = &or_fmts[in], *A = &or_fmts[acc];
    const long bias_in = 1 - I->emin, bias_acc = 1 - A->emin;
    const uint64_t kind = or_next(g) % 4;
    if (kind == 0) {
        v[0] = or_rand_bits(g, acc);
        v[1] = or_rand_bits(g, in);
        v[2] = or_rand_bits(g, in);
        return;
    }
    const long top_in = I->emax + bias_in;
    v[1] = or_rand_near(g, in, (long)(or_next(g) % (uint64_t)(top_in + 1)), 0);
    v[2] = or_rand_near(
        g, in,
        kind == 1 ? bias_in - unbiased(in, v[1]) : (long)(or_next(g) % (uint64_t)(top_in + 1)), 2);
    const long prod_e = unbiased(in, v[1]) + unbiased(in, v[2]);
    /* the accumulator near the product (cancellation), or near the accumulator's extremes */
    const long center =
        kind == 3 ? (long)(or_next(g) % 2) * (A->emax + bias_acc) : prod_e + bias_acc;
    v[0] = or_rand_near(g, acc, center, (long)A->p + 2);
}

static void mac_case(nx_fmt in, nx_fmt acc, bool fused, const uint64_t *v, or_stats *st)
{
    for (unsigned mi = 0; mi < OR_N_MODES; mi++) {
        const nx_mode m = or_mode(mi);
        nx_flags got_fl = 0;
        unsigned want_fl = 0;
        const uint64_t got = nx_mac_fp(in, acc, fused, v[0], v[1], v[2], m, &got_fl);
        uint64_t want;
        if (fused) {
            want = or_fma(in, acc, v[1], v[2], v[0], m, &want_fl);
        } else {
            const uint64_t p = or_mul(in, acc, v[1], v[2], m, &want_fl);
            want = or_add(acc, v[0], p, 0, m, &want_fl);
        }
        or_check(st, acc, m, v, 3, got, got_fl, want, want_fl);
        /* nx_mac with a datapath config is the same operation */
        const nx_mac_cfg cfg = {in, acc, fused, m, NX_WRAP};
        nx_flags fl2 = 0;
        const uint64_t got2 = nx_mac(&cfg, v[0], v[1], v[2], &fl2);
        or_check(st, acc, m, v, 3, got2, fl2, want, want_fl);
    }
}

static void run_mac(bool fused)
{
    uint64_t total = 0, bad = 0;
    for (unsigned i = 0; i < OR_N_FLOAT; i++)
        for (unsigned j = 0; j < OR_N_FLOAT; j++) {
            const nx_fmt in = or_float_fmts[i], acc = or_float_fmts[j];
            char what[64];
            snprintf(what, sizeof what, "%s_%s_%s", or_fmts[in].name, fused ? "mac" : "macu",
                     or_fmts[acc].name);
            or_stats st = {what, 0, 0};
            uint64_t si[64], sa[64], v[3];
            const unsigned ni = or_structured(in, 1, si), na = or_structured(acc, 1, sa);
            for (unsigned x = 0; x < na; x++)
                for (unsigned y = 0; y < ni; y++)
                    for (unsigned z = 0; z < ni; z++) {
                        v[0] = sa[x], v[1] = si[y], v[2] = si[z];
                        mac_case(in, acc, fused, v, &st);
                    }
            or_rng g = {UINT64_C(0xAC0000) + i * 8 + j + (fused ? 64 : 0)};
            const unsigned long n = 1300UL * or_scale();
            for (unsigned long k = 0; k < n; k++) {
                gen_mac(&g, in, acc, v);
                mac_case(in, acc, fused, v, &st);
            }
            or_report(&st);
            total += st.cases;
            bad += st.mismatches;
        }
    fprintf(stderr, "all %s MACs: %llu cases (nx_mac_fp and nx_mac each), %llu mismatches\n",
            fused ? "fused" : "unfused", (unsigned long long)total, (unsigned long long)bad);
    cr_expect_eq(bad, 0);
}

Test(nx_mac, fused, .timeout = 900)
{
    run_mac(true);
}
Test(nx_mac, unfused, .timeout = 900)
{
    run_mac(false);
}

/* Conversions from one source format to every other floating format; 8- and 16-bit sources
 * exhaustively, fp32 by random patterns and steered values. */
static void run_convert(nx_fmt from)
{
    uint64_t total = 0, bad = 0;
    for (unsigned j = 0; j < OR_N_FLOAT; j++) {
        const nx_fmt to = or_float_fmts[j];
        if (to == from)
            continue;
        char what[64];
        snprintf(what, sizeof what, "%s_to_%s", or_fmts[from].name, or_fmts[to].name);
        or_stats st = {what, 0, 0};
        or_rng g = {UINT64_C(0xC0) + (uint64_t)from * 8 + (uint64_t)to};
        const bool all = or_fmts[from].width <= 16;
        const uint64_t n = all ? UINT64_C(1) << or_fmts[from].width : 40000 * or_scale();
        const long bias_from = 1 - or_fmts[from].emin;
        /* steered sources: near the target's subnormal range, or near its overflow threshold */
        const long near_tiny = or_fmts[to].emin - (long)or_fmts[to].p / 2 + bias_from;
        const long near_big = or_fmts[to].emax + bias_from;
        for (uint64_t k = 0; k < n; k++) {
            uint64_t a = k;
            if (!all) /* half uniform, half near the target's subnormal and overflow range */
                a = k % 2 ? or_rand_bits(&g, from)
                          : or_rand_near(&g, from, k % 4 ? near_tiny : near_big,
                                         (long)or_fmts[to].p + 2);
            for (unsigned mi = 0; mi < OR_N_MODES; mi++) {
                const nx_mode m = or_mode(mi);
                nx_flags got_fl = 0;
                unsigned want_fl = 0;
                const uint64_t got = nx_convert(from, to, a, m, &got_fl);
                const uint64_t want = or_convert(from, to, a, m, &want_fl);
                or_check(&st, to, m, &a, 1, got, got_fl, want, want_fl);
            }
        }
        or_report(&st);
        total += st.cases;
        bad += st.mismatches;
    }
    cr_expect_eq(bad, 0, "%s conversions: %llu mismatches of %llu", or_fmts[from].name,
                 (unsigned long long)bad, (unsigned long long)total);
}

Test(nx_convert, from_f32, .timeout = 600)
{
    run_convert(NX_FP32);
}
Test(nx_convert, from_f16, .timeout = 600)
{
    run_convert(NX_FP16);
}
Test(nx_convert, from_bf16, .timeout = 600)
{
    run_convert(NX_BF16);
}
Test(nx_convert, from_f8e5m2, .timeout = 600)
{
    run_convert(NX_FP8E5M2);
}
Test(nx_convert, from_f8e4m3, .timeout = 600)
{
    run_convert(NX_FP8E4M3);
}

/* Oracle of float -> int: round with MPFR (rint / round for ties away), NaN -> max, infinities
 * and out-of-range values -> the bound on their side, all invalid; inexact only when exact. */
static uint64_t or_to_int(nx_fmt from, nx_fmt to, uint64_t a, nx_mode m, bool exact, unsigned *fl)
{
    const unsigned w = to == NX_INT8 ? 8 : to == NX_INT16 ? 16 : to == NX_INT32 ? 32 : 48;
    const int64_t max = ((int64_t)1 << (w - 1)) - 1, min = -max - 1;
    const uint64_t mask = (UINT64_C(1) << w) - 1;
    or_val x;
    or_val_init(&x);
    or_decode(from, a, m.ftz, &x);
    uint64_t r;
    if (x.kind != OR_NUM) {
        *fl |= NX_FLAG_INVALID;
        r = (uint64_t)max & mask;
    } else if (mpfr_inf_p(x.v)) {
        *fl |= NX_FLAG_INVALID;
        r = (uint64_t)(mpfr_signbit(x.v) ? min : max) & mask;
    } else {
        mpfr_t q;
        mpfr_init2(q, OR_PREC);
        switch (m.round) {
        case NX_RNE:
            mpfr_rint(q, x.v, MPFR_RNDN);
            break;
        case NX_RMINMAG:
            mpfr_rint(q, x.v, MPFR_RNDZ);
            break;
        case NX_RMIN:
            mpfr_rint(q, x.v, MPFR_RNDD);
            break;
        case NX_RMAX:
            mpfr_rint(q, x.v, MPFR_RNDU);
            break;
        case NX_RNEARMAXMAG:
            mpfr_round(q, x.v);
            break;
        }
        if (mpfr_cmp_si(q, (long)max) > 0 || mpfr_cmp_si(q, (long)min) < 0) {
            *fl |= NX_FLAG_INVALID;
            r = (uint64_t)(mpfr_signbit(x.v) ? min : max) & mask;
        } else {
            if (exact && mpfr_cmp(q, x.v) != 0)
                *fl |= NX_FLAG_INEXACT;
            r = (uint64_t)mpfr_get_si(q, MPFR_RNDN) & mask;
        }
        mpfr_clear(q);
    }
    mpfr_clear(x.v);
    return r;
}

Test(nx_convert, float_to_int, .timeout = 600)
{
    static const nx_fmt ints[] = {NX_INT8, NX_INT16, NX_INT32, NX_INT48};
    or_stats st = {"float -> int (fp8, f16, bf16 exhaustive; f32 random)", 0, 0};
    or_rng g = {77};
    for (unsigned i = 0; i < OR_N_FLOAT; i++) {
        const nx_fmt from = or_float_fmts[i];
        const bool all = or_fmts[from].width <= 16;
        const uint64_t n = all ? UINT64_C(1) << or_fmts[from].width : 20000;
        for (uint64_t k = 0; k < n; k++) {
            const uint64_t a = all     ? k
                               : k % 2 ? or_rand_bits(&g, from)
                                       : or_rand_near(&g, from, 127 + (long)(k % 50), 0);
            for (unsigned t = 0; t < 4; t++)
                for (unsigned mi = 0; mi < 10; mi++) { /* tininess plays no part here */
                    const nx_mode m = or_mode(mi);
                    const bool exact = (k + t) % 2;
                    nx_flags got_fl = 0;
                    unsigned want_fl = 0;
                    const uint64_t got = nx_to_int(from, ints[t], a, m, exact, &got_fl);
                    const uint64_t want = or_to_int(from, ints[t], a, m, exact, &want_fl);
                    or_check(&st, ints[t], m, &a, 1, got, got_fl, want, want_fl);
                }
        }
    }
    or_report(&st);
    cr_expect_eq(st.mismatches, 0);
}

Test(nx_convert, int_to_float, .timeout = 600)
{
    or_stats st = {"int -> float (i8, i16 exhaustive; i32 random)", 0, 0};
    or_rng g = {78};
    static const nx_fmt ints[] = {NX_INT8, NX_INT16, NX_INT32};
    for (unsigned t = 0; t < 3; t++) {
        const uint64_t n = t < 2 ? UINT64_C(1) << (8 << t) : 30000;
        for (uint64_t k = 0; k < n; k++) {
            const uint64_t a = t < 2 ? k : (or_next(&g) >> (or_next(&g) % 32)) & 0xFFFFFFFF;
            const int64_t value = nx_int_value(ints[t], a);
            cr_assert_eq(nx_int_bits(ints[t], value), a);
            mpfr_t x;
            mpfr_init2(x, OR_PREC);
            mpfr_set_si(x, (long)value, MPFR_RNDN);
            /* integers are never tiny and have no subnormals: the 5 rounding modes suffice */
            for (unsigned i = 0; i < OR_N_FLOAT; i++)
                for (unsigned mi = 0; mi < 5; mi++) {
                    const nx_fmt to = or_float_fmts[i];
                    const nx_mode m = or_mode(mi);
                    nx_flags got_fl = 0;
                    unsigned want_fl = 0;
                    const uint64_t got = nx_from_int(ints[t], to, a, m, &got_fl);
                    const uint64_t want = or_round(to, x, m, &want_fl);
                    or_check(&st, to, m, &a, 1, got, got_fl, want, want_fl);
                }
            mpfr_clear(x);
        }
    }
    or_report(&st);
    cr_expect_eq(st.mismatches, 0);
}

/* nx_from_double / nx_to_double (test and data-generation helpers) round-trip every value. */
Test(nx_convert, double_helpers)
{
    const nx_mode m = {NX_RNE, false, false};
    for (unsigned i = 1; i < OR_N_FLOAT; i++) {
        const nx_fmt f = or_float_fmts[i];
        for (uint64_t k = 0; k < (UINT64_C(1) << or_fmts[f].width); k++) {
            or_val x;
            or_val_init(&x);
            or_decode(f, k, 0, &x);
            const double d = nx_to_double(f, k);
            if (x.kind != OR_NUM) {
                cr_expect(d != d, "%s %llX is NaN", or_fmts[f].name, (unsigned long long)k);
            } else {
                cr_expect(mpfr_cmp_d(x.v, d) == 0 &&
                              (mpfr_signbit(x.v) != 0) == (d < 0 || 1 / d < 0),
                          "%s %llX -> %g", or_fmts[f].name, (unsigned long long)k, d);
                nx_flags fl = 0;
                cr_expect_eq(nx_from_double(f, d, m, &fl), k);
                cr_expect_eq(fl, 0);
            }
            mpfr_clear(x.v);
        }
    }
    nx_flags fl = 0;
    cr_expect_eq(nx_from_double(NX_INT8, -2.5, m, &fl), 0xFE); /* ties to even */
    cr_expect_eq(fl, NX_FLAG_INEXACT);
    fl = 0;
    cr_expect_eq(nx_from_double(NX_INT8, 200.0, m, &fl), 0x7F);
    cr_expect_eq(fl, NX_FLAG_INVALID);
    cr_expect_eq(nx_to_double(NX_INT16, 0x8000), -32768.0);
}
