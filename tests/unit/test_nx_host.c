/* A third, hardware oracle for fp32: the host CPU's IEEE binary32 multiply, add and fmaf
 * (x86-64 SSE: tininess after rounding, no flush-to-zero by default) under the four rounding
 * modes that <fenv.h> offers, with the flags read back by fetestexcept. Complements the MPFR
 * oracle (which is software) and the RTL co-simulation (tests/rtl/pe.sh). */
#include "numerics/nx.h"

#include <criterion/criterion.h>
#include <fenv.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* gcc ignores FENV_ACCESS; volatile operands and results keep each operation after its
 * fesetround and before its fetestexcept. */

static uint64_t host_rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static unsigned host_flags(int e)
{
    return (e & FE_INEXACT ? NX_FLAG_INEXACT : 0) | (e & FE_UNDERFLOW ? NX_FLAG_UNDERFLOW : 0) |
           (e & FE_OVERFLOW ? NX_FLAG_OVERFLOW : 0) | (e & FE_INVALID ? NX_FLAG_INVALID : 0);
}

Test(nx_host, fp32_vs_cpu, .timeout = 600)
{
    static const int fe_modes[] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
    static const nx_round nx_modes[] = {NX_RNE, NX_RMINMAG, NX_RMIN, NX_RMAX};
    static const char *const ops[] = {"mul", "add", "mulAdd"};
#if !defined(__x86_64__)
    cr_skip_test("the host oracle assumes x86-64 SSE (tininess after rounding)");
#endif
    uint64_t s = UINT64_C(88172645463325252), cases = 0, bad = 0;
    for (unsigned mi = 0; mi < 4; mi++)
        for (long i = 0; i < 500000; i++) {
            uint32_t a = (uint32_t)host_rng(&s), b = (uint32_t)host_rng(&s),
                     c = (uint32_t)host_rng(&s);
            if (i % 2) { /* steer: products near the subnormal range, addends near products */
                a = (a & 0x807FFFFFu) | (uint32_t)(100 + host_rng(&s) % 60) << 23;
                b = (b & 0x807FFFFFu) | (uint32_t)(host_rng(&s) % 60) << 23;
                c = (c & 0x807FFFFFu) | (uint32_t)(host_rng(&s) % 30) << 23;
            }
            volatile float fa, fb, fc;
            float t;
            memcpy(&t, &a, 4), fa = t;
            memcpy(&t, &b, 4), fb = t;
            memcpy(&t, &c, 4), fc = t;
            const int op = (int)(i % 3);
            fesetround(fe_modes[mi]);
            feclearexcept(FE_ALL_EXCEPT);
            volatile float r = op == 0 ? fa * fb : op == 1 ? fa + fb : fmaf(fa, fb, fc);
            const unsigned want_fl = host_flags(fetestexcept(FE_ALL_EXCEPT));
            fesetround(FE_TONEAREST);
            const float rr = r;
            uint32_t want;
            memcpy(&want, &rr, 4);
            if (isnan(rr))
                want = 0x7FC00000u; /* nx returns the canonical NaN; the CPU its default NaN */
            const nx_mode m = {nx_modes[mi], false, false};
            nx_flags fl = 0;
            const uint64_t got = op == 0   ? nx_mul(NX_FP32, a, b, m, &fl)
                                 : op == 1 ? nx_add(NX_FP32, a, b, m, &fl)
                                           : nx_fma(NX_FP32, a, b, c, m, &fl);
            cases++;
            if (got != want || fl != want_fl) {
                if (bad++ < 8)
                    fprintf(stderr,
                            "MISMATCH f32_%s mode %u: %08X %08X %08X: nx %08llX %02X, cpu "
                            "%08X %02X\n",
                            ops[op], mi, a, b, c, (unsigned long long)got, fl, want, want_fl);
            }
        }
    fprintf(stderr,
            "f32 mul/add/mulAdd vs the host CPU (4 rounding modes): %llu cases, %llu "
            "mismatches\n",
            (unsigned long long)cases, (unsigned long long)bad);
    cr_expect_eq(bad, 0);
}
