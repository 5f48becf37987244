/* vecgen: TestFloat-style operand vectors for a `flopwatt fp` / build/rtl/pe_fp FUNCTION.
 *   vecgen [-n COUNT] [-seed N] [-zeros PERCENT] FUNCTION > vectors
 * Writes COUNT lines of upper-case hex operands (format widths from the C model's format table):
 * first the corner cases (every pair, or every triple of a smaller set, of signed zeros,
 * smallest/largest subnormals and normals, one and its neighbours, infinities, quiet and
 * signaling NaNs), then random operands from a fixed-seed xorshift generator: raw bit patterns,
 * values with exponents near the format's edges and significands with long runs of ones or
 * zeros, addends close to the product (cancellation) and products near overflow and underflow.
 * FUNCTION: <f>_mul, <f>_add, <f>_sub, <f>_mulAdd (f = f32, f16, bf16, f8e5m2, f8e4m3),
 * <in>_mac_<acc> / <in>_macu_<acc> (operands acc a b), i8|i16_mac_i32|i48.
 * -zeros PERCENT (MACs only: mulAdd, mac, macu; default 0): in that percentage of the random
 * vectors a multiplicand (a, b or both, equally likely) is replaced by a zero of random sign
 * (integers: 0), for zero-gated PEs (pe_fp -gate); without it the output is unchanged.
 * Exit 0; 2 with a message for an unknown FUNCTION or a bad option. Built by rtl/rtl.mk. */
#include "numerics/nx.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct vg_rng {
    uint64_t s;
} vg_rng;

static uint64_t vg_next(vg_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1DULL;
}

/* Uniform integer in [0, n). */
static uint64_t vg_below(vg_rng *r, uint64_t n)
{
    return vg_next(r) % n;
}

static uint64_t vg_mask(unsigned bits)
{
    return bits >= 64 ? ~0ULL : ((1ULL << bits) - 1);
}

/* Bit pattern of sign * 1.frac * 2^exp in format fi (exp unbiased). Exponents below the normal
 * range give the subnormal with the same fraction bits shifted (the value is not exact then,
 * which is fine for test data); above the range they clamp to the largest finite exponent. */
static uint64_t vg_make(const nx_fmt_info *fi, unsigned sign, int exp, uint64_t frac)
{
    const int emin = 1 - fi->bias;
    const int emax_field = (int)vg_mask(fi->exp_bits) - (fi->ieee_nan ? 1 : 0);
    uint64_t f = frac & vg_mask(fi->man_bits);
    int field = exp + fi->bias;
    if (exp < emin) {
        int sh = emin - exp;
        uint64_t sig = f | (1ULL << fi->man_bits);
        f = sh > (int)fi->man_bits ? (sig != 0) : sig >> sh;
        field = 0;
    } else if (field > emax_field) {
        field = emax_field;
    }
    uint64_t bits =
        (uint64_t)sign << (fi->exp_bits + fi->man_bits) | (uint64_t)field << fi->man_bits | f;
    if (!fi->ieee_nan && (uint64_t)field == vg_mask(fi->exp_bits) && f == vg_mask(fi->man_bits))
        bits &= ~1ULL; /* E4M3: keep clear of the one NaN pattern */
    return bits;
}

/* A significand with long runs of ones and zeros (SoftFloat's random significands). */
static uint64_t vg_runs(vg_rng *r, unsigned bits)
{
    uint64_t v = 0;
    unsigned pos = 0;
    unsigned bit = (unsigned)vg_below(r, 2);
    while (pos < bits) {
        unsigned run = 1 + (unsigned)vg_below(r, bits);
        for (unsigned i = 0; i < run && pos < bits; i++, pos++)
            v = v << 1 | bit;
        bit ^= 1;
    }
    return v;
}

/* A random operand: raw bits, or a value near an interesting exponent. */
static uint64_t vg_random(vg_rng *r, const nx_fmt_info *fi)
{
    const int emin = 1 - fi->bias;
    const int emax = (int)vg_mask(fi->exp_bits) - (fi->ieee_nan ? 1 : 0) - fi->bias;
    const unsigned sign = (unsigned)vg_below(r, 2);
    const uint64_t frac = vg_below(r, 2) ? vg_next(r) : vg_runs(r, fi->man_bits);
    switch (vg_below(r, 8)) {
    case 0:
    case 1:
        return vg_next(r) & vg_mask(fi->width_bits);
    case 2: /* subnormal or near the bottom of the normal range */
        return vg_make(fi, sign, emin - (int)vg_below(r, fi->man_bits + 2) + 1, frac);
    case 3: /* near the top */
        return vg_make(fi, sign, emax - (int)vg_below(r, 3), frac);
    default: /* around one */
        return vg_make(fi, sign, (int)vg_below(r, 9) - 4, frac);
    }
}

/* Unbiased exponent of a finite nonzero normal pattern (subnormals: emin). */
static int vg_exp(const nx_fmt_info *fi, uint64_t bits)
{
    int field = (int)((bits >> fi->man_bits) & vg_mask(fi->exp_bits));
    return (field == 0 ? 1 : field) - fi->bias;
}

/* The corner values of a format; returns the count written into out (at most 32). */
static int vg_corners(const nx_fmt_info *fi, uint64_t *out, int small)
{
    const uint64_t sgn = 1ULL << (fi->exp_bits + fi->man_bits);
    const uint64_t one = (uint64_t)fi->bias << fi->man_bits;
    const uint64_t ones_e = vg_mask(fi->exp_bits) << fi->man_bits;
    const uint64_t maxf = fi->ieee_nan ? ones_e - 1 : ones_e | (vg_mask(fi->man_bits) - 1);
    int n = 0;
    const uint64_t mags[] = {
        0,                                  /* zero */
        1,                                  /* smallest subnormal */
        vg_mask(fi->man_bits),              /* largest subnormal */
        1ULL << fi->man_bits,               /* smallest normal */
        maxf,                               /* largest finite */
        one,                                /* one */
        one + 1,                            /* one + ulp */
        one - 1,                            /* one - ulp/2 */
        one + (1ULL << fi->man_bits),       /* two */
        ones_e,                             /* inf (E4M3: 256) */
        fi->canonical_nan & ~sgn,           /* quiet NaN */
        ones_e | 1,                         /* signaling NaN (E4M3: a normal) */
        one | (1ULL << (fi->man_bits - 1)), /* 1.5 */
        3ULL << (fi->man_bits - 1),         /* 3 * 2^-?, a mid subnormal */
        maxf - 1,
        (fi->bias / 2ULL) << fi->man_bits, /* a small normal */
    };
    const int nm = small ? 10 : (int)(sizeof mags / sizeof mags[0]);
    for (int i = 0; i < nm; i++) {
        out[n++] = mags[i];
        out[n++] = mags[i] | sgn;
    }
    return n;
}

typedef struct vg_fn {
    int n_ops;
    const nx_fmt_info *fmt[3]; /* formats of the operands in line order */
    int mac;                   /* 1: operands are acc a b */
    int is_int;
} vg_fn;

static int vg_parse_fn(const char *name, vg_fn *fn)
{
    char buf[64];
    if (strlen(name) >= sizeof buf)
        return -1;
    strcpy(buf, name);
    char *u = strchr(buf, '_');
    if (!u)
        return -1;
    *u = '\0';
    const char *op = u + 1;
    nx_fmt in;
    if (nx_fmt_from_name(buf, &in) != 0)
        return -1;
    const nx_fmt_info *fi = nx_fmt_get(in);
    memset(fn, 0, sizeof *fn);
    if (!strncmp(op, "mac_", 4) || !strncmp(op, "macu_", 5)) {
        nx_fmt acc;
        if (nx_fmt_from_name(strchr(op, '_') + 1, &acc) != 0)
            return -1;
        fn->n_ops = 3;
        fn->fmt[0] = nx_fmt_get(acc);
        fn->fmt[1] = fn->fmt[2] = fi;
        fn->mac = 1;
        fn->is_int = !fi->is_float;
        return 0;
    }
    if (!fi->is_float)
        return -1;
    if (!strcmp(op, "mul") || !strcmp(op, "add") || !strcmp(op, "sub"))
        fn->n_ops = 2;
    else if (!strcmp(op, "mulAdd"))
        fn->n_ops = 3;
    else
        return -1;
    fn->fmt[0] = fn->fmt[1] = fn->fmt[2] = fi;
    return 0;
}

/* -zeros: with probability pct/100 (a MAC only), a, b or both become a zero of random sign. */
static void vg_zero(vg_rng *r, const vg_fn *fn, uint64_t pct, uint64_t *ops)
{
    if (pct == 0 || fn->n_ops != 3 || vg_below(r, 100) >= pct)
        return;
    const int ia = fn->mac ? 1 : 0, ib = fn->mac ? 2 : 1;
    const uint64_t which = vg_below(r, 3); /* 0: a, 1: b, 2: both */
    for (int k = 0; k < 2; k++) {
        const int i = k ? ib : ia;
        if (which != 2 && (int)which != k)
            continue;
        const nx_fmt_info *fi = fn->fmt[i];
        ops[i] = fn->is_int ? 0 : vg_below(r, 2) << (fi->width_bits - 1);
    }
}

static void vg_print(const vg_fn *fn, const uint64_t *ops)
{
    for (int k = 0; k < fn->n_ops; k++)
        printf(k ? " %0*" PRIX64 : "%0*" PRIX64, (int)((fn->fmt[k]->width_bits + 3) / 4),
               ops[k] & vg_mask(fn->fmt[k]->width_bits));
    putchar('\n');
}

int main(int argc, char **argv)
{
    uint64_t count = 100000, seed = 1, zeros_pct = 0;
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            count = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-zeros") && i + 1 < argc)
            zeros_pct = strtoull(argv[++i], NULL, 10);
        else if (argv[i][0] != '-' && !name)
            name = argv[i];
        else {
            fprintf(stderr, "usage: vecgen [-n COUNT] [-seed N] [-zeros PERCENT] FUNCTION\n");
            return 2;
        }
    }
    if (zeros_pct > 100) {
        fprintf(stderr, "vecgen: -zeros must be 0..100\n");
        return 2;
    }
    vg_fn fn;
    if (!name || vg_parse_fn(name, &fn) != 0) {
        fprintf(stderr, "vecgen: unknown FUNCTION '%s'\n", name ? name : "");
        return 2;
    }
    vg_rng rng = {seed * 0x9E3779B97F4A7C15ULL + 0x1234567ULL};
    uint64_t done = 0;
    uint64_t ops[3] = {0, 0, 0};

    /* corners */
    if (!fn.is_int) {
        uint64_t c0[32], c1[32];
        const int three = fn.n_ops == 3;
        const int n0 = vg_corners(fn.fmt[0], c0, three);
        const int n1 = vg_corners(fn.fmt[1], c1, three);
        for (int i = 0; i < n0 && done < count; i++)
            for (int j = 0; j < n1 && done < count; j++)
                for (int k = 0; k < (three ? n1 : 1) && done < count; k++, done++) {
                    ops[0] = c0[i];
                    ops[1] = c1[j];
                    ops[2] = c1[k];
                    vg_print(&fn, ops);
                }
    }

    /* random */
    for (; done < count; done++) {
        if (fn.is_int) {
            for (int k = 0; k < 3; k++) {
                const unsigned w = fn.fmt[k]->width_bits;
                uint64_t v = vg_next(&rng);
                if (k == 0 && vg_below(&rng, 2)) /* accumulator near a bound */
                    v = (vg_below(&rng, 2) ? (1ULL << (w - 1)) : (1ULL << (w - 1)) - 1) +
                        (vg_next(&rng) & 0xFFFF) - 0x8000;
                else if (k > 0 && vg_below(&rng, 4) == 0) /* operand at a bound */
                    v = vg_below(&rng, 2) ? (1ULL << (w - 1)) : (1ULL << (w - 1)) - 1;
                ops[k] = v & vg_mask(w);
            }
            vg_zero(&rng, &fn, zeros_pct, ops);
            vg_print(&fn, ops);
            continue;
        }
        for (int k = 0; k < fn.n_ops; k++)
            ops[k] = vg_random(&rng, fn.fmt[k]);
        /* Shape the addend or the product relative to the other operands. */
        const int ia = fn.mac ? 1 : 0, ib = fn.mac ? 2 : 1, ic = fn.mac ? 0 : 2;
        const nx_fmt_info *fa = fn.fmt[ia], *fc = fn.fmt[ic];
        const uint64_t r = vg_below(&rng, 8);
        if (fn.n_ops == 3 && r < 3) {
            /* addend near the product: cancellation and sticky-bit cases */
            const int e = vg_exp(fa, ops[ia]) + vg_exp(fa, ops[ib]) + (int)vg_below(&rng, 5) - 2;
            const unsigned s =
                (unsigned)(((ops[ia] >> (fa->width_bits - 1)) ^ (ops[ib] >> (fa->width_bits - 1)) ^
                            (vg_below(&rng, 4) != 0)) &
                           1);
            uint64_t frac = vg_below(&rng, 2) ? vg_runs(&rng, fc->man_bits) : vg_next(&rng);
            ops[ic] = vg_make(fc, s, e, frac);
        } else if (fn.n_ops == 2 && r < 2) {
            /* add/sub of close values */
            const int e = vg_exp(fa, ops[0]) + (int)vg_below(&rng, 3) - 1;
            ops[1] = vg_make(fa, (unsigned)vg_below(&rng, 2), e,
                             vg_below(&rng, 2) ? ops[0] ^ (vg_next(&rng) & 7) : vg_next(&rng));
        } else if (r < 4) {
            /* product near the top or the bottom of the result range */
            const nx_fmt_info *fr = fn.fmt[fn.mac ? 0 : 0];
            const int emin = 1 - fr->bias;
            const int emax = (int)vg_mask(fr->exp_bits) - 1 - fr->bias;
            const int target =
                vg_below(&rng, 2) ? emax : emin - (int)vg_below(&rng, fr->man_bits + 2);
            const int ea = vg_exp(fa, ops[ia]);
            ops[ib] = vg_make(fa, (unsigned)vg_below(&rng, 2),
                              target - ea + (int)vg_below(&rng, 3) - 1, vg_next(&rng));
        }
        vg_zero(&rng, &fn, zeros_pct, ops);
        vg_print(&fn, ops);
    }
    return 0;
}
