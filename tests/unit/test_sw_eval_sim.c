/* Tests of sim/sweep/sw_eval_sim's worker memory: a worker that has seen other points (the
 * last valid point's config and the values at the axis paths, the kept technology costs, the
 * fold-timeline memo) must answer every point exactly as a worker that sees only that point
 * (created for it, on a fresh copy of the base with the point's values: no history).
 * Checked on random point sequences, the document updated in place as a sweep worker does
 * (sw_spec_apply), of specs whose axes write over and inside each other's paths, set objects,
 * strings, booleans and values that make points invalid: the same status, the same message,
 * the same metrics bit for bit, from both the check and the evaluation. */
#include "common/jr.h"
#include "sweep/sw_eval_sim.h"
#include "sweep/sw_spec.h"
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A small base config and one small padded conv layer (fast to evaluate). */
static const char *const base_text =
    "{\"name\": \"t\", \"clock_mhz\": 500,"
    " \"array\": {\"rows\": 8, \"cols\": 8, \"dataflow\": \"ws\"},"
    " \"precision\": {\"input\": \"int8\", \"accumulator\": \"int32\"},"
    " \"sram\": {\"ifmap\": {\"size_bytes\": 16384, \"word_bits\": 64},"
    "  \"filter\": {\"size_bytes\": 8192}, \"ofmap\": {\"size_bytes\": 16384}},"
    " \"dram\": {\"type\": \"ddr4\", \"bandwidth_gbps\": 10, \"latency_cycles\": 20},"
    " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9}}";

static const char *const layer_text =
    "{\"name\": \"w\", \"batch\": 1, \"layers\": [{\"name\": \"c\", \"type\": \"conv\", "
    "\"in_h\": 12, \"in_w\": 10, \"in_c\": 8, \"kernel\": 3, \"filters\": 16, \"pad\": 1}]}";

#define TMP "build/tests/tmp/sw_eval_sim"

/* Axes (JSON text of "axes"). Invalid points: rows 0, an int8 input with a float accumulator,
 * an unknown dataflow, a node without data, a 0 SRAM. */
static const char *const axes[] = {
    "[{\"paths\": [\"array.rows\", \"array.cols\"], \"values\": [4, 8, 0, 16]},"
    " {\"path\": \"sram.ifmap.size_bytes\", \"values\": [1024, 4096, 65536]},"
    " {\"path\": \"array.dataflow\", \"values\": [\"ws\", \"os\", \"is\", \"tree\", \"xx\"]},"
    " {\"path\": \"clock_mhz\", \"values\": [200, 1000]}]",
    "[{\"path\": \"array\", \"values\": [{\"rows\": 4, \"cols\": 4, \"dataflow\": \"ws\"},"
    "  {\"rows\": 2, \"cols\": 16, \"dataflow\": \"os\", \"zero_gating\": true}],"
    "  \"labels\": [\"a\", \"b\"]},"
    " {\"path\": \"array.rows\", \"values\": [8, 32]},"
    " {\"path\": \"array.zero_skipping\", \"values\": [false, true]},"
    " {\"path\": \"sram\", \"values\": [{\"ifmap\": {\"size_bytes\": 512}, \"filter\":"
    "  {\"size_bytes\": 512}, \"ofmap\": {\"size_bytes\": 512}}, {\"ifmap\": {\"size_bytes\":"
    "  0}, \"filter\": {\"size_bytes\": 512}, \"ofmap\": {\"size_bytes\": 512}}],"
    "  \"labels\": [\"s\", \"z\"]},"
    " {\"path\": \"sram.filter.size_bytes\", \"values\": [256, 1048576]}]",
    "[{\"path\": \"precision\", \"values\": [{\"input\": \"int8\", \"accumulator\": \"int32\"},"
    "  {\"input\": \"fp16\", \"accumulator\": \"fp32\"}, {\"input\": \"int8\", \"accumulator\":"
    "  \"fp32\"}], \"labels\": [\"i8\", \"f16\", \"bad\"]},"
    " {\"path\": \"tech\", \"values\": [{\"node_nm\": 16, \"vdd_v\": 0.8}, {\"node_nm\": 11,"
    "  \"vdd_v\": 0.8}, {\"node_nm\": 45, \"vdd_v\": 1.0, \"process\": \"lp\"}],"
    "  \"labels\": [\"16\", \"11\", \"45lp\"]},"
    " {\"path\": \"tech.vdd_v\", \"values\": [0.9, 1.1]},"
    " {\"path\": \"dram.type\", \"values\": [\"ddr4\", \"none\", \"hbm2\"]},"
    " {\"path\": \"array.nm_sparsity\", \"values\": [\"none\", \"2:4\", \"4:4\"]}]",
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* One answer: status, message, metrics. */
typedef struct answer {
    int rc;
    char msg[FW_ERR_MSG_BYTES];
    double values[64];
} answer;

static void same(const answer *a, const answer *b, size_t metrics, const char *what, int step,
                 uint64_t point)
{
    cr_assert_eq(a->rc, b->rc, "%s, step %d, point %llu: status %d, alone %d (%s | %s)", what, step,
                 (unsigned long long)point, a->rc, b->rc, a->msg, b->msg);
    if (a->rc) {
        cr_assert_str_eq(a->msg, b->msg, "%s, step %d, point %llu", what, step,
                         (unsigned long long)point);
        return;
    }
    cr_assert_eq(memcmp(a->values, b->values, metrics * sizeof a->values[0]), 0,
                 "%s, step %d, point %llu: metrics differ", what, step, (unsigned long long)point);
}

Test(sw_eval_sim, a_worker_with_history_answers_as_one_without)
{
    mkdir("build/tests", 0755);
    mkdir("build/tests/tmp", 0755);
    mkdir(TMP, 0755);
    write_file(TMP "/base.json", base_text);
    write_file(TMP "/layer.json", layer_text);
    sw_eval_sim *sim;
    sw_eval ev;
    fw_err err;
    cr_assert_eq(sw_eval_sim_create(&sim, &ev, NULL, &err), 0, "%s", err.msg);
    cr_assert(ev.metric_count <= 64);
    jr_doc base;
    cr_assert_eq(jr_doc_load(TMP "/base.json", &base, &err), 0, "%s", err.msg);
    wl_workload *wl;
    cr_assert_eq(wl_load(TMP "/layer.json", 0, &wl, &err), 0, "%s", err.msg);
    int invalid = 0, valid = 0;
    for (size_t k = 0; k < sizeof axes / sizeof axes[0]; k++) {
        char text[4096];
        snprintf(text, sizeof text,
                 "{\"base\": \"base.json\", \"workloads\": [\"layer.json\"], \"axes\": %s,"
                 " \"objectives\": [{\"metric\": \"latency_ms\", \"goal\": \"minimize\"}]}",
                 axes[k]);
        sw_spec spec;
        cr_assert_eq(sw_spec_parse(TMP "/spec.json", text, &spec, &err), 0, "%s", err.msg);
        void *kept = ev.worker_create(ev.ctx, &spec, &base);
        cr_assert(kept);
        jr_doc doc = {.file = base.file, .root = cJSON_Duplicate(base.root, 1)};
        size_t have[SW_MAX_AXES];
        for (size_t a = 0; a < SW_MAX_AXES; a++)
            have[a] = SIZE_MAX;
        uint64_t x = 777 + k, point = 0;
        for (int step = 0; step < 1500; step++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            /* runs of neighbours (mostly one axis changes) and jumps */
            point = (x >> 60) < 10 ? (point + 1) % spec.point_count : (x >> 33) % spec.point_count;
            size_t w, v[SW_MAX_AXES];
            sw_spec_point(&spec, point, &w, v);
            cr_assert_eq(sw_spec_apply(&spec, &doc, have, v, &err), 0, "%s", err.msg);
            jr_doc fresh;
            cr_assert_eq(sw_spec_point_config(&spec, &base, point, &fresh, &w, &err), 0);
            void *alone = ev.worker_create(ev.ctx, &spec, &base);
            cr_assert(alone);
            answer a, b;
            memset(&a, 0, sizeof a);
            memset(&b, 0, sizeof b);
            fw_err ea, eb;
            fw_err_clear(&ea);
            fw_err_clear(&eb);
            a.rc = ev.check(ev.ctx, kept, &doc, &ea);
            b.rc = ev.check(ev.ctx, alone, &fresh, &eb);
            snprintf(a.msg, sizeof a.msg, "%s", ea.msg);
            snprintf(b.msg, sizeof b.msg, "%s", eb.msg);
            same(&a, &b, 0, "check", step, point);
            /* every other step the evaluation alone, without the check before it */
            if (step % 2 == 0) {
                ev.worker_destroy(alone);
                alone = ev.worker_create(ev.ctx, &spec, &base);
            }
            fw_err_clear(&ea);
            fw_err_clear(&eb);
            a.rc = ev.eval(ev.ctx, kept, &doc, wl, a.values, &ea);
            b.rc = ev.eval(ev.ctx, alone, &fresh, wl, b.values, &eb);
            snprintf(a.msg, sizeof a.msg, "%s", ea.msg);
            snprintf(b.msg, sizeof b.msg, "%s", eb.msg);
            same(&a, &b, ev.metric_count, "eval", step, point);
            a.rc ? invalid++ : valid++;
            ev.worker_destroy(alone);
            cJSON_Delete(fresh.root);
        }
        ev.worker_destroy(kept);
        cJSON_Delete(doc.root);
        sw_spec_fini(&spec);
    }
    cr_expect(invalid > 500 && valid > 1000, "%d invalid, %d valid points", invalid, valid);
    wl_destroy(wl);
    jr_doc_fini(&base);
    sw_eval_sim_destroy(sim);
}
