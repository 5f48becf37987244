/* Tests of the ceiling ladder (sim/energy/en_ladder), the supply solver (tech_vdd_for_scale)
 * and the validation arithmetic (sim/energy/en_validate), against values worked by hand from
 * the published figures (Horowitz, Stillmaker-Baas, DRAM midpoints) and the documented
 * assumptions (assumptions.json). */
#include "energy/en_ladder.h"
#include "energy/en_validate.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

static tech_lib *load(void)
{
    tech_lib *lib;
    fw_err err;
    cr_assert_eq(tech_load(NULL, &lib, &err), 0, "%s", err.msg);
    return lib;
}

/* 45 nm / 0.9 V, int8 -> int32:
 *   arithmetic  0.2 + 0.1 = 0.3 pJ -> 2000/0.3 = 6666.67 GOPS/W
 *   +registers  40 bits written (1 of 8 bits, 1 of 32 bits) x reg pJ/bit; the 2 + 1 reads are
 *               free (flip-flops are charged at capture: flipflop_read_fraction_of_register 0)
 *   +dram       0.02 elements x 8 bits x 42.5 pJ/bit (DDR3 midpoint) = 6.8 pJ
 *   +leakage_clock (0.10 + 0.15) x (arithmetic + registers) */
Test(en_ladder, rungs_by_hand)
{
    tech_lib *lib = load();
    tech_point pt;
    fw_err err;
    cr_assert_eq(tech_point_init(lib, 45, 0.9, &pt, &err), 0);
    en_rung r[EN_LADDER_RUNGS];
    en_ladder(&pt, NX_INT8, NX_INT32, r);
    double t = log(45.0 / 40) / log(45.0 / 32);
    double reg_bit = 0.009 * 0.69885 / exp(log(0.69885) + t * log(0.457138 / 0.69885));
    double regs = 40 * reg_bit;
    cr_assert_str_eq(r[0].level, "arithmetic");
    cr_assert(fabs(r[0].pj_per_mac - 0.3) < 1e-12);
    cr_assert(fabs(r[0].gflops_per_w - 2000 / 0.3) < 1e-6);
    cr_assert_str_eq(r[1].level, "+registers");
    cr_assert(fabs(r[1].pj_per_mac - (0.3 + regs)) < 1e-6, "%g", r[1].pj_per_mac);
    cr_assert_str_eq(r[2].level, "+sram");
    cr_assert_str_eq(r[3].level, "+dram");
    cr_assert(fabs(r[3].pj_per_mac - r[2].pj_per_mac - 6.8) < 1e-9);
    cr_assert_str_eq(r[4].level, "+leakage_clock");
    cr_assert(fabs(r[4].pj_per_mac - r[3].pj_per_mac - 0.25 * (0.3 + regs)) < 1e-6);
    for (int i = 1; i < EN_LADDER_RUNGS; i++)
        cr_assert(r[i].gflops_per_w < r[i - 1].gflops_per_w);
    tech_destroy(lib);
}

/* 65 nm fp32: 4.6 pJ x 1.680750/0.69885 = 11.0631 pJ -> 180.78 GFLOPS/W */
Test(en_ladder, fp32_at_65nm)
{
    tech_lib *lib = load();
    tech_point pt;
    fw_err err;
    cr_assert_eq(tech_point_init(lib, 65, 0, &pt, &err), 0);
    en_rung r[EN_LADDER_RUNGS];
    en_ladder(&pt, NX_FP32, NX_FP32, r);
    double mac = 4.6 * 1.680750 / 0.69885;
    cr_assert(fabs(r[0].pj_per_mac - mac) < 1e-9);
    cr_assert(fabs(r[0].gflops_per_w - 2000 / mac) < 1e-6);
    tech_destroy(lib);
}

/* E_65(1.0 V) = 3.755 - 4.398 + 1.975 = 1.332: the solver must return 1.0 V for that scale. */
Test(en_ladder, supply_solver)
{
    tech_lib *lib = load();
    const tech_node *n;
    fw_err err;
    double v;
    cr_assert_eq(tech_node_find(lib, 65, &n, &err), 0);
    cr_assert_eq(tech_vdd_for_scale(lib, n, 1.332 / 0.69885, &v, &err), 0, "%s", err.msg);
    cr_assert(fabs(v - 1.0) < 1e-9, "%.12g", v);
    /* 90 nm at 1.2 V: 3.21208 */
    cr_assert_eq(tech_node_find(lib, 90, &n, &err), 0);
    cr_assert_eq(tech_vdd_for_scale(lib, n, 3.21208 / 0.69885, &v, &err), 0, "%s", err.msg);
    cr_assert(fabs(v - 1.2) < 1e-9, "%.12g", v);
    /* far below the floor's energy: not reachable; far above 3x nominal: reached anywhere */
    cr_assert_eq(tech_vdd_for_scale(lib, n, 0.01, &v, &err), FW_EXIT_FAIL);
    cr_assert(strstr(err.msg, "90 nm: not reachable"), "%s", err.msg);
    cr_assert_eq(tech_vdd_for_scale(lib, n, 1000, &v, &err), FW_EXIT_FAIL);
    cr_assert(strstr(err.msg, "reached at any supply"), "%s", err.msg);
    /* interpolated node: solve, then the point at that supply has the wanted scale */
    cr_assert_eq(tech_node_find(lib, 28, &n, &err), 0);
    cr_assert_eq(tech_vdd_for_scale(lib, n, 0.4, &v, &err), 0, "%s", err.msg);
    tech_point pt;
    cr_assert_eq(tech_point_init(lib, 28, v, &pt, &err), 0);
    cr_assert(fabs(pt.energy_scale - 0.4) < 1e-9);
    tech_destroy(lib);
}

/* Validation arithmetic on a small GEMM: peak = 2 x 16 x 16 x 882.8125 MHz = 452 GOPS exactly
 * (DianNao's published peak); efficiency = 2000 / (on-chip dynamic + overhead pJ/MAC) with the
 * overhead = (leakage + clock per cycle) / 256 PEs; published 452 / 0.485 = 931.96 GOPS/W. */
Test(en_validate, peak_and_efficiency_definitions)
{
    tech_lib *lib = load();
    cfg_accel cfg;
    fw_err err;
    cr_assert_eq(cfg_load("configs/validate/diannao_like.json", NULL, 0, &cfg, &err), 0, "%s",
                 err.msg);
    wl_workload wl = {0};
    wl_layer layer;
    cr_assert_eq(wl_layer_gemm(&layer, "g", 64, 64, 64, 1, &err), 0, "%s", err.msg);
    strcpy(wl.name, "g");
    wl.layers = &layer;
    wl.layer_count = 1;
    wl.batch = 1;
    en_chip chip = {0};
    chip.basis = EN_BASIS_PEAK;
    chip.fig[EN_FIG_GOPS] = (en_figure){.present = true, .value = 452};
    chip.fig[EN_FIG_POWER] = (en_figure){.present = true, .value = 0.485};
    en_val_run run;
    en_validation v;
    cr_assert_eq(en_validate_run(lib, &cfg, &wl, &run, &err), 0, "%s", err.msg);
    cr_assert_eq(en_validate_price(lib, &cfg, &run, &chip, &v, &err), 0, "%s", err.msg);
    cr_assert(fabs(v.throughput_gops_model - 452) < 1e-9, "%.12g", v.throughput_gops_model);
    cr_assert(fabs(v.gops_per_w_published - 452 / 0.485) < 1e-9);
    en_costs k;
    cr_assert_eq(en_costs_init(lib, &cfg, &k, &err), 0);
    const double *c = v.class_pj_per_mac;
    cr_assert(fabs(c[TECH_CLASS_LEAK_CLOCK] -
                   (k.leakage_pj_per_cycle + k.clock_pj_per_cycle) / 256) < 1e-12);
    cr_assert(fabs(c[0] + c[1] + c[2] + c[3] + c[4] - v.pj_per_mac_model) < 1e-9);
    double eff = 2000 / v.pj_per_mac_model;
    cr_assert(fabs(v.gops_per_w_model - eff) < 1e-9);
    cr_assert(fabs(v.efficiency_error_percent - 100 * (eff / (452 / 0.485) - 1)) < 1e-9);
    cr_assert_eq(v.efficiency_pass, fabs(v.efficiency_error_percent) <= 35.0);
    /* published 452 GOP/s at 0.485 W: 0.485 / 452e9 J per op x 2 ops per MAC = 2.146 pJ; the
     * +-35% band is the energy of 931.96 x 1.35 and x 0.65 GOPS/W */
    cr_assert(fabs(v.published_pj_per_mac - 2 * 0.485 / 452e9 * 1e12) < 1e-12);
    cr_assert(fabs(v.pass_pj_per_mac_min - 2 * 0.485 / (452e9 * 1.35) * 1e12) < 1e-12);
    cr_assert(fabs(v.pass_pj_per_mac_max - 2 * 0.485 / (452e9 * 0.65) * 1e12) < 1e-12);
    /* power at the published throughput: 452 GOP/s / modelled GOPS/W */
    cr_assert(fabs(v.power_w_model - 452 / eff) < 1e-12);
    /* int16 MAC at 65 nm / 1.1 V: (0.787 + 0.1) pJ x 2.405 */
    cr_assert(fabs(c[TECH_CLASS_ARITH] - (sqrt(0.8 * 0.775) + 0.1) * 1.680750 / 0.69885) < 1e-9);
    /* basis workload: the chip's energy on the workload per MAC (en.h's chip figure), and the
     * throughput is the MACs over the time taken */
    chip.basis = EN_BASIS_WORKLOAD;
    cr_assert_eq(en_validate_price(lib, &cfg, &run, &chip, &v, &err), 0, "%s", err.msg);
    en_breakdown bd;
    en_price(&k, &run.c, &bd);
    cr_assert(fabs(v.pj_per_mac_model / bd.pj_per_mac_chip - 1) < 1e-12);
    cr_assert(fabs(v.throughput_gops_model -
                   2.0 * (double)run.c.macs / ((double)run.c.cycles / k.clock_hz) * 1e-9) < 1e-9);
    tech_destroy(lib);
}
