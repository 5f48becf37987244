/* Tests of the design ladder (en_ladder_design: every rung with the design's own reuse) and of
 * the bound it promises: on random configs and workloads, the achieved efficiency never exceeds
 * any rung of the ladder priced like it, the rungs fall monotonically, and the datapath ladder
 * is never below the as-built one. Also the supply solver of the energy stage (en_supply_for)
 * against tech_vdd_for_scale worked by hand. Oracles: counters x costs summed by hand, and the
 * engine's own guarantee (at most R x C MACs per cycle) for the invariant. */
#include "en_fixture.h"
#include "energy/en_ladder.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static tech_lib *load(void)
{
    tech_lib *lib;
    fw_err err;
    cr_assert_eq(tech_load(NULL, &lib, &err), 0, "%s", err.msg);
    return lib;
}

/* Synthetic counters priced by hand: each rung is the previous one plus its class's energy per
 * MAC; leakage and clock at full rate = (leak + clock per cycle) / (4 x 8 PEs). */
Test(en_ceiling, design_rungs_by_hand)
{
    en_fixture f;
    en_fixture_setup(&f, NULL, 0);
    const en_costs k = f.k;
    eng_counters c = {0};
    c.cycles = 5000;
    c.macs = 100000;
    c.reg_reads = 300000;
    c.reg_writes = 200000;
    c.sram_reads[CFG_IFMAP] = 1000;
    c.sram_writes[CFG_FILTER] = 4000;
    c.sram_reads[CFG_OFMAP] = 500;
    c.sram_writes[CFG_OFMAP] = 6000;
    c.dram_read_bytes[CFG_FILTER] = 4000;
    c.dram_write_bytes[CFG_OFMAP] = 24000;
    en_rung r[EN_LADDER_RUNGS];
    en_ladder_design(&k, &f.cfg, &c, r);
    double arith = k.mac_pj;
    double regs = (300000 * k.reg_read_pj + 200000 * k.reg_write_pj) / 100000;
    double sram =
        (1000 * k.sram_read_pj[CFG_IFMAP] + 4000 * k.sram_write_pj[CFG_FILTER] +
         500 * k.sram_read_pj[CFG_OFMAP] + 6000 * k.sram_write_pj[CFG_OFMAP] +
         1000 * k.wire_pj[CFG_IFMAP] + 4000 * k.wire_pj[CFG_FILTER] + 6500 * k.wire_pj[CFG_OFMAP]) /
        100000;
    double dram = 28000 * 340.0 / 100000; /* DDR3 midpoint 42.5 pJ/bit */
    double lc = (k.leakage_pj_per_cycle + k.clock_pj_per_cycle) / 32;
    en_close_to(r[0].pj_per_mac, arith, "arithmetic");
    en_close_to(r[1].pj_per_mac, arith + regs, "+registers");
    en_close_to(r[2].pj_per_mac, arith + regs + sram, "+sram");
    en_close_to(r[3].pj_per_mac, arith + regs + sram + dram, "+dram");
    en_close_to(r[4].pj_per_mac, arith + regs + sram + dram + lc, "+leakage_clock");
    en_close_to(r[4].gflops_per_w, 2000 / (arith + regs + sram + dram + lc), "GFLOPS/W");
    cr_assert_str_eq(r[2].level, "+sram");
    /* 5000 cycles > 100000 / 32 = 3125: the achieved figure lies below the top rung by exactly
     * the leakage and clock of the (5000 - 3125) cycles beyond full rate */
    en_breakdown b;
    en_price(&k, &c, &b);
    en_close_to(b.pj_per_mac_system - r[4].pj_per_mac,
             (5000 - 3125) * (k.leakage_pj_per_cycle + k.clock_pj_per_cycle) / 100000,
             "achieved - top rung");
    /* no MACs: every rung 0 */
    eng_counters z = {0};
    en_ladder_design(&k, &f.cfg, &z, r);
    for (int i = 0; i < EN_LADDER_RUNGS; i++)
        cr_assert(r[i].pj_per_mac == 0 && r[i].gflops_per_w == 0);
    tech_destroy(f.lib);
}

/* xorshift64*: a fixed, portable sequence for the random design points */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

static unsigned pick(uint64_t *s, unsigned n)
{
    return (unsigned)(rnd(s) % n);
}

/* The invariant on random design points: configs varying array shape, dataflow, precision,
 * buffers, DRAM (type, bandwidth, none), node, process flavour and arithmetic source; random
 * conv, fc and gemm workloads. For both sources: achieved <= every rung (efficiency), rungs
 * non-increasing; and the datapath ladder >= the as-built one at every rung. */
Test(en_ceiling, achieved_never_exceeds_a_rung_on_random_designs)
{
    static const char *const dataflows[] = {"ws", "os", "is", "tree"};
    static const char *const precs[] = {
        "{\"input\": \"int8\", \"accumulator\": \"int32\", \"int_overflow\": \"wrap\"}",
        "{\"input\": \"int16\", \"accumulator\": \"int32\", \"int_overflow\": \"wrap\"}",
        "{\"input\": \"fp16\", \"accumulator\": \"fp32\"}",
        "{\"input\": \"bf16\", \"accumulator\": \"fp32\"}",
        "{\"input\": \"fp32\", \"accumulator\": \"fp32\"}",
        "{\"input\": \"fp8e4m3\", \"accumulator\": \"fp16\"}"};
    static const char *const drams[] = {"ddr3", "ddr4", "lpddr4", "hbm2", "none"};
    static const double nodes[] = {130, 90, 65, 45, 40, 32, 28, 22, 16, 7};
    static const unsigned sizes[] = {1024, 4096, 16384, 65536, 1048576};
    tech_lib *lib = load();
    uint64_t seed = UINT64_C(0x9E3779B97F4A7C15);
    int tested = 0, full_rate = 0, hierarchies = 0;
    for (int it = 0; it < 60; it++) {
        char text[2048], wtext[2048];
        unsigned rows = 1 + pick(&seed, 24), cols = 1 + pick(&seed, 24);
        const tech_node *nd;
        fw_err err;
        double node = nodes[pick(&seed, sizeof nodes / sizeof nodes[0])];
        bool lp = pick(&seed, 2);
        cr_assert_eq(tech_node_find_process(lib, node, lp ? TECH_LP : TECH_HP, &nd, &err), 0);
        double vdd = nd->nominal_vdd_v * (0.8 + 0.3 * (double)pick(&seed, 100) / 100);
        double bw[] = {0, 0.5, 4, 64};
        /* the sram shorthand, or an explicit hierarchy (a per-PE register file for the filter
         * under a banked shared buffer), so the bound is checked on whatever the accounting
         * prices for storage levels */
        char mem[768];
        if (pick(&seed, 2))
            snprintf(
                mem, sizeof mem,
                "\"sram\": {\"ifmap\": {\"size_bytes\": %u, \"word_bits\": %u,"
                " \"double_buffered\": %s},"
                " \"filter\": {\"size_bytes\": %u, \"word_bits\": 64, \"double_buffered\": %s},"
                " \"ofmap\": {\"size_bytes\": %u, \"word_bits\": 128, \"double_buffered\": true}}",
                sizes[pick(&seed, 5)], 32u << pick(&seed, 3), pick(&seed, 2) ? "true" : "false",
                sizes[pick(&seed, 5)], pick(&seed, 2) ? "true" : "false", sizes[pick(&seed, 5)]);
        else
            snprintf(mem, sizeof mem,
                     "\"memory\": {\"levels\": ["
                     "{\"name\": \"rf\", \"kind\": \"regfile\", \"instances\": \"per_pe\","
                     " \"word_bits\": 16, \"double_buffered\": false,"
                     " \"partitions\": {\"filter\": {\"size_bytes\": %u}}},"
                     "{\"name\": \"glb\", \"kind\": \"sram\", \"holds\": [\"ifmap\", \"filter\","
                     " \"ofmap\"], \"size_bytes\": %u, \"banks\": %u, \"word_bits\": 64}]}",
                     16u << pick(&seed, 4), sizes[2 + pick(&seed, 3)], 1u << pick(&seed, 5));
        snprintf(text, sizeof text,
                 "{\"name\": \"r%d\", \"clock_mhz\": %u,"
                 " \"array\": {\"rows\": %u, \"cols\": %u, \"dataflow\": \"%s\"},"
                 " \"precision\": %s, %s,"
                 " \"dram\": {\"type\": \"%s\", \"bandwidth_gbps\": %g, \"latency_cycles\": %u},"
                 " \"tech\": {\"node_nm\": %g, \"vdd_v\": %.4f, \"process\": \"%s\","
                 " \"arith_source\": \"%s\"}}",
                 it, 100 + 100 * pick(&seed, 9), rows, cols, dataflows[pick(&seed, 4)],
                 precs[pick(&seed, 6)], mem, drams[pick(&seed, 5)], bw[pick(&seed, 4)],
                 pick(&seed, 200), node, vdd, lp ? "lp" : "hp",
                 pick(&seed, 2) ? "as_built" : "datapath");
        unsigned h = 3 + pick(&seed, 12), c = 1 + pick(&seed, 16), f = 1 + pick(&seed, 32);
        unsigned kk = 1 + 2 * pick(&seed, 2);
        snprintf(wtext, sizeof wtext,
                 "{\"name\": \"w%d\", \"source\": \"random test workload\", \"batch\": %u,"
                 " \"layers\": ["
                 "{\"name\": \"conv\", \"type\": \"conv\", \"in_h\": %u, \"in_w\": %u,"
                 " \"in_c\": %u, \"kernel\": %u, \"filters\": %u, \"pad\": \"same\"},"
                 "{\"name\": \"fc\", \"type\": \"fc\", \"in_features\": %u, \"out_features\": %u},"
                 "{\"name\": \"gemm\", \"type\": \"gemm\", \"m\": %u, \"n\": %u, \"k\": %u}]}",
                 it, 1 + pick(&seed, 3), h, h, c, kk, f, 1 + pick(&seed, 300), 1 + pick(&seed, 100),
                 1 + pick(&seed, 40), 1 + pick(&seed, 40), 1 + pick(&seed, 40));
        cfg_accel cfg;
        if (cfg_parse("r.json", text, NULL, 0, &cfg, &err) != 0)
            continue; /* a combination the config refuses (e.g. a tree with this precision) */
        hierarchies += cfg.hierarchy_given;
        wl_workload *wl = NULL;
        cr_assert_eq(wl_parse_json("w.json", wtext, 0, &wl, &err), 0, "%s", err.msg);
        en_costs k;
        cr_assert_eq(en_costs_init(lib, &cfg, &k, &err), 0, "%s: %s", text, err.msg);
        eng_counters total;
        en_breakdown b;
        cr_assert_eq(en_achieved(&k, &cfg, wl, &total, &b, &err), 0, "%s", err.msg);
        wl_destroy(wl);
        cr_assert(total.macs > 0);
        cr_assert(total.cycles * (uint64_t)rows * cols >= total.macs);
        full_rate += total.cycles * (uint64_t)rows * cols == total.macs;
        en_rung r[2][EN_LADDER_RUNGS];
        for (int s = 0; s < 2; s++) {
            cfg_accel cs = cfg;
            cs.tech.arith_source = s ? CFG_ARITH_AS_BUILT : CFG_ARITH_DATAPATH;
            en_costs ks;
            cr_assert_eq(en_costs_init(lib, &cs, &ks, &err), 0, "%s", err.msg);
            en_ladder_design(&ks, &cs, &total, r[s]);
            en_breakdown bs;
            en_price(&ks, &total, &bs);
            for (int i = 0; i < EN_LADDER_RUNGS; i++) {
                cr_assert(bs.gops_per_w_system <= r[s][i].gflops_per_w * (1 + 1e-12),
                          "point %d (%s): achieved %.17g above rung %s %.17g", it, text,
                          bs.gops_per_w_system, r[s][i].level, r[s][i].gflops_per_w);
                if (i)
                    cr_assert(r[s][i].gflops_per_w <= r[s][i - 1].gflops_per_w);
            }
        }
        for (int i = 0; i < EN_LADDER_RUNGS; i++)
            cr_assert(r[0][i].gflops_per_w >= r[1][i].gflops_per_w, "datapath >= as built");
        tested++;
    }
    cr_assert(tested >= 40, "only %d random points were valid configs", tested);
    cr_assert(hierarchies >= 10, "only %d explicit hierarchies", hierarchies);
    cr_log_info("%d random design points (%d explicit hierarchies), %d at full rate", tested,
                hierarchies, full_rate);
    tech_destroy(lib);
}

/* The supply solver in the energy stage: at 45 nm HP the datapath int8 MAC is 0.3 pJ at 0.9 V;
 * a target of 2000/0.3 GOPS/W is met exactly at 0.9 V; the as-built rung of fp32 at 65 nm
 * (19.7 GFLOPS/W) cannot reach 650 at any supply above the fit's floor. */
Test(en_ceiling, supply_solver_in_the_energy_stage)
{
    tech_lib *lib = load();
    const tech_node *n45, *n65;
    fw_err err;
    cr_assert_eq(tech_node_find(lib, 45, &n45, &err), 0);
    cr_assert_eq(tech_node_find(lib, 65, &n65, &err), 0);
    en_supply s;
    en_supply_for(lib, n45, NX_INT8, NX_INT32, TECH_ARITH_DATAPATH, 2000 / 0.3, &s);
    cr_assert(s.reachable && s.plausible);
    cr_assert(fabs(s.vdd_v - 0.9) < 1e-9, "%.12g", s.vdd_v);
    en_supply_for(lib, n65, NX_FP32, NX_FP32, TECH_ARITH_AS_BUILT, 650, &s);
    cr_assert(!s.reachable);
    cr_assert(strstr(s.reason, "not reachable"), "%s", s.reason);
    cr_assert(fabs(s.gflops_per_w_nominal - 2000 / (4.6 * 9.1766 * 2.40503)) < 0.01, "%g",
              s.gflops_per_w_nominal);
    tech_destroy(lib);
}
