/* Tests of sim/sweep/sw_spec: spec errors reported with their JSON path (expected messages
 * written by hand from the documented format), ranges (values worked out by hand), grid
 * enumeration order, and random sampling (distinct points, reproducible from the seed,
 * different for another seed). */
#include "sweep/sw_spec.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define HEAD "{\"base\": \"acc.json\", \"workloads\": [\"w.json\"], "
#define OBJ "\"objectives\": [{\"metric\": \"energy_pj\", \"goal\": \"minimize\"}]"

static void spec_fails(const char *text, const char *expected)
{
    sw_spec spec;
    fw_err err;
    cr_assert_eq(sw_spec_parse("s.json", text, &spec, &err), FW_EXIT_INPUT, "accepted: %s", text);
    cr_assert_str_eq(err.msg, expected);
}

static void spec_ok(const char *text, sw_spec *spec)
{
    fw_err err;
    cr_assert_eq(sw_spec_parse("dir/s.json", text, spec, &err), 0, "%s", err.msg);
}

Test(sw_spec, errors_name_the_json_path)
{
    spec_fails("{\"workloads\": [\"w.json\"], \"axes\": [], " OBJ "}",
               "s.json: base: missing required key");
    spec_fails(HEAD "\"axes\": [{\"path\": \"array.rows\", \"values\": [8, {}]}], " OBJ "}",
               "s.json: axes[0].values[1]: expected a number, a string or a boolean (an "
               "object or array value needs \"labels\")");
    spec_fails(HEAD "\"axes\": [{\"path\": \"a\", \"values\": [1]}, {\"path\": \"b\", "
                    "\"range\": {\"from\": 4, \"to\": 1, \"step\": 1}}], " OBJ "}",
               "s.json: axes[1].range.to: 1 is below from (4)");
    spec_fails(HEAD "\"axes\": [{\"path\": \"a\", \"range\": {\"from\": 1, \"to\": 4}}], " OBJ "}",
               "s.json: axes[0].range: give exactly one of \"step\" and \"factor\"");
    spec_fails(HEAD "\"axes\": [{\"path\": \"a\", \"values\": [1], \"color\": 2}], " OBJ "}",
               "s.json: axes[0].color: unknown key");
    spec_fails(HEAD "\"axes\": [{\"path\": \"a\", \"values\": [1]}, {\"paths\": [\"b\", \"a\"], "
                    "\"values\": [2]}], " OBJ "}",
               "s.json: axes[1]: path a is already swept by axes[0]");
    spec_fails(HEAD "\"axes\": [], \"objectives\": [{\"metric\": \"energy_pj\", \"goal\": "
                    "\"least\"}]}",
               "s.json: objectives[0].goal: 'least' is not one of: minimize, maximize");
    spec_fails(HEAD "\"axes\": [], \"constraints\": [{\"metric\": \"area_mm2\"}], " OBJ "}",
               "s.json: constraints[0]: give \"min\", \"max\" or both");
    spec_fails(HEAD "\"axes\": [], \"objectives\": []}",
               "s.json: objectives: expected 1 to 32 objectives");
    spec_fails(HEAD "\"axes\": [{\"path\": \"a\", \"values\": [1, 2]}], \"sampling\": "
                    "{\"mode\": \"random\", \"points\": 3}, " OBJ "}",
               "s.json: sampling.points: 3 is out of range [1, 2]");
    spec_fails(HEAD "\"axes\": [], \"sampling\": {\"mode\": \"grid\", \"seed\": 3}, " OBJ "}",
               "s.json: sampling.seed: unknown key");
    spec_fails(HEAD "\"axes\": [{\"path\": \"a\", \"values\": [\"x,y\"]}], " OBJ "}",
               "s.json: axes[0].values[0]: a string value must be non-empty and hold no comma, "
               "quote, backslash or control character");
    spec_fails(HEAD "\"axes\": [{\"path\": \"a\", \"values\": [\"x\\\\y\"]}], " OBJ "}",
               "s.json: axes[0].values[0]: a string value must be non-empty and hold no comma, "
               "quote, backslash or control character");
    spec_fails("{\"base\": \"acc.json\", \"workloads\": [\"w\\tx.json\"], \"axes\": [], " OBJ "}",
               "s.json: workloads[0]: a path must hold no comma, quote, backslash or control "
               "character");
    spec_fails(HEAD "\"axes\": [], " OBJ ", \"extra\": 1}", "s.json: extra: unknown key");
}

Test(sw_spec, ranges_lists_labels_and_grid_order)
{
    sw_spec s;
    spec_ok(HEAD "\"axes\": ["
                 "{\"path\": \"sram.ifmap.size_bytes\", \"range\": {\"from\": 16384, \"to\": "
                 "131072, \"factor\": 2}},"
                 "{\"path\": \"tech.vdd_v\", \"range\": {\"from\": 0.6, \"to\": 1.0, \"step\": "
                 "0.1}},"
                 "{\"paths\": [\"array.rows\", \"array.cols\"], \"values\": [8, 16]},"
                 "{\"path\": \"precision\", \"values\": [{\"input\": \"int8\"}, {\"input\": "
                 "\"fp16\"}], \"labels\": [\"int8\", \"fp16\"]}], " OBJ "}",
            &s);
    cr_assert_str_eq(s.base_path, "dir/acc.json");
    cr_assert_str_eq(s.workload_paths[0], "dir/w.json");
    cr_assert_str_eq(s.workloads[0], "w.json");
    cr_assert_eq(s.axis_count, 4);
    /* 16384, 32768, 65536, 131072 */
    cr_assert_eq(s.axes[0].value_count, 4);
    cr_assert_str_eq(s.axes[0].json_values[3], "131072");
    /* 0.6 0.7 0.8 0.9 1.0: the last one within the tolerance although 0.6 + 4 * 0.1 rounds
     * above 1.0 in binary */
    cr_assert_eq(s.axes[1].value_count, 5);
    cr_assert_str_eq(s.axes[1].csv_values[1], "0.7");
    cr_assert_str_eq(s.axes[1].csv_values[4], "1");
    cr_assert_eq(s.axes[2].path_count, 2);
    cr_assert_str_eq(s.axes[3].json_values[1], "{\"input\":\"fp16\"}");
    cr_assert_str_eq(s.axes[3].csv_values[1], "fp16");
    cr_assert_eq(s.grid_count, 1 * 4 * 5 * 2 * 2);
    cr_assert_eq(s.point_count, 80);
    /* Mixed radix, last axis fastest: point 37 = ((0*4 + 1)*5 + 4)*2*2 + 0*2 + 1 = 37 */
    size_t w, v[4];
    sw_spec_point(&s, 37, &w, v);
    cr_assert_eq(w, 0);
    cr_assert_eq(v[0], 1);
    cr_assert_eq(v[1], 4);
    cr_assert_eq(v[2], 0);
    cr_assert_eq(v[3], 1);
    static const char *const names[] = {"latency_cycles", "energy_pj"};
    fw_err err;
    cr_assert_eq(sw_spec_check_metrics(&s, names, 2, &err), 0);
    cr_assert_eq(sw_spec_check_metrics(&s, names, 1, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "dir/s.json: objectives[0].metric: unknown metric 'energy_pj' "
                              "(known: latency_cycles)");
    sw_spec_fini(&s);
}

static void sample(uint64_t seed, size_t *choices, size_t n)
{
    char text[512];
    snprintf(text, sizeof text,
             "{\"base\": \"a.json\", \"workloads\": [\"w1\", \"w2\", \"w3\"], \"axes\": ["
             "{\"path\": \"x\", \"range\": {\"from\": 1, \"to\": 10, \"step\": 1}},"
             "{\"path\": \"y\", \"values\": [1, 2, 3, 4, 5, 6, 7]}], " OBJ
             ", \"sampling\": {\"mode\": \"random\", \"points\": %zu, \"seed\": %llu}}",
             n, (unsigned long long)seed);
    sw_spec s;
    spec_ok(text, &s);
    cr_assert_eq(s.grid_count, 210);
    cr_assert_eq(s.point_count, n);
    for (size_t p = 0; p < n; p++) {
        size_t w, v[2];
        sw_spec_point(&s, p, &w, v);
        cr_assert(w < 3 && v[0] < 10 && v[1] < 7);
        choices[p] = (w * 10 + v[0]) * 7 + v[1];
    }
    sw_spec_fini(&s);
}

Test(sw_spec, random_sampling_is_distinct_and_reproducible)
{
    size_t a[210], b[210], c[210];
    sample(42, a, 150);
    sample(42, b, 150);
    sample(43, c, 150);
    size_t differ = 0;
    for (size_t i = 0; i < 150; i++) {
        cr_assert_eq(a[i], b[i]);
        differ += a[i] != c[i];
        for (size_t j = 0; j < i; j++)
            cr_assert_neq(a[i], a[j], "points %zu and %zu repeat", j, i);
    }
    cr_assert_gt(differ, 100);
    /* All 210 points: a permutation of the grid. */
    sample(1, a, 210);
    bool seen[210] = {false};
    for (size_t i = 0; i < 210; i++) {
        cr_assert(!seen[a[i]]);
        seen[a[i]] = true;
    }
}

/* sw_spec_apply writes only the axes from the first changed one; the document must equal a fresh
 * copy of the base with every value written in order (sw_spec_point_config), key order
 * included, whatever points came before: checked on random point sequences of specs whose axes
 * write over and inside each other's paths, and create keys missing from the base. */
Test(sw_spec, apply_changed_axes_equals_a_fresh_config)
{
    const char *specs[] = {
        HEAD "\"axes\": [{\"path\": \"array\", \"values\": [{\"rows\": 4}, {\"cols\": 2, \"x\": 1}], "
             "\"labels\": [\"a\", \"b\"]}, {\"path\": \"array.rows\", \"values\": [8, 16, 32]}, "
             "{\"path\": \"sram.new_key\", \"values\": [1, 2]}], " OBJ "}",
        HEAD "\"axes\": [{\"path\": \"array.rows\", \"values\": [8, 16]}, {\"path\": \"sram\", "
             "\"values\": [{\"a\": 1}, {}], \"labels\": [\"p\", \"q\"]}, {\"paths\": [\"array\", "
             "\"tech\"], \"values\": [{\"rows\": 1}, {\"z\": 0}], \"labels\": [\"r\", \"s\"]}, "
             "{\"path\": \"sram.b\", \"values\": [3, 4, 5]}], " OBJ "}",
    };
    const char *base_text = "{\"array\": {\"rows\": 2, \"cols\": 2}, \"sram\": {\"a\": 0}, "
                            "\"tech\": {\"node_nm\": 28}}";
    for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
        sw_spec s;
        spec_ok(specs[k], &s);
        jr_doc base, cfg;
        fw_err err;
        cr_assert_eq(jr_doc_parse("acc.json", base_text, &base, &err), 0);
        cfg = (jr_doc){.file = base.file, .root = cJSON_Duplicate(base.root, 1)};
        size_t have[SW_MAX_AXES];
        for (size_t a = 0; a < SW_MAX_AXES; a++)
            have[a] = SIZE_MAX;
        uint64_t x = 12345 + k;
        for (int i = 0; i < 3000; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            uint64_t point = (x >> 33) % s.point_count;
            size_t w, v[SW_MAX_AXES];
            sw_spec_point(&s, point, &w, v);
            cr_assert_eq(sw_spec_apply(&s, &cfg, have, v, &err), 0, "%s", err.msg);
            jr_doc fresh;
            cr_assert_eq(sw_spec_point_config(&s, &base, point, &fresh, &w, &err), 0);
            char *a = cJSON_PrintUnformatted(cfg.root), *b = cJSON_PrintUnformatted(fresh.root);
            cr_assert_str_eq(a, b, "spec %zu, step %d, point %llu", k, i,
                             (unsigned long long)point);
            free(a);
            free(b);
            cJSON_Delete(fresh.root);
        }
        cJSON_Delete(cfg.root);
        jr_doc_fini(&base);
        sw_spec_fini(&s);
    }
}
