/* nx_mul: floating multiply, also the first half of the unfused MAC (product rounded into the
 * accumulator format); the fast path per format in the common mode (nx_core.h). */
#include "numerics/nx_core.h"

nxi_num nxi_product(nxi_num a, nxi_num b)
{
    return nxc_product(a, b);
}

uint64_t nxi_mul(nx_fmt in, nx_fmt out, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags)
{
    return nxc_mul(in, out, a, b, mode, flags);
}

uint64_t nx_mul(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags)
{
    if (nxc_mode_is_fast(mode))
        switch (fmt) {
#define NX_MUL_FAST(F)                                                                             \
    case F:                                                                                        \
        return nxc_mul_fast(F, F, a, b, flags);
            NX_FLOAT_FORMATS(NX_MUL_FAST)
        default:
            break;
        }
    return nxi_mul(fmt, fmt, a, b, mode, flags);
}
