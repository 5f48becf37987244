/* nx_fma: fused multiply-add (one rounding), also the fused mixed-precision MAC. Special cases
 * follow Berkeley SoftFloat's mulAdd: any signaling NaN operand or inf * 0 (even when c is a
 * quiet NaN) raises invalid; inf*x + (-inf) raises invalid. */
#include "numerics/nx_internal.h"

uint64_t nxi_fma(nx_fmt in, nx_fmt acc, uint64_t a, uint64_t b, uint64_t c, nx_mode mode,
                 nx_flags *flags)
{
    const nxi_num x = nxi_unpack(in, a, mode);
    const nxi_num y = nxi_unpack(in, b, mode);
    const nxi_num z = nxi_unpack(acc, c, mode);
    const bool any_snan = x.cls == NXI_SNAN || y.cls == NXI_SNAN || z.cls == NXI_SNAN;
    if (nxi_is_nan(x) || nxi_is_nan(y)) {
        if (any_snan)
            *flags |= NX_FLAG_INVALID;
        return nxi_pack_nan(acc);
    }
    if (x.cls == NXI_INF || y.cls == NXI_INF) {
        const bool sign = x.sign != y.sign;
        if (x.cls == NXI_ZERO || y.cls == NXI_ZERO || any_snan ||
            (z.cls == NXI_INF && z.sign != sign)) {
            *flags |= NX_FLAG_INVALID;
            return nxi_pack_nan(acc);
        }
        if (z.cls == NXI_QNAN)
            return nxi_pack_nan(acc);
        return nxi_pack_inf(acc, sign, flags);
    }
    if (nxi_is_nan(z)) {
        if (any_snan)
            *flags |= NX_FLAG_INVALID;
        return nxi_pack_nan(acc);
    }
    if (z.cls == NXI_INF)
        return nxi_pack_inf(acc, z.sign, flags);
    return nxi_sum(acc, nxi_product(x, y), z, mode, flags);
}

uint64_t nx_fma(nx_fmt fmt, uint64_t a, uint64_t b, uint64_t c, nx_mode mode, nx_flags *flags)
{
    return nxi_fma(fmt, fmt, a, b, c, mode, flags);
}
