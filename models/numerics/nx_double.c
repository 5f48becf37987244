/* nx_double: conversions between host doubles and nx bit patterns, for tests and workload data
 * generation only (the one file of models/numerics that uses a floating type; the rounding itself
 * goes through the integer round-and-pack). */
#include "numerics/nx_internal.h"

#include <math.h>
#include <string.h>

uint64_t nx_from_double(nx_fmt fmt, double value, nx_mode mode, nx_flags *flags)
{
    uint64_t d;
    memcpy(&d, &value, sizeof d);
    /* binary64 is unpacked like any IEEE format: 1/11/52, bias 1023 */
    const bool sign = (d >> 63) != 0;
    const uint64_t e = (d >> 52) & 0x7FF, m = d & ((UINT64_C(1) << 52) - 1);
    nxi_num x = {NXI_FINITE, sign, 0, 0};
    if (e == 0x7FF)
        x.cls = m == 0 ? NXI_INF : (m >> 51) ? NXI_QNAN : NXI_SNAN;
    else if (e == 0 && m == 0)
        x.cls = NXI_ZERO;
    else if (e == 0) {
        x.sig = m;
        x.exp = 1 - 1023 - 52;
    } else {
        x.sig = m | (UINT64_C(1) << 52);
        x.exp = (int32_t)e - 1023 - 52;
    }
    if (!nx_fmt_get(fmt)->is_float)
        return nxi_to_int(fmt, x, mode, true, flags);
    switch (x.cls) {
    case NXI_SNAN:
        *flags |= NX_FLAG_INVALID;
        return nxi_pack_nan(fmt);
    case NXI_QNAN:
        return nxi_pack_nan(fmt);
    case NXI_INF:
        return nxi_pack_inf(fmt, sign, flags);
    default:
        return nxi_round_num(fmt, x, mode, flags);
    }
}

double nx_to_double(nx_fmt fmt, uint64_t bits)
{
    const nx_fmt_info *f = nx_fmt_get(fmt);
    if (!f->is_float)
        return (double)nx_int_value(fmt, bits);
    const nx_mode exact = {NX_RNE, false, false};
    const nxi_num x = nxi_unpack(fmt, bits, exact);
    switch (x.cls) {
    case NXI_ZERO:
        return x.sign ? -0.0 : 0.0;
    case NXI_INF:
        return x.sign ? -INFINITY : INFINITY;
    case NXI_QNAN:
    case NXI_SNAN:
        return NAN;
    default: {
        const double v = ldexp((double)x.sig, x.exp);
        return x.sign ? -v : v;
    }
    }
}
