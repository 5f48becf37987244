/* Tests of the strict JSON reader (models/common/jr): syntax errors with line and column,
 * duplicate keys, types, ranges, unknown keys, paths in messages, --set overrides. The
 * expected messages are written by hand from the documented format; a value set by text is
 * the node cJSON's own parser makes of it. */
#include "common/jr.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static jr_doc parse_ok(const char *text)
{
    jr_doc doc;
    fw_err err;
    cr_assert_eq(jr_doc_parse("t.json", text, &doc, &err), 0, "%s", err.msg);
    return doc;
}

static void parse_fails(const char *text, const char *expected)
{
    jr_doc doc;
    fw_err err;
    cr_assert_eq(jr_doc_parse("t.json", text, &doc, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, expected);
}

Test(jr, syntax_errors_name_line_and_column)
{
    parse_fails("{\n  \"a\": 1,\n  \"b\": }\n", "t.json:3:8: JSON syntax error");
    parse_fails("{\"a\": 1} x", "t.json:1:10: JSON syntax error");
    parse_fails("", "t.json:1:1: JSON syntax error");
}

Test(jr, duplicate_keys_are_errors)
{
    parse_fails("{\"a\": {\"b\": 1, \"b\": 2}}", "t.json: a.b: duplicate key");
    parse_fails("{\"l\": [{}, {\"x\": 1, \"x\": 1}]}", "t.json: l[1].x: duplicate key");
    parse_fails("{\"k\": 1, \"k\": 1}", "t.json: k: duplicate key");
    parse_fails("[{}, {\"a\": [1, [2, {\"k\": 1, \"k\": 2}]]}]",
                "t.json: [1].a[1][1].k: duplicate key");
    /* the first duplicate in document order wins */
    parse_fails("{\"p\": {\"q\": 1, \"q\": 2}, \"p\": 3}", "t.json: p.q: duplicate key");
}

Test(jr, scalars_types_ranges_and_defaults)
{
    jr_doc doc = parse_ok("{\"n\": 8, \"f\": 1.5, \"s\": \"ws\", \"b\": true, \"big\": 1e300,"
                          " \"neg\": -1, \"frac\": 2.5}");
    jr_obj root;
    fw_err err;
    uint32_t n, d;
    double f;
    const char *s;
    bool b;
    unsigned e;
    static const char *const names[] = {"ws", "os", "is"};
    cr_assert_eq(jr_root(&doc, &root, &err), 0);
    cr_assert_eq(jr_u32(&root, "n", true, 0, 1, 1024, &n, &err), 0);
    cr_assert_eq(n, 8);
    cr_assert_eq(jr_u32(&root, "absent", false, 7, 1, 1024, &d, &err), 0);
    cr_assert_eq(d, 7);
    cr_assert_eq(jr_f64(&root, "f", true, 0, 0, 10, &f, &err), 0);
    cr_assert_eq(f, 1.5);
    cr_assert_eq(jr_enum(&root, "s", true, 0, names, 3, &e, &err), 0);
    cr_assert_eq(e, 0);
    cr_assert_eq(jr_str(&root, "s", true, NULL, &s, &err), 0);
    cr_assert_eq(jr_bool(&root, "b", true, false, &b, &err), 0);
    cr_assert(b);

    cr_assert_eq(jr_u32(&root, "big", true, 0, 0, 10, &n, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: big: 1e+300 is out of range [0, 10]");
    cr_assert_eq(jr_u32(&root, "neg", true, 0, 0, 10, &n, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: neg: -1 is out of range [0, 10]");
    cr_assert_eq(jr_u32(&root, "frac", true, 0, 0, 10, &n, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: frac: expected an integer, found 2.5");
    cr_assert_eq(jr_u32(&root, "s", true, 0, 0, 10, &n, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: s: expected an integer, found a string");
    cr_assert_eq(jr_u32(&root, "missing", true, 0, 0, 10, &n, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: missing: missing required key");
    cr_assert_eq(jr_obj_done(&root, &err), 0, "%s", err.msg);
    jr_doc_fini(&doc);
}

Test(jr, enum_and_unknown_keys_in_nested_paths)
{
    jr_doc doc = parse_ok("{\"array\": {\"dataflow\": \"xs\", \"rowz\": 4}, \"l\": [{\"k\": 1}]}");
    jr_obj root, array, layer;
    jr_arr l;
    fw_err err;
    unsigned e;
    uint32_t k;
    static const char *const names[] = {"ws", "os", "is"};
    cr_assert_eq(jr_root(&doc, &root, &err), 0);
    cr_assert_eq(jr_obj_get(&root, "array", true, &array, NULL, &err), 0);
    cr_assert_eq(jr_enum(&array, "dataflow", true, 0, names, 3, &e, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: array.dataflow: 'xs' is not one of: ws, os, is");
    cr_assert_eq(jr_obj_done(&array, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: array.rowz: unknown key");
    cr_assert_eq(jr_arr_get(&root, "l", true, &l, NULL, &err), 0);
    cr_assert_eq(l.count, 1);
    cr_assert_eq(jr_arr_obj(&l, 0, &layer, &err), 0);
    cr_assert_eq(jr_u32(&layer, "k", true, 0, 2, 9, &k, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: l[0].k: 1 is out of range [2, 9]");
    jr_doc_fini(&doc);
}

Test(jr, set_overrides_values_by_path)
{
    jr_doc doc = parse_ok("{\"array\": {\"rows\": 4}, \"l\": [{\"k\": 1}, {\"k\": 2}]}");
    jr_obj root, array, layer;
    jr_arr l;
    fw_err err;
    uint32_t v;
    const char *s;
    cr_assert_eq(jr_doc_set(&doc, "array.rows", "64", &err), 0, "%s", err.msg);
    cr_assert_eq(jr_doc_set(&doc, "l[1].k", "9", &err), 0, "%s", err.msg);
    cr_assert_eq(jr_doc_set(&doc, "array.dataflow", "os", &err), 0, "%s", err.msg);
    cr_assert_eq(jr_doc_set(&doc, "nothere.rows", "1", &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: --set nothere.rows: no key 'nothere' to descend into");
    cr_assert_eq(jr_doc_set(&doc, "l[5].k", "1", &err), FW_EXIT_INPUT);
    cr_assert_eq(jr_root(&doc, &root, &err), 0);
    cr_assert_eq(jr_obj_get(&root, "array", true, &array, NULL, &err), 0);
    cr_assert_eq(jr_u32(&array, "rows", true, 0, 1, 1024, &v, &err), 0);
    cr_assert_eq(v, 64);
    cr_assert_eq(jr_str(&array, "dataflow", true, NULL, &s, &err), 0);
    cr_assert_str_eq(s, "os");
    cr_assert_eq(jr_arr_get(&root, "l", true, &l, NULL, &err), 0);
    cr_assert_eq(jr_arr_obj(&l, 1, &layer, &err), 0);
    cr_assert_eq(jr_u32(&layer, "k", true, 0, 0, 10, &v, &err), 0);
    cr_assert_eq(v, 9);
    jr_doc_fini(&doc);
}

Test(jr, load_missing_file_is_io_error)
{
    jr_doc doc;
    fw_err err;
    cr_assert_eq(jr_doc_load("build/does-not-exist.json", &doc, &err), FW_EXIT_IO);
    cr_assert_str_eq(err.msg, "build/does-not-exist.json: cannot open: No such file or directory");
}

Test(jr, messages_stay_on_one_line)
{
    jr_doc doc = parse_ok("{\"s\": \"a\\nb\", \"k\\tx\": 1}");
    jr_obj root;
    fw_err err;
    unsigned e;
    static const char *const names[] = {"ws"};
    cr_assert_eq(jr_root(&doc, &root, &err), 0);
    cr_assert_eq(jr_enum(&root, "s", true, 0, names, 1, &e, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: s: 'a?b' is not one of: ws");
    cr_assert_eq(jr_obj_done(&root, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: k?x: unknown key");
    jr_doc_fini(&doc);
}

Test(jr, did_you_mean_and_misspelt_required_keys_first)
{
    /* an unknown key near a key the reader asked for names it */
    jr_doc doc = parse_ok("{\"rows\": 4, \"dataflwo\": \"ws\"}");
    jr_obj root;
    fw_err err;
    uint32_t v;
    const char *s;
    cr_assert_eq(jr_root(&doc, &root, &err), 0);
    cr_assert_eq(jr_u32(&root, "rows", true, 0, 1, 9, &v, &err), 0);
    cr_assert_eq(jr_str(&root, "dataflow", false, "os", &s, &err), 0);
    cr_assert_eq(jr_obj_done(&root, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: dataflwo: unknown key (did you mean 'dataflow'?)");
    jr_doc_fini(&doc);
    /* a required key missing next to its misspelling: the misspelling is reported, not
     * "missing required key" */
    doc = parse_ok("{\"rwos\": 4, \"cols\": 2}");
    cr_assert_eq(jr_root(&doc, &root, &err), 0);
    cr_assert_eq(jr_u32(&root, "rows", true, 0, 1, 9, &v, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg,
                     "t.json: rwos: unknown key (did you mean 'rows'? 'rows' is required and missing)");
    jr_doc_fini(&doc);
    /* nothing near: plain messages */
    doc = parse_ok("{\"zzz\": 4}");
    cr_assert_eq(jr_root(&doc, &root, &err), 0);
    cr_assert_eq(jr_u32(&root, "rows", true, 0, 1, 9, &v, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: rows: missing required key");
    jr_doc_fini(&doc);
}

Test(jr, set_option_errors_name_the_set)
{
    jr_doc doc = parse_ok("{\"array\": {\"rows\": 4}, \"l\": [{\"k\": 1}]}");
    jr_obj root, array, layer;
    jr_arr l;
    fw_err err;
    uint32_t v;
    cr_assert_eq(jr_doc_set_option(&doc, "array.rows", "0", "array.rows=0", &err), 0);
    cr_assert_eq(jr_doc_set_option(&doc, "l[0].k", "99", "l[0].k=99", &err), 0);
    cr_assert_eq(jr_root(&doc, &root, &err), 0);
    cr_assert_eq(jr_obj_get(&root, "array", true, &array, NULL, &err), 0);
    cr_assert_eq(jr_u32(&array, "rows", true, 0, 1, 9, &v, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "--set array.rows=0: array.rows: 0 is out of range [1, 9]");
    cr_assert_eq(jr_arr_get(&root, "l", true, &l, NULL, &err), 0);
    cr_assert_eq(jr_arr_obj(&l, 0, &layer, &err), 0);
    cr_assert_eq(jr_u32(&layer, "k", true, 0, 1, 9, &v, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "--set l[0].k=99: l[0].k: 99 is out of range [1, 9]");
    /* a path the --set did not touch still blames the file */
    cr_assert_eq(jr_u32(&array, "cols", true, 0, 1, 9, &v, &err), FW_EXIT_INPUT);
    cr_assert_str_eq(err.msg, "t.json: array.cols: missing required key");
    jr_doc_fini(&doc);
}

/* A value set by text is the node cJSON's parser makes of the text (a string when it does not
 * parse): type, double bit for bit, int and string, for integer texts (which take a shortcut
 * past the parser) at the edges of the shortcut and random ones, and texts it must not take. */
static void set_equals_parse(const char *text)
{
    jr_doc doc = parse_ok("{\"a\": 1}");
    fw_err err;
    cr_assert_eq(jr_doc_set(&doc, "a", text, &err), 0, "%s", err.msg);
    const cJSON *got = cJSON_GetObjectItemCaseSensitive(doc.root, "a");
    cJSON *want = cJSON_ParseWithOpts(text, NULL, 1);
    if (!want)
        want = cJSON_CreateString(text);
    cr_assert_eq(got->type, want->type, "'%s'", text);
    cr_assert_eq(memcmp(&got->valuedouble, &want->valuedouble, sizeof got->valuedouble), 0, "'%s'",
                 text);
    cr_assert_eq(got->valueint, want->valueint, "'%s'", text);
    cr_assert_eq(!got->valuestring, !want->valuestring, "'%s'", text);
    if (got->valuestring)
        cr_assert_str_eq(got->valuestring, want->valuestring);
    cJSON_Delete(want);
    jr_doc_fini(&doc);
}

Test(jr, set_value_text_as_the_parser_reads_it)
{
    const char *texts[] = {"0",
                           "7",
                           "10",
                           "2147483647",
                           "2147483648",
                           "999999999999999",
                           "1000000000000000",
                           "1234567890123456789",
                           "007",
                           "00",
                           "-5",
                           "-0",
                           "1e3",
                           "12.5",
                           "",
                           "abc",
                           " 5",
                           "5 ",
                           "5x",
                           "true",
                           "null",
                           "\"s\"",
                           "{\"x\": 1}",
                           "[1]"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        set_equals_parse(texts[i]);
    uint64_t x = 99;
    for (int i = 0; i < 20000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        char text[32];
        snprintf(text, sizeof text, "%llu",
                 (unsigned long long)((x >> 11) % (i % 2 ? 1000000000000000ULL : 100000ULL)));
        set_equals_parse(text);
    }
}
