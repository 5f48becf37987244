/* Tests of sim/sweep/sw_pareto: the front of random point sets (with many ties and exact
 * duplicates, from a small value alphabet) against a brute-force O(n^2) oracle written here from
 * the definition of dominance; constraint filtering against hand-checked rows. */
#include "sweep/sw_pareto.h"

#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The definition, independently: j dominates i iff for every goal j is no worse, and for some
 * goal strictly better. */
static bool oracle_dominates(const double *a, const double *b, const sw_goal *g, size_t ng)
{
    int better = 0;
    for (size_t k = 0; k < ng; k++) {
        double x = a[g[k].column], y = b[g[k].column];
        int worse = g[k].maximize ? x < y : x > y;
        if (worse)
            return false;
        better |= g[k].maximize ? x > y : x < y;
    }
    return better;
}

static void oracle_front(const double *rows, size_t n, size_t w, const sw_goal *g, size_t ng,
                         const bool *eligible, bool *front)
{
    for (size_t i = 0; i < n; i++) {
        bool ok = eligible[i];
        for (size_t k = 0; k < ng; k++)
            ok = ok && !isnan(rows[i * w + g[k].column]);
        for (size_t j = 0; j < n && ok; j++) {
            bool j_ok = eligible[j];
            for (size_t k = 0; k < ng; k++)
                j_ok = j_ok && !isnan(rows[j * w + g[k].column]);
            if (j != i && j_ok && oracle_dominates(rows + j * w, rows + i * w, g, ng))
                ok = false;
        }
        front[i] = ok;
    }
}

/* One timeout for the whole binary (a timeout per test leaks inside libcriterion under
 * LeakSanitizer). */
TestSuite(sw_pareto, .timeout = 120);

Test(sw_pareto, random_sets_match_brute_force)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    size_t fronts_checked = 0, duplicates_on_front = 0;
    for (int trial = 0; trial < 600; trial++) {
        size_t n = 1 + gsl_rng_uniform_int(rng, 120);
        size_t w = 4;
        /* up to 5 objectives: sw_pareto sorts copies of up to 3 costs, and the rows beyond */
        size_t ng = 1 + gsl_rng_uniform_int(rng, 5);
        unsigned alphabet = 2 + (unsigned)gsl_rng_uniform_int(rng, 8); /* small: many ties */
        double *rows = malloc(n * w * sizeof *rows);
        bool *eligible = malloc(n), *got = malloc(n), *want = malloc(n);
        sw_goal goals[5];
        for (size_t k = 0; k < ng; k++)
            goals[k] = (sw_goal){(size_t)gsl_rng_uniform_int(rng, w), gsl_rng_uniform(rng) < 0.5};
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && gsl_rng_uniform(rng) < 0.15) { /* an exact duplicate of an earlier row */
                size_t j = gsl_rng_uniform_int(rng, i);
                for (size_t c = 0; c < w; c++)
                    rows[i * w + c] = rows[j * w + c];
            } else {
                for (size_t c = 0; c < w; c++)
                    rows[i * w + c] = (double)gsl_rng_uniform_int(rng, alphabet) - 2.0;
            }
            if (gsl_rng_uniform(rng) < 0.03)
                rows[i * w + gsl_rng_uniform_int(rng, w)] = NAN;
            eligible[i] = gsl_rng_uniform(rng) < 0.85;
        }
        cr_assert_eq(sw_pareto(rows, n, w, goals, ng, eligible, got), 0);
        oracle_front(rows, n, w, goals, ng, eligible, want);
        for (size_t i = 0; i < n; i++) {
            cr_assert_eq(got[i], want[i], "trial %d, row %zu of %zu", trial, i, n);
            for (size_t j = 0; j < i && got[i]; j++)
                if (got[j] && !memcmp(rows + i * w, rows + j * w, w * sizeof *rows))
                    duplicates_on_front++;
        }
        fronts_checked++;
        free(rows);
        free(eligible);
        free(got);
        free(want);
    }
    gsl_rng_free(rng);
    cr_assert_eq(fronts_checked, 600);
    cr_assert_gt(duplicates_on_front, 0, "the sets must exercise duplicates on the front");
}

Test(sw_pareto, hand_example_two_objectives)
{
    /* (latency, energy), both minimized. Front: (1,9) (2,5) (2,5) duplicate (4,1);
     * (3,5) is dominated by (2,5), (5,1) by (4,1), (2,6) by (2,5). */
    const double rows[] = {3, 5, 1, 9, 2, 5, 5, 1, 4, 1, 2, 6, 2, 5};
    const bool want[] = {false, true, true, false, true, false, true};
    sw_goal g[] = {{0, false}, {1, false}};
    bool got[7];
    cr_assert_eq(sw_pareto(rows, 7, 2, g, 2, NULL, got), 0);
    for (int i = 0; i < 7; i++)
        cr_assert_eq(got[i], want[i], "row %d", i);
    /* Maximizing the second column instead: (1,9) has the lowest latency and the highest
     * value, so it dominates every other row. */
    sw_goal g2[] = {{0, false}, {1, true}};
    cr_assert_eq(sw_pareto(rows, 7, 2, g2, 2, NULL, got), 0);
    for (int i = 0; i < 7; i++)
        cr_assert_eq(got[i], i == 1, "row %d", i);
}

Test(sw_pareto, constraints_filter_inclusive_bounds_and_nan)
{
    const double a[] = {50.0, 5.0}, b[] = {50.000001, 1.0}, c[] = {10.0, NAN}, d[] = {-1, 5.0};
    sw_bound bounds[] = {{0, 0.0, 50.0}, {1, -HUGE_VAL, 5.0}};
    cr_assert(sw_feasible(a, bounds, 2));  /* both bounds met with equality */
    cr_assert(!sw_feasible(b, bounds, 2)); /* area over 50 */
    cr_assert(!sw_feasible(c, bounds, 2)); /* NaN fails */
    cr_assert(!sw_feasible(d, bounds, 2)); /* under min */
    cr_assert(sw_feasible(b, bounds + 1, 1));
    cr_assert(sw_feasible(d, NULL, 0));
}
