/* Tests of the sweep log reader (sw_log_parse, sim/sweep/sw_log) on malformed headers, from
 * fuzzing (tests/fuzz/regress/fuzz_sweep_log/): a signed or huge count in the header is "not a
 * flopwatt sweep log header", never an allocation of 2^64 entries. */
#include "sweep/sw_log.h"

#include <criterion/criterion.h>
#include <string.h>

static void header_fails(const char *text)
{
    sw_table t;
    size_t good;
    fw_err err;
    cr_assert_eq(sw_log_parse("p.log", text, strlen(text), &t, &good, &err), FW_EXIT_INPUT,
                 "%s", text);
    cr_assert_str_eq(err.msg, "p.log:1: not a flopwatt sweep log header");
}

#define HEAD "# flopwatt sweep log v1 spec_fnv64=d910902724afce50 inputs_fnv64=00903b4d6a6e3184 "

Test(sw_log, signed_or_huge_counts_are_not_a_header)
{
    /* the fuzzer's input: metrics=-1 read by %llu as 2^64 - 1 */
    header_fails(HEAD "points=6 metrics=-1 shard=0/1\npoint,workload,a\n");
    header_fails(HEAD "points=-6 metrics=1 shard=0/1\npoint,workload,a\n");
    header_fails(HEAD "points=6 metrics=1 shard=-1/2\npoint,workload,a\n");
    header_fails(HEAD "points=6 metrics=+1 shard=0/1\npoint,workload,a\n");
    header_fails(HEAD "points=6 metrics=4097 shard=0/1\npoint,workload,a\n");
    /* the same header with a sane count parses */
    const char *ok = HEAD "points=6 metrics=1 shard=0/1\npoint,workload,a\n0,w,1.5\n";
    sw_table t;
    size_t good;
    fw_err err;
    cr_assert_eq(sw_log_parse("p.log", ok, strlen(ok), &t, &good, &err), 0, "%s", err.msg);
    cr_assert_eq(t.row_count, 1);
    cr_assert_float_eq(t.rows[0].metrics[0], 1.5, 0);
    sw_table_fini(&t);
}

Test(sw_log, a_conflicting_duplicate_after_an_exact_one)
{
    /* point 0 twice alike (the copy is dropped), then point 1 twice with different results:
     * an error, and the table handed to sw_table_fini must not hold the dropped copy (fuzzing
     * found a double free here; under ASan this test fails without the fix) */
    const char *text = HEAD "points=6 metrics=1 shard=0/1\npoint,workload,a\n"
                            "0,w,1\n0,w,1\n1,w,2\n1,w,3\n";
    sw_table t;
    size_t good;
    fw_err err;
    cr_assert_eq(sw_log_parse("p.log", text, strlen(text), &t, &good, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "p.log: point 1 appears twice with different results");
}
