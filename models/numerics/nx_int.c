/* nx_int: two's-complement integer formats and the integer MAC with wrap or saturate. */
#include "numerics/nx_internal.h"

int64_t nx_int_value(nx_fmt fmt, uint64_t bits)
{
    const unsigned w = nx_fmt_get(fmt)->width_bits;
    const uint64_t sign_bit = UINT64_C(1) << (w - 1);
    bits &= (sign_bit << 1) - 1;
    /* (bits ^ s) - s with s the sign bit sign-extends without implementation-defined casts */
    const uint64_t ext = (bits ^ sign_bit) - sign_bit;
    return ext >> 63 ? -(int64_t)(~ext) - 1 : (int64_t)ext;
}

uint64_t nx_int_bits(nx_fmt fmt, int64_t value)
{
    const unsigned w = nx_fmt_get(fmt)->width_bits;
    return (uint64_t)value & ((UINT64_C(1) << w) - 1);
}

uint64_t nx_mac_int(nx_fmt in, nx_fmt acc_fmt, nx_overflow ovf, uint64_t acc, uint64_t a,
                    uint64_t b, nx_flags *flags)
{
    /* |a*b| <= 2^30 and |acc| <= 2^47: the exact sum fits easily in int64_t */
    const int64_t sum = nx_int_value(acc_fmt, acc) + nx_int_value(in, a) * nx_int_value(in, b);
    const unsigned w = nx_fmt_get(acc_fmt)->width_bits;
    const int64_t max = (int64_t)((UINT64_C(1) << (w - 1)) - 1);
    const int64_t min = -max - 1;
    if (sum > max || sum < min) {
        *flags |= NX_FLAG_OVERFLOW;
        if (ovf == NX_SATURATE)
            return nx_int_bits(acc_fmt, sum > max ? max : min);
    }
    return nx_int_bits(acc_fmt, sum);
}
