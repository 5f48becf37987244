/* nx_core: the bodies of the shared workers (nx_internal.h) as always-inlined functions, so that
 * a caller with a constant format and mode gets code specialised to them: the per-format fast
 * paths (near_even, no flush-to-zero, tininess after rounding, the common mode) are these same
 * functions instantiated per format from the table (NX_FLOAT_FORMATS) and mode, and the general
 * path (nx_pack.c, nx_mul.c, nx_add.c, nx_fma.c) is them with the format and mode as variables.
 * One source, so the two cannot disagree; test_nx_fast.c compares them anyway. Not public. */
#ifndef NX_CORE_H
#define NX_CORE_H

#include "numerics/nx_internal.h"
#include "numerics/nx_table.h"

#define NXC_INLINE static inline __attribute__((always_inline))

/* The mode the fast paths are instantiated for. */
#define NXC_MODE_FAST ((nx_mode){NX_RNE, false, false})

static inline bool nxc_mode_is_fast(nx_mode m)
{
    return m.round == NX_RNE && !m.ftz && !m.tininess_before;
}

NXC_INLINE const nx_fmt_info *nxc_fmt(nx_fmt fmt)
{
    return &nxi_formats[fmt];
}

/* Field layout of a floating format, derived from the table. */
typedef struct nxc_layout {
    unsigned p;         /* significand precision including the hidden bit */
    int32_t emin, emax; /* unbiased exponents of the smallest normal and of the largest finite */
    uint64_t max_sig;   /* largest significand (hidden bit included) at emax */
    uint64_t exp_ones;  /* all-ones exponent field */
} nxc_layout;

NXC_INLINE nxc_layout nxc_layout_of(const nx_fmt_info *f)
{
    nxc_layout l;
    l.p = f->man_bits + 1;
    l.exp_ones = (UINT64_C(1) << f->exp_bits) - 1;
    l.emin = 1 - f->bias;
    if (f->has_inf) { /* IEEE-like: all-ones exponent is inf/NaN */
        l.emax = (int32_t)l.exp_ones - 1 - f->bias;
        l.max_sig = (UINT64_C(1) << l.p) - 1;
    } else { /* E4M3: all-ones exponent is finite except the all-ones fraction (NaN) */
        l.emax = (int32_t)l.exp_ones - f->bias;
        l.max_sig = (UINT64_C(1) << l.p) - 2;
    }
    return l;
}

NXC_INLINE nxi_num nxc_unpack(nx_fmt fmt, uint64_t bits, nx_mode mode)
{
    const nx_fmt_info *f = nxc_fmt(fmt);
    const uint64_t man_mask = (UINT64_C(1) << f->man_bits) - 1;
    const uint64_t exp_ones = (UINT64_C(1) << f->exp_bits) - 1;
    const uint64_t e = (bits >> f->man_bits) & exp_ones;
    const uint64_t m = bits & man_mask;
    nxi_num x = {NXI_FINITE, ((bits >> (f->width_bits - 1)) & 1) != 0, 0, 0};

    if (e == exp_ones) {
        if (f->ieee_nan) {
            if (m == 0)
                x.cls = NXI_INF;
            else /* quiet NaNs have the fraction's top bit set */
                x.cls = (m >> (f->man_bits - 1)) ? NXI_QNAN : NXI_SNAN;
            return x;
        }
        if (m == man_mask) { /* E4M3's only NaN, treated as quiet */
            x.cls = NXI_QNAN;
            return x;
        }
    }
    if (e == 0) {
        if (m == 0 || mode.ftz) {
            x.cls = NXI_ZERO;
            return x;
        }
        x.sig = m;
        x.exp = 1 - f->bias - (int32_t)f->man_bits;
        return x;
    }
    x.sig = m | (UINT64_C(1) << f->man_bits);
    x.exp = (int32_t)e - f->bias - (int32_t)f->man_bits;
    return x;
}

NXC_INLINE uint64_t nxc_pack_zero(nx_fmt fmt, bool sign)
{
    return (uint64_t)sign << (nxc_fmt(fmt)->width_bits - 1);
}

NXC_INLINE uint64_t nxc_pack_nan(nx_fmt fmt)
{
    return nxc_fmt(fmt)->canonical_nan;
}

NXC_INLINE uint64_t nxc_pack_inf(nx_fmt fmt, bool sign, nx_flags *flags)
{
    const nx_fmt_info *f = nxc_fmt(fmt);
    if (!f->has_inf) {
        *flags |= NX_FLAG_INVALID;
        return f->canonical_nan;
    }
    return nxc_pack_zero(fmt, sign) | (((UINT64_C(1) << f->exp_bits) - 1) << f->man_bits);
}

NXC_INLINE uint64_t nxc_shift_round(uint64_t sig, uint32_t d, bool sign, nx_round r, bool *inexact)
{
    uint64_t q, rem, half;
    if (d == 0) {
        *inexact = false;
        return sig;
    }
    if (d >= 64) { /* everything is discarded; sig < 2^63 <= 2^(d-1) lies below the half */
        q = 0;
        rem = sig;
        half = UINT64_C(1) << 63;
    } else {
        q = sig >> d;
        rem = sig & ((UINT64_C(1) << d) - 1);
        half = UINT64_C(1) << (d - 1);
    }
    *inexact = rem != 0;
    bool up = false;
    switch (r) {
    case NX_RNE:
        up = rem > half || (rem == half && (q & 1));
        break;
    case NX_RNEARMAXMAG:
        up = rem >= half;
        break;
    case NX_RMINMAG:
        up = false;
        break;
    case NX_RMIN:
        up = sign && rem != 0;
        break;
    case NX_RMAX:
        up = !sign && rem != 0;
        break;
    }
    return q + up;
}

/* The overflow result: infinity when the mode rounds away from zero in the direction of the
 * value, else the largest finite magnitude. Formats without infinity give their NaN instead
 * (the documented E4M3 rule), never raising invalid for it. */
NXC_INLINE uint64_t nxc_overflow(nx_fmt fmt, const nxc_layout *l, bool sign, nx_round r,
                                 nx_flags *flags)
{
    const nx_fmt_info *f = nxc_fmt(fmt);
    *flags |= NX_FLAG_OVERFLOW | NX_FLAG_INEXACT;
    bool to_inf =
        r == NX_RNE || r == NX_RNEARMAXMAG || (r == NX_RMIN && sign) || (r == NX_RMAX && !sign);
    if (to_inf) {
        if (!f->has_inf)
            return f->canonical_nan;
        return nxc_pack_zero(fmt, sign) | (l->exp_ones << f->man_bits);
    }
    uint64_t biased = (uint64_t)(l->emax + f->bias);
    return nxc_pack_zero(fmt, sign) | (biased << f->man_bits) |
           (l->max_sig & ((UINT64_C(1) << f->man_bits) - 1));
}

NXC_INLINE uint64_t nxc_round_pack(nx_fmt fmt, bool sign, int32_t exp, uint64_t sig, nx_mode mode,
                                   nx_flags *flags)
{
    const nx_fmt_info *f = nxc_fmt(fmt);
    const nxc_layout l = nxc_layout_of(f);
    /* normalize: leading 1 at bit 62 (bit 63 stays free for the rounding carry) */
    const unsigned lz = nxi_clz64(sig);
    sig <<= lz - 1;
    exp -= (int32_t)lz - 1;
    const int32_t e = exp + 62; /* unbiased exponent of the exact (jammed) value */

    /* rounding at full precision with an unbounded exponent range */
    bool inexact;
    uint64_t m = nxc_shift_round(sig, 63 - l.p, sign, mode.round, &inexact);
    int32_t e1 = e;
    if (m >> l.p) {
        m >>= 1;
        e1++;
    }
    if (e >= l.emin) {
        if (e1 > l.emax || (e1 == l.emax && m > l.max_sig))
            return nxc_overflow(fmt, &l, sign, mode.round, flags);
        if (inexact)
            *flags |= NX_FLAG_INEXACT;
        return nxc_pack_zero(fmt, sign) | ((uint64_t)(e1 + f->bias) << f->man_bits) |
               (m & ((UINT64_C(1) << f->man_bits) - 1));
    }
    /* below the normal range */
    const bool tiny = mode.tininess_before || e1 < l.emin;
    if (mode.ftz && tiny) {
        *flags |= NX_FLAG_UNDERFLOW | NX_FLAG_INEXACT;
        return nxc_pack_zero(fmt, sign);
    }
    /* subnormal rounding: the value's bits below 2^(emin - man_bits) are discarded; a carry into
     * the hidden-bit position packs as the smallest normal number */
    const uint32_t d = (uint32_t)(63 - (int32_t)l.p) + (uint32_t)(l.emin - e);
    m = nxc_shift_round(sig, d, sign, mode.round, &inexact);
    if (inexact) {
        *flags |= NX_FLAG_INEXACT;
        if (tiny)
            *flags |= NX_FLAG_UNDERFLOW;
    }
    return nxc_pack_zero(fmt, sign) | m;
}

NXC_INLINE uint64_t nxc_round_num(nx_fmt fmt, nxi_num x, nx_mode mode, nx_flags *flags)
{
    if (x.cls == NXI_ZERO)
        return nxc_pack_zero(fmt, x.sign);
    return nxc_round_pack(fmt, x.sign, x.exp, x.sig, mode, flags);
}

NXC_INLINE nxi_num nxc_product(nxi_num a, nxi_num b)
{
    nxi_num p = {NXI_ZERO, a.sign != b.sign, 0, 0};
    if (a.cls == NXI_ZERO || b.cls == NXI_ZERO)
        return p;
    p.cls = NXI_FINITE;
    p.sig = a.sig * b.sig;
    p.exp = a.exp + b.exp;
    return p;
}

NXC_INLINE uint64_t nxc_mul(nx_fmt in, nx_fmt out, uint64_t a, uint64_t b, nx_mode mode,
                            nx_flags *flags)
{
    const nxi_num x = nxc_unpack(in, a, mode);
    const nxi_num y = nxc_unpack(in, b, mode);
    if (nxi_is_nan(x) || nxi_is_nan(y)) {
        if (x.cls == NXI_SNAN || y.cls == NXI_SNAN)
            *flags |= NX_FLAG_INVALID;
        return nxc_pack_nan(out);
    }
    if (x.cls == NXI_INF || y.cls == NXI_INF) {
        if (x.cls == NXI_ZERO || y.cls == NXI_ZERO) { /* inf * 0 */
            *flags |= NX_FLAG_INVALID;
            return nxc_pack_nan(out);
        }
        return nxc_pack_inf(out, x.sign != y.sign, flags);
    }
    return nxc_round_num(out, nxc_product(x, y), mode, flags);
}

NXC_INLINE uint64_t nxc_sum(nx_fmt fmt, nxi_num x, nxi_num y, nx_mode mode, nx_flags *flags)
{
    if (x.cls == NXI_ZERO && y.cls == NXI_ZERO) {
        const bool sign = x.sign == y.sign ? x.sign : mode.round == NX_RMIN;
        return nxc_pack_zero(fmt, sign);
    }
    if (y.cls == NXI_ZERO)
        return nxc_round_num(fmt, x, mode, flags);
    if (x.cls == NXI_ZERO)
        return nxc_round_num(fmt, y, mode, flags);
    /* both nonzero: leading 1 of each at bit 61, so a sum stays below 2^63 */
    unsigned lz = nxi_clz64(x.sig);
    x.sig <<= lz - 2;
    x.exp -= (int32_t)lz - 2;
    lz = nxi_clz64(y.sig);
    y.sig <<= lz - 2;
    y.exp -= (int32_t)lz - 2;
    if (y.exp > x.exp || (y.exp == x.exp && y.sig > x.sig)) { /* x: the larger magnitude */
        const nxi_num t = x;
        x = y;
        y = t;
    }
    /* Inputs carry at most 48 significant bits, so a shift by 0 or 1 is exact; a larger shift
     * leaves a difference of at least 2^60, whose rounding position lies far above the jam bit. */
    y.sig = nxi_shift_jam(y.sig, (uint32_t)(x.exp - y.exp));
    uint64_t sig;
    if (x.sign == y.sign) {
        sig = x.sig + y.sig;
    } else {
        sig = x.sig - y.sig;
        if (sig == 0) /* exact cancellation */
            return nxc_pack_zero(fmt, mode.round == NX_RMIN);
    }
    return nxc_round_pack(fmt, x.sign, x.exp, sig, mode, flags);
}

NXC_INLINE uint64_t nxc_add(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags)
{
    const nxi_num x = nxc_unpack(fmt, a, mode);
    const nxi_num y = nxc_unpack(fmt, b, mode);
    if (nxi_is_nan(x) || nxi_is_nan(y)) {
        if (x.cls == NXI_SNAN || y.cls == NXI_SNAN)
            *flags |= NX_FLAG_INVALID;
        return nxc_pack_nan(fmt);
    }
    if (x.cls == NXI_INF || y.cls == NXI_INF) {
        if (x.cls == NXI_INF && y.cls == NXI_INF && x.sign != y.sign) { /* inf - inf */
            *flags |= NX_FLAG_INVALID;
            return nxc_pack_nan(fmt);
        }
        return nxc_pack_inf(fmt, x.cls == NXI_INF ? x.sign : y.sign, flags);
    }
    return nxc_sum(fmt, x, y, mode, flags);
}

NXC_INLINE uint64_t nxc_fma(nx_fmt in, nx_fmt acc, uint64_t a, uint64_t b, uint64_t c, nx_mode mode,
                            nx_flags *flags)
{
    const nxi_num x = nxc_unpack(in, a, mode);
    const nxi_num y = nxc_unpack(in, b, mode);
    const nxi_num z = nxc_unpack(acc, c, mode);
    const bool any_snan = x.cls == NXI_SNAN || y.cls == NXI_SNAN || z.cls == NXI_SNAN;
    if (nxi_is_nan(x) || nxi_is_nan(y)) {
        if (any_snan)
            *flags |= NX_FLAG_INVALID;
        return nxc_pack_nan(acc);
    }
    if (x.cls == NXI_INF || y.cls == NXI_INF) {
        const bool sign = x.sign != y.sign;
        if (x.cls == NXI_ZERO || y.cls == NXI_ZERO || any_snan ||
            (z.cls == NXI_INF && z.sign != sign)) {
            *flags |= NX_FLAG_INVALID;
            return nxc_pack_nan(acc);
        }
        if (z.cls == NXI_QNAN)
            return nxc_pack_nan(acc);
        return nxc_pack_inf(acc, sign, flags);
    }
    if (nxi_is_nan(z)) {
        if (any_snan)
            *flags |= NX_FLAG_INVALID;
        return nxc_pack_nan(acc);
    }
    if (z.cls == NXI_INF)
        return nxc_pack_inf(acc, z.sign, flags);
    return nxc_sum(acc, nxc_product(x, y), z, mode, flags);
}

/* ---- Fast paths: every operand a normal number, the common mode (NXC_MODE_FAST) ----
 * Each takes the operands' fields straight from the bits (no classification), computes the
 * same exact value the general path builds (significands with their leading 1 at bit 61, the
 * same alignment with a jam bit, the same round-and-pack) and hands anything else (zeros,
 * subnormals, infinities, NaNs, E4M3's all-ones binade) to the general path instantiated for
 * the same formats. */

/* Fields of a normal number: value = (-1)^sign * sig * 2^exp; false when bits is not normal. */
NXC_INLINE bool nxc_normal(nx_fmt fmt, uint64_t bits, int32_t *exp, uint64_t *sig, bool *sign)
{
    const nx_fmt_info *f = nxc_fmt(fmt);
    const uint64_t ones = (UINT64_C(1) << f->exp_bits) - 1;
    const uint64_t ef = (bits >> f->man_bits) & ones;
    *sign = (bits >> (f->width_bits - 1)) & 1;
    *sig = (bits & ((UINT64_C(1) << f->man_bits) - 1)) | (UINT64_C(1) << f->man_bits);
    *exp = (int32_t)ef - f->bias - (int32_t)f->man_bits;
    return ef - 1 < ones - 1;
}

/* sign * sig * 2^exp (sig nonzero, below 2^63) rounded into fmt in near_even: nxc_round_pack
 * when the rounded result is a normal number below the largest binade, where rounding is one
 * shift, the ties-to-even increment and a pack whose carry out of the significand steps the
 * exponent (SoftFloat's trick); every other case (tiny, overflow, the top binade, E4M3) is
 * nxc_round_pack itself. */
NXC_INLINE uint64_t nxc_round_fast(nx_fmt fmt, bool sign, int32_t exp, uint64_t sig,
                                   nx_flags *flags)
{
    const nx_fmt_info *f = nxc_fmt(fmt);
    const unsigned p = f->man_bits + 1, shift = 63 - p;
    const int32_t ones = (int32_t)((UINT64_C(1) << f->exp_bits) - 1);
    const unsigned lz = nxi_clz64(sig);
    const uint64_t n = sig << (lz - 1);                        /* leading 1 at bit 62 */
    const int32_t be = exp + 62 - ((int32_t)lz - 1) + f->bias; /* biased exponent */
    if (!f->has_inf || be < 1 || be > ones - 2)
        return nxc_round_pack(fmt, sign, exp, sig, NXC_MODE_FAST, flags);
    const uint64_t rem = n & ((UINT64_C(1) << shift) - 1), half = UINT64_C(1) << (shift - 1);
    uint64_t q = n >> shift; /* p bits, hidden bit included */
    q += (rem > half) | ((rem == half) & q);
    if (rem)
        *flags |= NX_FLAG_INEXACT;
    return ((uint64_t)sign << (f->width_bits - 1)) + ((uint64_t)(be - 1) << f->man_bits) + q;
}

/* x + y (nonzero, leading 1 at bit 61 each) rounded into fmt: nxc_sum's finite case. */
NXC_INLINE uint64_t nxc_sum_fast(nx_fmt fmt, bool xs, int32_t xe, uint64_t x, bool ys, int32_t ye,
                                 uint64_t y, nx_flags *flags)
{
    if (ye > xe || (ye == xe && y > x)) {
        const bool ts = xs;
        const int32_t te = xe;
        const uint64_t t = x;
        xs = ys, xe = ye, x = y;
        ys = ts, ye = te, y = t;
    }
    y = nxi_shift_jam(y, (uint32_t)(xe - ye));
    uint64_t sig;
    if (xs == ys) {
        sig = x + y;
    } else {
        sig = x - y;
        if (sig == 0) /* exact cancellation: +0 in near_even */
            return nxc_pack_zero(fmt, false);
    }
    return nxc_round_fast(fmt, xs, xe, sig, flags);
}

NXC_INLINE uint64_t nxc_add_fast(nx_fmt fmt, uint64_t a, uint64_t b, nx_flags *flags)
{
    int32_t ea, eb;
    uint64_t sa, sb;
    bool na, nb;
    if (!nxc_normal(fmt, a, &ea, &sa, &na) | !nxc_normal(fmt, b, &eb, &sb, &nb))
        return nxc_add(fmt, a, b, NXC_MODE_FAST, flags);
    const int up = 61 - (int)nxc_fmt(fmt)->man_bits;
    return nxc_sum_fast(fmt, na, ea - up, sa << up, nb, eb - up, sb << up, flags);
}

NXC_INLINE uint64_t nxc_mul_fast(nx_fmt in, nx_fmt out, uint64_t a, uint64_t b, nx_flags *flags)
{
    int32_t ea, eb;
    uint64_t sa, sb;
    bool na, nb;
    if (!nxc_normal(in, a, &ea, &sa, &na) | !nxc_normal(in, b, &eb, &sb, &nb))
        return nxc_mul(in, out, a, b, NXC_MODE_FAST, flags);
    return nxc_round_fast(out, na != nb, ea + eb, sa * sb, flags);
}

NXC_INLINE uint64_t nxc_fma_fast(nx_fmt in, nx_fmt acc, uint64_t a, uint64_t b, uint64_t c,
                                 nx_flags *flags)
{
    int32_t ea, eb, ec;
    uint64_t sa, sb, sc;
    bool na, nb, nc;
    if (!nxc_normal(in, a, &ea, &sa, &na) | !nxc_normal(in, b, &eb, &sb, &nb) |
        !nxc_normal(acc, c, &ec, &sc, &nc))
        return nxc_fma(in, acc, a, b, c, NXC_MODE_FAST, flags);
    const uint64_t p = sa * sb;
    const int lz = (int)nxi_clz64(p) - 2, up = 61 - (int)nxc_fmt(acc)->man_bits;
    return nxc_sum_fast(acc, na != nb, ea + eb - lz, p << lz, nc, ec - up, sc << up, flags);
}

#endif
