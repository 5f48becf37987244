/* nx_mul: floating multiply, also the first half of the unfused MAC (product rounded into the
 * accumulator format). */
#include "numerics/nx_internal.h"

nxi_num nxi_product(nxi_num a, nxi_num b)
{
    nxi_num p = {NXI_ZERO, a.sign != b.sign, 0, 0};
    if (a.cls == NXI_ZERO || b.cls == NXI_ZERO)
        return p;
    p.cls = NXI_FINITE;
    p.sig = a.sig * b.sig;
    p.exp = a.exp + b.exp;
    return p;
}

uint64_t nxi_mul(nx_fmt in, nx_fmt out, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags)
{
    const nxi_num x = nxi_unpack(in, a, mode);
    const nxi_num y = nxi_unpack(in, b, mode);
    if (nxi_is_nan(x) || nxi_is_nan(y)) {
        if (x.cls == NXI_SNAN || y.cls == NXI_SNAN)
            *flags |= NX_FLAG_INVALID;
        return nxi_pack_nan(out);
    }
    if (x.cls == NXI_INF || y.cls == NXI_INF) {
        if (x.cls == NXI_ZERO || y.cls == NXI_ZERO) { /* inf * 0 */
            *flags |= NX_FLAG_INVALID;
            return nxi_pack_nan(out);
        }
        return nxi_pack_inf(out, x.sign != y.sign, flags);
    }
    return nxi_round_num(out, nxi_product(x, y), mode, flags);
}

uint64_t nx_mul(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags)
{
    return nxi_mul(fmt, fmt, a, b, mode, flags);
}
