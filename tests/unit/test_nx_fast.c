/* The per-format fast paths (nx_core.h instantiated per format and for the common mode: near_even,
 * no flush-to-zero, tininess after rounding) against the general path (format and mode as
 * variables: nxi_mul, nxi_add, nxi_fma), result bits and flags, on random operands of every
 * class (zeros, subnormals, infinities, NaNs over-represented) and on operands around 1:
 * 10^6 per operation and format in `make test`, 10^8 with FLOPWATT_LONG=1. The MPFR oracle
 * (test_nx_ops.c, test_nx_mac.c) checks both against exact arithmetic; this checks that the
 * specialisation changed nothing. */
#include "nx_oracle.h"
#include "numerics/nx_internal.h"
#include "numerics/nx_table.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* Random bits of a floating format; one draw in four a special class, one in four around 1. */
static uint64_t fast_operand(nx_fmt fmt, uint64_t *s)
{
    const nx_fmt_info *f = nx_fmt_get(fmt);
    const uint64_t r = or_next_u64(s), mask = (UINT64_C(1) << f->width_bits) - 1;
    const uint64_t sign = (r >> 2 & 1) << (f->width_bits - 1);
    const uint64_t man_mask = (UINT64_C(1) << f->man_bits) - 1;
    const uint64_t exp_ones = ((UINT64_C(1) << f->exp_bits) - 1) << f->man_bits;
    const uint64_t frac = (r >> 8) & man_mask;
    switch (r & 7) {
    case 0:
        return sign | (frac ? frac : 1); /* subnormal */
    case 1:
        return sign | (r >> 20 & 1 ? exp_ones : 0) | (r >> 21 & 1 ? frac : 0); /* inf/NaN/0 */
    case 2:
    case 3: /* exponent within 3 of 1: long carries, cancellation */
        return sign | (uint64_t)(f->bias - 3 + (int)(r >> 24) % 7) << f->man_bits | frac;
    default:
        return or_next_u64(s) & mask;
    }
}

static const nx_fmt fast_floats[] = {NX_FP32, NX_FP16, NX_BF16, NX_FP8E5M2, NX_FP8E4M3};
#define FAST_N (sizeof fast_floats / sizeof *fast_floats)

Test(nx_fast, float_list_is_the_tables)
{
    nx_fmt listed[NX_FMT_COUNT];
    size_t n = 0;
#define FAST_LIST(F) listed[n++] = F;
    NX_FLOAT_FORMATS(FAST_LIST)
    size_t floats = 0;
    for (int f = 0; f < NX_FMT_COUNT; f++)
        floats += nx_fmt_get((nx_fmt)f)->is_float;
    cr_assert_eq(n, floats);
    for (size_t i = 0; i < n; i++)
        cr_assert(nx_fmt_get(listed[i])->is_float);
}

static void fast_check(uint64_t got, nx_flags gf, uint64_t want, nx_flags wf, const char *what,
                       nx_fmt f, uint64_t a, uint64_t b, uint64_t c, uint64_t *bad)
{
    if ((got != want || gf != wf) && (*bad)++ < 3)
        cr_log_error("%s %s: %llx %llx %llx: fast %llx/%02x, general %llx/%02x", what,
                     nx_fmt_get(f)->name, (unsigned long long)a, (unsigned long long)b,
                     (unsigned long long)c, (unsigned long long)got, gf, (unsigned long long)want,
                     wf);
}

Test(nx_fast, fast_paths_equal_the_general_path, .timeout = 7200)
{
    const char *l = getenv("FLOPWATT_LONG");
    const uint64_t n = (l && !strcmp(l, "1") ? 100 : 1) * UINT64_C(1000000);
    const nx_mode m = {NX_RNE, false, false};
    uint64_t s = 42, bad = 0;
    for (size_t fi = 0; fi < FAST_N; fi++) {
        const nx_fmt f = fast_floats[fi];
        for (uint64_t i = 0; i < n; i++) {
            const uint64_t a = fast_operand(f, &s), b = fast_operand(f, &s),
                           c = fast_operand(f, &s);
            nx_flags g = 0, w = 0;
            uint64_t r = nx_mul(f, a, b, m, &g), want = nxi_mul(f, f, a, b, m, &w);
            fast_check(r, g, want, w, "mul", f, a, b, 0, &bad);
            g = w = 0;
            r = nx_add(f, a, b, m, &g);
            want = nxi_add(f, a, b, m, &w);
            fast_check(r, g, want, w, "add", f, a, b, 0, &bad);
            g = w = 0;
            r = nx_fma(f, a, b, c, m, &g);
            want = nxi_fma(f, f, a, b, c, m, &w);
            fast_check(r, g, want, w, "mulAdd", f, a, b, c, &bad);
            /* the fused MAC into every accumulator format */
            const nx_fmt acc = fast_floats[i % FAST_N];
            const uint64_t z = fast_operand(acc, &s);
            g = w = 0;
            r = nx_mac_fp(f, acc, true, z, a, b, m, &g);
            want = nxi_fma(f, acc, a, b, z, m, &w);
            fast_check(r, g, want, w, "mac", f, a, b, z, &bad);
        }
    }
    cr_assert_eq(bad, 0, "%llu mismatches", (unsigned long long)bad);
}
