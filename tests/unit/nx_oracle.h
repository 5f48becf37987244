/* nx_oracle: an independent, slow, obviously-right model of the nx numerics for the unit tests,
 * built on MPFR. Shared by the tests/unit/test_nx_*.c files (static functions only: this header
 * is not compiled on its own).
 *
 * How it works, and why it is independent of models/numerics:
 * - Formats are re-described here from their published definitions (p, emin, emax, specials), not
 *   read from nx's table; a test checks that the two agree.
 * - Operands are decoded into MPFR numbers with 1200-bit precision, so every product, sum and
 *   fma of the supported formats is computed exactly by MPFR (including signed zeros, infinities
 *   and MPFR's own NaN flag for invalid operations such as inf*0 and inf-inf).
 * - The exact result is rounded onto the format's grid by MPFR: scaled by a power of two so that
 *   one unit in the last place is 1, rounded to an integer with mpfr_rint (near_even, minMag,
 *   min, max) or mpfr_round (near_maxMag: ties away), and scaled back. The ulp is that of the
 *   value's own binade (unbounded exponent, for tininess after rounding and overflow) or at
 *   least the subnormal ulp 2^(emin-p+1) (the delivered result).
 * - A cross-check (or_emulated) also runs MPFR's own format emulation recipe (precision p,
 *   emin/emax, mpfr_check_range, mpfr_subnormalize) for the four directed/even modes.
 * Flags: inexact = rounded != exact; overflow = |rounded, unbounded exponent| > max finite;
 * underflow = tiny and inexact (tiny: |exact| < 2^emin before rounding, or |rounded, unbounded
 * exponent| < 2^emin after); FTZ flushes tiny results to signed zero with underflow|inexact.
 */
#ifndef NX_ORACLE_H
#define NX_ORACLE_H

#include "numerics/nx.h"

#include <mpfr.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OR_PREC 1200

/* Published parameters: IEEE 754 binary32/binary16, bfloat16, OCP OFP8 E5M2/E4M3. */
typedef struct or_fmt {
    unsigned width, ebits, p; /* storage bits, exponent bits, significand bits with hidden one */
    int emin, emax;           /* unbiased exponents of min normal and max finite */
    int has_inf;              /* 0: OCP E4M3 (no inf, NaN only S.1111.111, max 448) */
    uint64_t qnan;            /* canonical quiet NaN */
    const char *name;
} or_fmt;

static const or_fmt or_fmts[] = {
    [NX_FP32] = {32, 8, 24, -126, 127, 1, 0x7FC00000, "f32"},
    [NX_FP16] = {16, 5, 11, -14, 15, 1, 0x7E00, "f16"},
    [NX_BF16] = {16, 8, 8, -126, 127, 1, 0x7FC0, "bf16"},
    [NX_FP8E5M2] = {8, 5, 3, -14, 15, 1, 0x7E, "f8e5m2"},
    [NX_FP8E4M3] = {8, 4, 4, -6, 8, 0, 0x7F, "f8e4m3"},
};

static const nx_fmt or_float_fmts[] = {NX_FP32, NX_FP16, NX_BF16, NX_FP8E5M2, NX_FP8E4M3};
#define OR_N_FLOAT 5

enum { OR_NUM = 0, OR_QNAN, OR_SNAN };

typedef struct or_val {
    int kind; /* OR_NUM (finite, zero or infinity) or a NaN */
    mpfr_t v;
} or_val;

static inline void or_val_init(or_val *x)
{
    mpfr_init2(x->v, OR_PREC);
    x->kind = OR_NUM;
}

/* Decodes a bit pattern; ftz reads subnormals as zeros of the same sign. */
static inline void or_decode(nx_fmt f, uint64_t bits, int ftz, or_val *x)
{
    const or_fmt *F = &or_fmts[f];
    const unsigned mb = F->p - 1;
    const int neg = (int)((bits >> (F->width - 1)) & 1);
    const uint64_t E = (bits >> mb) & ((UINT64_C(1) << F->ebits) - 1);
    const uint64_t M = bits & ((UINT64_C(1) << mb) - 1);
    const uint64_t eall = (UINT64_C(1) << F->ebits) - 1, mall = (UINT64_C(1) << mb) - 1;
    const int bias = 1 - F->emin;
    x->kind = OR_NUM;
    if (F->has_inf && E == eall) {
        if (M == 0)
            mpfr_set_inf(x->v, neg ? -1 : 1);
        else
            x->kind = (M >> (mb - 1)) ? OR_QNAN : OR_SNAN;
        return;
    }
    if (!F->has_inf && E == eall && M == mall) {
        x->kind = OR_QNAN;
        return;
    }
    if (E == 0) {
        if (M == 0 || ftz) {
            mpfr_set_zero(x->v, neg ? -1 : 1);
            return;
        }
        mpfr_set_ui_2exp(x->v, (unsigned long)M, F->emin - (int)mb, MPFR_RNDN);
    } else {
        mpfr_set_ui_2exp(x->v, (unsigned long)(M | (UINT64_C(1) << mb)), (int)E - bias - (int)mb,
                         MPFR_RNDN);
    }
    if (neg)
        mpfr_neg(x->v, x->v, MPFR_RNDN);
}

/* Encodes y, which must lie on the format's grid within its range (or be zero or infinity). */
static inline uint64_t or_encode(nx_fmt f, const mpfr_t y)
{
    const or_fmt *F = &or_fmts[f];
    const unsigned mb = F->p - 1;
    const uint64_t s = (uint64_t)(mpfr_signbit(y) != 0) << (F->width - 1);
    if (mpfr_zero_p(y))
        return s;
    if (mpfr_inf_p(y))
        return s | (((UINT64_C(1) << F->ebits) - 1) << mb);
    mpfr_t t;
    mpfr_init2(t, OR_PREC);
    mpfr_abs(t, y, MPFR_RNDN);
    long e = (long)mpfr_get_exp(y) - 1; /* |y| in [2^e, 2^(e+1)) */
    uint64_t out;
    if (e < F->emin) {
        mpfr_mul_2si(t, t, (long)mb - F->emin, MPFR_RNDN);
        if (!mpfr_integer_p(t))
            abort();
        out = s | mpfr_get_ui(t, MPFR_RNDN);
    } else {
        mpfr_mul_2si(t, t, (long)mb - e, MPFR_RNDN);
        if (!mpfr_integer_p(t))
            abort();
        const uint64_t M = mpfr_get_ui(t, MPFR_RNDN) - (UINT64_C(1) << mb);
        out = s | ((uint64_t)(e + 1 - F->emin) << mb) | M;
    }
    mpfr_clear(t);
    return out;
}

/* y := x rounded to p significant bits per r; with a floor on the exponent (subnormals) when
 * bounded. Returns nonzero when y != x. */
static inline int or_round_grid(mpfr_t y, const mpfr_t x, unsigned p, int bounded, int emin,
                                nx_round r)
{
    long e = (long)mpfr_get_exp(x) - 1;
    if (bounded && e < emin)
        e = emin;
    const long sh = (long)p - 1 - e;
    mpfr_t q;
    mpfr_init2(q, OR_PREC);
    mpfr_mul_2si(q, x, sh, MPFR_RNDN); /* exact */
    switch (r) {
    case NX_RNE:
        mpfr_rint(q, q, MPFR_RNDN);
        break;
    case NX_RMINMAG:
        mpfr_rint(q, q, MPFR_RNDZ);
        break;
    case NX_RMIN:
        mpfr_rint(q, q, MPFR_RNDD);
        break;
    case NX_RMAX:
        mpfr_rint(q, q, MPFR_RNDU);
        break;
    case NX_RNEARMAXMAG:
        mpfr_round(q, q);
        break;
    }
    mpfr_mul_2si(y, q, -sh, MPFR_RNDN);
    if (mpfr_zero_p(y)) /* a value rounded to zero keeps its sign */
        mpfr_set_zero(y, mpfr_signbit(x) ? -1 : 1);
    mpfr_clear(q);
    return mpfr_cmp(y, x) != 0;
}

/* Rounds the exact value x (a number: finite, zero or infinite) into format f. */
static inline uint64_t or_round(nx_fmt f, const mpfr_t x, nx_mode m, unsigned *flags)
{
    const or_fmt *F = &or_fmts[f];
    if (mpfr_zero_p(x))
        return or_encode(f, x);
    if (mpfr_inf_p(x)) {
        if (F->has_inf)
            return or_encode(f, x);
        *flags |= NX_FLAG_INVALID;
        return F->qnan;
    }
    mpfr_t y, lim;
    mpfr_init2(y, OR_PREC);
    mpfr_init2(lim, OR_PREC);
    uint64_t out;
    const int neg = mpfr_signbit(x) != 0;
    mpfr_set_ui_2exp(lim, 1, F->emin, MPFR_RNDN);
    const int tiny_before = mpfr_cmpabs(x, lim) < 0;
    or_round_grid(y, x, F->p, 0, 0, m.round);
    const int tiny_after = mpfr_cmpabs(y, lim) < 0;
    /* max finite: (2^p - 1) ulps at emax, or (2^p - 2) for E4M3 (1.111 x 2^8 is the NaN) */
    mpfr_set_ui_2exp(lim, (1UL << F->p) - (F->has_inf ? 1 : 2), F->emax - (int)F->p + 1, MPFR_RNDN);
    if (mpfr_cmpabs(y, lim) > 0) {
        *flags |= NX_FLAG_OVERFLOW | NX_FLAG_INEXACT;
        const int to_inf = m.round == NX_RNE || m.round == NX_RNEARMAXMAG ||
                           (m.round == NX_RMIN && neg) || (m.round == NX_RMAX && !neg);
        if (to_inf && !F->has_inf) {
            out = F->qnan;
        } else {
            if (to_inf)
                mpfr_set_inf(y, neg ? -1 : 1);
            else
                mpfr_mul_si(y, lim, neg ? -1 : 1, MPFR_RNDN);
            out = or_encode(f, y);
        }
    } else {
        const int tiny = m.tininess_before ? tiny_before : tiny_after;
        if (m.ftz && tiny) {
            *flags |= NX_FLAG_UNDERFLOW | NX_FLAG_INEXACT;
            mpfr_set_zero(y, neg ? -1 : 1);
            out = or_encode(f, y);
        } else {
            if (or_round_grid(y, x, F->p, 1, F->emin, m.round)) {
                *flags |= NX_FLAG_INEXACT;
                if (tiny)
                    *flags |= NX_FLAG_UNDERFLOW;
            }
            out = or_encode(f, y);
        }
    }
    mpfr_clear(y);
    mpfr_clear(lim);
    return out;
}

/* MPFR rounding used for the sign of exact zero sums: -0 only when rounding toward -inf. */
static inline mpfr_rnd_t or_zero_rnd(nx_mode m)
{
    return m.round == NX_RMIN ? MPFR_RNDD : MPFR_RNDN;
}

/* a*b rounded into out (a, b in format in). */
static inline uint64_t or_mul(nx_fmt in, nx_fmt out, uint64_t a, uint64_t b, nx_mode m,
                              unsigned *fl)
{
    or_val x, y;
    or_val_init(&x);
    or_val_init(&y);
    or_decode(in, a, m.ftz, &x);
    or_decode(in, b, m.ftz, &y);
    uint64_t r;
    if (x.kind != OR_NUM || y.kind != OR_NUM) {
        if (x.kind == OR_SNAN || y.kind == OR_SNAN)
            *fl |= NX_FLAG_INVALID;
        r = or_fmts[out].qnan;
    } else {
        mpfr_clear_nanflag();
        mpfr_mul(x.v, x.v, y.v, MPFR_RNDN);
        if (mpfr_nan_p(x.v)) {
            *fl |= NX_FLAG_INVALID;
            r = or_fmts[out].qnan;
        } else {
            r = or_round(out, x.v, m, fl);
        }
    }
    mpfr_clear(x.v);
    mpfr_clear(y.v);
    return r;
}

/* a + b (or a - b) in format f. */
static inline uint64_t or_add(nx_fmt f, uint64_t a, uint64_t b, int sub, nx_mode m, unsigned *fl)
{
    or_val x, y;
    or_val_init(&x);
    or_val_init(&y);
    or_decode(f, a, m.ftz, &x);
    or_decode(f, b, m.ftz, &y);
    uint64_t r;
    if (x.kind != OR_NUM || y.kind != OR_NUM) {
        if (x.kind == OR_SNAN || y.kind == OR_SNAN)
            *fl |= NX_FLAG_INVALID;
        r = or_fmts[f].qnan;
    } else {
        if (sub)
            mpfr_sub(x.v, x.v, y.v, or_zero_rnd(m));
        else
            mpfr_add(x.v, x.v, y.v, or_zero_rnd(m));
        if (mpfr_nan_p(x.v)) {
            *fl |= NX_FLAG_INVALID;
            r = or_fmts[f].qnan;
        } else {
            r = or_round(f, x.v, m, fl);
        }
    }
    mpfr_clear(x.v);
    mpfr_clear(y.v);
    return r;
}

/* a*b + c with one rounding into acc (a, b in format in; c in acc), SoftFloat's invalid rule:
 * any signaling NaN, inf*0 even when c is a quiet NaN, inf - inf. */
static inline uint64_t or_fma(nx_fmt in, nx_fmt acc, uint64_t a, uint64_t b, uint64_t c, nx_mode m,
                              unsigned *fl)
{
    or_val x, y, z;
    or_val_init(&x);
    or_val_init(&y);
    or_val_init(&z);
    or_decode(in, a, m.ftz, &x);
    or_decode(in, b, m.ftz, &y);
    or_decode(acc, c, m.ftz, &z);
    const uint64_t nan = or_fmts[acc].qnan;
    uint64_t r;
    if (x.kind != OR_NUM || y.kind != OR_NUM) {
        if (x.kind == OR_SNAN || y.kind == OR_SNAN || z.kind == OR_SNAN)
            *fl |= NX_FLAG_INVALID;
        r = nan;
    } else {
        mpfr_mul(x.v, x.v, y.v, MPFR_RNDN);
        if (mpfr_nan_p(x.v)) { /* inf * 0 */
            *fl |= NX_FLAG_INVALID;
            r = nan;
        } else if (z.kind != OR_NUM) {
            if (z.kind == OR_SNAN)
                *fl |= NX_FLAG_INVALID;
            r = nan;
        } else {
            mpfr_add(x.v, x.v, z.v, or_zero_rnd(m));
            if (mpfr_nan_p(x.v)) {
                *fl |= NX_FLAG_INVALID;
                r = nan;
            } else {
                r = or_round(acc, x.v, m, fl);
            }
        }
    }
    mpfr_clear(x.v);
    mpfr_clear(y.v);
    mpfr_clear(z.v);
    return r;
}

/* Conversion between floating formats. */
static inline uint64_t or_convert(nx_fmt from, nx_fmt to, uint64_t a, nx_mode m, unsigned *fl)
{
    or_val x;
    or_val_init(&x);
    or_decode(from, a, m.ftz, &x);
    uint64_t r;
    if (x.kind != OR_NUM) {
        if (x.kind == OR_SNAN)
            *fl |= NX_FLAG_INVALID;
        r = or_fmts[to].qnan;
    } else {
        r = or_round(to, x.v, m, fl);
    }
    mpfr_clear(x.v);
    return r;
}

/* Cross-check with MPFR's own emulation recipe (toolchain.md): precision p, emin/emax of the
 * format, mpfr_check_range, mpfr_subnormalize. Only for finite results of ops whose operands
 * are in the format's range, modes other than near_maxMag (MPFR has no ties-away for these),
 * not ftz and not E4M3 (no infinity). op: 0 mul, 1 add, 2 fma. Returns the bits. */
static inline uint64_t or_emulated(nx_fmt f, int op, uint64_t a, uint64_t b, uint64_t c, nx_round r)
{
    const or_fmt *F = &or_fmts[f];
    const mpfr_rnd_t rnd = r == NX_RNE       ? MPFR_RNDN
                           : r == NX_RMINMAG ? MPFR_RNDZ
                           : r == NX_RMIN    ? MPFR_RNDD
                                             : MPFR_RNDU;
    or_val x, y, z;
    or_val_init(&x);
    or_val_init(&y);
    or_val_init(&z);
    or_decode(f, a, 0, &x);
    or_decode(f, b, 0, &y);
    or_decode(f, c, 0, &z);
    const mpfr_exp_t old_emin = mpfr_get_emin(), old_emax = mpfr_get_emax();
    mpfr_t res;
    mpfr_init2(res, F->p);
    mpfr_set_emin(F->emin - (int)F->p + 2);
    mpfr_set_emax(F->emax + 1);
    int t = op == 0   ? mpfr_mul(res, x.v, y.v, rnd)
            : op == 1 ? mpfr_add(res, x.v, y.v, rnd)
                      : mpfr_fma(res, x.v, y.v, z.v, rnd);
    t = mpfr_check_range(res, t, rnd);
    mpfr_subnormalize(res, t, rnd);
    mpfr_set_emin(old_emin);
    mpfr_set_emax(old_emax);
    const uint64_t out = or_encode(f, res);
    mpfr_clear(res);
    mpfr_clear(x.v);
    mpfr_clear(y.v);
    mpfr_clear(z.v);
    return out;
}

/* ---- test plumbing: deterministic random numbers, mode combinations, mismatch reporting ---- */

typedef struct or_rng {
    uint64_t s;
} or_rng;

static inline uint64_t or_next(or_rng *g) /* splitmix64 */
{
    uint64_t z = (g->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* or_next on a plain state word (for generators that keep a uint64_t). */
static inline uint64_t or_next_u64(uint64_t *s)
{
    or_rng g = {*s};
    const uint64_t r = or_next(&g);
    *s = g.s;
    return r;
}

/* The 20 mode combinations: 5 rounding modes x {ieee, ftz} x {tininess after, before}. */
#define OR_N_MODES 20
static inline nx_mode or_mode(unsigned i)
{
    nx_mode m = {(nx_round)(i % 5), (i / 5) % 2 != 0, (i / 10) % 2 != 0};
    return m;
}

static const char *or_mode_name(nx_mode m)
{
    static const char *const names[] = {"near_even", "minMag", "min", "max", "near_maxMag"};
    return names[m.round];
}

typedef struct or_stats {
    const char *what;
    uint64_t cases, mismatches;
} or_stats;

/* Records one comparison; prints the first few mismatches in hex. */
static inline void or_check(or_stats *st, nx_fmt res_fmt, nx_mode m, const uint64_t *ops,
                            unsigned n, uint64_t got, unsigned got_fl, uint64_t want,
                            unsigned want_fl)
{
    st->cases++;
    if (got == want && got_fl == want_fl)
        return;
    if (st->mismatches++ < 8) {
        fprintf(stderr, "MISMATCH %s -r%s%s%s:", st->what, or_mode_name(m), m.ftz ? " -ftz" : "",
                m.tininess_before ? " -tininessbefore" : "");
        for (unsigned i = 0; i < n; i++)
            fprintf(stderr, " %llX", (unsigned long long)ops[i]);
        const int d = (int)nx_fmt_get(res_fmt)->width_bits / 4; /* printing only */
        fprintf(stderr, ": nx %0*llX %02X, oracle %0*llX %02X\n", d, (unsigned long long)got,
                got_fl, d, (unsigned long long)want, want_fl);
    }
}

static inline void or_report(const or_stats *st)
{
    fprintf(stderr, "%s: %llu cases, %llu mismatches\n", st->what, (unsigned long long)st->cases,
            (unsigned long long)st->mismatches);
}

/* Multiplier of the random case counts: 100 in the long variant (FLOPWATT_LONG=1), else 1. */
static inline unsigned long or_scale(void)
{
    const char *l = getenv("FLOPWATT_LONG");
    return l && !strcmp(l, "1") ? 100 : 1;
}

/* ---- operand generators ---- */

/* Bits of sign s, biased exponent field E (clamped to the finite range) and fraction M. */
static inline uint64_t or_bits(nx_fmt f, int s, long E, uint64_t M)
{
    const or_fmt *F = &or_fmts[f];
    const unsigned mb = F->p - 1;
    const long emax_field = F->has_inf ? (1L << F->ebits) - 2 : (1L << F->ebits) - 1;
    if (E < 0)
        E = 0;
    if (E > emax_field)
        E = emax_field;
    M &= (UINT64_C(1) << mb) - 1;
    if (!F->has_inf && E == emax_field && M == (UINT64_C(1) << mb) - 1)
        M--; /* keep E4M3 finite */
    return ((uint64_t)(s != 0) << (F->width - 1)) | ((uint64_t)E << mb) | M;
}

/* Structured values: signed zeros, smallest/largest subnormal and normal, one, values around the
 * rounding point of one (ties when added to one), near overflow, infinities, NaNs. Returns the
 * count written to out (at most 64). small: a reduced list for three-operand cross products. */
static inline unsigned or_structured(nx_fmt f, int small, uint64_t *out)
{
    const or_fmt *F = &or_fmts[f];
    const unsigned mb = F->p - 1;
    const long bias = 1 - F->emin;
    const uint64_t mall = (UINT64_C(1) << mb) - 1, half = UINT64_C(1) << (mb - 1);
    const long emax_field = F->emax + bias;
    unsigned n = 0;
    for (int s = 0; s < 2; s++) {
        out[n++] = or_bits(f, s, 0, 0);             /* zero */
        out[n++] = or_bits(f, s, 0, 1);             /* min subnormal */
        out[n++] = or_bits(f, s, 1, 0);             /* min normal */
        out[n++] = or_bits(f, s, bias, 0);          /* 1 */
        out[n++] = or_bits(f, s, emax_field, mall); /* max finite */
        if (!small) {
            out[n++] = or_bits(f, s, 0, mall);                  /* max subnormal */
            out[n++] = or_bits(f, s, 1, 1);                     /* min normal + ulp */
            out[n++] = or_bits(f, s, bias, 1);                  /* 1 + ulp */
            out[n++] = or_bits(f, s, bias, half);               /* 1.5 */
            out[n++] = or_bits(f, s, bias - 1, mall);           /* 1 - ulp/2 */
            out[n++] = or_bits(f, s, bias - (long)F->p, 0);     /* ulp(1)/2: tie with 1 */
            out[n++] = or_bits(f, s, bias - (long)F->p, half);  /* 3/4 ulp(1) */
            out[n++] = or_bits(f, s, bias - (long)F->p - 1, 0); /* ulp(1)/4 */
            out[n++] = or_bits(f, s, emax_field - 1, mall);
            out[n++] = or_bits(f, s, emax_field, 0);
            out[n++] = or_bits(f, s, bias + 1, mall); /* 4 - ulp */
            out[n++] = or_bits(f, s, bias / 2, half); /* product near underflow */
        }
        if (F->has_inf)
            out[n++] = ((uint64_t)s << (F->width - 1)) | (((UINT64_C(1) << F->ebits) - 1) << mb);
    }
    if (F->has_inf) {
        out[n++] = F->qnan;                                     /* quiet NaN */
        out[n++] = (((UINT64_C(1) << F->ebits) - 1) << mb) | 1; /* signaling NaN */
    } else {
        out[n++] = F->qnan;
        out[n++] = F->qnan | (UINT64_C(1) << (F->width - 1));
    }
    return n;
}

/* A random operand: a third uniform bit patterns, the rest finite values with a random fraction
 * and an exponent field within spread of center (clamped). */
static inline uint64_t or_rand_near(or_rng *g, nx_fmt f, long center, long spread)
{
    const uint64_t r = or_next(g);
    const long E = center + (long)(r % (uint64_t)(2 * spread + 1)) - spread;
    uint64_t M = or_next(g);
    switch ((r >> 20) % 8) { /* fractions with long runs make ties and carries likely */
    case 0:
        M = 0;
        break;
    case 1:
        M = ~UINT64_C(0);
        break;
    case 2:
        M = (UINT64_C(1) << (or_fmts[f].p - 2)) | (M & 1);
        break;
    default:
        break;
    }
    return or_bits(f, (int)((r >> 40) & 1), E, M);
}

static inline uint64_t or_rand_bits(or_rng *g, nx_fmt f)
{
    return or_next(g) & ((UINT64_C(1) << or_fmts[f].width) - 1);
}

/* Biased exponent field of bits (for steering a second operand near the first). */
static inline long or_field(nx_fmt f, uint64_t bits)
{
    return (long)((bits >> (or_fmts[f].p - 1)) & ((UINT64_C(1) << or_fmts[f].ebits) - 1));
}

#endif
