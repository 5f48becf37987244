/* Tests of nx_mul, nx_add, nx_sub and nx_fma for every floating format against the MPFR oracle
 * (tests/unit/nx_oracle.h): structured corner cases crossed with each other and random cases
 * (uniform bit patterns and values steered to underflow, overflow, cancellation and ties), each
 * under all 20 mode combinations (5 rounding modes x ieee/ftz x tininess after/before). Results
 * and flags must match exactly. Also checks nx's format table against the published parameters. */
#include "nx_oracle.h"

#include <criterion/criterion.h>

enum { OP_MUL, OP_ADD, OP_SUB, OP_FMA };
static const char *const op_names[] = {"mul", "add", "sub", "mulAdd"};

/* Random operands for op in format f (see or_rand_near); kind cycles through steering rules. */
static void gen_ops(or_rng *g, nx_fmt f, int op, uint64_t *v)
{
    const or_fmt *F = &or_fmts[f];
    const long bias = 1 - F->emin, top = F->emax + bias, p = (long)F->p;
    const uint64_t kind = or_next(g) % 4;
    if (kind == 0) {
        for (int i = 0; i < 3; i++)
            v[i] = or_rand_bits(g, f);
        return;
    }
    v[0] = or_rand_near(g, f, (long)(or_next(g) % (uint64_t)(top + 1)), 0);
    const long ea = or_field(f, v[0]);
    if (op == OP_MUL || op == OP_FMA) {
        /* product exponent near the subnormal range, near overflow, or near 1 */
        const long target = kind == 1 ? 1 - p / 2 : kind == 2 ? top : bias;
        v[1] = or_rand_near(g, f, target + bias - ea, 2);
        v[2] = or_rand_near(g, f, ea + or_field(f, v[1]) - bias, p + 2);
    } else {
        /* second operand near the first: cancellation, ties, carries */
        v[1] = or_rand_near(g, f, ea, kind == 3 ? 1 : p + 2);
        v[2] = 0;
    }
}

static void run_one(nx_fmt f, int op, const uint64_t *v, or_stats *st, or_stats *emu)
{
    for (unsigned mi = 0; mi < OR_N_MODES; mi++) {
        const nx_mode m = or_mode(mi);
        nx_flags got_fl = 0;
        unsigned want_fl = 0;
        uint64_t got, want;
        switch (op) {
        case OP_MUL:
            got = nx_mul(f, v[0], v[1], m, &got_fl);
            want = or_mul(f, f, v[0], v[1], m, &want_fl);
            break;
        case OP_ADD:
            got = nx_add(f, v[0], v[1], m, &got_fl);
            want = or_add(f, v[0], v[1], 0, m, &want_fl);
            break;
        case OP_SUB:
            got = nx_sub(f, v[0], v[1], m, &got_fl);
            want = or_add(f, v[0], v[1], 1, m, &want_fl);
            break;
        default:
            got = nx_fma(f, v[0], v[1], v[2], m, &got_fl);
            want = or_fma(f, f, v[0], v[1], v[2], m, &want_fl);
            break;
        }
        or_check(st, f, m, v, op == OP_FMA ? 3 : 2, got, got_fl, want, want_fl);
        /* MPFR's own emulation recipe must agree with the oracle where it applies */
        if (emu && or_fmts[f].has_inf && !m.ftz && !m.tininess_before &&
            m.round != NX_RNEARMAXMAG && op != OP_SUB && !(want_fl & NX_FLAG_INVALID) &&
            want != or_fmts[f].qnan) {
            bool nan_in = false;
            for (int i = 0; i < (op == OP_FMA ? 3 : 2); i++) {
                or_val x;
                or_val_init(&x);
                or_decode(f, v[i], 0, &x);
                nan_in |= x.kind != OR_NUM;
                mpfr_clear(x.v);
            }
            if (!nan_in) {
                const uint64_t e = or_emulated(f,
                                               op == OP_MUL   ? 0
                                               : op == OP_ADD ? 1
                                                              : 2,
                                               v[0], v[1], v[2], m.round);
                or_check(emu, f, m, v, op == OP_FMA ? 3 : 2, want, 0, e, 0);
            }
        }
    }
}

static void run_op(nx_fmt f, int op)
{
    char what[64], what_emu[160];
    snprintf(what, sizeof what, "%s_%s", or_fmts[f].name, op_names[op]);
    snprintf(what_emu, sizeof what_emu, "%s oracle vs MPFR subnormalize emulation", what);
    or_stats st = {what, 0, 0}, emu = {what_emu, 0, 0};
    uint64_t s[64], v[3] = {0, 0, 0};
    /* structured: all pairs (all triples of the reduced list for fma) */
    if (op == OP_FMA) {
        const unsigned n = or_structured(f, 1, s);
        for (unsigned i = 0; i < n; i++)
            for (unsigned j = 0; j < n; j++)
                for (unsigned k = 0; k < n; k++) {
                    v[0] = s[i], v[1] = s[j], v[2] = s[k];
                    run_one(f, op, v, &st, &emu);
                }
    } else {
        const unsigned n = or_structured(f, 0, s);
        for (unsigned i = 0; i < n; i++)
            for (unsigned j = 0; j < n; j++) {
                v[0] = s[i], v[1] = s[j];
                run_one(f, op, v, &st, &emu);
            }
    }
    const uint64_t structured = st.cases;
    or_rng g = {UINT64_C(0x5EED0000) + (uint64_t)f * 16 + (uint64_t)op};
    const unsigned long n_random = 13000UL * or_scale();
    for (unsigned long i = 0; i < n_random; i++) {
        gen_ops(&g, f, op, v);
        run_one(f, op, v, &st, &emu);
    }
    fprintf(stderr, "%s: %llu structured + %llu random cases\n", what,
            (unsigned long long)structured, (unsigned long long)(st.cases - structured));
    or_report(&st);
    or_report(&emu);
    cr_expect_eq(st.mismatches, 0, "%s: %llu mismatches", what, (unsigned long long)st.mismatches);
    cr_expect_eq(emu.mismatches, 0, "%s: %llu mismatches", what_emu,
                 (unsigned long long)emu.mismatches);
}

#define OPS_TESTS(F, id)                                                                           \
    Test(nx_ops, id##_mul, .timeout = 600)                                                         \
    {                                                                                              \
        run_op(F, OP_MUL);                                                                         \
    }                                                                                              \
    Test(nx_ops, id##_add, .timeout = 600)                                                         \
    {                                                                                              \
        run_op(F, OP_ADD);                                                                         \
    }                                                                                              \
    Test(nx_ops, id##_sub, .timeout = 600)                                                         \
    {                                                                                              \
        run_op(F, OP_SUB);                                                                         \
    }                                                                                              \
    Test(nx_ops, id##_mulAdd, .timeout = 600)                                                      \
    {                                                                                              \
        run_op(F, OP_FMA);                                                                         \
    }

OPS_TESTS(NX_FP32, f32)
OPS_TESTS(NX_FP16, f16)
OPS_TESTS(NX_BF16, bf16)
OPS_TESTS(NX_FP8E5M2, f8e5m2)
OPS_TESTS(NX_FP8E4M3, f8e4m3)

/* nx's one table against the published format parameters re-typed in the oracle. */
Test(nx_ops, format_table)
{
    for (unsigned i = 0; i < OR_N_FLOAT; i++) {
        const nx_fmt f = or_float_fmts[i];
        const nx_fmt_info *t = nx_fmt_get(f);
        const or_fmt *F = &or_fmts[f];
        cr_expect(t->is_float);
        cr_expect_eq(t->width_bits, F->width, "%s width", F->name);
        cr_expect_eq(t->exp_bits, F->ebits, "%s exponent bits", F->name);
        cr_expect_eq(t->man_bits + 1, F->p, "%s precision", F->name);
        cr_expect_eq(t->bias, 1 - F->emin, "%s bias", F->name);
        cr_expect_eq(t->has_inf, F->has_inf != 0, "%s infinities", F->name);
        cr_expect_eq(t->canonical_nan, F->qnan, "%s NaN", F->name);
        cr_expect_str_eq(t->tf_name, F->name);
        nx_fmt back;
        cr_expect_eq(nx_fmt_from_name(t->name, &back), 0);
        cr_expect_eq(back, f);
        cr_expect_eq(nx_fmt_from_name(t->tf_name, &back), 0);
        cr_expect_eq(back, f);
    }
    /* published magnitudes: E4M3 max 448, E5M2 max 57344, fp16 max 65504 */
    cr_expect_eq(nx_to_double(NX_FP8E4M3, 0x7E), 448.0);
    cr_expect_eq(nx_to_double(NX_FP8E5M2, 0x7B), 57344.0);
    cr_expect_eq(nx_to_double(NX_FP16, 0x7BFF), 65504.0);
    cr_expect_eq(nx_to_double(NX_FP8E4M3, 0x01), 1.0 / 512);
    nx_fmt x;
    cr_expect_eq(nx_fmt_from_name("fp9", &x), -1);
    const char *ints[] = {"int8", "int16", "int32", "int48"};
    const unsigned widths[] = {8, 16, 32, 48};
    for (unsigned i = 0; i < 4; i++) {
        cr_expect_eq(nx_fmt_from_name(ints[i], &x), 0);
        cr_expect(!nx_fmt_get(x)->is_float);
        cr_expect_eq(nx_fmt_get(x)->width_bits, widths[i]);
        cr_expect_eq(nx_zero(x), 0);
    }
}
