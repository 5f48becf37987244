/* sw_pareto: constraint filtering and the Pareto front (non-dominated set) of a table of
 * metric rows. Rows are `width` doubles each; goals and bounds address columns.
 *
 * Point a dominates point b when a is no worse than b in every objective and strictly better
 * in at least one. The front holds every eligible point that no eligible point dominates, so
 * ties and exact duplicates are all kept. A point with a NaN objective is not eligible.
 */
#ifndef SW_PARETO_H
#define SW_PARETO_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sw_goal {
    size_t column;
    bool maximize;
} sw_goal;

/* Inclusive bounds on a column; use -HUGE_VAL / HUGE_VAL for an open side. */
typedef struct sw_bound {
    size_t column;
    double min, max;
} sw_bound;

/* True when every bound holds (a NaN value fails every bound). */
bool sw_feasible(const double *row, const sw_bound *bounds, size_t bound_count);

/* True when row a dominates row b under the goals. */
bool sw_dominates(const double *a, const double *b, const sw_goal *goals, size_t goal_count);

/* Sets on_front[i] for the n rows: eligible[i] (NULL: all eligible), no NaN objective, and not
 * dominated by any other such row. O(n log n + n * front size). Returns 0, or -1 when out of
 * memory (on_front untouched). */
int sw_pareto(const double *rows, size_t n, size_t width, const sw_goal *goals, size_t goal_count,
              const bool *eligible, bool *on_front);

#endif
