/* Tests of the network zoo (the JSON files in configs/workloads): each network's MAC total, as read
 * by wl_load, equals the PUBLISHED figure typed from /work/shared/reference/networks.md within 0.5%
 * (GoogLeNet: see its test). The expected numbers are the papers' and references' figures, not
 * values computed by flopwatt. */
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

static wl_workload *load(const char *file)
{
    char path[256];
    wl_workload *wl;
    fw_err err;
    snprintf(path, sizeof path, "configs/workloads/%s", file);
    cr_assert_eq(wl_load(path, 0, &wl, &err), 0, "%s", err.msg);
    return wl;
}

static void expect_near(double actual, double published, double tolerance, const char *what)
{
    double rel = fabs(actual - published) / published;
    cr_expect_leq(rel, tolerance, "%s: %.6g vs published %.6g (%.3f%% off, tolerance %.1f%%)", what,
                  actual, published, 100 * rel, 100 * tolerance);
}

/* MACs of the layers whose kind is `kind`. */
static uint64_t macs_of_kind(const wl_workload *wl, wl_kind kind)
{
    uint64_t total = 0;
    for (size_t i = 0; i < wl->layer_count; i++)
        if (wl->layers[i].kind == kind)
            total += wl_layer_macs(&wl->layers[i]);
    return total;
}

static const wl_layer *find(const wl_workload *wl, const char *name)
{
    for (size_t i = 0; i < wl->layer_count; i++)
        if (!strcmp(wl->layers[i].name, name))
            return &wl->layers[i];
    cr_assert_fail("no layer %s in %s", name, wl->name);
    return NULL;
}

static void expect_total(const char *file, double published, double tolerance)
{
    wl_workload *wl = load(file);
    expect_near((double)wl_total_macs(wl), published, tolerance, file);
    wl_destroy(wl);
}

Test(wl_zoo, alexnet)
{
    /* networks.md: conv 665.8 M, with fc 724 M, conv2 alone 223.9 M; output sizes 55, 27,
     * 13, 13, 13 from its table. */
    wl_workload *wl = load("alexnet.json");
    expect_near((double)macs_of_kind(wl, WL_CONV), 665.8e6, 0.005, "alexnet conv");
    expect_near((double)wl_total_macs(wl), 724e6, 0.005, "alexnet total");
    expect_near((double)wl_layer_macs(find(wl, "conv2")), 223.9e6, 0.005, "alexnet conv2");
    cr_expect_eq(find(wl, "conv1")->out_h, 55);
    cr_expect_eq(find(wl, "conv2")->out_h, 27);
    cr_expect_eq(find(wl, "conv2")->groups, 2);
    cr_expect_eq(find(wl, "conv3")->out_h, 13);
    cr_expect_eq(find(wl, "conv4")->groups, 2);
    cr_expect_eq(find(wl, "conv5")->out_w, 13);
    cr_expect_eq(find(wl, "conv5")->filters, 256);
    cr_expect_eq(find(wl, "fc6")->in_c, 9216);
    wl_destroy(wl);
}

Test(wl_zoo, vgg16)
{
    /* networks.md: 15.47 G (conv 15.35 G + fc 0.12 G). */
    wl_workload *wl = load("vgg16.json");
    expect_near((double)wl_total_macs(wl), 15.47e9, 0.005, "vgg16 total");
    expect_near((double)macs_of_kind(wl, WL_CONV), 15.35e9, 0.005, "vgg16 conv");
    /* 0.12 G is given to two digits: 0.1236 G is within its rounding (+-0.005 G, 4%). */
    expect_near((double)macs_of_kind(wl, WL_FC), 0.12e9, 0.05, "vgg16 fc");
    wl_destroy(wl);
}

Test(wl_zoo, googlenet)
{
    /* networks.md: "~1.5 G, paper figure" (Szegedy et al. 2014: "1.5 billion multiply-adds").
     * The brief asks for 5%; the exact count of the Caffe bvlc_googlenet shapes is 1.583 G,
     * 5.5% above, because conv1 (7x7x3 -> 64 at 112x112) alone is 118 M multiply-adds where the
     * paper's Table 1 lists 34 M for it. So the tolerance here is 6%, not 5% (documented in
     * configs/README.md). */
    expect_total("googlenet.json", 1.5e9, 0.06);
}

/* MACs of the layers whose name starts with prefix. */
static uint64_t macs_with_prefix(const wl_workload *wl, const char *prefix)
{
    uint64_t total = 0;
    for (size_t i = 0; i < wl->layer_count; i++)
        if (!strncmp(wl->layers[i].name, prefix, strlen(prefix)))
            total += wl_layer_macs(&wl->layers[i]);
    return total;
}

Test(wl_zoo, googlenet_per_module)
{
    /* The paper's Table 1 (Szegedy et al., "Going deeper with convolutions", CVPR 2015), "ops"
     * column, in millions of multiply-adds per module, rounded to 1 M there: conv2 (reduce +
     * 3x3) 360, 3a 128, 3b 304, 4a 73, 4b 88, 4c 100, 4d 119, 4e 170, 5b 71, linear 1. The
     * tolerance (2%) covers that rounding. Two rows of the table disagree with its own shapes
     * and are left out: conv1 (34 M listed; 7x7x3x64 at 112x112 is 118 M) and 5a (54 M listed;
     * its branches 832->256, 832->160->320 (3x3), 832->32->128 (5x5), pool->128 at 7x7 give
     * 51.1 M). The total's 5.5% excess over "1.5 G" is conv1's difference (84 M) less 5a's. */
    static const struct {
        const char *prefix;
        double published_macs;
    } rows[] = {
        {"conv2_", 360e6},        {"inception_3a", 128e6}, {"inception_3b", 304e6},
        {"inception_4a", 73e6},   {"inception_4b", 88e6},  {"inception_4c", 100e6},
        {"inception_4d", 119e6},  {"inception_4e", 170e6}, {"inception_5b", 71e6},
        {"loss3_classifier", 1e6},
    };
    wl_workload *wl = load("googlenet.json");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        expect_near((double)macs_with_prefix(wl, rows[i].prefix), rows[i].published_macs,
                    rows[i].published_macs < 2e6 ? 0.05 : 0.02, rows[i].prefix);
    wl_destroy(wl);
}

Test(wl_zoo, resnets)
{
    /* networks.md: ResNet-50 3.86 G (v1) / 4.09 G (v1.5), ResNet-101 7.57 G, ResNet-152
     * 11.28 G. */
    expect_total("resnet50.json", 3.86e9, 0.005);
    expect_total("resnet50_v15.json", 4.09e9, 0.005);
    expect_total("resnet101.json", 7.57e9, 0.005);
    expect_total("resnet152.json", 11.28e9, 0.005);
}

Test(wl_zoo, resnet50_shapes)
{
    /* networks.md: conv1 7x7/64 stride 2 -> 112x112; stages at 56, 28, 14, 7; 1x1 projection
     * on the first block of each stage; v1 strides the first 1x1, v1.5 the 3x3; fc 2048->1000.
     * Block counts 3, 4, 6, 3 give 1 + 3*(3+4+6+3) + 4 + 1 = 54 MAC layers. */
    wl_workload *v1 = load("resnet50.json");
    wl_workload *v15 = load("resnet50_v15.json");
    cr_expect_eq(find(v1, "conv1")->out_h, 112);
    cr_expect_eq(find(v1, "res3a_branch2a")->stride_h, 2);
    cr_expect_eq(find(v1, "res3a_branch2b")->stride_h, 1);
    cr_expect_eq(find(v15, "res3a_branch2a")->stride_h, 1);
    cr_expect_eq(find(v15, "res3a_branch2b")->stride_h, 2);
    cr_expect_eq(find(v1, "res3a_branch2c")->out_h, 28);
    cr_expect_eq(find(v1, "res4a_branch2c")->out_h, 14);
    cr_expect_eq(find(v1, "res5c_branch2c")->out_h, 7);
    cr_expect_eq(find(v1, "res5c_branch2c")->filters, 2048);
    cr_expect_eq(find(v1, "fc1000")->in_c, 2048);
    size_t mac_layers = 0;
    for (size_t i = 0; i < v1->layer_count; i++)
        mac_layers += v1->layers[i].kind != WL_NOMAC;
    cr_expect_eq(mac_layers, 54);
    wl_destroy(v1);
    wl_destroy(v15);
}

/* Names of layer i's input tensors, comma-separated ("input" for the network's input). */
static void expect_inputs(const wl_workload *wl, const char *name, const char *expected)
{
    size_t i = (size_t)(find(wl, name) - wl->layers);
    char got[512] = "";
    for (uint32_t j = 0; j < wl_layer_input_count(wl, i); j++) {
        uint32_t t = wl_layer_input(wl, i, j);
        size_t n = strlen(got);
        snprintf(got + n, sizeof got - n, "%s%s", j ? "," : "",
                 t == WL_INPUT_NETWORK ? "input" : wl->layers[t].name);
    }
    cr_expect_str_eq(got, expected, "%s: inputs", name);
}

Test(wl_zoo, branch_inputs)
{
    /* The graphs of the papers: a ResNet block adds its last 1x1 conv to its input (or to the
     * projection branch1 on the first block of a stage); an inception module's four branches
     * all read the module's input, and the next module reads their concatenation; a
     * MobileNet v2 block with stride 1 and equal channels adds its projection to its input. */
    wl_workload *r = load("resnet50.json");
    expect_inputs(r, "conv1", "input");
    expect_inputs(r, "res2a_branch2a", "pool1");
    expect_inputs(r, "res2a_branch1", "pool1");
    expect_inputs(r, "res2a_add", "res2a_branch2c,res2a_branch1");
    expect_inputs(r, "res2b_branch2a", "res2a_add");
    expect_inputs(r, "res2b_add", "res2b_branch2c,res2a_add");
    expect_inputs(r, "res3a_branch1", "res2c_add");
    expect_inputs(r, "pool5", "res5c_add");
    wl_destroy(r);
    wl_workload *g = load("googlenet.json");
    expect_inputs(g, "inception_3a_1x1", "pool2_3x3_s2");
    expect_inputs(g, "inception_3a_5x5_reduce", "pool2_3x3_s2");
    expect_inputs(g, "inception_3a_pool_proj", "inception_3a_pool");
    expect_inputs(g, "inception_3b_pool",
                  "inception_3a_1x1,inception_3a_3x3,inception_3a_5x5,inception_3a_pool_proj");
    expect_inputs(g, "pool5_7x7_s1",
                  "inception_5b_1x1,inception_5b_3x3,inception_5b_5x5,inception_5b_pool_proj");
    wl_destroy(g);
    wl_workload *m = load("mobilenet_v2.json");
    expect_inputs(m, "block1_expand", "block0_project");
    expect_inputs(m, "block2_add", "block2_project,block1_project");
    expect_inputs(m, "block3_expand", "block2_add");
    wl_destroy(m);
}

Test(wl_zoo, mobilenets)
{
    /* networks.md: MobileNet v1 1.0-224 568.7 M, v2 1.0-224 300.8 M. */
    expect_total("mobilenet_v1.json", 568.7e6, 0.005);
    expect_total("mobilenet_v2.json", 300.8e6, 0.005);
    /* Depthwise layers are convs with groups = channels. */
    wl_workload *wl = load("mobilenet_v1.json");
    const wl_layer *dw = find(wl, "conv_dw_1");
    cr_expect_eq(dw->groups, 32);
    cr_expect_eq(dw->gemm_n, 1);
    cr_expect_eq(dw->gemm_k, 9);
    cr_expect_str_eq(wl_layer_type_name(dw), "dwconv");
    wl_destroy(wl);
}

Test(wl_zoo, batch_scales_macs_not_weights)
{
    /* With --batch 4 every MAC count is 4x (M grows), the weights do not. */
    wl_workload *one = load("resnet50.json");
    wl_workload *four;
    fw_err err;
    cr_assert_eq(wl_load("configs/workloads/resnet50.json", 4, &four, &err), 0, "%s", err.msg);
    cr_expect_eq(wl_total_macs(four), 4 * wl_total_macs(one));
    for (size_t i = 0; i < one->layer_count; i++)
        cr_expect_eq(wl_layer_weights(&four->layers[i]), wl_layer_weights(&one->layers[i]));
    wl_destroy(one);
    wl_destroy(four);
}

static void expect_weights(const char *file, double published)
{
    wl_workload *wl = load(file);
    uint64_t weights = 0;
    for (size_t i = 0; i < wl->layer_count; i++)
        weights += wl_layer_weights(&wl->layers[i]);
    /* The papers count biases (and batch-norm scales) too, which flopwatt's weight elements
     * leave out, and round to two or three digits: 2.5%. */
    expect_near((double)weights, published, 0.025, file);
    wl_destroy(wl);
}

Test(wl_zoo, weights_match_published_parameter_counts)
{
    /* Parameter counts stated in the papers (not in networks.md): AlexNet "60 million"
     * (Krizhevsky et al. 2012), VGG-16 138 M (Simonyan & Zisserman, Table 2), MobileNet v1
     * 4.2 M (Howard et al., Table 8), MobileNet v2 3.4 M (Sandler et al., Table 4). */
    expect_weights("alexnet.json", 60e6);
    expect_weights("vgg16.json", 138e6);
    expect_weights("mobilenet_v1.json", 4.2e6);
    expect_weights("mobilenet_v2.json", 3.4e6);
}
