/* nx_add: floating add and subtract, and the exact-sum worker shared with fma and the MACs. */
#include "numerics/nx_internal.h"

uint64_t nxi_sum(nx_fmt fmt, nxi_num x, nxi_num y, nx_mode mode, nx_flags *flags)
{
    if (x.cls == NXI_ZERO && y.cls == NXI_ZERO) {
        const bool sign = x.sign == y.sign ? x.sign : mode.round == NX_RMIN;
        return nxi_pack_zero(fmt, sign);
    }
    if (y.cls == NXI_ZERO)
        return nxi_round_num(fmt, x, mode, flags);
    if (x.cls == NXI_ZERO)
        return nxi_round_num(fmt, y, mode, flags);
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
            return nxi_pack_zero(fmt, mode.round == NX_RMIN);
    }
    return nxi_round_pack(fmt, x.sign, x.exp, sig, mode, flags);
}

uint64_t nx_add(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags)
{
    const nxi_num x = nxi_unpack(fmt, a, mode);
    const nxi_num y = nxi_unpack(fmt, b, mode);
    if (nxi_is_nan(x) || nxi_is_nan(y)) {
        if (x.cls == NXI_SNAN || y.cls == NXI_SNAN)
            *flags |= NX_FLAG_INVALID;
        return nxi_pack_nan(fmt);
    }
    if (x.cls == NXI_INF || y.cls == NXI_INF) {
        if (x.cls == NXI_INF && y.cls == NXI_INF && x.sign != y.sign) { /* inf - inf */
            *flags |= NX_FLAG_INVALID;
            return nxi_pack_nan(fmt);
        }
        return nxi_pack_inf(fmt, x.cls == NXI_INF ? x.sign : y.sign, flags);
    }
    return nxi_sum(fmt, x, y, mode, flags);
}

uint64_t nx_sub(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags)
{
    /* flipping the sign bit of b is exact for every class (a NaN stays a NaN) */
    return nx_add(fmt, a, b ^ (UINT64_C(1) << (nx_fmt_get(fmt)->width_bits - 1)), mode, flags);
}
