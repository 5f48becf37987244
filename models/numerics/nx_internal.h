/* nx_internal: the shared workers behind every nx operation (SoftFloat style: each public
 * operation family lives in its own small file and calls these). Not a public header.
 *
 * A floating value is unpacked into an exact number: class, sign and, for finite nonzero values,
 * value = sig * 2^exp with sig an unsigned integer of at most 62 bits. Every operation first
 * computes its exact result in this form (products of two significands fit in 48 bits; sums are
 * aligned with a sticky "jam" bit, see nxi_sum) and then rounds it once with nxi_round_pack,
 * the one place that implements the five rounding modes, subnormals, flush-to-zero, tininess,
 * overflow and the flags. No floating point types are used.
 */
#ifndef NX_INTERNAL_H
#define NX_INTERNAL_H

#include "numerics/nx.h"

typedef enum nxi_cls { NXI_ZERO, NXI_FINITE, NXI_INF, NXI_QNAN, NXI_SNAN } nxi_cls;

typedef struct nxi_num {
    nxi_cls cls;
    bool sign;    /* true: negative */
    int32_t exp;  /* FINITE only: value = sig * 2^exp */
    uint64_t sig; /* FINITE only: nonzero, below 2^62 */
} nxi_num;

static inline bool nxi_is_nan(nxi_num x)
{
    return x.cls == NXI_QNAN || x.cls == NXI_SNAN;
}

/* Decodes bits of floating format fmt. mode.ftz turns subnormal inputs into zeros of the same
 * sign (no flag). */
nxi_num nxi_unpack(nx_fmt fmt, uint64_t bits, nx_mode mode);

/* Rounds sign * sig * 2^exp (sig nonzero, below 2^63; if sig is "jammed" its lowest bit stands
 * for nonzero bits lost below it, which needs sig to carry at least two bits below the rounding
 * position) to format fmt per mode and returns the bits; ORs inexact/underflow/overflow. */
uint64_t nxi_round_pack(nx_fmt fmt, bool sign, int32_t exp, uint64_t sig, nx_mode mode,
                        nx_flags *flags);

/* Signed zero; canonical NaN; infinity (for a format without infinities: canonical NaN and
 * invalid, the documented rule for an exact infinite result or input that cannot be encoded). */
uint64_t nxi_pack_zero(nx_fmt fmt, bool sign);
uint64_t nxi_pack_nan(nx_fmt fmt);
uint64_t nxi_pack_inf(nx_fmt fmt, bool sign, nx_flags *flags);

/* Rounds x (class ZERO or FINITE) into fmt. */
uint64_t nxi_round_num(nx_fmt fmt, nxi_num x, nx_mode mode, nx_flags *flags);

/* Exact sum x + y of two numbers of class ZERO or FINITE, rounded once into fmt. Exact zero
 * sums follow IEEE 754 6.3 (+0 except in mode min, where -0; x + x keeps the sign of x). */
uint64_t nxi_sum(nx_fmt fmt, nxi_num x, nxi_num y, nx_mode mode, nx_flags *flags);

/* Exact product of two numbers of class ZERO or FINITE (never overflows: sigs below 2^31
 * multiply to below 2^62). */
nxi_num nxi_product(nxi_num a, nxi_num b);

/* a*b rounded once into out (a, b in format in): the multiply of nx_mul and of the unfused MAC. */
uint64_t nxi_mul(nx_fmt in, nx_fmt out, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags);

/* a + b rounded into fmt, the general path of nx_add (format and mode as variables). */
uint64_t nxi_add(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags);

/* a*b + c with one rounding into acc (a, b in format in, c in acc): nx_fma and the fused MAC. */
uint64_t nxi_fma(nx_fmt in, nx_fmt acc, uint64_t a, uint64_t b, uint64_t c, nx_mode mode,
                 nx_flags *flags);

/* x rounded to an integer of format `to` per mode; NaN, infinities and out-of-range values give
 * the nearest bound (NaN: the maximum) and raise invalid; inexact only when `exact`. */
uint64_t nxi_to_int(nx_fmt to, nxi_num x, nx_mode mode, bool exact, nx_flags *flags);

/* sig >> d rounded to an integer per r for a value of the given sign; sig below 2^63, d may
 * exceed 63. Sets *inexact when bits were discarded. */
uint64_t nxi_shift_round(uint64_t sig, uint32_t d, bool sign, nx_round r, bool *inexact);

/* sig >> d with every discarded 1 bit ORed into bit 0 ("jamming"); d may exceed 63. */
static inline uint64_t nxi_shift_jam(uint64_t sig, uint32_t d)
{
    if (d == 0)
        return sig;
    if (d >= 64)
        return sig != 0;
    return (sig >> d) | ((sig & ((UINT64_C(1) << d) - 1)) != 0);
}

/* Number of leading zero bits of a nonzero 64-bit value. */
static inline unsigned nxi_clz64(uint64_t x)
{
    return (unsigned)__builtin_clzll(x);
}

#endif
