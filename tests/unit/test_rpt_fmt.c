/* rpt_fmt (numbers for people) against hand-written expectations: thousands separators at every
 * digit count up to UINT64_MAX, engineering prefixes at and around each boundary (including the
 * 999.95 -> 1000 rounding that must move to the next prefix), exact binary capacities, and the
 * metric table's invariants (unique names, a getter each, counters with exact getters). */
#include "report/rpt_fmt.h"
#include "report/rpt_metric.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

Test(rpt_fmt, count_separators)
{
    char b[RPT_COUNT_BYTES];
    cr_assert_str_eq(rpt_fmt_count(b, 0), "0");
    cr_assert_str_eq(rpt_fmt_count(b, 7), "7");
    cr_assert_str_eq(rpt_fmt_count(b, 999), "999");
    cr_assert_str_eq(rpt_fmt_count(b, 1000), "1,000");
    cr_assert_str_eq(rpt_fmt_count(b, 12345), "12,345");
    cr_assert_str_eq(rpt_fmt_count(b, 773001), "773,001");
    cr_assert_str_eq(rpt_fmt_count(b, 1000000), "1,000,000");
    cr_assert_str_eq(rpt_fmt_count(b, 3857973248u), "3,857,973,248");
    cr_assert_str_eq(rpt_fmt_count(b, UINT64_MAX), "18,446,744,073,709,551,615");
}

Test(rpt_fmt, engineering_units)
{
    char b[RPT_ENG_BYTES];
    cr_assert_str_eq(rpt_fmt_eng(b, 9123.88e6 * 1e-12, "J"), "9.124 mJ");
    cr_assert_str_eq(rpt_fmt_eng(b, 17846.4e6 * 1e-12, "J"), "17.85 mJ");
    cr_assert_str_eq(rpt_fmt_eng(b, 1.88037e9 * 1e-12, "J"), "1.880 mJ"); /* trailing zero kept */
    cr_assert_str_eq(rpt_fmt_eng(b, 5.99281e8 * 1e-12, "J"), "599.3 uJ");
    cr_assert_str_eq(rpt_fmt_eng(b, 1.10429e-3, "s"), "1.104 ms");
    cr_assert_str_eq(rpt_fmt_eng(b, 0.903, "s"), "903.0 ms");
    cr_assert_str_eq(rpt_fmt_eng(b, 34.1, "J"), "34.10 J");
    cr_assert_str_eq(rpt_fmt_eng(b, 6987e9, "OPS"), "6.987 TOPS");
    cr_assert_str_eq(rpt_fmt_eng(b, 1e-3, "J"), "1.000 mJ");
    cr_assert_str_eq(rpt_fmt_eng(b, 999.94e-6, "J"), "999.9 uJ");
    cr_assert_str_eq(rpt_fmt_eng(b, 999.96e-6, "J"), "1.000 mJ"); /* would print 1000 uJ */
    cr_assert_str_eq(rpt_fmt_eng(b, 0, "J"), "0.000 J");
    cr_assert_str_eq(rpt_fmt_eng(b, -2.5e-9, "J"), "-2.500 nJ");
    cr_assert_str_eq(rpt_fmt_eng(b, 1e-15, "J"), "0.001000 pJ"); /* below pico: stays pico */
    cr_assert_str_eq(rpt_fmt_eng(b, 5e15, "B"), "5000 TB"); /* above tera: stays tera */
}

Test(rpt_fmt, binary_capacities)
{
    char b[RPT_ENG_BYTES];
    cr_assert_str_eq(rpt_fmt_bytes(b, 25165824), "24 MiB");
    cr_assert_str_eq(rpt_fmt_bytes(b, 262144), "256 KiB");
    cr_assert_str_eq(rpt_fmt_bytes(b, 1000), "1,000 B");
    cr_assert_str_eq(rpt_fmt_bytes(b, 1536), "1,536 B"); /* not a whole KiB */
    cr_assert_str_eq(rpt_fmt_bytes(b, 0), "0 B");
    cr_assert_str_eq(rpt_fmt_bytes(b, 3ull << 40), "3 TiB");
}

Test(rpt_metric, table)
{
    size_t n;
    const rpt_metric *m = rpt_metrics(&n);
    cr_assert_gt(n, 40);
    for (size_t i = 0; i < n; i++) {
        cr_assert(m[i].get, "%s: no getter", m[i].name);
        cr_assert_eq(m[i].group == RPT_MG_COUNTER || m[i].group == RPT_MG_XFORM,
                     m[i].get_count != NULL, "%s", m[i].name);
        cr_assert(m[i].label && m[i].unit, "%s", m[i].name);
        cr_assert_eq(rpt_metric_find(m[i].name), &m[i], "%s: not unique", m[i].name);
        if (m[i].name_int)
            cr_assert_eq(rpt_metric_find(m[i].name_int), &m[i], "%s", m[i].name_int);
        if (m[i].si_unit)
            cr_assert_gt(m[i].si_factor, 0, "%s", m[i].name);
    }
    cr_assert_null(rpt_metric_find("energy_pj_typo"));
}
