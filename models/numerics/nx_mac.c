/* nx_mac: the PE's multiply-accumulate step, floating (fused or unfused, mixed precision) and the
 * dispatch over a datapath config. */
#include "numerics/nx_core.h"

uint64_t nx_mac_fp(nx_fmt in, nx_fmt acc_fmt, bool fused, uint64_t acc, uint64_t a, uint64_t b,
                   nx_mode mode, nx_flags *flags)
{
    if (fused) {
        /* the fast path of every (input, accumulator) pair of the table in the common mode */
        if (nxc_mode_is_fast(mode))
            switch (in * NX_FMT_COUNT + acc_fmt) {
#define NX_MAC_PAIR(I, A)                                                                          \
    case I *NX_FMT_COUNT + A:                                                                      \
        return nxc_fma_fast(I, A, a, b, acc, flags);
#define NX_MAC_ROW(I) NX_FLOAT_FORMATS_WITH(NX_MAC_PAIR, I)
                NX_FLOAT_FORMATS(NX_MAC_ROW)
            default:
                break;
            }
        return nxi_fma(in, acc_fmt, a, b, acc, mode, flags);
    }
    /* unfused: the product is rounded into the accumulator format (with its flags), then added */
    const uint64_t p = nxi_mul(in, acc_fmt, a, b, mode, flags);
    return nx_add(acc_fmt, acc, p, mode, flags);
}

uint64_t nx_mac(const nx_mac_cfg *cfg, uint64_t acc, uint64_t a, uint64_t b, nx_flags *flags)
{
    if (nx_fmt_get(cfg->input)->is_float)
        return nx_mac_fp(cfg->input, cfg->accumulator, cfg->fused, acc, a, b, cfg->mode, flags);
    return nx_mac_int(cfg->input, cfg->accumulator, cfg->overflow, acc, a, b, flags);
}
