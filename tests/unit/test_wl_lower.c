/* Tests of the layer model's output sizes and GEMM lowering (sim/workload/wl.h) against cases
 * worked by hand: padding, stride, dilation, groups, depthwise, "same" padding, batch, fc, gemm,
 * pooling, element counts. Each expected value is derived in the comment above it from the
 * formulas out = floor((in + pads - dil*(f-1) - 1) / stride) + 1, M = out_h*out_w*batch,
 * K = R*S*C/groups, N = filters/groups, MACs = M*N*K*groups. */
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

/* Parses a one-layer workload JSON and returns a copy of its layer. */
static wl_layer one_layer(const char *layer_json, uint32_t batch)
{
    char text[1024];
    wl_workload *wl;
    fw_err err;
    snprintf(text, sizeof text, "{\"name\": \"t\", \"layers\": [%s]}", layer_json);
    cr_assert_eq(wl_parse_json("t.json", text, batch, &wl, &err), 0, "%s", err.msg);
    cr_assert_eq(wl->layer_count, 1);
    wl_layer l = wl->layers[0];
    wl_destroy(wl);
    return l;
}

static void expect_gemm(const wl_layer *l, uint32_t out_h, uint32_t out_w, uint64_t m, uint64_t n,
                        uint64_t k, uint64_t macs)
{
    cr_expect_eq(l->out_h, out_h, "%s out_h %u", l->name, l->out_h);
    cr_expect_eq(l->out_w, out_w, "%s out_w %u", l->name, l->out_w);
    cr_expect_eq(l->gemm_m, m, "%s gemm_m %llu", l->name, (unsigned long long)l->gemm_m);
    cr_expect_eq(l->gemm_n, n, "%s gemm_n %llu", l->name, (unsigned long long)l->gemm_n);
    cr_expect_eq(l->gemm_k, k, "%s gemm_k %llu", l->name, (unsigned long long)l->gemm_k);
    cr_expect_eq(wl_layer_macs(l), macs, "%s macs %llu", l->name,
                 (unsigned long long)wl_layer_macs(l));
}

Test(wl_lower, padding)
{
    /* 5x5x3, 3x3, pad 1, 4 filters: out = (5 + 2 - 2 - 1)/1 + 1 = 5; M = 25, K = 3*3*3 = 27,
     * N = 4; MACs = 25*4*27 = 2700. */
    wl_layer l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 5, \"in_w\": 5, "
                           "\"in_c\": 3, \"kernel\": 3, \"filters\": 4, \"pad\": 1}",
                           0);
    expect_gemm(&l, 5, 5, 25, 4, 27, 2700);
    cr_expect_eq(l.pad_top + l.pad_bottom + l.pad_left + l.pad_right, 4);
    /* Asymmetric: pad_top 2 only on 4x4 with 3x3: out_h = (4 + 2 - 3)/1 + 1 = 4,
     * out_w = (4 - 3)/1 + 1 = 2; M = 8, K = 9, N = 1, MACs = 72. */
    l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 4, \"in_w\": 4, \"in_c\": 1, "
                  "\"kernel\": 3, \"filters\": 1, \"pad_top\": 2}",
                  0);
    expect_gemm(&l, 4, 2, 8, 1, 9, 72);
}

Test(wl_lower, stride)
{
    /* 7x7x4, 3x3, stride 2, no pad: out = (7 - 3)/2 + 1 = 3; M = 9, K = 36, N = 6, MACs = 1944. */
    wl_layer l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 7, \"in_w\": 7, "
                           "\"in_c\": 4, \"kernel\": 3, \"filters\": 6, \"stride\": 2}",
                           0);
    expect_gemm(&l, 3, 3, 9, 6, 36, 1944);
    /* 8x8: (8 - 3)/2 = 2.5 floors to 2, out = 3: the last input column is never read. */
    l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 8, \"in_w\": 8, \"in_c\": 4, "
                  "\"kernel\": 3, \"filters\": 6, \"stride\": 2}",
                  0);
    expect_gemm(&l, 3, 3, 9, 6, 36, 1944);
    /* AlexNet conv1: 227x227x3, 11x11, stride 4: out = (227 - 11)/4 + 1 = 55;
     * M = 3025, K = 363, N = 96, MACs = 3025*96*363 = 105,415,200. */
    l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 227, \"in_w\": 227, "
                  "\"in_c\": 3, \"kernel\": 11, \"filters\": 96, \"stride\": 4}",
                  0);
    expect_gemm(&l, 55, 55, 3025, 96, 363, 105415200);
    /* Separate strides and a 3x1 filter: 6x5x3, stride_h 1, stride_w 2, pad_top 1:
     * out_h = (6 + 1 - 3)/1 + 1 = 5, out_w = (5 - 1)/2 + 1 = 3; M = 15, K = 3*1*3 = 9, N = 5. */
    l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 6, \"in_w\": 5, \"in_c\": 3, "
                  "\"filt_r\": 3, \"filt_s\": 1, \"filters\": 5, \"stride_h\": 1, "
                  "\"stride_w\": 2, \"pad_top\": 1}",
                  0);
    expect_gemm(&l, 5, 3, 15, 5, 9, 675);
}

Test(wl_lower, dilation)
{
    /* 7x7x2, 3x3 dilated by 2 covers 2*(3-1)+1 = 5 pixels: out = (7 - 5)/1 + 1 = 3; K stays
     * 3*3*2 = 18 (dilation spreads the taps, it does not add any); M = 9, N = 4, MACs = 648. */
    wl_layer l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 7, \"in_w\": 7, "
                           "\"in_c\": 2, \"kernel\": 3, \"filters\": 4, \"dilation\": 2}",
                           0);
    expect_gemm(&l, 3, 3, 9, 4, 18, 648);
    /* dil_h 3, dil_w 1 on 9x9 with 3x3 and pad 1: height window 7, out_h = (9+2-7)/1+1 = 5;
     * out_w = (9 + 2 - 3)/1 + 1 = 9. */
    l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 9, \"in_w\": 9, \"in_c\": 1, "
                  "\"kernel\": 3, \"filters\": 1, \"dil_h\": 3, \"dil_w\": 1, \"pad\": 1}",
                  0);
    expect_gemm(&l, 5, 9, 45, 1, 9, 405);
}

Test(wl_lower, groups)
{
    /* AlexNet conv2 (networks.md: 223.9 M MACs): 27x27x96, 5x5, pad 2, 256 filters, groups 2:
     * out = (27 + 4 - 5)/1 + 1 = 27; per group M = 729, K = 5*5*48 = 1200, N = 128;
     * MACs = 729*128*1200*2 = 223,948,800. */
    wl_layer l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 27, \"in_w\": 27, "
                           "\"in_c\": 96, \"kernel\": 5, \"filters\": 256, \"pad\": 2, "
                           "\"groups\": 2}",
                           0);
    expect_gemm(&l, 27, 27, 729, 128, 1200, 223948800);
    /* weights = 256 * 5*5*48 = 307,200 (half of an ungrouped conv's 614,400). */
    cr_expect_eq(wl_layer_weights(&l), 307200);
    cr_expect_str_eq(wl_layer_type_name(&l), "conv");
}

Test(wl_lower, depthwise_and_same_padding)
{
    /* MobileNet dw 3x3 on 112x112x32, "same", stride 1: out = ceil(112/1) = 112, total pad =
     * (112-1)*1 + 3 - 112 = 2 -> 1 before, 1 after. Per group M = 12544, K = 9, N = 1;
     * MACs = 12544*9*32 = 3,612,672; weights = 32*9 = 288. */
    wl_layer l = one_layer("{\"name\": \"dw\", \"type\": \"conv\", \"in_h\": 112, \"in_w\": 112, "
                           "\"in_c\": 32, \"kernel\": 3, \"filters\": 32, \"pad\": \"same\", "
                           "\"groups\": 32}",
                           0);
    expect_gemm(&l, 112, 112, 12544, 1, 9, 3612672);
    cr_expect_eq(l.pad_top, 1);
    cr_expect_eq(l.pad_bottom, 1);
    cr_expect_eq(wl_layer_weights(&l), 288);
    cr_expect_str_eq(wl_layer_type_name(&l), "dwconv");
    /* "same" with stride 2 on 224 (MobileNet conv1): out = ceil(224/2) = 112, total pad =
     * (112-1)*2 + 3 - 224 = 1 -> 0 before, 1 after; K = 27, N = 32. */
    l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 224, \"in_w\": 224, "
                  "\"in_c\": 3, \"kernel\": 3, \"filters\": 32, \"stride\": 2, \"pad\": \"same\"}",
                  0);
    expect_gemm(&l, 112, 112, 12544, 32, 27, 10838016);
    cr_expect_eq(l.pad_top, 0);
    cr_expect_eq(l.pad_bottom, 1);
    /* "valid" is no padding: (224 - 3)/2 + 1 = 111. */
    l = one_layer("{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 224, \"in_w\": 224, "
                  "\"in_c\": 3, \"kernel\": 3, \"filters\": 32, \"stride\": 2, \"pad\": \"valid\"}",
                  0);
    cr_expect_eq(l.out_h, 111);
}

Test(wl_lower, batch)
{
    /* The padding case with batch 8 (from the JSON): M = 25*8 = 200; MACs = 8*2700 = 21600;
     * ifmap = 8*5*5*3 = 600, ofmap = 8*5*5*4 = 800; weights do not grow: 4*27 = 108. */
    static const char conv[] = "{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 5, \"in_w\": 5, "
                               "\"in_c\": 3, \"kernel\": 3, \"filters\": 4, \"pad\": 1}";
    char text[512];
    wl_workload *wl;
    fw_err err;
    snprintf(text, sizeof text, "{\"name\": \"t\", \"batch\": 8, \"layers\": [%s]}", conv);
    cr_assert_eq(wl_parse_json("t.json", text, 0, &wl, &err), 0, "%s", err.msg);
    cr_assert_eq(wl->batch, 8);
    expect_gemm(&wl->layers[0], 5, 5, 200, 4, 27, 21600);
    cr_expect_eq(wl_layer_ifmap_elems(&wl->layers[0]), 600);
    cr_expect_eq(wl_layer_ofmap_elems(&wl->layers[0]), 800);
    cr_expect_eq(wl_layer_weights(&wl->layers[0]), 108);
    wl_destroy(wl);
    /* The override (--batch 3) wins over the file: M = 75. */
    cr_assert_eq(wl_parse_json("t.json", text, 3, &wl, &err), 0, "%s", err.msg);
    expect_gemm(&wl->layers[0], 5, 5, 75, 4, 27, 8100);
    wl_destroy(wl);
}

Test(wl_lower, fc)
{
    /* AlexNet fc6 9216 -> 4096: M = batch = 1, K = 9216, N = 4096; MACs = weights =
     * 37,748,736; with batch 4: M = 4, MACs = 150,994,944, ifmap = 4*9216 = 36,864. */
    static const char fc[] = "{\"name\": \"fc6\", \"type\": \"fc\", \"in_features\": 9216, "
                             "\"out_features\": 4096}";
    wl_layer l = one_layer(fc, 0);
    expect_gemm(&l, 1, 1, 1, 4096, 9216, 37748736);
    cr_expect_eq(wl_layer_weights(&l), 37748736);
    l = one_layer(fc, 4);
    expect_gemm(&l, 1, 1, 4, 4096, 9216, 150994944);
    cr_expect_eq(wl_layer_ifmap_elems(&l), 36864);
    cr_expect_eq(wl_layer_ofmap_elems(&l), 16384);
}

Test(wl_lower, gemm)
{
    /* (8 x 16) x (16 x 12): M = 8, N = 12, K = 16, MACs = 1536; A = 128 elements, B = 192,
     * C = 96. With batch 2: M = 16. */
    static const char g[] = "{\"name\": \"g\", \"type\": \"gemm\", \"m\": 8, \"n\": 12, \"k\": 16}";
    wl_layer l = one_layer(g, 0);
    expect_gemm(&l, 8, 1, 8, 12, 16, 1536);
    cr_expect_eq(wl_layer_ifmap_elems(&l), 128);
    cr_expect_eq(wl_layer_weights(&l), 192);
    cr_expect_eq(wl_layer_ofmap_elems(&l), 96);
    l = one_layer(g, 2);
    expect_gemm(&l, 8, 1, 16, 12, 16, 3072);
    /* The constructor gives the same layer. */
    wl_layer h;
    fw_err err;
    cr_assert_eq(wl_layer_gemm(&h, "g", 8, 12, 16, 1, &err), 0, "%s", err.msg);
    expect_gemm(&h, 8, 1, 8, 12, 16, 1536);
}

Test(wl_lower, layers_without_macs)
{
    /* ResNet pool1: 112x112x64, 3x3, stride 2, pad 1: out = (112 + 2 - 3)/2 + 1 = 56
     * (55.5 floors to 55, plus 1); no MACs, channels kept: ofmap = 56*56*64 = 200,704. */
    wl_layer l = one_layer("{\"name\": \"p\", \"type\": \"pool\", \"in_h\": 112, \"in_w\": 112, "
                           "\"in_c\": 64, \"kernel\": 3, \"stride\": 2, \"pad\": 1}",
                           0);
    expect_gemm(&l, 56, 56, 0, 0, 0, 0);
    cr_expect_eq(l.filters, 64);
    cr_expect_eq(wl_layer_ofmap_elems(&l), 200704);
    cr_expect_eq(wl_layer_weights(&l), 0);
    l = one_layer("{\"name\": \"a\", \"type\": \"eltwise\", \"in_h\": 7, \"in_w\": 7, "
                  "\"in_c\": 2048}",
                  0);
    expect_gemm(&l, 7, 7, 0, 0, 0, 0);
    cr_expect_eq(wl_layer_ofmap_elems(&l), 100352);
    cr_expect_str_eq(wl_layer_type_name(&l), "eltwise");
}

Test(wl_lower, finish_by_hand_is_idempotent_and_validates)
{
    /* A layer built in code like the simulator's random test layers: 10x9x6, 3x2 filter,
     * stride 2x1, pads (1,0,0,1), groups 3, 9 filters, batch 2:
     * out_h = (10 + 1 - 3)/2 + 1 = 5, out_w = (9 + 1 - 2)/1 + 1 = 9; per group M = 45*2 = 90,
     * K = 3*2*2 = 12, N = 3; MACs = 90*3*12*3 = 9720. */
    wl_layer l;
    fw_err err;
    wl_layer_init(&l, WL_CONV, "rand");
    l.in_h = 10, l.in_w = 9, l.in_c = 6, l.filt_r = 3, l.filt_s = 2, l.filters = 9;
    l.stride_h = 2, l.pad_top = 1, l.pad_right = 1, l.groups = 3, l.batch = 2;
    cr_assert_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    expect_gemm(&l, 5, 9, 90, 3, 12, 9720);
    cr_assert_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    expect_gemm(&l, 5, 9, 90, 3, 12, 9720);
    l.groups = 4;
    cr_assert_eq(wl_layer_finish(&l, &err), FW_EXIT_INPUT);
    cr_expect_str_eq(err.msg, "groups: 4 does not divide in_c (6)");
    l.groups = 3;
    l.stride_w = 0;
    cr_assert_eq(wl_layer_finish(&l, &err), FW_EXIT_INPUT);
    cr_expect_str_eq(err.msg, "stride_w: must be at least 1");
    /* An fc layer with a spatial input must be flattened first. */
    wl_layer_init(&l, WL_FC, "f");
    l.in_c = 8, l.filters = 2, l.in_h = 2;
    cr_assert_eq(wl_layer_finish(&l, &err), FW_EXIT_INPUT);
    cr_expect_str_eq(err.msg, "in_h: an fc layer has in_h = in_w = filt_r = filt_s = 1 "
                              "(found 2, 1, 1, 1)");
}

Test(wl_lower, tiny_layers_are_small)
{
    /* tiny.json exists for per-PE simulation: every layer at most 5000 MACs, and its total is
     * the sum of the hand-derived layers 2700 + 1944 + 1296 + 2048 + 4608 + 648 + 675 + 640 +
     * 1536 = 16095 (conv3x3_pad1, conv3x3_s2, dwconv3x3, pwconv1x1 16*16*8, gconv3x3_g2
     * 16*4*36*2, conv3x3_dil2, conv3x1_asym, fc64x10, gemm8x12x16). */
    wl_workload *wl;
    fw_err err;
    cr_assert_eq(wl_load("configs/workloads/tiny.json", 0, &wl, &err), 0, "%s", err.msg);
    for (size_t i = 0; i < wl->layer_count; i++)
        cr_expect_leq(wl_layer_macs(&wl->layers[i]), 5000, "%s", wl->layers[i].name);
    cr_expect_eq(wl_total_macs(wl), 16095);
    wl_destroy(wl);
}

Test(wl_lower, matmul_two_activations)
{
    /* Q.K^T of 2 heads, 4 query tokens, 3 key tokens, head size 5, batch 3 (wl.h lowering):
     * G = heads * images = 2 * 3 = 6 groups, batch folded (batch 1); in_c = G*K = 30,
     * filters = G*N = 18, 1x1 on a 4x1 input: out 4x1; per group M = 4, N = 3, K = 5;
     * MACs = 3 images * 2 heads * 4*3*5 = 360. No weights; B (the filter side) is
     * 3*2*5*3 = 90 elements, A 3*2*4*5 = 120, C 3*2*4*3 = 72. */
    wl_layer l = one_layer("{\"name\": \"qk\", \"type\": \"matmul\", \"m\": 4, \"n\": 3, "
                           "\"k\": 5, \"heads\": 2}",
                           3);
    cr_expect_eq(l.kind, WL_MATMUL);
    cr_expect_str_eq(wl_layer_type_name(&l), "matmul");
    expect_gemm(&l, 4, 1, 4, 3, 5, 360);
    cr_expect_eq(l.groups, 6);
    cr_expect_eq(l.batch, 1);
    cr_expect_eq(l.images, 3);
    cr_expect_eq(l.in_c, 30);
    cr_expect_eq(l.filters, 18);
    cr_expect_eq(wl_layer_weights(&l), 0);
    cr_expect_eq(wl_layer_filter_elems(&l), 90);
    cr_expect_eq(wl_layer_ifmap_elems(&l), 120);
    cr_expect_eq(wl_layer_ofmap_elems(&l), 72);
    /* idempotent: finishing again keeps the fold (images 3, not batch 1) */
    fw_err err;
    cr_assert_eq(wl_layer_finish(&l, &err), 0, "%s", err.msg);
    cr_expect_eq(l.groups, 6);
    cr_expect_eq(wl_layer_macs(&l), 360);
    /* decode attention with a KV cache of 1024 tokens, 32 heads of 128 (Llama-2-7B):
     * q.K^T: M = 1, N = 1024, K = 128 -> 32*1024*128 = 4,194,304 MACs; its B (the K cache) is
     * 32*128*1024 = 4,194,304 elements: one element per MAC, the traffic dominates. */
    cr_assert_eq(wl_layer_matmul(&l, "qk", 1, 1024, 128, 32, 1, &err), 0, "%s", err.msg);
    cr_expect_eq(wl_layer_macs(&l), 4194304);
    cr_expect_eq(wl_layer_filter_elems(&l), 4194304);
    cr_expect_eq(wl_layer_ifmap_elems(&l), 4096);
    /* heads default to 1; zero heads and unknown keys are errors */
    l = one_layer("{\"name\": \"av\", \"type\": \"matmul\", \"m\": 2, \"n\": 2, \"k\": 2}", 0);
    cr_expect_eq(wl_layer_macs(&l), 8);
}

Test(wl_lower, softmax_layernorm_gelu_keep_shape)
{
    /* 12 heads of 128x128 scores: softmax keeps 128x1x1536, no MACs, no weights */
    const char *types[] = {"softmax", "layernorm", "gelu"};
    for (int i = 0; i < 3; i++) {
        char js[256];
        snprintf(js, sizeof js,
                 "{\"name\": \"x\", \"type\": \"%s\", \"in_h\": 128, \"in_w\": 1, \"in_c\": 1536}",
                 types[i]);
        wl_layer l = one_layer(js, 2);
        cr_expect_str_eq(wl_layer_type_name(&l), types[i]);
        cr_expect_eq(l.kind, WL_NOMAC);
        cr_expect_eq(wl_layer_macs(&l), 0);
        cr_expect_eq(wl_layer_weights(&l), 0);
        cr_expect_eq(wl_layer_ifmap_elems(&l), 2u * 128 * 1536);
        cr_expect_eq(wl_layer_ofmap_elems(&l), 2u * 128 * 1536);
    }
}
