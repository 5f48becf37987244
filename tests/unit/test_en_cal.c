/* test_en_cal: the calibration fit (sim/energy/en_cal.h) on synthetic chips whose energy per MAC
 * is generated from known class factors: the fit recovers them (exactly without noise, within the
 * noise with it), leave-one-out equals refitting without each chip, the bounds hold, and too few
 * chips are refused. The oracle is the generating factors, not the code under test. */
#include "energy/en_cal.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define NCHIPS 24

typedef struct syn {
    double e[NCHIPS][TECH_CLASS_COUNT]; /* per-class energy per MAC at factor 1 */
    double pub[NCHIPS];
} syn;

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 11;
}

static double uni(uint64_t *s, double lo, double hi)
{
    return lo + (hi - lo) * (double)lcg(s) / (double)(1ULL << 53);
}

/* a linear model: sum over classes of f x e */
static double syn_predict(void *ctx, size_t i, const double f[TECH_CLASS_COUNT])
{
    const syn *s = ctx;
    double sum = 0;
    for (int c = 0; c < TECH_CLASS_COUNT; c++)
        sum += f[c] * s->e[i][c];
    return sum;
}

static void syn_make(syn *s, const double truth[TECH_CLASS_COUNT], double noise, uint64_t seed)
{
    for (size_t i = 0; i < NCHIPS; i++) {
        for (int c = 0; c < TECH_CLASS_COUNT; c++)
            s->e[i][c] = uni(&seed, 0.05, 2.0);
        s->pub[i] = syn_predict(s, i, truth) * exp(uni(&seed, -noise, noise));
    }
}

static const double truth[TECH_CLASS_COUNT] = {0.5, 2.0, 1.5, 0.7, 3.0};

Test(en_cal, recovers_factors_without_noise)
{
    static syn s;
    syn_make(&s, truth, 0, 1);
    en_cal_problem p = {NCHIPS, s.pub, syn_predict, &s, EN_CAL_DEFAULT_BOUND, 0};
    en_cal_fit fit;
    fw_err err;
    cr_assert_eq(en_cal_fit_set(&p, NULL, &fit, &err), 0, "%s", err.msg);
    for (int c = 0; c < TECH_CLASS_COUNT; c++)
        cr_expect(fabs(fit.f[c] / truth[c] - 1) < 1e-6, "class %d: %g vs %g", c, fit.f[c],
                  truth[c]);
    cr_expect(fit.rms_ln < 1e-8);
}

Test(en_cal, recovers_factors_with_noise)
{
    static syn s;
    syn_make(&s, truth, 0.02, 7); /* +-2% multiplicative noise */
    en_cal_problem p = {NCHIPS, s.pub, syn_predict, &s, EN_CAL_DEFAULT_BOUND, 0};
    en_cal_fit fit;
    fw_err err;
    cr_assert_eq(en_cal_fit_set(&p, NULL, &fit, &err), 0, "%s", err.msg);
    for (int c = 0; c < TECH_CLASS_COUNT; c++)
        cr_expect(fabs(log(fit.f[c] / truth[c])) < 0.1, "class %d: %g vs %g", c, fit.f[c],
                  truth[c]);
    cr_expect(fit.rms_ln < 0.02);
}

Test(en_cal, leave_one_out_equals_refit)
{
    static syn s;
    syn_make(&s, truth, 0.05, 3);
    enum { N = 9 };
    en_cal_problem p = {N, s.pub, syn_predict, &s, EN_CAL_DEFAULT_BOUND, 0};
    double loo[N];
    fw_err err;
    cr_assert_eq(en_cal_leave_one_out(&p, NULL, loo, &err), 0, "%s", err.msg);
    for (size_t i = 0; i < N; i++) {
        /* brute force: a problem holding only the other chips, fitted from scratch */
        static syn t;
        size_t k = 0;
        for (size_t j = 0; j < N; j++)
            if (j != i) {
                for (int c = 0; c < TECH_CLASS_COUNT; c++)
                    t.e[k][c] = s.e[j][c];
                t.pub[k++] = s.pub[j];
            }
        en_cal_problem q = {N - 1, t.pub, syn_predict, &t, EN_CAL_DEFAULT_BOUND, 0};
        en_cal_fit fit;
        cr_assert_eq(en_cal_fit_set(&q, NULL, &fit, &err), 0, "%s", err.msg);
        double want = syn_predict(&s, i, fit.f);
        cr_expect(fabs(loo[i] / want - 1) < 1e-9, "chip %zu: %.12g vs %.12g", i, loo[i], want);
    }
}

Test(en_cal, bounds_hold)
{
    static syn s;
    const double far[TECH_CLASS_COUNT] = {50, 1, 1, 1, 1}; /* arithmetic beyond the bound */
    syn_make(&s, far, 0, 5);
    en_cal_problem p = {NCHIPS, s.pub, syn_predict, &s, 10, 0};
    en_cal_fit fit;
    fw_err err;
    cr_assert_eq(en_cal_fit_set(&p, NULL, &fit, &err), 0, "%s", err.msg);
    cr_expect(fit.f[0] <= 10 * (1 + 1e-9) && fit.f[0] > 9.5, "%g", fit.f[0]);
    cr_expect(fit.at_bound[0]);
    for (int c = 0; c < TECH_CLASS_COUNT; c++)
        cr_expect(fit.f[c] >= 0.1 * (1 - 1e-9) && fit.f[c] <= 10 * (1 + 1e-9), "%g", fit.f[c]);
}

Test(en_cal, refuses_fewer_chips_than_classes)
{
    static syn s;
    syn_make(&s, truth, 0, 1);
    en_cal_problem p = {TECH_CLASS_COUNT - 1, s.pub, syn_predict, &s, 10, 0};
    en_cal_fit fit;
    fw_err err;
    cr_expect_eq(en_cal_fit_set(&p, NULL, &fit, &err), FW_EXIT_INPUT);
    cr_expect(strstr(err.msg, "4 chips cannot determine 5 class factors"), "%s", err.msg);
    /* leave-one-out on exactly as many chips as classes fits on one fewer: refused */
    p.n = TECH_CLASS_COUNT;
    double loo[TECH_CLASS_COUNT];
    cr_expect_eq(en_cal_fit_set(&p, NULL, &fit, &err), 0);
    cr_expect_eq(en_cal_leave_one_out(&p, NULL, loo, &err), FW_EXIT_INPUT);
    /* a subset through use[]: 4 of 24 chosen is refused as well */
    bool use[NCHIPS] = {true, true, true, true};
    p.n = NCHIPS;
    cr_expect_eq(en_cal_fit_set(&p, use, &fit, &err), FW_EXIT_INPUT);
}

Test(en_cal, prior_pulls_towards_one)
{
    static syn s;
    syn_make(&s, truth, 0.05, 11);
    en_cal_problem p = {NCHIPS, s.pub, syn_predict, &s, EN_CAL_DEFAULT_BOUND, 0};
    en_cal_fit free_fit, weak, strong;
    fw_err err;
    cr_assert_eq(en_cal_fit_set(&p, NULL, &free_fit, &err), 0, "%s", err.msg);
    p.prior_sigma_ln = 1e4; /* negligible: the unregularized answer */
    cr_assert_eq(en_cal_fit_set(&p, NULL, &weak, &err), 0, "%s", err.msg);
    p.prior_sigma_ln = 1e-4; /* overwhelming: every factor 1 */
    cr_assert_eq(en_cal_fit_set(&p, NULL, &strong, &err), 0, "%s", err.msg);
    for (int c = 0; c < TECH_CLASS_COUNT; c++) {
        cr_expect(fabs(log(weak.f[c] / free_fit.f[c])) < 1e-3, "class %d", c);
        cr_expect(fabs(log(strong.f[c])) < 1e-2, "class %d: %g", c, strong.f[c]);
    }
}
