/* en_fixture: the energy tests' shared setup (test_en_accounting.c, test_en_ceiling.c): one small
 * config (4x8 ws int8, three SRAM buffers, DDR3, 45 nm at 0.9 V, where the published figures
 * need no scaling) loaded with the embedded technology data and priced, and the comparison the
 * hand-worked sums use. Static functions only: this header is not compiled on its own. */
#ifndef EN_FIXTURE_H
#define EN_FIXTURE_H

#include "energy/en.h"

#include <criterion/criterion.h>
#include <math.h>

static const char *const en_fixture_cfg =
    "{\"name\": \"t\", \"clock_mhz\": 500,"
    " \"array\": {\"rows\": 4, \"cols\": 8, \"dataflow\": \"ws\", \"schedule\": \"pipelined\"},"
    " \"precision\": {\"input\": \"int8\", \"accumulator\": \"int32\", \"int_overflow\": \"wrap\"},"
    " \"sram\": {\"ifmap\": {\"size_bytes\": 16384, \"word_bits\": 64, \"double_buffered\": true},"
    "  \"filter\": {\"size_bytes\": 8192, \"word_bits\": 64, \"double_buffered\": false},"
    "  \"ofmap\": {\"size_bytes\": 16384, \"word_bits\": 128, \"double_buffered\": true}},"
    " \"dram\": {\"type\": \"ddr3\", \"bandwidth_gbps\": 10, \"latency_cycles\": 10},"
    " \"tech\": {\"node_nm\": 45, \"vdd_v\": 0.9}}";

typedef struct en_fixture {
    tech_lib *lib; /* owned: tech_destroy */
    cfg_accel cfg;
    en_costs k;
} en_fixture;

/* en_fixture_cfg with the --set overrides sets[0..n-1], and its costs. */
static inline void en_fixture_setup(en_fixture *f, const char *const *sets, size_t n)
{
    fw_err err;
    cr_assert_eq(tech_load(NULL, &f->lib, &err), 0, "%s", err.msg);
    cr_assert_eq(cfg_parse("t.json", en_fixture_cfg, sets, n, &f->cfg, &err), 0, "%s", err.msg);
    cr_assert_eq(en_costs_init(f->lib, &f->cfg, &f->k, &err), 0, "%s", err.msg);
}

/* Equal to 1e-12 relative (sums of the same terms in another order). */
static inline void en_close_to(double got, double want, const char *what)
{
    cr_assert(fabs(got - want) <= 1e-12 * fabs(want) + 1e-15, "%s: got %.17g, want %.17g", what,
              got, want);
}

#endif
