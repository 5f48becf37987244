/* nx: the bit-exact numerics reference model of flopwatt's MAC datapath (DESIGN.md contract 1).
 *
 * Values travel as bit patterns in uint64_t (low bits used; upper bits must be zero on input and
 * are zero on output). Rounding mode, subnormal handling and tininess detection are arguments
 * (nx_mode); exception flags are returned through an out-parameter that the caller owns and
 * that each operation ORs into (so flags accumulate over a sequence, like TestFloat's).
 * No globals, no allocation: every function is safe to call from several threads at once.
 * models/numerics depends on libc only.
 */
#ifndef NX_H
#define NX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Number formats. One table (nx_fmt_info, nx_table.h) defines them all; the RTL parameters
 * and any other header derive from it (tools/ generates rtl/fw_formats.vh from it). */
typedef enum nx_fmt {
    NX_FP32 = 0, /* IEEE binary32: 1/8/23 */
    NX_FP16,     /* IEEE binary16: 1/5/10 */
    NX_BF16,     /* bfloat16: 1/8/7, IEEE-like specials */
    NX_FP8E5M2,  /* OCP fp8 E5M2: 1/5/2, IEEE-like (infinities, NaNs) */
    NX_FP8E4M3,  /* OCP fp8 E4M3: 1/4/3, no infinities, NaN only S.1111.111, max 448 */
    NX_INT8,     /* two's complement */
    NX_INT16,
    NX_INT32, /* accumulator */
    NX_INT48, /* wide accumulator */
    NX_FMT_COUNT
} nx_fmt;

typedef struct nx_fmt_info {
    const char *name;    /* config / CLI name: "fp32", "fp16", "bf16", "fp8e5m2", "int8", ... */
    const char *tf_name; /* TestFloat-style function prefix: "f32", "f16", "bf16", "f8e5m2", ... */
    unsigned width_bits; /* storage width */
    bool is_float;
    unsigned exp_bits;      /* 0 for integers */
    unsigned man_bits;      /* stored fraction bits (0 for integers) */
    int bias;               /* exponent bias (0 for integers) */
    bool has_inf;           /* false for E4M3 */
    bool ieee_nan;          /* true: all-ones exponent with nonzero fraction is NaN (IEEE-like);
                               false: only the all-ones exponent and fraction is NaN (E4M3) */
    uint64_t canonical_nan; /* the canonical quiet NaN result (sign 0) */
} nx_fmt_info;

/* The table entry of a format; fmt must be < NX_FMT_COUNT. */
const nx_fmt_info *nx_fmt_get(nx_fmt fmt);
/* Looks a format up by config name ("fp16", "bf16", "int8", ...) or TestFloat prefix ("f16").
 * Returns 0 and sets *out, or -1 if unknown. */
int nx_fmt_from_name(const char *name, nx_fmt *out);

/* Rounding modes, with TestFloat's option names. */
typedef enum nx_round {
    NX_RNE = 0,     /* near_even (default) */
    NX_RMINMAG,     /* minMag: toward zero */
    NX_RMIN,        /* min: toward -inf */
    NX_RMAX,        /* max: toward +inf */
    NX_RNEARMAXMAG, /* near_maxMag: to nearest, ties away from zero */
} nx_round;

typedef struct nx_mode {
    nx_round round;
    bool ftz;             /* subnormal inputs read as signed zero (no flag); tiny results
                             flush to signed zero with underflow|inexact (README.md) */
    bool tininess_before; /* detect tininess before rounding (default: after) */
} nx_mode;

/* Exception flags, with Berkeley TestFloat's bit values. */
enum {
    NX_FLAG_INEXACT = 1,
    NX_FLAG_UNDERFLOW = 2,
    NX_FLAG_OVERFLOW = 4,
    NX_FLAG_INFINITE = 8, /* divide by zero; never raised by the MAC operations */
    NX_FLAG_INVALID = 16,
};
typedef uint8_t nx_flags;

/* Floating-point operations on one format (fmt must be a floating format). Each returns the
 * result bits and ORs the raised exception flags into *flags. NaN results are the format's
 * canonical quiet NaN. */
uint64_t nx_mul(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags);
uint64_t nx_add(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags);
uint64_t nx_sub(nx_fmt fmt, uint64_t a, uint64_t b, nx_mode mode, nx_flags *flags);
/* a*b + c with one rounding (IEEE fusedMultiplyAdd). */
uint64_t nx_fma(nx_fmt fmt, uint64_t a, uint64_t b, uint64_t c, nx_mode mode, nx_flags *flags);
/* Conversion between floating formats (rounded per mode; NaN -> canonical NaN of `to`). */
uint64_t nx_convert(nx_fmt from, nx_fmt to, uint64_t a, nx_mode mode, nx_flags *flags);

/* Floating -> integer (requantization): a (format `from`, floating) rounded per mode to an integer
 * of format `to` (NX_INT8..NX_INT48). NaN gives the maximum, infinities and out-of-range values
 * the nearest bound, all raising invalid (SoftFloat's f32_to_i32 rule); inexact is raised for a
 * rounded value only when `exact` (TestFloat's -exact). Integer -> floating: the value of a
 * (integer format `from`) rounded per mode into floating format `to`. */
uint64_t nx_to_int(nx_fmt from, nx_fmt to, uint64_t a, nx_mode mode, bool exact, nx_flags *flags);
uint64_t nx_from_int(nx_fmt from, nx_fmt to, uint64_t a, nx_mode mode, nx_flags *flags);

/* Mixed-precision MAC: acc + a*b where a, b are in format `in` and acc in format `acc_fmt`
 * (any two floating formats; usually acc_fmt is the wider). fused: the exact product is
 * added with one rounding to acc_fmt; unfused: the product is first rounded to acc_fmt, then
 * added (two roundings). This is the PE's operation; `in` == acc_fmt gives the plain forms. */
uint64_t nx_mac_fp(nx_fmt in, nx_fmt acc_fmt, bool fused, uint64_t acc, uint64_t a, uint64_t b,
                   nx_mode mode, nx_flags *flags);

/* Integer MAC overflow policy. */
typedef enum nx_overflow { NX_WRAP = 0, NX_SATURATE } nx_overflow;

/* Integer MAC: acc + a*b. a, b: two's-complement bit patterns of format `in` (NX_INT8 or
 * NX_INT16); acc: bit pattern of acc_fmt (NX_INT32 or NX_INT48). On overflow of the accumulator
 * the result wraps modulo 2^width or saturates to the nearest bound, and NX_FLAG_OVERFLOW is
 * raised in both cases. */
uint64_t nx_mac_int(nx_fmt in, nx_fmt acc_fmt, nx_overflow ovf, uint64_t acc, uint64_t a,
                    uint64_t b, nx_flags *flags);

/* Sign-extends a bit pattern of an integer format to int64_t, and back (truncating). */
int64_t nx_int_value(nx_fmt fmt, uint64_t bits);
uint64_t nx_int_bits(nx_fmt fmt, int64_t value);

/* The precision of a MAC datapath: what a PE computes. */
typedef struct nx_mac_cfg {
    nx_fmt input;         /* operand format */
    nx_fmt accumulator;   /* accumulator format */
    bool fused;           /* floating only: one rounding per MAC */
    nx_mode mode;         /* floating only */
    nx_overflow overflow; /* integer only */
} nx_mac_cfg;

/* One MAC step with a datapath config: dispatches to nx_mac_fp or nx_mac_int. */
uint64_t nx_mac(const nx_mac_cfg *cfg, uint64_t acc, uint64_t a, uint64_t b, nx_flags *flags);

/* One MAC step on n independent lanes: out[i] = nx_mac(cfg, acc[i], a[i], b[i]) bit for bit,
 * without flags (the pe engine reports none). The operands are held in 32-bit lanes: every input
 * format is at most 32 bits wide (fp32; cfg rejects the wider accumulator-only formats as
 * inputs). out may be acc (lane i reads acc[i] before it writes out[i]); otherwise the arrays
 * must not overlap. */
typedef void (*nx_mac_vec_fn)(const nx_mac_cfg *cfg, size_t n, const uint64_t *acc,
                              const uint32_t *a, const uint32_t *b, uint64_t *out);
/* The fastest kernel that gives nx_mac's bits for cfg, chosen once per datapath: native integer
 * arithmetic for integer MACs, the host's binary32 FMA for floating MACs into fp32 in
 * near_even without flush-to-zero (nx_vec.c has the proof), nx_mac lane by lane otherwise.
 * Never fails; the kernel is valid for cfg only. */
nx_mac_vec_fn nx_mac_vec_select(const nx_mac_cfg *cfg);

/* Bit patterns of small values, for initialising accumulators and tests: zero of a format
 * (positive), and conversions of a double that is exactly representable (for tests and
 * workload data generation; rounds per mode otherwise). */
uint64_t nx_zero(nx_fmt fmt);
uint64_t nx_from_double(nx_fmt fmt, double value, nx_mode mode, nx_flags *flags);
/* Exact value of a floating bit pattern as a double (every supported format fits). */
double nx_to_double(nx_fmt fmt, uint64_t bits);

#endif
