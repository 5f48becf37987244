/* nx_pack: decoding bit patterns into exact numbers and the one generic round-and-pack of every
 * floating result (rounding modes, subnormals, flush-to-zero, tininess, overflow, flags). */
#include "numerics/nx_internal.h"

/* Field layout of a floating format, derived from the table. */
typedef struct nxi_layout {
    unsigned p;         /* significand precision including the hidden bit */
    int32_t emin, emax; /* unbiased exponents of the smallest normal and of the largest finite */
    uint64_t max_sig;   /* largest significand (hidden bit included) at emax */
    uint64_t exp_ones;  /* all-ones exponent field */
} nxi_layout;

static nxi_layout nxi_layout_of(const nx_fmt_info *f)
{
    nxi_layout l;
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

nxi_num nxi_unpack(nx_fmt fmt, uint64_t bits, nx_mode mode)
{
    const nx_fmt_info *f = nx_fmt_get(fmt);
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

uint64_t nxi_pack_zero(nx_fmt fmt, bool sign)
{
    return (uint64_t)sign << (nx_fmt_get(fmt)->width_bits - 1);
}

uint64_t nxi_pack_nan(nx_fmt fmt)
{
    return nx_fmt_get(fmt)->canonical_nan;
}

uint64_t nxi_pack_inf(nx_fmt fmt, bool sign, nx_flags *flags)
{
    const nx_fmt_info *f = nx_fmt_get(fmt);
    if (!f->has_inf) {
        *flags |= NX_FLAG_INVALID;
        return f->canonical_nan;
    }
    return nxi_pack_zero(fmt, sign) | (((UINT64_C(1) << f->exp_bits) - 1) << f->man_bits);
}

uint64_t nxi_shift_round(uint64_t sig, uint32_t d, bool sign, nx_round r, bool *inexact)
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
static uint64_t nxi_overflow(nx_fmt fmt, const nxi_layout *l, bool sign, nx_round r,
                             nx_flags *flags)
{
    const nx_fmt_info *f = nx_fmt_get(fmt);
    *flags |= NX_FLAG_OVERFLOW | NX_FLAG_INEXACT;
    bool to_inf =
        r == NX_RNE || r == NX_RNEARMAXMAG || (r == NX_RMIN && sign) || (r == NX_RMAX && !sign);
    if (to_inf) {
        if (!f->has_inf)
            return f->canonical_nan;
        return nxi_pack_zero(fmt, sign) | (l->exp_ones << f->man_bits);
    }
    uint64_t biased = (uint64_t)(l->emax + f->bias);
    return nxi_pack_zero(fmt, sign) | (biased << f->man_bits) |
           (l->max_sig & ((UINT64_C(1) << f->man_bits) - 1));
}

uint64_t nxi_round_pack(nx_fmt fmt, bool sign, int32_t exp, uint64_t sig, nx_mode mode,
                        nx_flags *flags)
{
    const nx_fmt_info *f = nx_fmt_get(fmt);
    const nxi_layout l = nxi_layout_of(f);
    /* normalize: leading 1 at bit 62 (bit 63 stays free for the rounding carry) */
    const unsigned lz = nxi_clz64(sig);
    sig <<= lz - 1;
    exp -= (int32_t)lz - 1;
    const int32_t e = exp + 62; /* unbiased exponent of the exact (jammed) value */

    /* rounding at full precision with an unbounded exponent range */
    bool inexact;
    uint64_t m = nxi_shift_round(sig, 63 - l.p, sign, mode.round, &inexact);
    int32_t e1 = e;
    if (m >> l.p) {
        m >>= 1;
        e1++;
    }
    if (e >= l.emin) {
        if (e1 > l.emax || (e1 == l.emax && m > l.max_sig))
            return nxi_overflow(fmt, &l, sign, mode.round, flags);
        if (inexact)
            *flags |= NX_FLAG_INEXACT;
        return nxi_pack_zero(fmt, sign) | ((uint64_t)(e1 + f->bias) << f->man_bits) |
               (m & ((UINT64_C(1) << f->man_bits) - 1));
    }
    /* below the normal range */
    const bool tiny = mode.tininess_before || e1 < l.emin;
    if (mode.ftz && tiny) {
        *flags |= NX_FLAG_UNDERFLOW | NX_FLAG_INEXACT;
        return nxi_pack_zero(fmt, sign);
    }
    /* subnormal rounding: the value's bits below 2^(emin - man_bits) are discarded; a carry into
     * the hidden-bit position packs as the smallest normal number */
    const uint32_t d = (uint32_t)(63 - (int32_t)l.p) + (uint32_t)(l.emin - e);
    m = nxi_shift_round(sig, d, sign, mode.round, &inexact);
    if (inexact) {
        *flags |= NX_FLAG_INEXACT;
        if (tiny)
            *flags |= NX_FLAG_UNDERFLOW;
    }
    return nxi_pack_zero(fmt, sign) | m;
}

uint64_t nxi_round_num(nx_fmt fmt, nxi_num x, nx_mode mode, nx_flags *flags)
{
    if (x.cls == NXI_ZERO)
        return nxi_pack_zero(fmt, x.sign);
    return nxi_round_pack(fmt, x.sign, x.exp, x.sig, mode, flags);
}
