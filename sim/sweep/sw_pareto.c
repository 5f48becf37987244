/* sw_pareto: feasibility and Pareto front (see sw_pareto.h).
 * Method: sort the eligible rows lexicographically by their objectives (each turned into
 * "smaller is better"). A row can only be dominated by a row that sorts strictly before it
 * (a dominator is <= in every objective and < in one, so it is lexicographically smaller), and
 * if it is dominated at all, it is dominated by some front member (dominance is transitive and
 * the front of the earlier rows dominates every earlier row that is not on it). So one pass that
 * compares each row with the front found so far is exact. */
#include "sweep/sw_pareto.h"

#include <math.h>
#include <stdlib.h>

bool sw_feasible(const double *row, const sw_bound *bounds, size_t bound_count)
{
    for (size_t i = 0; i < bound_count; i++) {
        double v = row[bounds[i].column];
        if (!(v >= bounds[i].min && v <= bounds[i].max))
            return false;
    }
    return true;
}

static double sw_cost(const double *row, const sw_goal *g)
{
    return g->maximize ? -row[g->column] : row[g->column];
}

bool sw_dominates(const double *a, const double *b, const sw_goal *goals, size_t goal_count)
{
    bool strictly = false;
    for (size_t i = 0; i < goal_count; i++) {
        double ca = sw_cost(a, &goals[i]), cb = sw_cost(b, &goals[i]);
        if (ca > cb)
            return false;
        if (ca < cb)
            strictly = true;
    }
    return strictly;
}

typedef struct sw_sort_ctx {
    const double *rows;
    size_t width;
    const sw_goal *goals;
    size_t goal_count;
} sw_sort_ctx;

typedef struct sw_sort_item {
    size_t index;
    const sw_sort_ctx *ctx;
} sw_sort_item;

static int sw_lex_cmp(const void *pa, const void *pb)
{
    const sw_sort_item *a = pa, *b = pb;
    const sw_sort_ctx *c = a->ctx;
    const double *ra = c->rows + a->index * c->width, *rb = c->rows + b->index * c->width;
    for (size_t i = 0; i < c->goal_count; i++) {
        double ca = sw_cost(ra, &c->goals[i]), cb = sw_cost(rb, &c->goals[i]);
        if (ca < cb)
            return -1;
        if (ca > cb)
            return 1;
    }
    return a->index < b->index ? -1 : a->index > b->index;
}

/* With few objectives the sort compares copies of the costs kept beside the index (the same
 * comparisons and order as sw_lex_cmp, without reaching into the rows: a sweep's matrix is
 * megabytes, and its rows in sort order are cache misses). */
#define SW_KEY_GOALS 3
typedef struct sw_key_item {
    double cost[SW_KEY_GOALS];
    size_t index;
    size_t goal_count;
} sw_key_item;

static int sw_key_cmp(const void *pa, const void *pb)
{
    const sw_key_item *a = pa, *b = pb;
    for (size_t i = 0; i < a->goal_count; i++) {
        if (a->cost[i] < b->cost[i])
            return -1;
        if (a->cost[i] > b->cost[i])
            return 1;
    }
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Sorts items[0..m) as qsort with sw_lex_cmp would. Returns -1 when out of memory. */
static int sw_lex_sort(sw_sort_item *items, size_t m, const sw_sort_ctx *c)
{
    if (c->goal_count > SW_KEY_GOALS) {
        qsort(items, m, sizeof *items, sw_lex_cmp);
        return 0;
    }
    sw_key_item *keys = malloc((m ? m : 1) * sizeof *keys);
    if (!keys)
        return -1;
    for (size_t k = 0; k < m; k++) {
        const double *r = c->rows + items[k].index * c->width;
        keys[k] = (sw_key_item){{0}, items[k].index, c->goal_count};
        for (size_t i = 0; i < c->goal_count; i++)
            keys[k].cost[i] = sw_cost(r, &c->goals[i]);
    }
    qsort(keys, m, sizeof *keys, sw_key_cmp);
    for (size_t k = 0; k < m; k++)
        items[k].index = keys[k].index;
    free(keys);
    return 0;
}

int sw_pareto(const double *rows, size_t n, size_t width, const sw_goal *goals, size_t goal_count,
              const bool *eligible, bool *on_front)
{
    sw_sort_ctx ctx = {rows, width, goals, goal_count};
    sw_sort_item *items = malloc((n ? n : 1) * sizeof *items);
    size_t *front = malloc((n ? n : 1) * sizeof *front);
    if (!items || !front) {
        free(items);
        free(front);
        return -1;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        on_front[i] = false;
        if (eligible && !eligible[i])
            continue;
        bool nan = false;
        for (size_t g = 0; g < goal_count; g++)
            nan |= isnan(rows[i * width + goals[g].column]);
        if (!nan)
            items[m++] = (sw_sort_item){i, &ctx};
    }
    if (sw_lex_sort(items, m, &ctx)) {
        free(items);
        free(front);
        return -1;
    }
    size_t front_count = 0;
    for (size_t k = 0; k < m; k++) {
        const double *r = rows + items[k].index * width;
        bool dominated = false;
        /* newest first: with two objectives the newest member has the best second objective,
         * so a dominated row is found at once (the answer does not depend on the order) */
        for (size_t f = front_count; f-- > 0 && !dominated;)
            dominated = sw_dominates(rows + front[f] * width, r, goals, goal_count);
        if (!dominated) {
            front[front_count++] = items[k].index;
            on_front[items[k].index] = true;
        }
    }
    free(items);
    free(front);
    return 0;
}
