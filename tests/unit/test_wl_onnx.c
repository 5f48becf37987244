/* Tests of the ONNX reader (workload/wl_onnx.c) through its memory-buffer entry point, on the
 * models tools/gen_onnx.py writes under $BUILD/onnx (made by `make test` before the suites):
 * the layers' inputs (the graph's edges) in ResNet-50 against its architecture (every layer
 * reads one tensor, a residual addition two) and in BERT's attention, and robustness: every
 * prefix and every single-byte corruption of two small models (a Conv with weights; shape
 * arithmetic) parse or fail with FW_EXIT_INPUT, never crash (run under ASan by
 * `make test-asan`). tests/cli/onnx.sh checks shapes, MACs and error messages. */
#include "common/fw_io.h"
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static char *read_model(const char *rel, size_t *len)
{
    const char *build = getenv("BUILD");
    char path[512];
    char *bytes = NULL;
    fw_err err;
    snprintf(path, sizeof path, "%s/onnx/%s", build && *build ? build : "build", rel);
    cr_assert_eq(fw_read_file(path, &bytes, len, &err), 0, "%s (run make test to generate)",
                 err.msg);
    return bytes;
}

static size_t find(const wl_workload *wl, const char *name)
{
    for (size_t i = 0; i < wl->layer_count; i++)
        if (!strcmp(wl->layers[i].name, name))
            return i;
    cr_assert_fail("no layer %s", name);
    return 0;
}

/* The inputs of layer `name` must be exactly the layers want[0..n-1] (in this order). */
static void expect_inputs(const wl_workload *wl, const char *name, const uint32_t *want,
                          uint32_t n)
{
    const wl_layer *l = &wl->layers[find(wl, name)];
    cr_assert_eq(l->input_count, n, "%s: %u inputs, expected %u", name, l->input_count, n);
    for (uint32_t j = 0; j < n; j++)
        cr_expect_eq(l->inputs[j], want[j], "%s: input %u is %u, expected %u", name, j,
                     l->inputs[j], want[j]);
}

Test(wl_onnx, resnet50_inputs)
{
    size_t len;
    char *bytes = read_model("resnet50.onnx", &len);
    wl_workload *wl;
    fw_err err;
    cr_assert_eq(wl_parse_onnx("resnet50.onnx", (const uint8_t *)bytes, len, NULL, &wl, &err), 0,
                 "%s", err.msg);
    /* a chain with 16 residual additions: every layer reads one tensor of an earlier layer, an
     * addition two, conv1 the network input */
    size_t two = 0;
    for (size_t i = 0; i < wl->layer_count; i++) {
        const wl_layer *l = &wl->layers[i];
        cr_assert(l->input_count == 1 || l->input_count == 2, "%s: %u inputs", l->name,
                  l->input_count);
        two += l->input_count == 2;
        for (uint32_t j = 0; j < l->input_count; j++)
            cr_expect(i == 0 ? l->inputs[j] == WL_INPUT_NETWORK : l->inputs[j] < i,
                      "%s: input %u is %u", l->name, j, l->inputs[j]);
    }
    cr_expect_eq(two, 16);
    /* res2a_add = batch-norm(res2a_branch2c) + batch-norm(res2a_branch1); each batch-norm
     * reads its conv; the block input (pool1) feeds both branches */
    const wl_layer *add = &wl->layers[find(wl, "res2a_add")];
    cr_assert_eq(add->input_count, 2);
    uint32_t c2 = (uint32_t)find(wl, "res2a_branch2c"), c1 = (uint32_t)find(wl, "res2a_branch1");
    uint32_t pool1 = (uint32_t)find(wl, "pool1");
    expect_inputs(wl, wl->layers[add->inputs[0]].name, &c2, 1);
    expect_inputs(wl, wl->layers[add->inputs[1]].name, &c1, 1);
    expect_inputs(wl, "res2a_branch2a", &pool1, 1);
    expect_inputs(wl, "res2a_branch1", &pool1, 1);
    /* res2b_add: the identity shortcut is the ReLU after res2a_add */
    const wl_layer *add_b = &wl->layers[find(wl, "res2b_add")];
    cr_assert_eq(add_b->input_count, 2);
    uint32_t a = (uint32_t)find(wl, "res2a_add");
    expect_inputs(wl, wl->layers[add_b->inputs[1]].name, &a, 1);
    wl_destroy(wl);
    free(bytes);
}

Test(wl_onnx, bert_attention_inputs)
{
    size_t len;
    char *bytes = read_model("bert_base.onnx", &len);
    wl_workload *wl;
    fw_err err;
    cr_assert_eq(wl_parse_onnx("bert_base.onnx", (const uint8_t *)bytes, len, NULL, &wl, &err),
                 0, "%s", err.msg);
    /* Q.K^T reads two activations (the transposed heads of Q and K), no weights; softmax x V
     * reads the softmax and V's heads */
    const wl_layer *qk = &wl->layers[find(wl, "l0_qk")];
    cr_expect_eq(qk->kind, WL_MATMUL);
    cr_expect_eq(qk->heads, 12);
    cr_expect_eq(wl_layer_weights(qk), 0);
    cr_assert_eq(qk->input_count, 2);
    const wl_layer *av = &wl->layers[find(wl, "l0_av")];
    cr_assert_eq(av->input_count, 2);
    cr_expect_eq(av->inputs[0], find(wl, "l0_softmax"));
    cr_expect_eq(wl->layers[find(wl, "l0_softmax")].nomac, WL_NOMAC_SOFTMAX);
    cr_expect_eq(wl->layers[find(wl, "l0_norm1")].nomac, WL_NOMAC_LAYERNORM);
    wl_destroy(wl);
    free(bytes);
}

/* Parses a buffer: success or a bad-input error with a message, never anything else. */
static void parse_ok_or_input(const uint8_t *b, size_t len, const char *what, size_t at)
{
    wl_workload *wl = NULL;
    fw_err err;
    fw_err_clear(&err);
    int rc = wl_parse_onnx("m.onnx", b, len, NULL, &wl, &err);
    cr_assert(rc == 0 || rc == FW_EXIT_INPUT, "%s %zu: status %d", what, at, rc);
    if (rc)
        cr_assert(err.msg[0] && !strchr(err.msg, '\n'), "%s %zu: message '%s'", what, at,
                  err.msg);
    else
        cr_assert(wl && wl->layer_count > 0);
    wl_destroy(wl);
}

static void corrupt_all(const char *model)
{
    size_t len;
    char *bytes = read_model(model, &len);
    uint8_t *buf = malloc(len);
    cr_assert(buf);
    for (size_t n = 0; n < len; n++) { /* exact-size copies so ASan sees any overread */
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, bytes, n);
        parse_ok_or_input(p, n, "prefix", n);
        free(p);
    }
    static const uint8_t flips[] = {0xff, 0x80, 0x01, 0x7f};
    for (size_t i = 0; i < len; i++)
        for (size_t f = 0; f < sizeof flips; f++) {
            memcpy(buf, bytes, len);
            buf[i] ^= flips[f];
            parse_ok_or_input(buf, len, "flip at", i);
        }
    free(buf);
    free(bytes);
}

Test(wl_onnx, every_prefix_and_byte_corruption)
{
    corrupt_all("cases/conv_pads.onnx");  /* a Conv with its weights */
    corrupt_all("cases/shape_math.onnx"); /* constant folding, Slice, Gather */
}

Test(wl_onnx, zoo_prefixes)
{
    size_t len;
    char *bytes = read_model("bert_base.onnx", &len);
    for (size_t n = 0; n < len; n += 61) {
        uint8_t *p = malloc(n ? n : 1);
        memcpy(p, bytes, n);
        parse_ok_or_input(p, n, "prefix", n);
        free(p);
    }
    free(bytes);
}

/* fuzz_onnx found memcpy(_, NULL, 0) (undefined behaviour, caught by UBSan) on an ints
 * attribute with no values: protobuf-c leaves an empty repeated field NULL. The input (a
 * Transpose whose "perm" holds no integers) must parse or fail with a message, and under
 * `make test-asan` without a UBSan report. */
Test(wl_onnx, fuzz_empty_ints_attribute)
{
    char *bytes = NULL;
    size_t len;
    fw_err err;
    cr_assert_eq(fw_read_file("tests/fuzz/regress/fuzz_onnx/transpose_perm_empty.onnx", &bytes,
                              &len, &err),
                 0, "%s", err.msg);
    parse_ok_or_input((const uint8_t *)bytes, len, "fuzz finding, bytes", len);
    free(bytes);
}
