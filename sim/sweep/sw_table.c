/* sw_table: the rows of a sweep log in memory: sorting, deduplication, merging shards (see
 * sw_table.h). */
#include "sweep/sw_table.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

uint64_t sw_shard_points(uint64_t n, uint64_t i, uint64_t k)
{
    return n / k + (i < n % k ? 1 : 0);
}

void sw_table_fini(sw_table *t)
{
    for (size_t i = 0; i < t->row_count; i++)
        if (!t->rows[i].borrowed) {
            free(t->rows[i].line);
            free(t->rows[i].metrics);
        }
    free(t->rows);
    for (size_t m = 0; m < t->metric_count; m++)
        free(t->metric_names[m]);
    free(t->metric_names);
    free(t->header);
    memset(t, 0, sizeof *t);
}

static int sw_row_cmp(const void *pa, const void *pb)
{
    const sw_row *a = pa, *b = pb;
    return a->point < b->point ? -1 : a->point > b->point;
}

void sw_table_sort(sw_table *t)
{
    /* a log written by one worker, and a table sorted before, are in order already (the same
     * order qsort gives: the points are distinct) */
    size_t i = 1;
    while (i < t->row_count && t->rows[i - 1].point < t->rows[i].point)
        i++;
    if (i >= t->row_count)
        return;
    /* the rows of a -j N run arrive nearly in point order (workers take points in order):
     * insertion sort, stable like glibc's merge sort, while it moves few rows; else qsort */
    size_t moves = 0, limit = 8 * t->row_count;
    for (; i < t->row_count && moves <= limit; i++) {
        sw_row x = t->rows[i];
        size_t j = i;
        for (; j > 0 && t->rows[j - 1].point > x.point && moves <= limit; j--, moves++)
            t->rows[j] = t->rows[j - 1];
        t->rows[j] = x;
    }
    if (moves <= limit)
        return;
    if (t->row_count > 1)
        qsort(t->rows, t->row_count, sizeof *t->rows, sw_row_cmp);
}

int sw_table_dedupe(sw_table *t, const char *name, fw_err *err)
{
    sw_table_sort(t);
    size_t out = 0;
    for (size_t i = 0; i < t->row_count; i++) {
        if (out && t->rows[out - 1].point == t->rows[i].point) {
            if (strcmp(t->rows[out - 1].line, t->rows[i].line)) {
                /* keep the table consistent for sw_table_fini: the slots between out and i
                 * hold rows already freed or moved (fuzz_sweep_log found the double free) */
                memmove(t->rows + out, t->rows + i, (t->row_count - i) * sizeof *t->rows);
                t->row_count = out + (t->row_count - i);
                return fw_err_set(err, FW_EXIT_INPUT,
                                  "%s: point %" PRIu64 " appears twice with different results",
                                  name, t->rows[out].point);
            }
            if (!t->rows[i].borrowed) {
                free(t->rows[i].line);
                free(t->rows[i].metrics);
            }
            continue;
        }
        t->rows[out++] = t->rows[i];
    }
    t->row_count = out;
    return 0;
}

int sw_table_absorb(sw_table *dst, sw_table *src, const char *src_name, fw_err *err)
{
    if (strcmp(dst->header, src->header) || dst->id.spec_fnv64 != src->id.spec_fnv64 ||
        dst->id.inputs_fnv64 != src->id.inputs_fnv64 || dst->id.point_count != src->id.point_count)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%s: comes from a different sweep (spec, inputs or columns differ)",
                          src_name);
    sw_row *r = realloc(dst->rows, (dst->row_count + src->row_count + 1) * sizeof *r);
    if (!r)
        return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", src_name);
    dst->rows = r;
    memcpy(dst->rows + dst->row_count, src->rows, src->row_count * sizeof *r);
    dst->row_count += src->row_count;
    src->row_count = 0;
    return sw_table_dedupe(dst, src_name, err);
}
