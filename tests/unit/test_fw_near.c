/* Tests of fw_near (models/common): edit distances worked by hand (insert, delete, substitute,
 * adjacent swap each cost 1) and the "did you mean" thresholds documented in fw_near.h. */
#include "common/fw_near.h"

#include <criterion/criterion.h>

Test(fw_near, distance_by_hand)
{
    cr_assert_eq(fw_near_distance("", ""), 0);
    cr_assert_eq(fw_near_distance("", "abc"), 3);   /* three insertions */
    cr_assert_eq(fw_near_distance("json", "json"), 0);
    cr_assert_eq(fw_near_distance("jsn", "json"), 1);  /* one insertion */
    cr_assert_eq(fw_near_distance("jsoon", "json"), 1); /* one deletion */
    cr_assert_eq(fw_near_distance("jsox", "json"), 1);  /* one substitution */
    cr_assert_eq(fw_near_distance("josn", "json"), 1);  /* one adjacent swap */
    cr_assert_eq(fw_near_distance("kitten", "sitting"), 3); /* k->s, e->i, +g */
    cr_assert_eq(fw_near_distance("ab", "ba"), 1);
    cr_assert_eq(fw_near_distance("abc", "xyz"), 3);
}

Test(fw_near, suggestions)
{
    const char *const cmds[] = {"run", "workload", "fp", "ceiling", "validate", "sweep", "merge"};
    size_t n = sizeof cmds / sizeof cmds[0];
    cr_assert_str_eq(fw_near("swep", cmds, n), "sweep");
    cr_assert_str_eq(fw_near("wrokload", cmds, n), "workload");
    cr_assert_str_eq(fw_near("ceil", cmds, n), "ceiling"); /* distance 3, but a unique prefix */
    cr_assert_str_eq(fw_near("rnu", cmds, n), "run");      /* swap: 1 <= 3/2 */
    cr_assert_null(fw_near("x", cmds, n));     /* too short to guess */
    cr_assert_null(fw_near("plotz", cmds, n)); /* nothing within 2 */
    cr_assert_null(fw_near("", cmds, n));
    const char *const keys[] = {"rows", "cols", NULL, "dataflow"};
    cr_assert_str_eq(fw_near("row", keys, 4), "rows");
    cr_assert_str_eq(fw_near("dataflwo", keys, 4), "dataflow");
    cr_assert_str_eq(fw_near("rowz", keys, 4), "rows"); /* 1 from rows, 3 from cols */
}
