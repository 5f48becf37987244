/* nx_convert: conversions between floating formats, and between floating and integer formats
 * (requantization). */
#include "numerics/nx_internal.h"

uint64_t nx_convert(nx_fmt from, nx_fmt to, uint64_t a, nx_mode mode, nx_flags *flags)
{
    const nxi_num x = nxi_unpack(from, a, mode);
    switch (x.cls) {
    case NXI_SNAN:
        *flags |= NX_FLAG_INVALID;
        return nxi_pack_nan(to);
    case NXI_QNAN:
        return nxi_pack_nan(to);
    case NXI_INF:
        return nxi_pack_inf(to, x.sign, flags);
    default:
        return nxi_round_num(to, x, mode, flags);
    }
}

/* Saturated integer result of an invalid conversion. */
static uint64_t nxi_int_bound(nx_fmt to, bool negative)
{
    const unsigned w = nx_fmt_get(to)->width_bits;
    const int64_t max = (int64_t)((UINT64_C(1) << (w - 1)) - 1);
    return nx_int_bits(to, negative ? -max - 1 : max);
}

uint64_t nxi_to_int(nx_fmt to, nxi_num x, nx_mode mode, bool exact, nx_flags *flags)
{
    if (nxi_is_nan(x)) {
        *flags |= NX_FLAG_INVALID;
        return nxi_int_bound(to, false);
    }
    if (x.cls == NXI_INF) {
        *flags |= NX_FLAG_INVALID;
        return nxi_int_bound(to, x.sign);
    }
    if (x.cls == NXI_ZERO)
        return 0;
    const unsigned w = nx_fmt_get(to)->width_bits;
    /* a leading 1 at 2^w or above overflows (w <= 48, so the shift below cannot lose bits) */
    const int32_t top = x.exp + 63 - (int32_t)nxi_clz64(x.sig);
    if (top >= (int32_t)w) {
        *flags |= NX_FLAG_INVALID;
        return nxi_int_bound(to, x.sign);
    }
    bool inexact = false;
    uint64_t mag;
    if (x.exp >= 0)
        mag = x.sig << x.exp;
    else
        mag = nxi_shift_round(x.sig, (uint32_t)(-x.exp), x.sign, mode.round, &inexact);
    const uint64_t limit = (UINT64_C(1) << (w - 1)) - (x.sign ? 0 : 1);
    if (mag > limit) {
        *flags |= NX_FLAG_INVALID;
        return nxi_int_bound(to, x.sign);
    }
    if (inexact && exact)
        *flags |= NX_FLAG_INEXACT;
    return nx_int_bits(to, x.sign ? -(int64_t)mag : (int64_t)mag);
}

uint64_t nx_to_int(nx_fmt from, nx_fmt to, uint64_t a, nx_mode mode, bool exact, nx_flags *flags)
{
    return nxi_to_int(to, nxi_unpack(from, a, mode), mode, exact, flags);
}

uint64_t nx_from_int(nx_fmt from, nx_fmt to, uint64_t a, nx_mode mode, nx_flags *flags)
{
    const int64_t v = nx_int_value(from, a);
    if (v == 0)
        return 0;
    const bool sign = v < 0;
    const uint64_t mag = sign ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; /* below 2^47 */
    return nxi_round_pack(to, sign, 0, mag, mode, flags);
}
