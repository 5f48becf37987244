/* en_ladder: cumulative energy per MAC by level (rules in en_ladder.h). */
#include "energy/en_ladder.h"
#include "engine/net.h"

#include <math.h>
#include <stdio.h>

double en_gflops_per_w(double pj_per_mac)
{
    return 2000.0 / pj_per_mac;
}

static const char *const en_rung_names[EN_LADDER_RUNGS] = {"arithmetic", "+registers", "+sram",
                                                           "+dram", "+leakage_clock"};

/* Cumulative sums of add[] into out[]. */
static void en_fill(const double add[EN_LADDER_RUNGS], en_rung out[EN_LADDER_RUNGS])
{
    double sum = 0;
    for (int i = 0; i < EN_LADDER_RUNGS; i++) {
        sum += add[i];
        out[i].level = en_rung_names[i];
        out[i].pj_per_mac = sum;
        out[i].gflops_per_w = sum > 0 ? en_gflops_per_w(sum) : 0;
    }
}

void en_ladder(const tech_point *pt, nx_fmt in, nx_fmt acc, en_rung out[EN_LADDER_RUNGS])
{
    en_ladder_src(pt, in, acc, TECH_ARITH_DATAPATH, out);
}

void en_ladder_src(const tech_point *pt, nx_fmt in, nx_fmt acc, tech_arith_source src,
                   en_rung out[EN_LADDER_RUNGS])
{
    const tech_lib *lib = pt->lib;
    const tech_ladder *l = &lib->ladder;
    double in_bits = nx_fmt_get(in)->width_bits, acc_bits = nx_fmt_get(acc)->width_bits;
    double arith = tech_mac_pj_src(pt, in, acc, src);
    double rf = lib->ff_read_fraction; /* pipeline flip-flops: read x rf, write x 1 */
    double regs = tech_reg_pj_per_bit(pt) *
                  ((rf * l->reg_input_reads_per_mac + l->reg_input_writes_per_mac) * in_bits +
                   (rf * l->reg_acc_reads_per_mac + l->reg_acc_writes_per_mac) * acc_bits);
    double sram = l->sram_input_reads_per_mac * in_bits *
                      tech_sram_read_pj_per_bit(pt, l->sram_capacity_bytes, l->sram_word_bits) +
                  l->sram_acc_writes_per_mac * acc_bits *
                      tech_sram_write_pj_per_bit(pt, l->sram_capacity_bytes, l->sram_word_bits);
    const tech_dram *d = tech_dram_find(lib, l->dram_type);
    double dram = l->dram_input_elements_per_mac * in_bits * (d ? d->pj_per_bit : 0);
    double overhead = (lib->leak_fraction + lib->clock_fraction) * (arith + regs);
    double add[EN_LADDER_RUNGS] = {arith, regs, sram, dram, overhead};
    en_fill(add, out);
}

void en_ladder_design(const en_costs *k, const cfg_accel *cfg, const eng_counters *c,
                      en_rung out[EN_LADDER_RUNGS])
{
    double add[EN_LADDER_RUNGS] = {0};
    if (c->macs > 0) {
        en_breakdown b;
        en_price(k, c, &b);
        double macs = (double)c->macs;
        double pes = (double)cfg->rows * (double)cfg->cols;
        add[0] = b.mac_pj / macs;
        add[1] = b.reg_pj / macs;
        /* everything else on the die: the SRAMs and their wires today, and any storage level
         * the accounting prices later, so the top rung and the achieved figure always cover
         * the same components */
        add[2] = fmax(0.0, b.chip_pj - b.mac_pj - b.reg_pj - b.leakage_pj - b.clock_pj) / macs;
        add[3] = b.dram_pj / macs;
        add[4] = (k->leakage_pj_per_cycle + k->clock_pj_per_cycle) / pes;
    }
    en_fill(add, out);
}

void en_supply_for(const tech_lib *lib, const tech_node *node, nx_fmt in, nx_fmt acc,
                   tech_arith_source src, double target_gflops_per_w, en_supply *out)
{
    *out = (en_supply){0};
    fw_err err;
    tech_point ref, nom;
    /* the MAC at the reference point (energy scale 1) and at the node's nominal supply */
    if (tech_point_init(lib, lib->ref_node_nm, lib->ref_vdd_v, &ref, &err) ||
        tech_point_init_process(lib, node->node_nm, node->process, 0, &nom, &err)) {
        snprintf(out->reason, sizeof out->reason, "%s", err.msg);
        return;
    }
    double mac_ref = tech_mac_pj_src(&ref, in, acc, src) / ref.energy_scale;
    out->gflops_per_w_nominal = en_gflops_per_w(tech_mac_pj_src(&nom, in, acc, src));
    double scale = (2000.0 / target_gflops_per_w) / mac_ref;
    out->reachable = tech_vdd_for_scale(lib, node, scale, &out->vdd_v, &err) == 0;
    double v_nom = node->nominal_vdd_v;
    out->plausible = out->reachable && out->vdd_v >= lib->vdd_min_rel * v_nom &&
                     out->vdd_v <= lib->vdd_max_rel * v_nom;
    if (!out->reachable)
        snprintf(out->reason, sizeof out->reason, "%s", err.msg);
}

int en_achieved(const en_costs *costs, const cfg_accel *cfg, const wl_workload *wl,
                eng_counters *total, en_breakdown *out, fw_err *err)
{
    const net_options opt = {.eng = {.kind = ENG_FAST}};
    net_result net;
    int rc = net_run(cfg, wl, &opt, &net, err);
    if (rc)
        return rc == FW_EXIT_IO
                   ? rc
                   : fw_err_prefix(err, "%s: layer '%s'", wl->name, wl->layers[net.failed].name);
    *total = net.total;
    net_result_fini(&net);
    en_price(costs, total, out);
    return 0;
}
