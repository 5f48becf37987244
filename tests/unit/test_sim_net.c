/* Tests of the network run and inter-layer residency (sim/engine/net.h): every expected byte
 * count below is derived by hand from the rules of net.h, map.h and mem.h (tensor sizes,
 * weights, which tile each fold fetches), not taken from the code under test.
 * Config: 4x4 ws array, int8 inputs, int32 accumulator, int8 outputs; an inner level of 64 KiB
 * for filters and partial sums and an outer shared level of C bytes holding ifmap and ofmap (a
 * unified activation buffer: residency on), or the `sram` shorthand (residency off). Until the
 * tiled hierarchy model lands the per-operand model runs each operand on its outermost level,
 * so the ifmap and ofmap buffers are the C bytes; every layer here has one row fold (K <= 4),
 * so no partial sum ever spills whatever C is. */
#include "config/cfg.h"
#include "engine/eng.h"
#include "engine/net.h"
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static cfg_accel make_cfg(uint64_t ifmap_bytes, bool unified)
{
    char text[1024], mem[512];
    if (unified)
        snprintf(mem, sizeof mem,
                 "\"memory\": {\"levels\": [{\"name\": \"inner\", \"kind\": \"sram\", "
                 "\"partitions\": {\"filter\": {\"size_bytes\": 65536}, \"ofmap\": "
                 "{\"size_bytes\": 65536}}}, {\"name\": \"ub\", \"kind\": \"sram\", "
                 "\"holds\": [\"ifmap\", \"ofmap\"], \"size_bytes\": %llu}]}",
                 (unsigned long long)ifmap_bytes);
    else
        snprintf(mem, sizeof mem,
                 "\"sram\": {\"ifmap\": {\"size_bytes\": %llu}, \"filter\": {\"size_bytes\": "
                 "65536}, \"ofmap\": {\"size_bytes\": 65536}}",
                 (unsigned long long)ifmap_bytes);
    snprintf(text, sizeof text,
             "{\"clock_mhz\": 1000, \"array\": {\"rows\": 4, \"cols\": 4, \"dataflow\": \"ws\"},"
             " \"precision\": {\"input\": \"int8\", \"accumulator\": \"int32\", \"output\": "
             "\"int8\"}, %s,"
             " \"dram\": {\"type\": \"ddr4\", \"bandwidth_gbps\": 1, \"latency_cycles\": 5},"
             " \"tech\": {\"node_nm\": 28, \"vdd_v\": 0.9}}",
             mem);
    cfg_accel c;
    fw_err err;
    cr_assert_eq(cfg_parse("t.json", text, NULL, 0, &c, &err), 0, "%s", err.msg);
    return c;
}

static wl_workload *make_wl_batch(const char *layers, uint32_t batch)
{
    char text[4096];
    snprintf(text, sizeof text, "{\"name\": \"w\", \"layers\": [%s]}", layers);
    wl_workload *wl;
    fw_err err;
    cr_assert_eq(wl_parse_json("w.json", text, batch, &wl, &err), 0, "%s", err.msg);
    return wl;
}

static wl_workload *make_wl(const char *layers)
{
    return make_wl_batch(layers, 0);
}

static net_result run(const cfg_accel *c, const wl_workload *wl, eng_kind kind)
{
    net_options opt = {.eng = {.kind = kind}};
    net_result r;
    fw_err err;
    cr_assert_eq(net_run(c, wl, &opt, &r, &err), 0, "%s", err.msg);
    return r;
}

/* Where each MAC layer read from and wrote to: "DC" = input from DRAM, output to chip, ... */
static void expect_places(const net_result *r, const char *expected)
{
    char got[64] = "";
    for (size_t l = 0; l < r->layer_count && 2 * l + 2 < sizeof got; l++) {
        got[2 * l] = r->layers[l].input_from == NET_CHIP ? 'C' : 'D';
        got[2 * l + 1] = r->layers[l].output_to == NET_CHIP ? 'C' : 'D';
        got[2 * l + 2] = '\0';
    }
    cr_expect_str_eq(got, expected);
}

static void expect_dram(const eng_counters *c, uint64_t ifmap_rd, uint64_t filter_rd,
                        uint64_t ofmap_wr)
{
    cr_expect_eq(c->dram_read_bytes[CFG_IFMAP], ifmap_rd, "ifmap read %llu, expected %llu",
                 (unsigned long long)c->dram_read_bytes[CFG_IFMAP], (unsigned long long)ifmap_rd);
    cr_expect_eq(c->dram_read_bytes[CFG_FILTER], filter_rd, "filter read %llu, expected %llu",
                 (unsigned long long)c->dram_read_bytes[CFG_FILTER],
                 (unsigned long long)filter_rd);
    cr_expect_eq(c->dram_read_bytes[CFG_OFMAP], 0);
    cr_expect_eq(c->dram_write_bytes[CFG_OFMAP], ofmap_wr, "ofmap written %llu, expected %llu",
                 (unsigned long long)c->dram_write_bytes[CFG_OFMAP], (unsigned long long)ofmap_wr);
}

/* Runs wl with an ifmap SRAM of c_bytes (holding outputs or not) on the fast engine and checks
 * the places and DRAM bytes; returns the result (caller: net_result_fini). */
static net_result run_case(const wl_workload *wl, uint64_t c_bytes, bool holds, const char *places,
                           uint64_t ifmap_rd, uint64_t filter_rd, uint64_t ofmap_wr)
{
    cfg_accel c = make_cfg(c_bytes, holds);
    net_result r = run(&c, wl, ENG_FAST);
    cr_expect_eq(r.residency, holds);
    expect_places(&r, places);
    expect_dram(&r.total, ifmap_rd, filter_rd, ofmap_wr);
    return r;
}

/* A chain on a 6x6 input of 2 channels (72 B):
 *   c1 1x1 2->4 (weights 8, output 6x6x4 = 144 B),
 *   c2 1x1 4->4 (weights 16, output 144 B),
 * c3 1x1 4->3 (weights 12, output 108 B), the network's output.
 * Each layer is one fold (K = 2, 4, 4 rows, N <= 4 columns), so every weight is fetched once:
 * 36 B. */
#define CHAIN                                                                                      \
    "{\"name\": \"c1\", \"type\": \"conv\", \"in_h\": 6, \"in_w\": 6, \"in_c\": 2, \"filters\": "  \
    "4, \"kernel\": 1},"                                                                           \
    "{\"name\": \"c2\", \"type\": \"conv\", \"in_h\": 6, \"in_w\": 6, \"in_c\": 4, \"filters\": "  \
    "4, \"kernel\": 1},"                                                                           \
    "{\"name\": \"c3\", \"type\": \"conv\", \"in_h\": 6, \"in_w\": 6, \"in_c\": 4, \"filters\": "  \
    "3, \"kernel\": 1}"

Test(sim_net, chain_on_chip_moves_only_input_weights_output)
{
    /* Live bytes (net.h): c1 needs 0 + 144 = 144; c2 needs 144 (c1's output, still to be read)
     * + 144 = 288; c3 has no reader: its output goes to DRAM. With
     * C = 288 both intermediate tensors stay: DRAM = the input (72, c1's ifmap resident: held as
     * the tensor), the weights (36) and the last output (108), nothing else. */
    wl_workload *wl = make_wl(CHAIN);
    net_result r = run_case(wl, 288, true, "DCCCCD", 72, 36, 108);
    /* c2 and c3 read no ifmap tile from DRAM, c1 and c2 write nothing back */
    cr_expect_eq(r.layers[1].c.dram_read_bytes[CFG_IFMAP], 0);
    cr_expect_eq(r.layers[2].c.dram_read_bytes[CFG_IFMAP], 0);
    cr_expect_eq(r.layers[0].c.dram_write_bytes[CFG_OFMAP], 0);
    cr_expect_eq(r.layers[1].c.dram_write_bytes[CFG_OFMAP], 0);
    cr_expect_str_eq(net_place_name(&r, NET_CHIP), "ub");
    net_result_fini(&r);
    wl_destroy(wl);
}

Test(sim_net, tensor_that_does_not_fit_spills)
{
    /* C = 287: c2 needs 288 > 287, so its 144 B output goes to DRAM and c3 reads it back: c3's
     * ifmap (144 B) is larger than the 143 B half of the double-buffered ifmap SRAM, so it is
     * fetched per fold in the im2col view; a 1x1 conv of one fold reads it exactly once (36 rows
     * x K = 4). DRAM: ifmap 72 + 144, filter 36, written 144 (c2) + 108 (c3). */
    wl_workload *wl = make_wl(CHAIN);
    net_result r = run_case(wl, 287, true, "DCCDDD", 72 + 144, 36, 144 + 108);
    cr_expect_eq(r.layers[1].c.dram_write_bytes[CFG_OFMAP], 144);
    cr_expect_eq(r.layers[2].c.dram_read_bytes[CFG_IFMAP], 144);
    net_result_fini(&r);
    wl_destroy(wl);
}

Test(sim_net, no_residency_is_the_sum_of_layers_run_alone)
{
    /* Without a unified buffer (and with one but a single layer selected) every layer reads its
     * input from DRAM and writes its output there: c1 writes 144, c2 reads 144 (resident: the
     * tensor) and writes 144, c3 reads 144 and writes 108. The totals equal the sum of
     * eng_run_layer on each layer, field by field. */
    wl_workload *wl = make_wl(CHAIN);
    net_result r = run_case(wl, 65536, false, "DDDDDD", 72 + 144 + 144, 36, 144 + 144 + 108);
    cfg_accel c = make_cfg(65536, false);
    eng_counters sum;
    memset(&sum, 0, sizeof sum);
    for (size_t i = 0; i < wl->layer_count; i++) {
        eng_options opt = {.kind = ENG_FAST};
        eng_result one;
        fw_err err;
        cr_assert_eq(eng_run_layer(&c, &wl->layers[i], &opt, &one, &err), 0, "%s", err.msg);
        cr_assert_eq(eng_counters_add(&sum, &one.c, &err), 0);
        eng_result_fini(&one);
    }
    cr_expect_eq(memcmp(&sum, &r.total, sizeof sum), 0, "net total != sum of layers");
    net_result_fini(&r);
    cfg_accel h = make_cfg(65536, true);
    net_options opt = {.eng = {.kind = ENG_FAST}, .only_layer = "c2"};
    fw_err err;
    cr_assert_eq(net_run(&h, wl, &opt, &r, &err), 0, "%s", err.msg);
    cr_expect(!r.residency);
    expect_places(&r, "DD");
    expect_dram(&r.total, 144, 16, 144);
    net_result_fini(&r);
    wl_destroy(wl);
}

/* A residual block on a 6x6x2 input: a 1x1 2->4, b 1x1 4->4 (reads a), c 1x1 4->4 (reads b),
 * add = c + a (eltwise, no MACs), d 1x1 4->2 (reads add): tensors of 144 B (a, b, c, add) and
 * d's 72 B output; weights 8 + 16 + 16 + 8 = 48 B; every layer one fold. */
#define RESIDUAL                                                                                   \
    "{\"name\": \"a\", \"type\": \"conv\", \"in_h\": 6, \"in_w\": 6, \"in_c\": 2, \"filters\": 4, " \
    "\"kernel\": 1},"                                                                              \
    "{\"name\": \"b\", \"type\": \"conv\", \"in_h\": 6, \"in_w\": 6, \"in_c\": 4, \"filters\": 4, " \
    "\"kernel\": 1},"                                                                              \
    "{\"name\": \"c\", \"type\": \"conv\", \"in_h\": 6, \"in_w\": 6, \"in_c\": 4, \"filters\": 4, " \
    "\"kernel\": 1},"                                                                              \
    "{\"name\": \"add\", \"type\": \"eltwise\", \"in_h\": 6, \"in_w\": 6, \"in_c\": 4, "           \
    "\"inputs\": [\"c\", \"a\"]},"                                                                 \
    "{\"name\": \"d\", \"type\": \"conv\", \"in_h\": 6, \"in_w\": 6, \"in_c\": 4, \"filters\": 2, " \
    "\"kernel\": 1}"

Test(sim_net, residual_branch_keeps_its_tensor_until_the_add)
{
    /* Live bytes: a needs 144; b 144 (a) + 144 = 288; after b, a (read
     * again by the add) and b stay: c needs 288 + 144 = 432; after c, b leaves: the add needs
     * a + c + its output = 432; after it a and c leave; d has no reader.
     * C = 432: everything stays; DRAM = input 72 + weights 48 + d's output 72. */
    wl_workload *wl = make_wl(RESIDUAL);
    net_result r = run_case(wl, 432, true, "DCCCCCCD", 72, 48, 72);
    net_result_fini(&r);
    /* C = 431: a is still held for the add, so c's output does not fit (432) and spills (144 B
     * written; had a been dropped after b, c would have fitted: 288). The add reads c from DRAM,
     * in a row of its own (net.h: 144 B, no MACs), and a from chip; its output fits (written
     * over a, which it reads last: 144 live), so d reads on chip: DRAM = input 72 + c read back 144, weights 48, c's
     * 144 + d's 72 written. */
    r = run_case(wl, 431, true, "DCCCCDDCCD", 72 + 144, 48, 144 + 72);
    cr_assert_eq(r.layer_count, 5);
    cr_expect_eq(r.layers[3].index, 3); /* the add */
    cr_expect_eq(r.layers[3].c.macs, 0);
    cr_expect_eq(r.layers[3].c.dram_read_bytes[CFG_IFMAP], 144);
    /* 144 B at 1 GB/s and 1 GHz (1 B/cycle) + 5 cycles of latency, all an ifmap stall */
    cr_expect_eq(r.layers[3].c.cycles, 149);
    cr_expect_eq(r.layers[3].c.stall_cycles_by[CFG_IFMAP], 149);
    net_result_fini(&r);
    /* ideal memory: the same traffic, no time */
    cfg_accel c = make_cfg(431, true);
    net_options ideal = {.eng = {.kind = ENG_FAST, .ideal_memory = true}};
    fw_err err;
    cr_assert_eq(net_run(&c, wl, &ideal, &r, &err), 0, "%s", err.msg);
    cr_assert_eq(r.layer_count, 5);
    cr_expect_eq(r.layers[3].c.dram_read_bytes[CFG_IFMAP], 144);
    cr_expect_eq(r.layers[3].c.cycles, 0);
    cr_expect_eq(r.total.stall_cycles, 0);
    net_result_fini(&r);
    wl_destroy(wl);
}

Test(sim_net, pe_engine_agrees_with_residency)
{
    /* Both engines ask the same memory model: every counter equal with tensors kept and spilled */
    wl_workload *wl = make_wl(RESIDUAL);
    uint64_t sizes[] = {431, 432};
    for (size_t k = 0; k < 2; k++) {
        cfg_accel c = make_cfg(sizes[k], true);
        net_result f = run(&c, wl, ENG_FAST), p = run(&c, wl, ENG_PE);
        cr_assert_eq(f.layer_count, p.layer_count);
        for (size_t l = 0; l < f.layer_count; l++) {
            /* but zero_macs: pe counts the values' zeros, fast expects them (test_sim_sparse.c) */
            eng_counters a = f.layers[l].c, b = p.layers[l].c;
            a.zero_macs = b.zero_macs = 0;
            cr_expect_eq(memcmp(&a, &b, sizeof a), 0, "C = %llu, layer %zu: pe != fast",
                         (unsigned long long)sizes[k], l);
        }
        net_result_fini(&f);
        net_result_fini(&p);
    }
    wl_destroy(wl);
}

/* Sub-batches (net.h): the CHAIN at batch N. At b images its tensors are 144 b B (c1, c2), its
 * live bytes peak at c2: 288 b. With C = 576 a sub-batch of 2 keeps everything on chip, one of
 * 3 or 4 spills c2's output (864 > 576, 1152 > 576). */
static net_result run_sub(const cfg_accel *c, const wl_workload *wl, eng_kind kind, uint32_t b)
{
    net_options opt = {.eng = {.kind = kind}, .sub_batch = b};
    net_result r;
    fw_err err;
    cr_assert_eq(net_run(c, wl, &opt, &r, &err), 0, "%s", err.msg);
    return r;
}

Test(sim_net, sub_batches_keep_activations_on_chip)
{
    /* N = 4, the runner chooses: b = 4 spills (c2's 576 B written and read back: 1,152 B more
     * DRAM), b = ceil(4/2) = 2 spills nothing, so the search stops there; b = 2 costs the
     * weights once more (36 B): it wins on the energy objective. Traffic = weights x ceil(N/b)
     * + inputs + outputs = 36 x 2 + 72 x 4 + 108 x 4; every intermediate tensor on chip. */
    cfg_accel c = make_cfg(576, true);
    wl_workload *wl = make_wl_batch(CHAIN, 4);
    net_result r = run_sub(&c, wl, ENG_FAST, 0);
    cr_expect_eq(r.sub_batch, 2);
    cr_expect_eq(r.spilled_bytes, 0);
    expect_places(&r, "DCCCCD");
    expect_dram(&r.total, 72 * 4, 36 * 2, 108 * 4);
    /* the two sub-batches are the same run one after the other: twice the whole run of N = 2 */
    wl_workload *two = make_wl_batch(CHAIN, 2);
    net_result h = run_sub(&c, two, ENG_FAST, 0);
    cr_expect_eq(h.sub_batch, 2);
    cr_expect_eq(r.total.cycles, 2 * h.total.cycles);
    cr_expect_eq(r.total.macs, 2 * h.total.macs);
    for (size_t l = 0; l < r.layer_count; l++)
        cr_expect_eq(r.layers[l].c.stall_cycles, 2 * h.layers[l].c.stall_cycles);
    net_result_fini(&h);
    net_result_fini(&r);
    /* the whole batch at once (sub_batch = N): c2's output spills, 576 B each way */
    r = run_sub(&c, wl, ENG_FAST, 4);
    cr_expect_eq(r.sub_batch, 4);
    cr_expect_eq(r.spilled_bytes, 576);
    expect_dram(&r.total, 72 * 4 + 576, 36, 108 * 4 + 576);
    net_result_fini(&r);
    wl_destroy(two);
    wl_destroy(wl);
}

Test(sim_net, sub_batch_with_a_remainder)
{
    /* N = 5 in sub-batches of 2 (given): 2 + 2 + 1, the weights fetched 3 times:
     * 36 x 3 + 72 x 5 + 108 x 5. Cycles: twice a sub-batch of 2 plus one of 1. Both engines
     * agree in every counter. */
    cfg_accel c = make_cfg(576, true);
    wl_workload *wl = make_wl_batch(CHAIN, 5);
    net_result r = run_sub(&c, wl, ENG_FAST, 2);
    cr_expect_eq(r.sub_batch, 2);
    expect_places(&r, "DCCCCD");
    expect_dram(&r.total, 72 * 5, 36 * 3, 108 * 5);
    wl_workload *two = make_wl_batch(CHAIN, 2), *one = make_wl_batch(CHAIN, 1);
    net_result a = run_sub(&c, two, ENG_FAST, 0), b = run_sub(&c, one, ENG_FAST, 0);
    cr_expect_eq(r.total.cycles, 2 * a.total.cycles + b.total.cycles);
    net_result p = run_sub(&c, wl, ENG_PE, 2);
    cr_assert_eq(p.layer_count, r.layer_count);
    eng_counters x = r.total, y = p.total;
    x.zero_macs = y.zero_macs = 0;
    cr_expect_eq(memcmp(&x, &y, sizeof x), 0, "pe != fast with sub-batches");
    net_result_fini(&p);
    net_result_fini(&a);
    net_result_fini(&b);
    net_result_fini(&r);
    wl_destroy(one);
    wl_destroy(two);
    wl_destroy(wl);
}
