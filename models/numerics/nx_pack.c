/* nx_pack: decoding bit patterns into exact numbers and the one generic round-and-pack of every
 * floating result (rounding modes, subnormals, flush-to-zero, tininess, overflow, flags), with
 * the format and mode as variables; the bodies are in nx_core.h. */
#include "numerics/nx_core.h"

nxi_num nxi_unpack(nx_fmt fmt, uint64_t bits, nx_mode mode)
{
    return nxc_unpack(fmt, bits, mode);
}

uint64_t nxi_pack_zero(nx_fmt fmt, bool sign)
{
    return nxc_pack_zero(fmt, sign);
}

uint64_t nxi_pack_nan(nx_fmt fmt)
{
    return nxc_pack_nan(fmt);
}

uint64_t nxi_pack_inf(nx_fmt fmt, bool sign, nx_flags *flags)
{
    return nxc_pack_inf(fmt, sign, flags);
}

uint64_t nxi_shift_round(uint64_t sig, uint32_t d, bool sign, nx_round r, bool *inexact)
{
    return nxc_shift_round(sig, d, sign, r, inexact);
}

uint64_t nxi_round_pack(nx_fmt fmt, bool sign, int32_t exp, uint64_t sig, nx_mode mode,
                        nx_flags *flags)
{
    return nxc_round_pack(fmt, sign, exp, sig, mode, flags);
}

uint64_t nxi_round_num(nx_fmt fmt, nxi_num x, nx_mode mode, nx_flags *flags)
{
    return nxc_round_num(fmt, x, mode, flags);
}
