/* Tests of workload input errors: malformed workload JSON and SCALE-Sim CSV inputs, each giving
 * its specific one-line message (file, layer index and name, field or line and column), none
 * crashing; and every prefix of valid inputs read without a crash. The expected messages are
 * written by hand from the documented formats (configs/README.md). */
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_fails(const char *text, const char *expected)
{
    wl_workload *wl = (wl_workload *)1;
    fw_err err;
    fw_err_clear(&err);
    cr_assert_eq(wl_parse_json("t.json", text, 0, &wl, &err), FW_EXIT_INPUT, "accepted: %s", text);
    cr_expect_null(wl);
    cr_expect_str_eq(err.msg, expected);
    cr_expect_null(strchr(err.msg, '\n'), "message is one line");
}

/* A one-layer workload around a layer object. */
static void layer_fails(const char *layer, const char *expected)
{
    char text[1024];
    snprintf(text, sizeof text, "{\"name\": \"w\", \"layers\": [%s]}", layer);
    json_fails(text, expected);
}

static void csv_fails(const char *text, const char *expected)
{
    wl_workload *wl = (wl_workload *)1;
    fw_err err;
    fw_err_clear(&err);
    cr_assert_eq(wl_parse_scalesim("t.csv", text, 0, &wl, &err), FW_EXIT_INPUT, "accepted: %s",
                 text);
    cr_expect_null(wl);
    cr_expect_str_eq(err.msg, expected);
    cr_expect_null(strchr(err.msg, '\n'), "message is one line");
}

#define CONV "\"name\": \"c1\", \"type\": \"conv\", \"in_h\": 8, \"in_w\": 8"

Test(wl_errors, json_document)
{
    json_fails("{\"name\": \"w\", \"layers\": [}", "t.json:1:26: JSON syntax error");
    json_fails("{\"name\": \"w\"}", "t.json: layers: missing required key");
    json_fails("{\"name\": \"w\", \"layers\": []}", "t.json: layers: must hold 1 to 100000 layers");
    json_fails("{\"name\": \"w\", \"batchsize\": 2, \"layers\": [{\"name\": \"g\", \"type\": "
               "\"gemm\", \"m\": 1, \"n\": 1, \"k\": 1}]}",
               "t.json: batchsize: unknown key");
    json_fails("{\"name\": \"w\", \"batch\": 0, \"layers\": []}",
               "t.json: batch: 0 is out of range [1, 1048576]");
    json_fails("{\"name\": \"w\", \"layers\": [3]}",
               "t.json: layers[0]: expected an object, found a number");
    json_fails("[1, 2]", "t.json: (root): expected a JSON object");
}

Test(wl_errors, json_keys_and_types)
{
    layer_fails("{\"type\": \"fc\", \"in_features\": 4, \"out_features\": 2}",
                "t.json: layers[0].name: missing required key");
    layer_fails("{\"name\": \"c1\", \"type\": \"convolution\"}",
                "t.json: layers[0].type: 'convolution' is not one of: conv, fc, gemm, pool, "
                "eltwise, matmul, softmax, layernorm, gelu (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 4, \"kernel\": 3, \"strides\": 2}",
                "t.json: layers[0].strides: unknown key (did you mean 'stride_h'?) (layer 'c1')");
    layer_fails("{\"name\": \"c1\", \"type\": \"conv\", \"in_h\": \"224\"}",
                "t.json: layers[0].in_h: expected an integer, found a string (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 2.5, \"kernel\": 3}",
                "t.json: layers[0].filters: expected an integer, found 2.5 (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 4}",
                "t.json: layers[0].kernel: missing required key (or filt_r and filt_s) "
                "(layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 4, \"filt_r\": 3}",
                "t.json: layers[0].filt_s: missing required key (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 4, \"kernel\": 3, \"filt_r\": 3}",
                "t.json: layers[0].filt_r: give either kernel or filt_r and filt_s, not both "
                "(layer 'c1')");
    layer_fails("{\"name\": \"f\", \"type\": \"fc\", \"in_features\": 4, \"out_features\": 2, "
                "\"groups\": 2}",
                "t.json: layers[0].groups: unknown key (layer 'f')");
    layer_fails("{\"name\": \"\", \"type\": \"fc\"}",
                "t.json: layers[0].name: must have 1 to 63 characters");
    layer_fails("{\"name\": \"c1\", \"type\": \"conv\", \"in_h\": 1, \"in_h\": 2}",
                "t.json: layers[0].in_h: duplicate key");
}

Test(wl_errors, json_values)
{
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 4, \"kernel\": 3, \"stride\": 0}",
                "t.json: layers[0].stride: 0 is out of range [1, 1073741824] (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 6, \"filters\": 8, \"kernel\": 3, \"groups\": 4}",
                "t.json: layers[0].groups: 4 does not divide in_c (6) (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 8, \"filters\": 6, \"kernel\": 3, \"groups\": 4}",
                "t.json: layers[0].groups: 4 does not divide filters (6) (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 4, \"kernel\": 9}",
                "t.json: layers[0].in_h: 8 plus padding 0 + 0 is smaller than the filter height "
                "9: no output (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 4, \"kernel\": 3, \"dil_h\": 1, "
                "\"dil_w\": 4}",
                "t.json: layers[0].in_w: 8 plus padding 0 + 0 is smaller than the dilated filter "
                "width 9: no output (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 4, \"kernel\": 3, \"pad\": \"full\"}",
                "t.json: layers[0].pad: 'full' is not one of: same, valid (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 4, \"kernel\": 3, \"pad\": [1, 1]}",
                "t.json: layers[0].pad: expected an integer, \"same\" or \"valid\" (layer 'c1')");
    layer_fails("{" CONV ", \"in_c\": 3, \"filters\": 4, \"kernel\": 3, \"pad\": 1, "
                "\"pad_top\": 1}",
                "t.json: layers[0].pad_top: give either pad or pad_top, pad_bottom, pad_left and "
                "pad_right, not both (layer 'c1')");
    layer_fails("{\"name\": \"g\", \"type\": \"gemm\", \"m\": 1073741824, \"n\": 1073741824, "
                "\"k\": 1073741824}",
                "t.json: layers[0].macs: count does not fit in 64 bits (layer 'g')");
    json_fails("{\"name\": \"w\", \"layers\": [{\"name\": \"a\", \"type\": \"eltwise\", "
               "\"in_h\": 1, \"in_w\": 1, \"in_c\": 1}, {\"name\": \"a\", \"type\": \"eltwise\", "
               "\"in_h\": 1, \"in_w\": 1, \"in_c\": 1}]}",
               "t.json: layers[1].name: duplicate layer name 'a' (also layers[0])");
}

#define HDR                                                                                        \
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "               \
    "Num Filter, Strides,\n"

/* Two 8x8 layers before the one under test: a (3 -> 4 channels, 8x8) and b (4 -> 2, 8x8). */
static void inputs_fail(const char *third, const char *expected)
{
    char text[1024];
    snprintf(text, sizeof text,
             "{\"name\": \"w\", \"layers\": ["
             "{\"name\": \"a\", \"type\": \"conv\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 3, "
             "\"filters\": 4, \"kernel\": 1},"
             "{\"name\": \"b\", \"type\": \"conv\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 4, "
             "\"filters\": 2, \"kernel\": 1}, %s]}",
             third);
    json_fails(text, expected);
}

Test(wl_errors, json_inputs)
{
    /* configs/README.md: "inputs" names earlier layers (or "input"); shapes must agree */
    inputs_fail("{\"name\": \"c\", \"type\": \"eltwise\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 4, "
                "\"inputs\": [\"a\", \"nope\"]}",
                "t.json: layers[2].inputs[1]: unknown tensor 'nope' (the name of an earlier "
                "layer, or \"input\") (layer 'c')");
    inputs_fail("{\"name\": \"c\", \"type\": \"eltwise\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 4, "
                "\"inputs\": [\"c\"]}",
                "t.json: layers[2].inputs[0]: unknown tensor 'c' (the name of an earlier "
                "layer, or \"input\") (layer 'c')");
    inputs_fail("{\"name\": \"c\", \"type\": \"eltwise\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 4, "
                "\"inputs\": [\"a\", \"a\"]}",
                "t.json: layers[2].inputs[1]: tensor 'a' named twice (layer 'c')");
    inputs_fail("{\"name\": \"c\", \"type\": \"eltwise\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 4, "
                "\"inputs\": []}",
                "t.json: layers[2].inputs: must name 1 to 8 tensors (layer 'c')");
    inputs_fail("{\"name\": \"c\", \"type\": \"eltwise\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 4, "
                "\"inputs\": [1]}",
                "t.json: layers[2].inputs[0]: expected a string, found a number (layer 'c')");
    inputs_fail("{\"name\": \"c\", \"type\": \"eltwise\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 4, "
                "\"inputs\": [\"a\", \"b\"]}",
                "t.json: layers[2].inputs: tensor 'b' has 2 channels, in_c is 4 (layer 'c')");
    inputs_fail("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 4, \"in_w\": 8, \"in_c\": 6, "
                "\"filters\": 1, \"kernel\": 1, \"inputs\": [\"a\", \"b\"]}",
                "t.json: layers[2].inputs: tensor 'a' is 8x8, the layer's input is 4x8 (height x "
                "width) (layer 'c')");
    inputs_fail("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 5, "
                "\"filters\": 1, \"kernel\": 1, \"inputs\": [\"a\", \"b\"]}",
                "t.json: layers[2].inputs: the tensors have 6 channels together, in_c is 5 "
                "(layer 'c')");
    inputs_fail("{\"name\": \"c\", \"type\": \"fc\", \"in_features\": 100, \"out_features\": 2, "
                "\"inputs\": [\"a\", \"b\"]}",
                "t.json: layers[2].inputs: the tensors have 384 elements per image together, "
                "the layer reads 100 (layer 'c')");
}

Test(wl_errors, json_inputs_accepted)
{
    /* a concatenation (4 + 2 channels), a flattening fc and the network input by name; the
     * default (no "inputs") is the previous layer, the network input for the first */
    const char *text =
        "{\"name\": \"w\", \"layers\": ["
        "{\"name\": \"a\", \"type\": \"conv\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 3, "
        "\"filters\": 4, \"kernel\": 1},"
        "{\"name\": \"b\", \"type\": \"conv\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 3, "
        "\"filters\": 2, \"kernel\": 1, \"inputs\": [\"input\"]},"
        "{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 6, "
        "\"filters\": 1, \"kernel\": 3, \"pad\": 1, \"inputs\": [\"a\", \"b\"]},"
        "{\"name\": \"d\", \"type\": \"fc\", \"in_features\": 384, \"out_features\": 2, "
        "\"inputs\": [\"a\", \"b\"]},"
        "{\"name\": \"e\", \"type\": \"fc\", \"in_features\": 2, \"out_features\": 2}]}";
    wl_workload *wl;
    fw_err err;
    cr_assert_eq(wl_parse_json("t.json", text, 0, &wl, &err), 0, "%s", err.msg);
    cr_expect_eq(wl_layer_input_count(wl, 0), 1);
    cr_expect_eq(wl_layer_input(wl, 0, 0), WL_INPUT_NETWORK);
    cr_expect_eq(wl_layer_input(wl, 1, 0), WL_INPUT_NETWORK);
    cr_expect_eq(wl_layer_input_count(wl, 2), 2);
    cr_expect_eq(wl_layer_input(wl, 2, 0), 0);
    cr_expect_eq(wl_layer_input(wl, 2, 1), 1);
    cr_expect_eq(wl_layer_input_count(wl, 4), 1);
    cr_expect_eq(wl_layer_input(wl, 4, 0), 3);
    wl_destroy(wl);
}

Test(wl_errors, csv)
{
    csv_fails("", "t.csv:1: empty file: no SCALE-Sim header");
    csv_fails("Name, H, W,\n", "t.csv:1: not a SCALE-Sim topology header (expected 'Layer name, "
                               "IFMAP Height, ...' or 'Layer, M, N, K,')");
    csv_fails("Layer name\t IFMAP Height\t IFMAP Width\t Filter Height\t Filter Width\t "
              "Channels\t Num Filter\t Strides\t\n",
              "t.csv:1: the header's columns are separated by tabs; SCALE-Sim topology files "
              "separate them by commas");
    csv_fails("Layer, M, N,\n", "t.csv:1: not a SCALE-Sim topology header (expected 'Layer name, "
                                "IFMAP Height, ...' or 'Layer, M, N, K,')");
    csv_fails(HDR, "t.csv:1: no layers after the header");
    csv_fails(HDR "c1, 8, 8, 3, 3, 4, 4,\n",
              "t.csv:2: column 'Strides': missing value (SCALE-Sim fails on this row too)");
    /* SCALE-Sim's placeholders (its LSTM template) and a row naming a section (its MLPERF) */
    csv_fails(HDR "c1, 8, B, 3, 3, 4, 4, 1,\n",
              "t.csv:2: column 'IFMAP Width': 'B' is not an integer in [1, 1073741824]");
    csv_fails(HDR "AlphaGoZero,\n",
              "t.csv:2: column 'IFMAP Height': missing value (SCALE-Sim fails on this row too)");
    csv_fails(HDR "c1, 8, 8, 3, 3, 4, 4, 1, x,\n",
              "t.csv:2: column 'Stride Width': 'x' is not an integer in [1, 1073741824]");
    csv_fails(HDR "c1, 8, 8, 3, 3, 4, 4, 1, 5:4,\n",
              "t.csv:2: column 'Sparsity': '5:4' is not a sparsity N:M with 1 <= N <= M <= 256");
    csv_fails(HDR "c1, 8, 8, 3, 3, abc, 4, 1,\n",
              "t.csv:2: column 'Channels': 'abc' is not an integer in [1, 1073741824]");
    csv_fails(HDR "c1, 8, 8, 3, 3, 4, 4, 0,\n",
              "t.csv:2: column 'Strides': '0' is not an integer in [1, 1073741824]");
    csv_fails(HDR "c1, 8, -8, 3, 3, 4, 4, 1,\n",
              "t.csv:2: column 'IFMAP Width': '-8' is not an integer in [1, 1073741824]");
    csv_fails(HDR "\nc1, 8, 8, 3, 3, 4, 4, 1,\nc2, 5, 5, 11, 3, 4, 4, 1,\n",
              "t.csv:4: column 'Filter Height': 11 is larger than IFMAP Height (5)");
    csv_fails(HDR ", 8, 8, 3, 3, 4, 4, 1,\n", "t.csv:2: column 'Layer name': empty layer name");
    csv_fails(HDR
              "c1, 8, 8, 3, 3, 4, 4, 000000000000000000000000000000000000000000000000000000"
              "000000000000000000000000000000000000000000000000000000000000000000000000000001\n",
              "t.csv:2: column 'Strides': longer than 127 characters");
    csv_fails("Layer, M, N, K,\ng1, 4, 4, 4.5,\n",
              "t.csv:2: column 'K': '4.5' is not an integer in [1, 1073741824]");
}

Test(wl_errors, missing_file_is_an_io_error)
{
    wl_workload *wl;
    fw_err err;
    cr_assert_eq(wl_load("build/no/such/workload.json", 0, &wl, &err), FW_EXIT_IO);
    cr_expect_str_eq(err.msg, "build/no/such/workload.json: cannot open: No such file or "
                              "directory");
}

/* Reads every prefix of a valid file: each either loads or fails with a one-line message. */
static void every_prefix(const char *path, int (*parse)(const char *, const char *, uint32_t,
                                                        wl_workload **, fw_err *))
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    char *prefix = malloc(n + 1);
    cr_assert_not_null(prefix);
    size_t failures = 0;
    for (size_t len = 0; len <= n; len++) {
        memcpy(prefix, text, len);
        prefix[len] = '\0';
        wl_workload *wl;
        fw_err err;
        fw_err_clear(&err);
        if (parse(path, prefix, 0, &wl, &err)) {
            failures++;
            cr_assert(err.msg[0] && !strchr(err.msg, '\n'), "prefix %zu: '%s'", len, err.msg);
        } else {
            wl_destroy(wl);
        }
    }
    cr_expect_gt(failures, 0);
    free(prefix);
}

/* Deterministic random edits (replace, delete, insert bytes) of valid files: each result is
 * read without a crash (run under `make test-asan` for memory errors) and, when rejected,
 * with a non-empty one-line message. */
static void mutations(const char *path,
                      int (*parse)(const char *, const char *, uint32_t, wl_workload **, fw_err *))
{
    static const char alphabet[] = "{}[],:\"0123456789-.e \n\r\t\001abcxyz_";
    static char orig[1 << 16];
    static char buf[(1 << 16) + 64];
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    size_t n = fread(orig, 1, sizeof orig - 1, f);
    fclose(f);
    uint64_t state = 0x9E3779B97F4A7C15ull; /* xorshift64 seed */
#define NEXT() (state ^= state << 13, state ^= state >> 7, state ^= state << 17, state)
    for (int it = 0; it < 5000; it++) {
        size_t len = n;
        memcpy(buf, orig, n);
        for (int e = 0, edits = 1 + (int)(NEXT() % 4); e < edits; e++) {
            size_t pos = (size_t)(NEXT() % (len ? len : 1));
            char ch = alphabet[NEXT() % (sizeof alphabet - 1)];
            switch (NEXT() % 3) {
            case 0:
                if (len)
                    buf[pos] = ch;
                break;
            case 1:
                if (len) {
                    memmove(buf + pos, buf + pos + 1, len - pos - 1);
                    len--;
                }
                break;
            default:
                if (len < n + 60) {
                    memmove(buf + pos + 1, buf + pos, len - pos);
                    buf[pos] = ch;
                    len++;
                }
            }
        }
        buf[len] = '\0';
        wl_workload *wl;
        fw_err err;
        fw_err_clear(&err);
        if (parse(path, buf, 0, &wl, &err)) {
            cr_assert(err.msg[0] && !strchr(err.msg, '\n') && !strchr(err.msg, '\r'),
                      "mutation %d: '%s'", it, err.msg);
        } else {
            FILE *sink = fopen("/dev/null", "w");
            cr_assert_not_null(sink);
            wl_export_scalesim(wl, sink, &err);
            fclose(sink);
            wl_destroy(wl);
        }
    }
#undef NEXT
}

/* One test (one Criterion timeout: several leak a timer record under LeakSanitizer). */
Test(wl_errors, truncated_and_mutated_inputs_never_crash, .timeout = 120)
{
    every_prefix("configs/workloads/tiny.json", wl_parse_json);
    every_prefix("configs/workloads/scalesim/alexnet.csv", wl_parse_scalesim);
    mutations("configs/workloads/tiny.json", wl_parse_json);
    mutations("configs/workloads/mobilenet_v2.json", wl_parse_json);
    mutations("configs/workloads/scalesim/resnet50.csv", wl_parse_scalesim);
}

/* 20,000 layers: every name and input found among all the earlier layers (the readers look names
 * up in a hash table, wl_names.h), a duplicate of a name far back and a layer naming itself as
 * input refused with the messages of the small cases. */
static char *many_layers(unsigned n, const char *last)
{
    size_t size = (size_t)n * 128 + 256, used = 0;
    char *text = malloc(size);
    cr_assert(text);
    used += (size_t)snprintf(text + used, size - used, "{\"name\": \"w\", \"layers\": [");
    for (unsigned k = 0; k < n; k++) {
        used += (size_t)snprintf(text + used, size - used,
                                 "%s{\"name\": \"l%u\", \"type\": \"eltwise\", \"in_h\": 1, "
                                 "\"in_w\": 1, \"in_c\": 1",
                                 k ? ", " : "", k);
        if (k + 1 == n && last)
            used += (size_t)snprintf(text + used, size - used, "%s", last);
        else if (k >= 3)
            used += (size_t)snprintf(text + used, size - used, ", \"inputs\": [\"l%u\", \"l%u\"]",
                                     k - 1, k / 2);
        used += (size_t)snprintf(text + used, size - used, "}");
    }
    snprintf(text + used, size - used, "]}");
    return text;
}

Test(wl_errors, many_layers_names_and_inputs)
{
    enum { N = 20000 };
    char *text = many_layers(N, NULL);
    wl_workload *wl = NULL;
    fw_err err;
    cr_assert_eq(wl_parse_json("t.json", text, 0, &wl, &err), 0, "%s", err.msg);
    cr_assert_eq(wl->layer_count, N);
    for (unsigned k = 3; k < N; k++) {
        cr_assert_eq(wl->layers[k].input_count, 2);
        cr_assert_eq(wl->layers[k].inputs[0], k - 1);
        cr_assert_eq(wl->layers[k].inputs[1], k / 2);
    }
    wl_destroy(wl);
    free(text);
    /* the last layer renamed l12345, then reading itself */
    text = many_layers(N, "");
    char *dup = strstr(text, "\"l19999\"");
    cr_assert(dup);
    memcpy(dup, "\"l12345\"", 8);
    json_fails(text, "t.json: layers[19999].name: duplicate layer name 'l12345' (also layers[12345])");
    free(text);
    text = many_layers(N, ", \"inputs\": [\"l19999\"]");
    json_fails(text, "t.json: layers[19999].inputs[0]: unknown tensor 'l19999' (the name of an "
                     "earlier layer, or \"input\") (layer 'l19999')");
    free(text);
}
