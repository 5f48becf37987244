/* en_ladder: cumulative energy per MAC by level (rules in en_ladder.h). */
#include "energy/en_ladder.h"
#include "engine/net.h"

double en_gflops_per_w(double pj_per_mac)
{
    return 2000.0 / pj_per_mac;
}

void en_ladder(const tech_point *pt, nx_fmt in, nx_fmt acc, en_rung out[EN_LADDER_RUNGS])
{
    const tech_lib *lib = pt->lib;
    const tech_ladder *l = &lib->ladder;
    double in_bits = nx_fmt_get(in)->width_bits, acc_bits = nx_fmt_get(acc)->width_bits;
    double arith = tech_mac_pj(pt, in, acc);
    double regs = tech_reg_pj_per_bit(pt) *
                  ((l->reg_input_reads_per_mac + l->reg_input_writes_per_mac) * in_bits +
                   (l->reg_acc_reads_per_mac + l->reg_acc_writes_per_mac) * acc_bits);
    double sram = l->sram_input_reads_per_mac * in_bits *
                      tech_sram_read_pj_per_bit(pt, l->sram_capacity_bytes, l->sram_word_bits) +
                  l->sram_acc_writes_per_mac * acc_bits *
                      tech_sram_write_pj_per_bit(pt, l->sram_capacity_bytes, l->sram_word_bits);
    const tech_dram *d = tech_dram_find(lib, l->dram_type);
    double dram = l->dram_input_elements_per_mac * in_bits * (d ? d->pj_per_bit : 0);
    double overhead = (lib->leak_fraction + lib->clock_fraction) * (arith + regs);
    const char *names[EN_LADDER_RUNGS] = {"arithmetic", "+registers", "+sram", "+dram",
                                          "+leakage_clock"};
    double add[EN_LADDER_RUNGS] = {arith, regs, sram, dram, overhead};
    double sum = 0;
    for (int i = 0; i < EN_LADDER_RUNGS; i++) {
        sum += add[i];
        out[i].level = names[i];
        out[i].pj_per_mac = sum;
        out[i].gflops_per_w = en_gflops_per_w(sum);
    }
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
