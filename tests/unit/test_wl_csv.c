/* Tests of SCALE-Sim topology CSV import and export (sim/workload/wl_csv.c): SCALE-Sim's own
 * AlexNet and ResNet-50 files give the MACs that SCALE-Sim's output-size rule
 * ceil((H - F + S) / S) gives (worked by hand below), header variants and formatting quirks
 * are accepted, and import -> export -> import keeps every layer (SCALE-Sim files) or every
 * output size and MAC count (zoo networks). Exports are written to memory, never to files. */
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static wl_workload *load(const char *path)
{
    wl_workload *wl;
    fw_err err;
    cr_assert_eq(wl_load(path, 0, &wl, &err), 0, "%s", err.msg);
    return wl;
}

static wl_workload *parse_csv(const char *text)
{
    wl_workload *wl;
    fw_err err;
    cr_assert_eq(wl_parse_scalesim("t.csv", text, 0, &wl, &err), 0, "%s", err.msg);
    return wl;
}

/* Exports to a malloc'ed string the caller frees. */
static char *export(const wl_workload *wl)
{
    char *buf = NULL;
    size_t size = 0;
    fw_err err;
    FILE *f = open_memstream(&buf, &size);
    cr_assert_not_null(f);
    cr_assert_eq(wl_export_scalesim(wl, f, &err), 0, "%s", err.msg);
    fclose(f);
    return buf;
}

static void expect_same_layer(const wl_layer *a, const wl_layer *b)
{
    cr_expect_str_eq(a->name, b->name);
    cr_expect_eq(a->kind, b->kind, "%s", a->name);
    cr_expect_eq(a->in_h, b->in_h, "%s in_h %u %u", a->name, a->in_h, b->in_h);
    cr_expect_eq(a->in_w, b->in_w, "%s", a->name);
    cr_expect_eq(a->in_c, b->in_c, "%s", a->name);
    cr_expect_eq(a->filt_r, b->filt_r, "%s", a->name);
    cr_expect_eq(a->filt_s, b->filt_s, "%s", a->name);
    cr_expect_eq(a->filters, b->filters, "%s", a->name);
    cr_expect_eq(a->stride_h, b->stride_h, "%s", a->name);
    cr_expect_eq(a->stride_w, b->stride_w, "%s", a->name);
    cr_expect_eq(a->pad_bottom, b->pad_bottom, "%s", a->name);
    cr_expect_eq(a->pad_right, b->pad_right, "%s", a->name);
    cr_expect_eq(a->out_h, b->out_h, "%s", a->name);
    cr_expect_eq(a->out_w, b->out_w, "%s", a->name);
    cr_expect_eq(wl_layer_macs(a), wl_layer_macs(b), "%s", a->name);
}

Test(wl_csv, scalesim_alexnet_uses_scalesim_output_sizes)
{
    /* SCALE-Sim v2's alexnet.csv (224x224, no groups, unpadded IFMAP sizes as given), sized by
     * SCALE-Sim's rule out = ceil((H - F + S) / S):
     *   Conv1 224, 11x11x3, 96, S4: ceil(217/4) = 55 -> 3025 px * 363 * 96 = 105,415,200
     *     (the floor rule would give 54; the importer adds pad_bottom = pad_right = 3)
     *   Conv2 27, 5x5x96, 256, S1: 23 -> 529 * 2400 * 256        = 325,017,600
     *   Conv3 13, 3x3x256, 384:    11 -> 121 * 2304 * 384        = 107,053,056
     *   Conv4 13, 3x3x384, 384:    11 -> 121 * 3456 * 384        = 160,579,584
     *   Conv5 13, 3x3x384, 256:    11 -> 121 * 3456 * 256        = 107,053,056
     *   total                                                      805,118,496 */
    static const uint32_t out[] = {55, 23, 11, 11, 11};
    static const uint64_t macs[] = {105415200, 325017600, 107053056, 160579584, 107053056};
    wl_workload *wl = load("configs/workloads/scalesim/alexnet.csv");
    cr_assert_eq(wl->layer_count, 5);
    cr_expect_str_eq(wl->name, "alexnet");
    for (size_t i = 0; i < 5; i++) {
        cr_expect_eq(wl->layers[i].out_h, out[i], "%s", wl->layers[i].name);
        cr_expect_eq(wl->layers[i].out_w, out[i], "%s", wl->layers[i].name);
        cr_expect_eq(wl_layer_macs(&wl->layers[i]), macs[i], "%s", wl->layers[i].name);
    }
    cr_expect_str_eq(wl->layers[0].name, "Conv1");
    cr_expect_eq(wl->layers[0].pad_bottom, 3);
    cr_expect_eq(wl->layers[0].pad_top, 0);
    cr_expect_eq(wl_total_macs(wl), 805118496ull);
    wl_destroy(wl);
}

Test(wl_csv, scalesim_resnet50_hand_count)
{
    /* SCALE-Sim v2's resnet50.csv, 54 rows, by hand with out = ceil((H - F + S) / S):
     *   Conv1 224, 7x7x3 -> 64, S2: ceil(219/2) = 110: 12100 * 147 * 64 = 113,836,800
     *   3x3 convs get no padding in SCALE-Sim: 56 -> 54, 28 -> 26, 14 -> 12, 7 -> 5
     *   strided 1x1 (S2): 56 -> ceil(57/2) = 29, 28 -> 15, 14 -> 8
     * stage 2 (56x56, 3136 px unless noted):
     *   CB2a_1 64->64: 12,845,056; three 3x3 64->64 at 54x54: 3 * 2916*576*64 = 322,486,272;
     *   four 1x1 64->256 (CB2a_3, CB2s, IB2b_3, IB2c_3): 4 * 3136*64*256 = 205,520,896;
     *   two 1x1 256->64: 2 * 3136*256*64 = 102,760,448                  sum 643,612,672
     * stage 3: CB3a_1 256->128 S2 at 29x29: 841*256*128 = 27,557,888; CB3s 256->512 S2:
     *   841*256*512 = 110,231,552; four 3x3 128->128 at 26x26: 4 * 676*1152*128 = 398,721,024;
     *   four 1x1 128->512 at 28x28: 4 * 784*128*512 = 205,520,896; three 1x1 512->128:
     *   3 * 784*512*128 = 154,140,672                                   sum 896,172,032
     * stage 4: CB4a_1 512->256 S2 at 15x15: 225*512*256 = 29,491,200; CB4s 512->1024 S2:
     *   225*512*1024 = 117,964,800; six 3x3 256->256 at 12x12: 6 * 144*2304*256 = 509,607,936;
     *   six 1x1 256->1024 at 14x14: 6 * 196*256*1024 = 308,281,344; five 1x1 1024->256:
     *   5 * 196*1024*256 = 256,901,120                                  sum 1,222,246,400
     * stage 5: CB5a_1 1024->512 S2 at 8x8: 64*1024*512 = 33,554,432; CB5s 1024->2048 S2:
     *   64*1024*2048 = 134,217,728; three 3x3 512->512 at 5x5: 3 * 25*4608*512 = 176,947,200;
     *   three 1x1 512->2048 at 7x7: 3 * 49*512*2048 = 154,140,672; two 1x1 2048->512:
     *   2 * 49*2048*512 = 102,760,448                                   sum 601,620,480
     * FC6 1x1x2048 -> 1000: 2,048,000
     * total 113,836,800 + 643,612,672 + 896,172,032 + 1,222,246,400 + 601,620,480 + 2,048,000
     *     = 3,479,536,384 (10% below the network's 3.86 G: no padding on the 3x3 convs) */
    wl_workload *wl = load("configs/workloads/scalesim/resnet50.csv");
    cr_expect_eq(wl->layer_count, 54);
    cr_expect_eq(wl_total_macs(wl), 3479536384ull);
    cr_expect_eq(wl->layers[0].out_h, 110);
    cr_expect_eq(wl->layers[11].out_h, 29, "%s", wl->layers[11].name); /* CB3a_1 */
    cr_expect_eq(wl->layers[12].out_h, 26, "%s", wl->layers[12].name); /* CB3a_2 */
    wl_destroy(wl);
}

Test(wl_csv, header_variants_and_formatting)
{
    /* The Stride Height/Width variant, mixed case, no spaces, no trailing comma, CRLF line ends,
     * blank lines, tabs: a 9x8x2 input, 3x3, 4 filters, strides 2 and 3:
     * out_h = ceil((9 - 3 + 2)/2) = 4, out_w = ceil((8 - 3 + 3)/3) = ceil(8/3) = 3;
     * M = 12, K = 18, N = 4, MACs = 864. */
    wl_workload *wl = parse_csv("\r\nlayer NAME,ifmap height,IFMAP Width , Filter Height,Filter "
                                "Width,Channels,Num Filter,Stride Height,Stride Width\r\n\r\n"
                                "\tl1 ,9,8,3,3,2,4,2,3,\r\n\n");
    cr_assert_eq(wl->layer_count, 1);
    cr_expect_str_eq(wl->layers[0].name, "l1");
    cr_expect_eq(wl->layers[0].out_h, 4);
    cr_expect_eq(wl->layers[0].out_w, 3);
    cr_expect_eq(wl_layer_macs(&wl->layers[0]), 864);
    wl_destroy(wl);
    /* GEMM mode, several trailing commas: M 64, N 32, K 128: MACs = 262,144. */
    wl = parse_csv("Layer, M, N, K,\ngemm1, 64, 32, 128,,,\n");
    cr_assert_eq(wl->layer_count, 1);
    cr_expect_eq(wl->layers[0].kind, WL_GEMM);
    cr_expect_eq(wl->layers[0].gemm_m, 64);
    cr_expect_eq(wl->layers[0].gemm_n, 32);
    cr_expect_eq(wl->layers[0].gemm_k, 128);
    cr_expect_eq(wl_layer_macs(&wl->layers[0]), 262144);
    wl_destroy(wl);
}

/* import -> export -> import: identical layers. */
static void roundtrip_identical(wl_workload *a)
{
    char *text = export(a);
    wl_workload *b = parse_csv(text);
    cr_assert_eq(a->layer_count, b->layer_count);
    for (size_t i = 0; i < a->layer_count; i++)
        expect_same_layer(&a->layers[i], &b->layers[i]);
    /* And exporting again gives the same text. */
    char *again = export(b);
    cr_expect_str_eq(text, again);
    free(again);
    free(text);
    wl_destroy(b);
}

Test(wl_csv, roundtrip_scalesim_files)
{
    wl_workload *wl = load("configs/workloads/scalesim/alexnet.csv");
    roundtrip_identical(wl);
    wl_destroy(wl);
    wl = load("configs/workloads/scalesim/resnet50.csv");
    roundtrip_identical(wl);
    wl_destroy(wl);
    wl = parse_csv("Layer, M, N, K,\ng1, 64, 32, 128,\ng2, 7, 5, 3,\n");
    roundtrip_identical(wl);
    wl_destroy(wl);
    wl = parse_csv("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
                   "Num Filter, Stride Height, Stride Width,\na, 9, 8, 3, 3, 2, 4, 2, 3,\n");
    roundtrip_identical(wl);
    wl_destroy(wl);
}

Test(wl_csv, export_of_zoo_networks_keeps_macs_and_output_sizes)
{
    /* JSON -> SCALE-Sim CSV -> import: padding placement is lost, but the exported IFMAP sizes
     * reproduce every output size, and groups become one row per group, so each network's MAC
     * total is unchanged. Layers without MACs are not exported. */
    static const char *const files[] = {"alexnet.json", "resnet50.json", "mobilenet_v2.json",
                                        "googlenet.json"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char path[128];
        snprintf(path, sizeof path, "configs/workloads/%s", files[f]);
        wl_workload *a = load(path);
        char *text = export(a);
        wl_workload *b = parse_csv(text);
        cr_expect_eq(wl_total_macs(a), wl_total_macs(b), "%s", files[f]);
        size_t j = 0;
        for (size_t i = 0; i < a->layer_count; i++) {
            const wl_layer *l = &a->layers[i];
            if (l->kind == WL_NOMAC)
                continue;
            cr_assert_lt(j, b->layer_count);
            cr_expect_eq(b->layers[j].out_h, l->out_h, "%s %s", files[f], l->name);
            cr_expect_eq(b->layers[j].out_w, l->out_w, "%s %s", files[f], l->name);
            j += l->groups;
        }
        cr_expect_eq(j, b->layer_count, "%s", files[f]);
        free(text);
        wl_destroy(a);
        wl_destroy(b);
    }
}

Test(wl_csv, export_format)
{
    /* AlexNet conv2 (27x27x96, 5x5, pad 2, groups 2 -> 27x27) becomes two rows of 48 channels
     * and 128 filters with IFMAP (27 - 2)*1 + 5 + 1 = 31 = 27 + 2 + 2, the padded size;
     * conv1 (227, 11x11, S4, no padding -> 55) keeps 227 since (227 - 11) mod 4 = 0 needs no
     * implicit padding: SCALE-Sim gives ceil((227 - 11 + 4)/4) = 55 too. */
    wl_workload *wl = load("configs/workloads/alexnet.json");
    char *text = export(wl);
    cr_expect_not_null(strstr(text, "Layer name, IFMAP Height, IFMAP Width, Filter Height, "
                                    "Filter Width, Channels, Num Filter, Strides,\n"
                                    "conv1, 227, 227, 11, 11, 3, 96, 4,\n"
                                    "conv2_g0, 31, 31, 5, 5, 48, 128, 1,\n"
                                    "conv2_g1, 31, 31, 5, 5, 48, 128, 1,\n"),
                       "%s", text);
    cr_expect_not_null(strstr(text, "fc6, 1, 1, 1, 1, 9216, 4096, 1,\n"), "%s", text);
    free(text);
    wl_destroy(wl);
    /* Dilation and batch cannot be expressed in SCALE-Sim. */
    fw_err err;
    FILE *sink = fopen("/dev/null", "w");
    cr_assert_not_null(sink);
    wl = load("configs/workloads/tiny.json");
    cr_expect_eq(wl_export_scalesim(wl, sink, &err), FW_EXIT_INPUT);
    cr_expect_str_eq(err.msg, "layer 'conv3x3_dil2': dilation 2x2: a SCALE-Sim topology has no "
                              "dilation");
    wl_destroy(wl);
    cr_assert_eq(wl_load("configs/workloads/alexnet.json", 2, &wl, &err), 0, "%s", err.msg);
    cr_expect_eq(wl_export_scalesim(wl, sink, &err), FW_EXIT_INPUT);
    cr_expect_str_eq(err.msg, "layer 'conv1': batch 2: a SCALE-Sim topology has no batch (use 1)");
    wl_destroy(wl);
    fclose(sink);
}

#define HDR                                                                                    \
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "   \
    "Strides,\n"

/* Parses a text and checks its number of notes. */
static wl_workload *parse_noted(const char *text, size_t notes)
{
    wl_workload *wl = parse_csv(text);
    cr_expect_eq(wl->note_count, notes, "notes: %s", wl->notes ? wl->notes : "(none)");
    return wl;
}

Test(wl_csv, read_as_scalesim_reads)
{
    /* Header with a byte order mark, U+00A0 before names, other spellings (SCALE-Sim's
     * transformer_fwd.csv / DeepBench files): no note. Row: 10x10x2, 3x3, 4 filters, stride 1:
     * out 8x8 = 64, K = 18, N = 4, MACs = 4608. */
    wl_workload *wl = parse_noted("\xEF\xBB\xBFLayer name,\xC2\xA0IFMAP Height,\xC2\xA0ifmap width,"
                                  "filter  height,Filter Width,channel,num filters,strides,\n"
                                  "c1,10,10,3,3,2,4,1,\n",
                                  0);
    cr_expect_eq(wl_layer_macs(&wl->layers[0]), 4608);
    wl_destroy(wl);
    /* DeepBench's header "Layer, IFMAP Width, IFMAP Width, ...": conv, by position */
    wl = parse_noted("Layer, IFMAP Width, IFMAP Width, Filter Height, Filter Width, Channels, "
                     "Num Filter, Strides,\nv1,10,10,3,3,2,4,1,\n",
                     0);
    cr_expect_eq(wl->layers[0].kind, WL_CONV);
    cr_expect_eq(wl_layer_macs(&wl->layers[0]), 4608);
    wl_destroy(wl);
    /* The 9th column without a header name is the stride width (SCALE-Sim v2): 9x8x2, 3x3,
     * 4 filters, strides 2 and 3: out_h = ceil((9-3+2)/2) = 4, out_w = ceil((8-3+3)/3) = 3;
     * MACs = 12 * 18 * 4 = 864. Without a comma after it, SCALE-Sim drops it (stride 2 both
     * ways: out_w = ceil((8-3+2)/2) = 4, MACs = 16*18*4 = 1152) and so does flopwatt, with a
     * note. */
    wl = parse_noted(HDR "l1,9,8,3,3,2,4,2,3,\nl2,9,8,3,3,2,4,2,3\n", 1);
    cr_expect_eq(wl_layer_macs(&wl->layers[0]), 864);
    cr_expect_eq(wl_layer_macs(&wl->layers[1]), 1152);
    cr_expect_not_null(strstr(wl->notes, "t.csv:3: text after the last comma '3' is ignored"));
    wl_destroy(wl);
    /* ... unless the header names it batch: batch 2 doubles M (MACs 2 * 1152 = 2304) */
    wl = parse_noted("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                     "Channels, Num Filter, Strides, Batch Size,\nl1,9,8,3,3,2,4,2,2,\n",
                     0);
    cr_expect_eq(wl->layers[0].stride_w, 2);
    cr_expect_eq(wl->layers[0].batch, 2);
    cr_expect_eq(wl->batch, 2);
    cr_expect_eq(wl_layer_macs(&wl->layers[0]), 2304);
    wl_destroy(wl);
    /* SCALE-Sim v3's sparsity: stored, MACs unchanged (its conv.csv: 5x5x2, 3x3, 6 filters:
     * out 3x3, MACs = 9 * 18 * 6 = 972) */
    wl = parse_noted("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                     "Channels, Num Filter, Strides, Sparsity,\nCONV_1, 5, 5, 3, 3, 2, 6, 1, 2:4,\n",
                     0);
    cr_expect_eq(wl->layers[0].sparsity_n, 2);
    cr_expect_eq(wl->layers[0].sparsity_m, 4);
    cr_expect_eq(wl_layer_macs(&wl->layers[0]), 972);
    wl_destroy(wl);
    wl = parse_noted("Layer Name, M, N, K, Sparsity,\nG, 3, 5, 16, 1:4,\n", 0);
    cr_expect_eq(wl->layers[0].kind, WL_GEMM);
    cr_expect_eq(wl->layers[0].sparsity_n, 1);
    cr_expect_eq(wl->layers[0].sparsity_m, 4);
    cr_expect_eq(wl_layer_macs(&wl->layers[0]), 240);
    wl_destroy(wl);
    /* A comment after the last comma (SCALE-Sim's mobilnet_paper.csv), extra columns (its
     * Resnet50.csv: ",,,Eh,Ew,e2"), a row of empty fields, a repeated name: 4 notes (header
     * column 'Eh'...: one per unread header name, 3; the ones of the rows: tail, extra, empty,
     * duplicate). Layers: 112x112x1, 3x3, 1 filter, stride 1: out 110x110, MACs = 108,900. */
    wl = parse_csv("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                   "Channels, Num Filter, Strides,,,Eh,Ew,e2\n,,,,,,,,,,,,\n"
                   "dw, 112, 112, 3, 3, 1, 1, 1,#dw\n"
                   "dw,112,112,3,3,1,1,1,,,110,110,12100\n");
    cr_assert_eq(wl->layer_count, 2);
    cr_expect_str_eq(wl->layers[0].name, "dw");
    cr_expect_str_eq(wl->layers[1].name, "dw_2");
    cr_expect_eq(wl_total_macs(wl), 2 * 108900);
    cr_expect_eq(wl->note_count, 7, "%s", wl->notes);
    cr_expect_not_null(strstr(wl->notes, "duplicate layer name 'dw' (also line 3) renamed 'dw_2'"));
    cr_expect_not_null(strstr(wl->notes, "a row of empty fields is skipped"));
    wl_destroy(wl);
    /* DP: depthwise by SCALE-Sim's convention, one single-channel layer per channel, each with
     * Num Filter filters: 8x8x3, 3x3, 2 filters: out 6x6; MACs = 3 * (36 * 9 * 1 * 2) = 1944;
     * flopwatt: groups 3, 6 filters. */
    wl = parse_noted(HDR "Conv_DP1, 8, 8, 3, 3, 3, 2, 1,\n", 1);
    cr_expect_eq(wl->layers[0].groups, 3);
    cr_expect_eq(wl->layers[0].filters, 6);
    cr_expect_eq(wl_layer_macs(&wl->layers[0]), 1944);
    wl_destroy(wl);
    /* An unknown header name: a note, read by position */
    wl = parse_noted("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
                     "Channels, Kernels, Strides,\nc1,10,10,3,3,2,4,1,\n",
                     1);
    cr_expect_eq(wl_layer_macs(&wl->layers[0]), 4608);
    wl_destroy(wl);
}

/* A second, slow, obviously-right model of the renaming rule (wl_csv.c, SCALE-Sim files repeat
 * names): a name already taken becomes NAME_k, the smallest k >= 2 whose NAME_k is not taken,
 * each taken name found by a scan of all the names before it. */
static void rename_naive(char names[][32], size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char base[16], cand[32];
        snprintf(base, sizeof base, "%s", names[i]);
        snprintf(cand, sizeof cand, "%s", base);
        for (unsigned k = 2;; k++) {
            bool taken = false;
            for (size_t j = 0; j < i && !taken; j++)
                taken = !strcmp(names[j], cand);
            if (!taken)
                break;
            snprintf(cand, sizeof cand, "%s_%u", base, k);
        }
        snprintf(names[i], sizeof names[i], "%s", cand);
    }
}

Test(wl_csv, repeated_names_renamed_as_the_naive_rule)
{
    /* by hand: a, a -> a_2, a_3 (in the file), a -> a_4 (a_2, a_3 taken), a_3 -> a_3_2 */
    wl_workload *wl = parse_csv("Layer, M, N, K,\na,1,1,1,\na,1,1,1,\na_3,1,1,1,\na,1,1,1,\n"
                                "a_3,1,1,1,\n");
    static const char *const want[] = {"a", "a_2", "a_3", "a_4", "a_3_2"};
    cr_assert_eq(wl->layer_count, 5);
    for (size_t i = 0; i < 5; i++)
        cr_expect_str_eq(wl->layers[i].name, want[i]);
    cr_expect_not_null(strstr(wl->notes, "t.csv:5: duplicate layer name 'a' (also line 2) "
                                         "renamed 'a_4'"));
    wl_destroy(wl);
    /* 300 random files of 1-60 rows drawn from names that collide with each other's suffixes */
    static const char *const pool[] = {"a", "a_2", "a_3", "a_4", "b", "b_2", "a_2_2", "a_10"};
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    for (int file = 0; file < 300; file++) {
        char names[60][32];
        char text[60 * 24 + 32] = "Layer, M, N, K,\n";
        size_t len = strlen(text);
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t count = 1 + (size_t)(seed >> 33) % 60;
        for (size_t i = 0; i < count; i++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *n = pool[(seed >> 33) % (sizeof pool / sizeof pool[0])];
            snprintf(names[i], sizeof names[i], "%s", n);
            len += (size_t)snprintf(text + len, sizeof text - len, "%s,2,3,4,\n", n);
        }
        rename_naive(names, count);
        wl = parse_csv(text);
        cr_assert_eq(wl->layer_count, count);
        for (size_t i = 0; i < count; i++)
            cr_assert_str_eq(wl->layers[i].name, names[i], "file %d row %zu:\n%s", file, i, text);
        wl_destroy(wl);
    }
}

Test(wl_csv, repeated_name_without_room_for_a_suffix)
{
    /* a 63-character name (WL_NAME_BYTES - 1) twice: NAME_2 would not fit */
    char name[64], text[256];
    memset(name, 'x', 63);
    name[63] = '\0';
    snprintf(text, sizeof text, "Layer, M, N, K,\n%s,1,1,1,\n\n%s,1,1,1,\n", name, name);
    wl_workload *wl = NULL;
    fw_err err;
    cr_assert_eq(wl_parse_scalesim("t.csv", text, 0, &wl, &err), FW_EXIT_INPUT);
    char want[256];
    snprintf(want, sizeof want,
             "t.csv:4: column 'Layer name': duplicate layer name '%s' (also line 2) and no room "
             "for a suffix",
             name);
    cr_expect_str_eq(err.msg, want);
    cr_expect_null(wl);
}

/* 10^5 rows (SCALE-Sim files of whole networks' GEMMs reach 10^4), every one named L: all load,
 * renamed L, L_2, ..., L_100000, each with the MACs of SCALE-Sim's output-size rule. This is a
 * test of the result; a reader with a scan of the names before each row took seconds at 10^4
 * rows and cubic time on one repeated name (tests/fuzz/README.md, "Throughput"). */
Test(wl_csv, hundred_thousand_rows_load)
{
    enum { ROWS = 100000 };
    size_t size = ROWS * 48 + 128, len = 0;
    char *text = malloc(size);
    cr_assert_not_null(text);
    len += (size_t)snprintf(text, size, HDR);
    for (unsigned i = 0; i < ROWS; i++)
        len += (size_t)snprintf(text + len, size - len, "L, %u, %u, 3, 3, %u, %u, %u,\n", 8 + i % 7,
                                8 + i % 5, 1 + i % 3, 1 + i % 4, 1 + i % 2);
    wl_workload *wl = parse_csv(text);
    free(text);
    cr_assert_eq(wl->layer_count, ROWS);
    for (unsigned i = 0; i < ROWS; i++) {
        const wl_layer *l = &wl->layers[i];
        char name[16];
        if (i == 0)
            snprintf(name, sizeof name, "L");
        else
            snprintf(name, sizeof name, "L_%u", i + 1);
        cr_assert_str_eq(l->name, name);
        /* SCALE-Sim: out = ceil((H - F + S) / S) per axis; MACs = out_h out_w F F C NF */
        uint64_t h = 8 + i % 7, w = 8 + i % 5, c = 1 + i % 3, nf = 1 + i % 4, s = 1 + i % 2;
        uint64_t oh = (h - 3 + s + s - 1) / s, ow = (w - 3 + s + s - 1) / s;
        cr_assert_eq(wl_layer_macs(l), oh * ow * 9 * c * nf, "row %u", i);
    }
    wl_destroy(wl);
}
