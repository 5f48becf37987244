/* Tests of the energy accounting (sim/energy): synthetic counters priced by hand from the
 * per-action costs must equal the reported energy exactly; zero activity costs leakage and
 * clock only; the breakdown sums to the total; per-action costs at 45 nm / 0.9 V worked by hand
 * from the published figures (Horowitz table, DRAM midpoints, fractions of assumptions.json). */
#include "en_fixture.h"
#include "energy/en.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static eng_counters synthetic(void)
{
    eng_counters c = {0};
    c.cycles = 5000;
    c.compute_cycles = 4000;
    c.stall_cycles = 1000;
    c.macs = 100000;
    c.reg_reads = 300000;
    c.reg_writes = 200000;
    c.sram_reads[CFG_IFMAP] = 1000;
    c.sram_reads[CFG_FILTER] = 2000;
    c.sram_reads[CFG_OFMAP] = 500;
    c.sram_writes[CFG_IFMAP] = 3000;
    c.sram_writes[CFG_FILTER] = 4000;
    c.sram_writes[CFG_OFMAP] = 6000;
    c.dram_read_bytes[CFG_IFMAP] = 3000;
    c.dram_read_bytes[CFG_FILTER] = 4000;
    c.dram_read_bytes[CFG_OFMAP] = 100;
    c.dram_write_bytes[CFG_OFMAP] = 24000;
    return c;
}

Test(en, synthetic_counters_times_costs_equal_reported_energy)
{
    en_fixture f;
    en_fixture_setup(&f, NULL, 0);
    eng_counters c = synthetic();
    en_breakdown b;
    en_price(&f.k, &c, &b);
    const en_costs *k = &f.k;
    double mac = 100000 * k->mac_pj;
    double reg = 300000 * k->reg_read_pj + 200000 * k->reg_write_pj;
    double s_if = 1000 * k->sram_read_pj[0] + 3000 * k->sram_write_pj[0];
    double s_fi = 2000 * k->sram_read_pj[1] + 4000 * k->sram_write_pj[1];
    double s_of = 500 * k->sram_read_pj[2] + 6000 * k->sram_write_pj[2];
    double wire = 4000 * k->wire_pj[0] + 6000 * k->wire_pj[1] + 6500 * k->wire_pj[2];
    double dram = (3000 + 4000 + 100 + 24000) * k->dram_pj_per_byte;
    double leak = 5000 * k->leakage_pj_per_cycle, clk = 5000 * k->clock_pj_per_cycle;
    en_close_to(b.mac_pj, mac, "mac");
    en_close_to(b.reg_pj, reg, "reg");
    en_close_to(b.sram_pj[CFG_IFMAP], s_if, "sram ifmap");
    en_close_to(b.sram_pj[CFG_FILTER], s_fi, "sram filter");
    en_close_to(b.sram_pj[CFG_OFMAP], s_of, "sram ofmap");
    en_close_to(b.wire_pj, wire, "wire");
    en_close_to(b.dram_pj, dram, "dram");
    en_close_to(b.leakage_pj, leak, "leakage");
    en_close_to(b.clock_pj, clk, "clock");
    double chip = mac + reg + s_if + s_fi + s_of + wire + leak + clk;
    double total = chip + dram;
    en_close_to(b.chip_pj, chip, "chip");
    en_close_to(b.system_pj, total, "system");
    en_close_to(b.mac_pj + b.reg_pj + b.sram_pj[0] + b.sram_pj[1] + b.sram_pj[2] + b.wire_pj +
                 b.leakage_pj + b.clock_pj,
             b.chip_pj, "on-die components sum to chip");
    en_close_to(b.chip_pj + b.dram_pj, b.system_pj, "chip + DRAM = system");
    /* derived figures: 5000 cycles at 500 MHz = 10 us */
    en_close_to(b.time_s, 1e-5, "time");
    en_close_to(b.power_chip_w, chip * 1e-12 / 1e-5, "chip power");
    en_close_to(b.power_system_w, total * 1e-12 / 1e-5, "system power");
    en_close_to(b.pj_per_mac_chip, chip / 100000, "chip pJ/MAC");
    en_close_to(b.pj_per_mac_system, total / 100000, "system pJ/MAC");
    en_close_to(b.gops_per_w_chip, 2.0 * 100000 / (chip * 1e-12) / 1e9, "chip GOPS/W");
    en_close_to(b.gops_per_w_system, 2.0 * 100000 / (total * 1e-12) / 1e9, "system GOPS/W");
    en_close_to(b.gops_per_mm2, 2.0 * 100000 / 1e-5 / 1e9 / k->area_mm2, "GOPS/mm2");
    /* leakage is power x time */
    en_close_to(b.leakage_pj, k->leakage_w * b.time_s * 1e12, "leakage = P x t");
    tech_destroy(f.lib);
}

Test(en, zero_activity_costs_leakage_and_clock_only)
{
    en_fixture f;
    en_fixture_setup(&f, NULL, 0);
    eng_counters c = {0};
    c.cycles = 1234;
    c.stall_cycles = 1234;
    en_breakdown b;
    en_price(&f.k, &c, &b);
    cr_assert_eq(b.mac_pj + b.reg_pj + b.sram_pj[0] + b.sram_pj[1] + b.sram_pj[2] + b.wire_pj +
                     b.dram_pj,
                 0.0);
    en_close_to(b.system_pj, 1234 * (f.k.leakage_pj_per_cycle + f.k.clock_pj_per_cycle), "idle");
    cr_assert(b.system_pj > 0);
    cr_assert_eq(b.chip_pj, b.system_pj);
    cr_assert_eq(b.gops_per_w_chip, 0.0);
    cr_assert_eq(b.gops_per_w_system, 0.0);
    cr_assert_eq(b.pj_per_mac_chip, 0.0);
    cr_assert_eq(b.pj_per_mac_system, 0.0);
    c.cycles = 0;
    en_price(&f.k, &c, &b);
    cr_assert_eq(b.system_pj, 0.0);
    cr_assert_eq(b.power_chip_w, 0.0);
    cr_assert_eq(b.power_system_w, 0.0);
    tech_destroy(f.lib);
}

/* Zero DRAM traffic costs zero DRAM energy, and system = chip exactly; with traffic, DRAM energy
 * is bytes x 340 pJ/byte (DDR3 midpoint 42.5 pJ/bit, by hand). */
Test(en, zero_dram_traffic_costs_zero_dram_energy)
{
    en_fixture f;
    en_fixture_setup(&f, NULL, 0);
    eng_counters c = synthetic();
    for (int op = 0; op < CFG_OPERANDS; op++)
        c.dram_read_bytes[op] = c.dram_write_bytes[op] = 0;
    en_breakdown b;
    en_price(&f.k, &c, &b);
    cr_assert_eq(b.dram_pj, 0.0);
    cr_assert_eq(b.system_pj, b.chip_pj);
    cr_assert_eq(b.power_system_w, b.power_chip_w);
    cr_assert_eq(b.gops_per_w_system, b.gops_per_w_chip);
    c.dram_read_bytes[CFG_FILTER] = 1000;
    en_price(&f.k, &c, &b);
    en_close_to(b.dram_pj, 1000 * 340.0, "1000 DRAM bytes");
    en_close_to(b.system_pj - b.chip_pj, 1000 * 340.0, "system - chip = DRAM");
    tech_destroy(f.lib);
}

/* dram.type "none": no DRAM is priced; the same traffic costs nothing and the on-die costs do
 * not change. */
Test(en, no_dram_level_costs_no_dram_energy)
{
    en_fixture f, g;
    en_fixture_setup(&f, NULL, 0);
    const char *none[] = {"dram.type=none"};
    en_fixture_setup(&g, none, 1);
    cr_assert_eq(g.cfg.dram.type, CFG_DRAM_NONE);
    cr_assert_eq(g.k.dram_pj_per_byte, 0.0);
    eng_counters c = synthetic();
    en_breakdown bf, bg;
    en_price(&f.k, &c, &bf);
    en_price(&g.k, &c, &bg);
    cr_assert(bf.dram_pj > 0);
    cr_assert_eq(bg.dram_pj, 0.0);
    cr_assert_eq(bg.chip_pj, bf.chip_pj);
    cr_assert_eq(bg.system_pj, bg.chip_pj);
    tech_destroy(f.lib);
    tech_destroy(g.lib);
}

/* Costs at 45 nm / 0.9 V by hand: int8 x int8 + int32 MAC = 0.2 + 0.1 pJ (Horowitz); DRAM DDR3
 * midpoint (15+70)/2 = 42.5 pJ/bit = 340 pJ/byte; leakage and clock = 0.10 and 0.15 of the
 * 32 PEs' peak energy per cycle (MAC + 40 register bits written: 1 write of 8 bits and 1 of 32
 * bits; the 2 + 1 reads are free: a flip-flop is charged at capture, assumptions.json
 * flipflop_read_fraction_of_register = 0); ws writes priced at (8+32)/2 = 20 bits, reads at 0.
 * Register pJ/bit: Aladdin 0.009 pJ/bit at 40 nm / 0.9 V moved to 45 nm by
 * E_45(0.9)/E_40(0.9); E_40 = log-log between E_45 = 0.69885 and E_32 = 0.457138. */
Test(en, per_action_costs_by_hand)
{
    en_fixture f;
    en_fixture_setup(&f, NULL, 0);
    double t = log(45.0 / 40) / log(45.0 / 32);
    double e40 = exp(log(0.69885) + t * log(0.457138 / 0.69885));
    double reg_bit = 0.009 * 0.69885 / e40;
    cr_assert(fabs(f.k.mac_pj - 0.3) < 1e-12);
    cr_assert(fabs(f.k.dram_pj_per_byte - 340) < 1e-9);
    cr_assert_eq(f.k.reg_read_pj, 0, "%g", f.k.reg_read_pj);
    cr_assert(fabs(f.k.reg_write_pj - 20 * reg_bit) < 1e-6, "%g", f.k.reg_write_pj);
    double peak = 32 * (0.3 + 40 * reg_bit);
    cr_assert(fabs(f.k.pe_peak_pj_per_cycle - peak) < 1e-5 * peak);
    cr_assert(fabs(f.k.leakage_pj_per_cycle - 0.10 * peak) < 1e-5 * peak);
    cr_assert(fabs(f.k.clock_pj_per_cycle - 0.15 * peak) < 1e-5 * peak);
    /* leakage power: 0.1 x peak pJ/cycle x 500 MHz */
    cr_assert(fabs(f.k.leakage_w - 0.1 * peak * 1e-12 * 500e6) < 1e-5 * f.k.leakage_w);
    /* SRAM: the ifmap bank is half of 16 KB (double buffered), the filter SRAM all of 8 KB:
     * same bank, same word -> the same fit; the ifmap also pays the H-tree to its two banks */
    cr_assert(f.k.sram_read_pj[CFG_IFMAP] > f.k.sram_read_pj[CFG_FILTER], "H-tree");
    /* an ofmap element is an int32: 4x the bits of an int8 element, wider word */
    cr_assert(f.k.sram_read_pj[CFG_OFMAP] > f.k.sram_read_pj[CFG_IFMAP]);
    /* area: 32 PEs (int8 mul 282 + int32 add 137 um2 + 56 register bits) + SRAMs */
    double pe = 282 + 137 + 56 * f.k.pt.lib->reg_area_um2_per_bit_45;
    cr_assert(fabs(f.k.pe_area_um2 - pe) < 1e-9 * pe);
    en_close_to(f.k.area_mm2,
             f.k.array_area_mm2 + f.k.sram_area_mm2[0] + f.k.sram_area_mm2[1] +
                 f.k.sram_area_mm2[2],
             "area sum");
    tech_destroy(f.lib);
}

/* The tree dataflow's costs by hand (en.h): its only registers are the column registers, so a
 * write is 32 bits (the int32 accumulator) and a read free (a flip-flop, charged at capture);
 * the full-rate register traffic is one 32-bit write per column per cycle, 32 / R = 8 bits per
 * MAC on 4 rows; a PE
 * is a multiplier, an adder and a quarter of a 32-bit column register. */
Test(en, tree_costs_by_hand)
{
    en_fixture f;
    const char *sets[] = {"array.dataflow=tree"};
    en_fixture_setup(&f, sets, 1);
    double t = log(45.0 / 40) / log(45.0 / 32);
    double e40 = exp(log(0.69885) + t * log(0.457138 / 0.69885));
    double reg_bit = 0.009 * 0.69885 / e40;
    cr_assert_eq(f.k.reg_read_pj, 0, "%g", f.k.reg_read_pj);
    cr_assert(fabs(f.k.reg_write_pj - 32 * reg_bit) < 1e-6, "%g", f.k.reg_write_pj);
    double peak = 32 * (0.3 + 8 * reg_bit);
    cr_assert(fabs(f.k.pe_peak_pj_per_cycle - peak) < 1e-5 * peak);
    cr_assert(fabs(f.k.leakage_pj_per_cycle - 0.10 * peak) < 1e-5 * peak);
    double pe = 282 + 137 + 8 * f.k.pt.lib->reg_area_um2_per_bit_45;
    cr_assert(fabs(f.k.pe_area_um2 - pe) < 1e-9 * pe);
    tech_destroy(f.lib);
}

Test(en, energy_is_linear_in_the_counters)
{
    en_fixture f;
    en_fixture_setup(&f, NULL, 0);
    eng_counters c = synthetic(), d = synthetic();
    fw_err err;
    cr_assert_eq(eng_counters_add(&d, &c, &err), 0);
    en_breakdown b1, b2;
    en_price(&f.k, &c, &b1);
    en_price(&f.k, &d, &b2);
    en_close_to(b2.system_pj, 2 * b1.system_pj, "2x counters");
    en_close_to(b2.gops_per_w_system, b1.gops_per_w_system, "same efficiency");
    tech_destroy(f.lib);
}

Test(en, node_and_supply_move_the_costs)
{
    en_fixture a, b;
    const char *s65[] = {"tech.node_nm=65", "tech.vdd_v=1.1"};
    en_fixture_setup(&a, NULL, 0);
    en_fixture_setup(&b, s65, 2);
    /* 65 nm / 1.1 V over 45 nm / 0.9 V = 1.680750 / 0.69885 (Stillmaker-Baas, by hand) */
    en_close_to(b.k.mac_pj / a.k.mac_pj, 1.680750 / 0.69885, "MAC ratio");
    en_close_to(b.k.dram_pj_per_byte, a.k.dram_pj_per_byte, "DRAM not node scaled");
    cr_assert(b.k.area_mm2 > a.k.area_mm2);
    tech_destroy(a.lib);
    tech_destroy(b.lib);
}

Test(en, unknown_node_or_supply_fails_clearly)
{
    tech_lib *lib;
    cfg_accel cfg;
    en_costs k;
    fw_err err;
    const char *s11[] = {"tech.node_nm=11"};
    const char *slow[] = {"tech.node_nm=65", "tech.vdd_v=0.3"};
    cr_assert_eq(tech_load(NULL, &lib, &err), 0);
    cr_assert_eq(cfg_parse("t.json", en_fixture_cfg, s11, 1, &cfg, &err), 0);
    cr_assert_eq(en_costs_init(lib, &cfg, &k, &err), FW_EXIT_INPUT);
    cr_assert(strstr(err.msg, "tech.node_nm: node 11 nm: unknown node (known: 130, 90, 65"), "%s",
              err.msg);
    cr_assert_eq(cfg_parse("t.json", en_fixture_cfg, slow, 2, &cfg, &err), 0);
    cr_assert_eq(en_costs_init(lib, &cfg, &k, &err), FW_EXIT_INPUT);
    cr_assert(strstr(err.msg, "tech.vdd_v: supply 0.3 V at 65 nm: outside the model's range"), "%s",
              err.msg);
    tech_destroy(lib);
}

/* en_costs_init in two steps (en.h): the technology side of one config, kept for another with
 * the same node, process, supply and DRAM type but every other section different (array,
 * dataflow, precision, SRAMs, clock, gating, compression, an explicit hierarchy), gives that
 * config's en_costs_init bit for bit (its SRAM costs computed or found in the kept memo);
 * en_tech_same tells the four keys apart; en_tech_init
 * fails with en_costs_init's status and message; the read and write of en_sram_access_rw_pj are
 * en_sram_access_pj's, bit for bit. */
Test(en, tech_side_kept_across_configs)
{
    static const char *const techs[][3] = {
        {"tech={\"node_nm\": 45, \"vdd_v\": 0.9}", "dram.type=\"ddr3\"", ""},
        {"tech={\"node_nm\": 28, \"vdd_v\": 0.8, \"process\": \"lp\"}", "dram.type=\"none\"", ""},
        {"tech={\"node_nm\": 7, \"vdd_v\": 0.7, \"arith_source\": \"as_built\"}",
         "dram.type=\"hbm2\"", ""},
    };
    static const char *const others[][4] = {
        {"array.rows=16", "array.dataflow=\"os\"", "sram.ifmap.size_bytes=4096", "clock_mhz=900"},
        {"array.cols=3", "array.dataflow=\"tree\"",
         "precision={\"input\": \"fp16\", "
         "\"accumulator\": \"fp32\"}",
         "array.zero_gating=true"},
        {"sram.ofmap.word_bits=512", "sram.filter.double_buffered=true",
         "compression={\"format\": \"bitmask\"}", "array.nm_sparsity=\"2:4\""},
        {"sram=null",
         "memory={\"levels\": [{\"name\": \"rf\", \"kind\": \"regfile\", "
         "\"instances\": \"per_pe\", \"partitions\": {\"filter\": {\"size_bytes\": 64}}},"
         " {\"name\": \"gb\", \"kind\": \"sram\", \"holds\": [\"ifmap\", \"filter\", "
         "\"ofmap\"], \"size_bytes\": 131072, \"banks\": 4}]}",
         "array.rows=2", "array.cols=2"},
    };
    tech_lib *lib;
    fw_err err;
    cr_assert_eq(tech_load(NULL, &lib, &err), 0, "%s", err.msg);
    for (size_t t = 0; t < 3; t++) {
        cfg_accel cfgs[4];
        for (size_t o = 0; o < 4; o++) {
            const char *sets[6] = {techs[t][0],  techs[t][1],  others[o][0],
                                   others[o][1], others[o][2], others[o][3]};
            /* the hierarchy case: the fixture without its sram key ("sram=null" stands for
             * that in the table; the tech override takes its place) */
            char text[4096];
            snprintf(text, sizeof text, "%s", en_fixture_cfg);
            if (!strcmp(others[o][0], "sram=null")) {
                char *a = strstr(text, " \"sram\""), *b = strstr(text, " \"dram\"");
                memmove(a, b, strlen(b) + 1);
                sets[2] = techs[t][0];
            }
            cr_assert_eq(cfg_parse("t.json", text, sets, 6, &cfgs[o], &err), 0, "%s", err.msg);
        }
        cr_assert(cfgs[3].hierarchy_given && cfgs[2].nm_m == 4 && cfgs[1].zero_gating);
        en_tech kept;
        cr_assert_eq(en_tech_init(lib, &cfgs[0], &kept, &err), 0, "%s", err.msg);
        /* each config twice, in both orders: its SRAM costs found again in the kept memo or
         * priced after another config's */
        for (size_t i = 0; i < 16; i++) {
            size_t o = i < 8 ? i / 2 : (15 - i) / 2;
            en_costs whole, from_kept;
            cr_assert(en_tech_same(&cfgs[0], &cfgs[o]));
            cr_assert_eq(en_costs_init(lib, &cfgs[o], &whole, &err), 0, "%s", err.msg);
            en_costs_init_tech(&kept, &cfgs[o], &from_kept);
            cr_expect_eq(memcmp(&whole, &from_kept, sizeof whole), 0, "tech %zu, config %zu", t, o);
        }
        /* each of the four keys changed alone */
        for (int k = 0; k < 4; k++) {
            cfg_accel c = cfgs[0];
            if (k == 0)
                c.tech.node_nm += 1;
            else if (k == 1)
                c.tech.process = c.tech.process == CFG_PROCESS_LP ? CFG_PROCESS_HP : CFG_PROCESS_LP;
            else if (k == 2)
                c.tech.vdd_v += 0.01;
            else
                c.dram.type = c.dram.type == CFG_DDR4 ? CFG_DDR3 : CFG_DDR4;
            cr_expect(!en_tech_same(&cfgs[0], &c), "key %d", k);
        }
    }
    /* failures: the same status and message as en_costs_init */
    static const char *const bad[][2] = {{"tech.node_nm=11", "tech.vdd_v=0.9"},
                                         {"tech.node_nm=65", "tech.vdd_v=0.3"}};
    for (size_t b = 0; b < 2; b++) {
        cfg_accel cfg;
        en_costs k;
        en_tech t;
        fw_err e1, e2;
        cr_assert_eq(cfg_parse("t.json", en_fixture_cfg, bad[b], 2, &cfg, &err), 0, "%s", err.msg);
        cr_assert_eq(en_costs_init(lib, &cfg, &k, &e1), FW_EXIT_INPUT);
        cr_assert_eq(en_tech_init(lib, &cfg, &t, &e2), FW_EXIT_INPUT);
        cr_expect_str_eq(e1.msg, e2.msg);
    }
    tech_point pt;
    cr_assert_eq(tech_point_init(lib, 16, 0, &pt, &err), 0, "%s", err.msg);
    for (double bytes = 64; bytes <= 1 << 24; bytes *= 3)
        for (double word = 8; word <= 2048; word *= 4)
            for (double banks = 1; banks <= 8; banks *= 2) {
                double rd, wr;
                en_sram_access_rw_pj(&pt, bytes, banks, word, 16, &rd, &wr);
                cr_expect_eq(rd, en_sram_access_pj(&pt, bytes, banks, word, 16, false));
                cr_expect_eq(wr, en_sram_access_pj(&pt, bytes, banks, word, 16, true));
            }
    tech_destroy(lib);
}

/* tech.arith_source and tech.process reach the per-action costs, by hand at 45 nm / 0.9 V:
 *   fp32 as built: (3.7 + 0.9) x 9.1766 (Kaul's FMA, test_tech_model) = 42.212 pJ per MAC, and
 *   the leakage and clock, fractions of the PE's full-rate energy, grow with it;
 *   int8 as built: no integer unit, the datapath 0.3 pJ;
 *   lp: LP45(0.9) / HP45(0.9) = (1.103*0.81 - 0.362*0.9 + 0.2767) / 0.69885 = 0.84433 / 0.69885
 *   -> int8 MAC 0.3 x 1.208170 = 0.362451 pJ, every other on-die cost x 1.208170, DRAM unchanged.
 */
Test(en, arith_source_and_process_by_hand)
{
    en_fixture d, ab, fp, fpab, lp;
    en_fixture_setup(&d, NULL, 0);
    const char *s_ab[] = {"tech.arith_source=as_built"};
    en_fixture_setup(&ab, s_ab, 1);
    cr_assert_eq(ab.k.mac_pj, d.k.mac_pj, "int8: no integer unit");
    const char *s_fp[] = {"precision={\"input\": \"fp32\", \"accumulator\": \"fp32\"}"};
    en_fixture_setup(&fp, s_fp, 1);
    const char *s_fpab[] = {"precision={\"input\": \"fp32\", \"accumulator\": \"fp32\"}",
                            "tech.arith_source=as_built"};
    en_fixture_setup(&fpab, s_fpab, 2);
    cr_assert(fabs(fp.k.mac_pj - 4.6) < 1e-12);
    cr_assert(fabs(fpab.k.mac_pj - 4.6 * 9.1766) < 1e-4 * 42.2, "%g", fpab.k.mac_pj);
    cr_assert(fpab.k.leakage_pj_per_cycle > fp.k.leakage_pj_per_cycle);
    cr_assert_eq(fpab.k.reg_read_pj, fp.k.reg_read_pj);
    cr_assert_eq(fpab.k.sram_read_pj[CFG_IFMAP], fp.k.sram_read_pj[CFG_IFMAP]);
    const char *s_lp[] = {"tech.process=lp"};
    en_fixture_setup(&lp, s_lp, 1);
    double r = 0.84433 / 0.69885;
    cr_assert(fabs(lp.k.mac_pj - 0.3 * r) < 1e-6, "%.9g", lp.k.mac_pj);
    cr_assert(fabs(lp.k.reg_write_pj / d.k.reg_write_pj - r) < 1e-6);
    cr_assert(fabs(lp.k.sram_write_pj[CFG_OFMAP] / d.k.sram_write_pj[CFG_OFMAP] - r) < 1e-6);
    cr_assert_eq(lp.k.dram_pj_per_byte, d.k.dram_pj_per_byte, "DRAM is not node scaled");
    en_fixture *all[] = {&d, &ab, &fp, &fpab, &lp};
    for (size_t i = 0; i < 5; i++)
        tech_destroy(all[i]->lib);
}

/* An explicit hierarchy: each level's accesses priced at its own cost: a per-PE register file
 * with the register figure (reads x regfile_read_fraction_of_register = 1), a banked shared SRAM
 * with the SRAM fit of one bank (64 KiB / 4 banks / 2 halves = 8 KiB) at its 128-bit word plus
 * the H-tree to its 8 banks, side x (1 - 1/sqrt 8), carrying the element and its share of the
 * 12-bit word address (4096 words): int8 8 + 8/128 x 12 = 8.75 bits, int32 32 + 32/128 x 12 =
 * 35 bits. Wires per level from the floorplan: the per-PE file none, the shared SRAM
 * sqrt(its area)/2 + sqrt(array area)/4 per element bit; the array-side counters
 * (sram_reads/writes of synthetic()) are not priced again. */
Test(en_accounting, hierarchy_levels_priced_per_level)
{
    en_fixture f;
    const char *sets[] = {
        "memory={\"levels\": [{\"name\": \"rf\", \"kind\": \"regfile\", "
                     "\"instances\": \"per_pe\", \"partitions\": {\"filter\": {\"size_bytes\": "
                     "32}}}, {\"name\": \"glb\", \"kind\": \"sram\", \"holds\": [\"ifmap\", "
                     "\"filter\", \"ofmap\"], \"size_bytes\": 65536, \"banks\": 4, \"word_bits\": "
                     "128}]}"};
    fw_err err;
    cr_assert_eq(tech_load(NULL, &f.lib, &err), 0, "%s", err.msg);
    /* the config above without its sram object, with the hierarchy instead */
    char text[2048];
    snprintf(text, sizeof text, "%.*s%s", (int)(strstr(en_fixture_cfg, " \"sram\"") - en_fixture_cfg),
             en_fixture_cfg, " \"dram\": {\"type\": \"ddr3\", \"bandwidth_gbps\": 10}, \"tech\": "
                       "{\"node_nm\": 45, \"vdd_v\": 0.9}}");
    cr_assert_eq(cfg_parse("t.json", text, sets, 1, &f.cfg, &err), 0, "%s", err.msg);
    cr_assert_eq(en_costs_init(f.lib, &f.cfg, &f.k, &err), 0, "%s", err.msg);
    eng_counters c = synthetic();
    c.level_reads[0][CFG_FILTER] = 7000;
    c.level_writes[0][CFG_FILTER] = 70;
    c.level_reads[1][CFG_IFMAP] = 900;
    c.level_writes[1][CFG_OFMAP] = 50;
    en_breakdown b;
    en_price(&f.k, &c, &b);
    const tech_point *pt = &f.k.pt;
    double bank = 65536.0 / 4 / 2;
    double w = tech_wire_pj_per_bit_mm(pt), a = f.lib->sram_area_um2_per_bit_45;
    double side = sqrt(65536.0 * 8 * a) * 1e-3, h = side * (1 - 1 / sqrt(8.0));
    en_close_to(b.sram_pj[CFG_FILTER], 7070 * tech_reg_pj_per_bit(pt) * 8, "regfile filter");
    en_close_to(b.sram_pj[CFG_IFMAP], 900 * (tech_sram_read_pj_per_bit(pt, bank, 128) * 8 + w * h * 8.75),
             "glb ifmap");
    en_close_to(b.sram_pj[CFG_OFMAP], 50 * (tech_sram_write_pj_per_bit(pt, bank, 128) * 32 + w * h * 35),
             "glb ofmap");
    double arr = sqrt(f.k.array_area_mm2);
    en_close_to(b.wire_pj, w * (side / 2 + arr / 4) * (900 * 8 + 50 * 32), "wires: glb only");
    tech_destroy(f.lib);
}

/* SRAM per bank and the floorplan wires by hand at 45 nm / 0.9 V (en.h, models/tech/README.md
 * "Storage levels and wires"). Wire 0.1 pJ/bit/mm at 40 nm moved to 45 nm like the register
 * figure; SRAM area a um2/bit. ifmap: 16 KiB double buffered = 2 banks of 8 KiB, a square of
 * side s = sqrt(131072 a) um, H-tree s (1 - 1/sqrt 2); 2048 words of 64 b -> 11 address bits,
 * an int8 element carries 8 + 8/64 x 11 = 9.375 bits over it. filter: one 8 KiB bank, no
 * H-tree (the fit covers its own wires). ofmap: 2 banks, 1024 words of 128 b -> 10 address
 * bits, int32: 32 + 32/128 x 10 = 34.5 bits. Array wire: sqrt(buffer area)/2 + sqrt(array
 * area)/4 per element bit (tree: + sqrt(array area)/2). */
static void near(double got, double want, const char *what)
{
    /* 1e-6: the hand interpolation of E_40 carries the printed digits of E_45 and E_32 */
    cr_assert(fabs(got - want) <= 1e-6 * fabs(want), "%s: got %.17g, want %.17g", what, got, want);
}

Test(en, sram_banks_htree_and_wires_by_hand)
{
    const char *tree[] = {"array.dataflow=tree"};
    for (int t = 0; t < 2; t++) {
        en_fixture f;
        en_fixture_setup(&f, t ? tree : NULL, t ? 1 : 0);
        const tech_point *pt = &f.k.pt;
        double tt = log(45.0 / 40) / log(45.0 / 32);
        double e40 = exp(log(0.69885) + tt * log(0.457138 / 0.69885));
        double w = 0.1 * 0.69885 / e40; /* pJ/bit/mm at 45 nm */
        double a = f.lib->sram_area_um2_per_bit_45;
        double s_if = sqrt(131072 * a) * 1e-3, s_fi = sqrt(65536 * a) * 1e-3; /* mm */
        double h_if = s_if * (1 - 1 / sqrt(2.0));
        en_close_to(f.k.htree_mm[CFG_IFMAP], h_if, "ifmap H-tree");
        cr_assert_eq(f.k.htree_mm[CFG_FILTER], 0);
        en_close_to(f.k.htree_mm[CFG_OFMAP], h_if, "ofmap H-tree (same capacity and banks)");
        double rd = tech_sram_read_pj_per_bit(pt, 8192, 64), wr = tech_sram_write_pj_per_bit(pt, 8192, 64);
        near(f.k.sram_read_pj[CFG_IFMAP], rd * 8 + w * h_if * 9.375, "ifmap read");
        near(f.k.sram_write_pj[CFG_IFMAP], wr * 8 + w * h_if * 9.375, "ifmap write");
        en_close_to(f.k.sram_read_pj[CFG_FILTER], rd * 8, "filter read");
        near(f.k.sram_read_pj[CFG_OFMAP],
                 tech_sram_read_pj_per_bit(pt, 8192, 128) * 32 + w * h_if * 34.5, "ofmap read");
        near(f.k.sram_write_pj[CFG_OFMAP],
                 tech_sram_write_pj_per_bit(pt, 8192, 128) * 32 + w * h_if * 34.5, "ofmap write");
        double arr = sqrt(32 * f.k.pe_area_um2) * 1e-3;
        double extra = t ? arr / 2 : 0;
        en_close_to(f.k.wire_mm[CFG_IFMAP], s_if / 2 + arr / 4 + extra, "ifmap wire mm");
        en_close_to(f.k.wire_mm[CFG_FILTER], s_fi / 2 + arr / 4 + extra, "filter wire mm");
        near(f.k.wire_pj[CFG_IFMAP], w * (s_if / 2 + arr / 4 + extra) * 8, "ifmap wire");
        near(f.k.wire_pj[CFG_OFMAP], w * (s_if / 2 + arr / 4 + extra) * 32, "ofmap wire");
        tech_destroy(f.lib);
    }
}

/* A bigger bank is never cheaper per access: at every word width, bank count, element width,
 * node and for reads and writes, the access energy does not fall as the array (and so each
 * bank) grows; more banks of the same size cost at least as much (a longer H-tree). */
Test(en, bigger_bank_never_cheaper)
{
    fw_err err;
    tech_lib *lib;
    cr_assert_eq(tech_load(NULL, &lib, &err), 0, "%s", err.msg);
    const double nodes[] = {65, 45, 28, 7};
    for (size_t n = 0; n < 4; n++) {
        tech_point pt;
        cr_assert_eq(tech_point_init(lib, nodes[n], 0, &pt, &err), 0, "%s", err.msg);
        for (double word = 8; word <= 4096; word *= 2)
            for (double elem = 4; elem <= 64; elem *= 2)
                for (int wr = 0; wr < 2; wr++)
                    for (double banks = 1; banks <= 256; banks *= 2) {
                        double prev = 0;
                        for (double bank = 16; bank <= 64 * 1048576.0; bank *= 1.5) {
                            if (bank * 8 < word)
                                continue;
                            double e = en_sram_access_pj(&pt, bank * banks, banks, word, elem, wr);
                            cr_assert(e >= prev, "%g nm word %g banks %g bank %g B: %g < %g",
                                      nodes[n], word, banks, bank, e, prev);
                            double more = en_sram_access_pj(&pt, bank * banks * 2, banks * 2, word,
                                                            elem, wr);
                            cr_assert(more >= e, "twice the banks of %g B cheaper", bank);
                            prev = e;
                        }
                    }
    }
    tech_destroy(lib);
}

/* The read fractions reach the costs: with assumptions.json edited to read fractions 0.5
 * (flip-flops) and 0.25 (register files), a PE register read is 0.5 x the register figure at
 * the ws read width (2 x 8 + 32)/3 = 16 bits, a regfile level's read 0.25 x its write. */
Test(en_accounting, register_read_fractions_from_the_data)
{
    size_t n;
    const tech_text *emb = tech_embedded(&n);
    tech_text files[TECH_FILE_COUNT];
    char *edited = NULL;
    for (size_t i = 0; i < n; i++) {
        files[i] = emb[i];
        if (!strstr(emb[i].name, "assumptions.json"))
            continue;
        const char *ff = "\"flipflop_read_fraction_of_register\": 0,";
        const char *rf = "\"regfile_read_fraction_of_register\": 1,";
        const char *t = emb[i].text, *p = strstr(t, ff), *q = strstr(t, rf);
        cr_assert(p && q && p < q);
        size_t len = strlen(t);
        edited = malloc(len + 16);
        cr_assert(edited);
        snprintf(edited, len + 16, "%.*s\"flipflop_read_fraction_of_register\": 0.5,%.*s"
                 "\"regfile_read_fraction_of_register\": 0.25,%s",
                 (int)(p - t), t, (int)(q - p - strlen(ff)), p + strlen(ff), q + strlen(rf));
        files[i].text = edited;
    }
    cr_assert(edited, "assumptions.json not among the embedded files");
    en_fixture f;
    fw_err err;
    cr_assert_eq(tech_load_texts(files, n, &f.lib, &err), 0, "%s", err.msg);
    const char *sets[] = {
        "memory={\"levels\": [{\"name\": \"rf\", \"kind\": \"regfile\", \"instances\": \"per_pe\","
        " \"partitions\": {\"filter\": {\"size_bytes\": 32}}}, {\"name\": \"glb\", \"kind\":"
        " \"sram\", \"holds\": [\"ifmap\", \"filter\", \"ofmap\"], \"size_bytes\": 65536}]}"};
    char text[2048];
    snprintf(text, sizeof text, "%.*s%s", (int)(strstr(en_fixture_cfg, " \"sram\"") - en_fixture_cfg),
             en_fixture_cfg, " \"dram\": {\"type\": \"ddr3\", \"bandwidth_gbps\": 10}, \"tech\": "
                       "{\"node_nm\": 45, \"vdd_v\": 0.9}}");
    cr_assert_eq(cfg_parse("t.json", text, sets, 1, &f.cfg, &err), 0, "%s", err.msg);
    cr_assert_eq(en_costs_init(f.lib, &f.cfg, &f.k, &err), 0, "%s", err.msg);
    double reg_bit = tech_reg_pj_per_bit(&f.k.pt);
    en_close_to(f.k.reg_read_pj, 0.5 * 16 * reg_bit, "flip-flop read");
    en_close_to(f.k.reg_write_pj, 20 * reg_bit, "flip-flop write");
    en_close_to(f.k.level_write_pj[0][CFG_FILTER], 8 * reg_bit, "regfile write");
    en_close_to(f.k.level_read_pj[0][CFG_FILTER], 0.25 * 8 * reg_bit, "regfile read");
    cr_assert_eq(f.k.level_wire_pj[0][CFG_FILTER], 0, "per-PE level: no wire");
    tech_destroy(f.lib);
    free(edited);
}
