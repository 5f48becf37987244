/* Tests of the ONNX reader (workload/wl_onnx.c) through its memory-buffer entry point, on the
 * models tools/gen_onnx.py writes under $BUILD/onnx (made by `make test` before the suites):
 * the producer/consumer edges of ResNet-50 against its architecture (every layer reads one
 * tensor, a residual addition two), and robustness: every prefix of a small model and every
 * single-byte corruption of it parse or fail with FW_EXIT_INPUT, never crash (run under ASan
 * by `make test-asan`). tests/cli/onnx.sh checks shapes, MACs and error messages. */
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

/* The producers of layer `to`, in edge order. */
static size_t producers(const wl_edge *e, size_t n, size_t to, size_t *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (e[i].to == to && k < max)
            out[k++] = e[i].from;
    return k;
}

Test(wl_onnx, resnet50_edges)
{
    size_t len, n, p[4], q[4];
    char *bytes = read_model("resnet50.onnx", &len);
    wl_workload *wl;
    wl_edge *edges;
    fw_err err;
    cr_assert_eq(wl_parse_onnx("resnet50.onnx", (const uint8_t *)bytes, len, NULL, &wl, &edges,
                               &n, &err),
                 0, "%s", err.msg);
    /* a chain with 16 residual additions: every layer but conv1 reads one tensor, an addition
     * two: (layers - 1) + 16 edges */
    cr_expect_eq(n, wl->layer_count - 1 + 16, "%zu edges for %zu layers", n, wl->layer_count);
    for (size_t i = 0; i < n; i++)
        cr_expect_lt(edges[i].from, edges[i].to, "edge %zu goes backwards", i);
    cr_expect_eq(producers(edges, n, find(wl, "conv1"), p, 4), 0);
    /* res2a_add = batch-norm(res2a_branch2c) + batch-norm(res2a_branch1) */
    cr_assert_eq(producers(edges, n, find(wl, "res2a_add"), p, 4), 2);
    cr_assert_eq(producers(edges, n, p[0], q, 4), 1);
    cr_expect_eq(q[0], find(wl, "res2a_branch2c"));
    cr_assert_eq(producers(edges, n, p[1], q, 4), 1);
    cr_expect_eq(q[0], find(wl, "res2a_branch1"));
    /* the block input (pool1) feeds both branches */
    cr_assert_eq(producers(edges, n, find(wl, "res2a_branch2a"), p, 4), 1);
    cr_expect_eq(p[0], find(wl, "pool1"));
    cr_assert_eq(producers(edges, n, find(wl, "res2a_branch1"), p, 4), 1);
    cr_expect_eq(p[0], find(wl, "pool1"));
    /* res2b_add = batch-norm(res2b_branch2c) + ReLU after res2a_add (identity shortcut) */
    cr_assert_eq(producers(edges, n, find(wl, "res2b_add"), p, 4), 2);
    cr_assert_eq(producers(edges, n, p[1], q, 4), 1);
    cr_expect_eq(q[0], find(wl, "res2a_add"));
    free(edges);
    wl_destroy(wl);
    free(bytes);
}

/* Parses a buffer: success or a bad-input error with a message, never anything else. */
static void parse_ok_or_input(const uint8_t *b, size_t len, const char *what, size_t at)
{
    wl_workload *wl = NULL;
    fw_err err;
    fw_err_clear(&err);
    int rc = wl_parse_onnx("m.onnx", b, len, NULL, &wl, NULL, NULL, &err);
    cr_assert(rc == 0 || rc == FW_EXIT_INPUT, "%s %zu: status %d", what, at, rc);
    if (rc)
        cr_assert(err.msg[0] && !strchr(err.msg, '\n'), "%s %zu: message '%s'", what, at,
                  err.msg);
    else
        cr_assert(wl && wl->layer_count > 0);
    wl_destroy(wl);
}

Test(wl_onnx, every_prefix_and_byte_corruption)
{
    size_t len;
    char *bytes = read_model("cases/conv_pads.onnx", &len);
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
