/* nx_vec: the MAC step over n independent lanes, with the kernel chosen once per datapath
 * (nx_mac_vec_select): the pe engine's inner loop. Every kernel gives nx_mac's result bits
 * (flags are not produced). Besides the per-lane model (nxv_model), two kinds of kernels:
 *
 * Integer MACs: the exact sum acc + a*b of nx_mac_int, wrapped or saturated to the accumulator
 * width, in native integer arithmetic; widths come from the format table.
 *
 * Floating MACs into an fp32 accumulator in near_even without flush-to-zero, on the host's
 * binary32 unit (x86-64 FMA3, selected only when the CPU has it): the one place besides
 * nx_double.c that uses host floating point. Why the bits are nx_mac's:
 *   1. Every input format (fp32, bf16, fp16, fp8 E5M2/E4M3) converts exactly into binary32
 *      (at most 24 significant bits, exponents within binary32's range including subnormals);
 *      nxv_f32_of below is exact (a shifted field times a power of two) and maps infinities to
 *      infinities and NaNs to NaNs (E4M3 has only S.1111.111).
 *   2. Fused: fmaf(a, b, c) is a*b + c computed exactly and rounded once to binary32 in the
 *      current rounding mode, IEEE 754 fusedMultiplyAdd, which nx_mac_fp(fused) defines too.
 *      Unfused: a*b rounded to binary32, then + c rounded: nx_mac_fp(unfused) rounds the product
 *      into the accumulator format and adds there (ISO C mode compiles with -ffp-contract=off,
 *      so the product is not fused into the add).
 *   3. The host's default environment is round-to-nearest-even with gradual underflow (MXCSR
 *      FTZ and DAZ clear; nothing in flopwatt links -ffast-math), the nx mode this kernel is
 *      selected for; tininess before/after rounding changes only the underflow flag, not bits.
 *   4. Exact zero sums are +0 in near_even in both (IEEE 754 6.3); overflow gives infinity in
 *      both; inf*0 and inf-inf give a NaN in both.
 *   5. NaN results differ only in payload and sign: the host propagates operand payloads or
 *      gives its default NaN; nx gives the canonical 7FC00000. Every NaN result is replaced by
 *      the canonical one.
 * tests/unit/test_nx_vec.c compares every kernel with nx_mac lane by lane on random operands
 * (every class: zeros, subnormals, infinities, NaNs) for every format pair and mode. */
#include "numerics/nx.h"

#include <string.h>

/* The model, lane by lane: every datapath the fast kernels do not cover. */
static void nxv_model(const nx_mac_cfg *cfg, size_t n, const uint64_t *acc, const uint32_t *a,
                      const uint32_t *b, uint64_t *out)
{
    for (size_t i = 0; i < n; i++) {
        nx_flags fl = 0;
        out[i] = nx_mac(cfg, acc[i], a[i], b[i], &fl);
    }
}

/* Integer, int32 accumulator, wrap: (acc + a*b) mod 2^32 with a, b sign-extended from the input
 * width (at most 16 bits, so the product fits in 31 bits). Modular sums do not depend on how
 * the accumulator is read, so unsigned 32-bit arithmetic gives the bits. Compiled twice: for
 * the baseline ISA and for AVX2 (8 lanes per instruction), which nx_mac_vec_select picks when
 * the CPU has it; the same C, so the same bits. */
#define NXV_INT_WRAP32(NAME, ATTR)                                                                 \
    ATTR static void NAME(const nx_mac_cfg *cfg, size_t n, const uint64_t *acc, const uint32_t *a, \
                          const uint32_t *b, uint64_t *out)                                        \
    {                                                                                              \
        const unsigned sh = 32 - nx_fmt_get(cfg->input)->width_bits;                               \
        for (size_t i = 0; i < n; i++) {                                                           \
            const int32_t x = (int32_t)(a[i] << sh) >> sh;                                         \
            const int32_t y = (int32_t)(b[i] << sh) >> sh;                                         \
            out[i] = (uint32_t)((uint32_t)acc[i] + (uint32_t)(x * y));                             \
        }                                                                                          \
    }
NXV_INT_WRAP32(nxv_int_wrap32, )
NXV_INT_WRAP32(nxv_int_wrap32_avx2, __attribute__((target("avx2"))))

/* Integer, any widths, wrap or saturate: nx_mac_int's exact 64-bit sum. */
static void nxv_int(const nx_mac_cfg *cfg, size_t n, const uint64_t *acc, const uint32_t *a,
                    const uint32_t *b, uint64_t *out)
{
    const unsigned si = 64 - nx_fmt_get(cfg->input)->width_bits;
    const unsigned wa = nx_fmt_get(cfg->accumulator)->width_bits, sa = 64 - wa;
    const uint64_t mask = (UINT64_C(1) << wa) - 1;
    const int64_t max = (int64_t)((UINT64_C(1) << (wa - 1)) - 1), min = -max - 1;
    const bool sat = cfg->overflow == NX_SATURATE;
    for (size_t i = 0; i < n; i++) {
        const int64_t x = (int64_t)((uint64_t)a[i] << si) >> si;
        const int64_t y = (int64_t)((uint64_t)b[i] << si) >> si;
        int64_t s = ((int64_t)(acc[i] << sa) >> sa) + x * y;
        if (sat)
            s = s > max ? max : s < min ? min : s;
        out[i] = (uint64_t)s & mask;
    }
}

/* Exact binary32 value of a floating input (proof point 1): the exponent and fraction fields
 * placed at binary32's fraction/exponent boundary read as a binary32 number whose value is the
 * input's times 2^(bias - 127) (subnormal inputs become binary32 subnormals with the same
 * fraction), then scaled back by a power of two; infinities and NaNs are set apart. */
typedef struct nxv_conv {
    unsigned width, shift; /* storage width; 23 - fraction bits */
    float scale;           /* 2^(127 - bias) */
    uint32_t exp_ones;     /* all-ones exponent field, in place */
    uint32_t nan_mag;      /* E4M3: its one NaN magnitude; 0 for IEEE-like formats */
} nxv_conv;

static nxv_conv nxv_conv_of(nx_fmt fmt)
{
    const nx_fmt_info *f = nx_fmt_get(fmt);
    nxv_conv c;
    c.width = f->width_bits;
    c.shift = 23 - f->man_bits;
    const uint32_t scale_bits = (uint32_t)(127 + 127 - f->bias) << 23; /* 2^(127 - bias) */
    memcpy(&c.scale, &scale_bits, sizeof c.scale);
    c.exp_ones = (uint32_t)((UINT64_C(1) << f->exp_bits) - 1) << f->man_bits;
    c.nan_mag = f->ieee_nan ? 0 : (uint32_t)((UINT64_C(1) << (f->width_bits - 1)) - 1);
    return c;
}

static inline float nxv_f32_of(nxv_conv c, uint32_t u)
{
    const uint32_t sign = (u >> (c.width - 1)) << 31;
    const uint32_t mag = u & (uint32_t)((UINT64_C(1) << (c.width - 1)) - 1);
    const uint32_t fr = mag << c.shift;
    float v;
    memcpy(&v, &fr, sizeof v);
    v *= c.scale;
    uint32_t r;
    memcpy(&r, &v, sizeof r);
    /* IEEE-like: all-ones exponent -> infinity or NaN; E4M3: only its NaN magnitude */
    const int special = c.nan_mag ? mag == c.nan_mag : (mag & c.exp_ones) == c.exp_ones;
    const int is_nan = c.nan_mag ? 1 : (mag & ~c.exp_ones) != 0;
    r = special ? (is_nan ? UINT32_C(0x7FC00000) : UINT32_C(0x7F800000)) : r;
    r |= sign;
    memcpy(&v, &r, sizeof v);
    return v;
}

static inline uint64_t nxv_f32_bits(float v)
{
    uint32_t r;
    memcpy(&r, &v, sizeof r);
    /* proof point 5: any NaN -> the canonical NaN */
    return (r & 0x7FFFFFFFu) > 0x7F800000u ? UINT64_C(0x7FC00000) : r;
}

/* The fp32-accumulator kernels, compiled for FMA3 (vfmadd) and used only when the CPU has it.
 * A fixed number of lanes per block lets the compiler vectorise the conversions and the MAC. */
#define NXV_F32_KERNEL(NAME, EXPR)                                                                 \
    __attribute__((target("avx2,fma"))) static void NAME##_lanes(                                  \
        nxv_conv c, size_t n, const uint64_t *acc, const uint32_t *a, const uint32_t *b,           \
        uint64_t *out)                                                                             \
    {                                                                                              \
        for (size_t i = 0; i < n; i++) {                                                           \
            const float x = nxv_f32_of(c, a[i]), y = nxv_f32_of(c, b[i]);                          \
            const uint32_t zb = (uint32_t)acc[i];                                                  \
            float z;                                                                               \
            memcpy(&z, &zb, sizeof z);                                                             \
            out[i] = nxv_f32_bits(EXPR);                                                           \
        }                                                                                          \
    }                                                                                              \
    static void NAME(const nx_mac_cfg *cfg, size_t n, const uint64_t *acc, const uint32_t *a,      \
                     const uint32_t *b, uint64_t *out)                                             \
    {                                                                                              \
        NAME##_lanes(nxv_conv_of(cfg->input), n, acc, a, b, out);                                  \
    }

NXV_F32_KERNEL(nxv_f32_fused, __builtin_fmaf(x, y, z))
NXV_F32_KERNEL(nxv_f32_unfused, z + x * y)

nx_mac_vec_fn nx_mac_vec_select(const nx_mac_cfg *cfg)
{
    const nx_fmt_info *in = nx_fmt_get(cfg->input);
    if (!in->is_float) {
        if (cfg->accumulator == NX_INT32 && cfg->overflow == NX_WRAP && in->width_bits <= 16)
            return __builtin_cpu_supports("avx2") ? nxv_int_wrap32_avx2 : nxv_int_wrap32;
        return nxv_int;
    }
    if (cfg->accumulator == NX_FP32 && cfg->mode.round == NX_RNE && !cfg->mode.ftz &&
        in->exp_bits <= 8 && in->man_bits <= 23 && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("avx2"))
        return cfg->fused ? nxv_f32_fused : nxv_f32_unfused;
    return nxv_model;
}
