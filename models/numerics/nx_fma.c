/* nx_fma: fused multiply-add (one rounding), also the fused mixed-precision MAC. Special cases
 * follow Berkeley SoftFloat's mulAdd: any signaling NaN operand or inf * 0 (even when c is a
 * quiet NaN) raises invalid; inf*x + (-inf) raises invalid. */
#include "numerics/nx_core.h"

uint64_t nxi_fma(nx_fmt in, nx_fmt acc, uint64_t a, uint64_t b, uint64_t c, nx_mode mode,
                 nx_flags *flags)
{
    return nxc_fma(in, acc, a, b, c, mode, flags);
}

uint64_t nx_fma(nx_fmt fmt, uint64_t a, uint64_t b, uint64_t c, nx_mode mode, nx_flags *flags)
{
    if (nxc_mode_is_fast(mode))
        switch (fmt) {
#define NX_FMA_FAST(F)                                                                             \
    case F:                                                                                        \
        return nxc_fma_fast(F, F, a, b, c, flags);
            NX_FLOAT_FORMATS(NX_FMA_FAST)
        default:
            break;
        }
    return nxi_fma(fmt, fmt, a, b, c, mode, flags);
}
