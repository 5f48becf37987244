/* Tests of sim/sweep/sw_plot's log2 fit (the trend figure): exact power-of-two series and a
 * three-point least-squares case worked out by hand; refused inputs. */
#include "sweep/sw_plot.h"

#include <criterion/criterion.h>
#include <math.h>

Test(sw_plot, fit_of_an_exact_doubling)
{
    const double x[] = {2013, 2014, 2015}, y[] = {1, 2, 4};
    sw_trend_fit f;
    fw_err err;
    cr_assert_eq(sw_fit_log2(x, y, 3, &f, &err), 0, "%s", err.msg);
    /* log2 y = x - 2013 */
    cr_assert_float_eq(f.c1, 1.0, 1e-12);
    cr_assert_float_eq(f.c0, -2013.0, 1e-8);
    cr_assert_float_eq(f.growth_per_year, 2.0, 1e-12);
    cr_assert_float_eq(f.sumsq, 0.0, 1e-12);
}

Test(sw_plot, fit_by_hand)
{
    /* log2 y = 0, 2, 3 at x = 0, 1, 2: mean x 1, mean log 5/3;
     * slope = ((-1)(-5/3) + 0 + (1)(4/3)) / 2 = 3/2; intercept = 5/3 - 3/2 = 1/6;
     * residuals -1/6, 1/3, -1/6: sum of squares 1/36 + 4/36 + 1/36 = 1/6. */
    const double x[] = {0, 1, 2}, y[] = {1, 4, 8};
    sw_trend_fit f;
    fw_err err;
    cr_assert_eq(sw_fit_log2(x, y, 3, &f, &err), 0, "%s", err.msg);
    cr_assert_float_eq(f.c1, 1.5, 1e-12);
    cr_assert_float_eq(f.c0, 1.0 / 6.0, 1e-12);
    cr_assert_float_eq(f.sumsq, 1.0 / 6.0, 1e-12);
    cr_assert_float_eq(f.growth_per_year, pow(2.0, 1.5), 1e-12);
}

Test(sw_plot, fit_refuses_unusable_series)
{
    sw_trend_fit f;
    fw_err err;
    const double x[] = {1, 1}, y[] = {1, 2}, x2[] = {1, 2}, y0[] = {1, 0};
    cr_assert_eq(sw_fit_log2(x, y, 2, &f, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "fit: all x are equal");
    cr_assert_eq(sw_fit_log2(x2, y0, 2, &f, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "fit: value 1 is not positive");
    cr_assert_eq(sw_fit_log2(x2, y, 1, &f, &err), FW_EXIT_INPUT);
}
