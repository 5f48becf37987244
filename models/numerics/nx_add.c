/* nx_add: floating add and subtract, and the exact-sum worker shared with fma and the MACs; the
 * fast path per format in the common mode (nx_core.h). */
#include "numerics/nx_core.h"

uint64_t nxi_sum(nx_fmt fmt, nxi_num x, nxi_num y, nx_mode mode, nx_flags *flags)
{
    return nxc_sum(fmt, x, y, mode, flags);
}

uint64_t nxi_add(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags)
{
    return nxc_add(fmt, a, b, mode, flags);
}

uint64_t nx_add(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags)
{
    if (nxc_mode_is_fast(mode))
        switch (fmt) {
#define NX_ADD_FAST(F)                                                                             \
    case F:                                                                                        \
        return nxc_add_fast(F, a, b, flags);
            NX_FLOAT_FORMATS(NX_ADD_FAST)
        default:
            break;
        }
    return nxi_add(fmt, a, b, mode, flags);
}

uint64_t nx_sub(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags)
{
    /* flipping the sign bit of b is exact for every class (a NaN stays a NaN) */
    return nx_add(fmt, a, b ^ (UINT64_C(1) << (nx_fmt_get(fmt)->width_bits - 1)), mode, flags);
}
