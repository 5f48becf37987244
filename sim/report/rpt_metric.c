/* rpt_metric: the table of reported metrics (see rpt_metric.h). */
#include "report/rpt_metric.h"

#include <string.h>

/* Counters: one getter per eng_counters field. */
#define RPT_COUNTER(fn, field)                                                                     \
    static uint64_t rpt_c_##fn(const rpt_metric_src *s) { return s->c->field; }                   \
    static double rpt_cd_##fn(const rpt_metric_src *s) { return (double)s->c->field; }
RPT_COUNTER(cycles, cycles)
RPT_COUNTER(compute_cycles, compute_cycles)
RPT_COUNTER(stall_cycles, stall_cycles)
RPT_COUNTER(stall_ifmap, stall_cycles_by[CFG_IFMAP])
RPT_COUNTER(stall_filter, stall_cycles_by[CFG_FILTER])
RPT_COUNTER(stall_ofmap, stall_cycles_by[CFG_OFMAP])
RPT_COUNTER(folds, folds)
RPT_COUNTER(macs, macs)
RPT_COUNTER(pe_slots, pe_slots)
RPT_COUNTER(reg_reads, reg_reads)
RPT_COUNTER(reg_writes, reg_writes)
RPT_COUNTER(sram_ifmap_reads, sram_reads[CFG_IFMAP])
RPT_COUNTER(sram_ifmap_writes, sram_writes[CFG_IFMAP])
RPT_COUNTER(sram_filter_reads, sram_reads[CFG_FILTER])
RPT_COUNTER(sram_filter_writes, sram_writes[CFG_FILTER])
RPT_COUNTER(sram_ofmap_reads, sram_reads[CFG_OFMAP])
RPT_COUNTER(sram_ofmap_writes, sram_writes[CFG_OFMAP])
RPT_COUNTER(dram_ifmap_read, dram_read_bytes[CFG_IFMAP])
RPT_COUNTER(dram_filter_read, dram_read_bytes[CFG_FILTER])
RPT_COUNTER(dram_ofmap_read, dram_read_bytes[CFG_OFMAP])
RPT_COUNTER(dram_ofmap_write, dram_write_bytes[CFG_OFMAP])
RPT_COUNTER(zero_macs, zero_macs)
RPT_COUNTER(xform_in_adds, xform_in_adds)
RPT_COUNTER(xform_in_muls, xform_in_muls)
RPT_COUNTER(xform_out_adds, xform_out_adds)
RPT_COUNTER(xform_out_muls, xform_out_muls)
RPT_COUNTER(xform_shifts, xform_shifts)
RPT_COUNTER(xform_cycles, xform_cycles)
RPT_COUNTER(wide_macs, wide_macs)
RPT_COUNTER(skipped_macs, skipped_macs)
RPT_COUNTER(skip_saved_cycles, skip_saved_cycles)
RPT_COUNTER(dense_macs, dense_macs)
RPT_COUNTER(nm_dense_cycles, nm_dense_cycles)
RPT_COUNTER(nm_dense_dram_bytes, nm_dense_dram_bytes)
RPT_COUNTER(nm_metadata_bytes, nm_metadata_bytes)
RPT_COUNTER(nm_metadata_sram_bits, nm_metadata_sram_bits)
RPT_COUNTER(cmp_decoded_elems, cmp_decoded_elems)
RPT_COUNTER(cmp_dense_cycles, cmp_dense_cycles)
RPT_COUNTER(cmp_dense_dram_bytes, cmp_dense_dram_bytes)

/* Derived rates (net_derive). */
#define RPT_DERIVED(fn, expr)                                                                      \
    static double rpt_d_##fn(const rpt_metric_src *s) { return (expr); }
RPT_DERIVED(utilization, s->d->utilization)
RPT_DERIVED(mapping_efficiency, s->d->mapping_efficiency)
RPT_DERIVED(time_s, s->d->time_s)
RPT_DERIVED(gmacs_per_s, s->d->gmacs_per_s)
RPT_DERIVED(gops, s->d->gops)
RPT_DERIVED(dram_gbps, s->d->dram_gbps)
RPT_DERIVED(gops_nonzero, s->d->gops_nonzero)
RPT_DERIVED(latency_ms, s->d->time_s * 1e3)
RPT_DERIVED(dram_bytes, (double)s->d->dram_bytes)
RPT_DERIVED(pe_count, (double)s->cfg->rows * s->cfg->cols)
static double rpt_d_sram_bytes(const rpt_metric_src *s)
{
    double sum = 0;
    for (unsigned op = 0; op < CFG_OPERANDS; op++)
        sum += (double)s->cfg->sram[op].size_bytes;
    return sum;
}

/* Energy (en_breakdown); 0 without a breakdown. */
#define RPT_ENERGY(fn, expr)                                                                       \
    static double rpt_e_##fn(const rpt_metric_src *s) { return s->b ? (expr) : 0; }
RPT_ENERGY(chip_pj, s->b->chip_pj)
RPT_ENERGY(system_pj, s->b->system_pj)
RPT_ENERGY(power_chip_w, s->b->power_chip_w)
RPT_ENERGY(power_system_w, s->b->power_system_w)
RPT_ENERGY(gops_per_w_chip, s->b->gops_per_w_chip)
RPT_ENERGY(gops_per_w_system, s->b->gops_per_w_system)
RPT_ENERGY(pj_per_mac_chip, s->b->pj_per_mac_chip)
RPT_ENERGY(pj_per_mac_system, s->b->pj_per_mac_system)
RPT_ENERGY(area_mm2, s->b->area_mm2)
RPT_ENERGY(mac_pj, s->b->mac_pj)
RPT_ENERGY(reg_pj, s->b->reg_pj)
RPT_ENERGY(sram_ifmap_pj, s->b->sram_pj[CFG_IFMAP])
RPT_ENERGY(sram_filter_pj, s->b->sram_pj[CFG_FILTER])
RPT_ENERGY(sram_ofmap_pj, s->b->sram_pj[CFG_OFMAP])
RPT_ENERGY(wire_pj, s->b->wire_pj)
RPT_ENERGY(dram_pj, s->b->dram_pj)
RPT_ENERGY(leakage_pj, s->b->leakage_pj)
RPT_ENERGY(clock_pj, s->b->clock_pj)
RPT_ENERGY(gating_saved_pj, s->b->gating_saved_pj)
RPT_ENERGY(xform_pj, s->b->xform_pj)
RPT_ENERGY(skipping_saved_pj, s->b->skipping_saved_pj)
RPT_ENERGY(nm_metadata_pj, s->b->nm_metadata_pj)
RPT_ENERGY(cmp_pj, s->b->cmp_pj)
static double rpt_e_sram_pj(const rpt_metric_src *s)
{
    double sum = 0;
    for (unsigned op = 0; s->b && op < CFG_OPERANDS; op++)
        sum += s->b->sram_pj[op];
    return sum;
}

#define C(name, fn, label, unit, si, f)                                                            \
    {name, NULL, RPT_MG_COUNTER, label, unit, si, f, rpt_c_##fn, rpt_cd_##fn}
#define D(name, name_int, fn, label, unit, si, f)                                                  \
    {name, name_int, RPT_MG_DERIVED, label, unit, si, f, NULL, rpt_d_##fn}
#define E(name, name_int, fn, label, unit, si, f)                                                  \
    {name, name_int, RPT_MG_ENERGY, label, unit, si, f, NULL, rpt_e_##fn}
#define X(name, fn, label, unit)                                                                   \
    {name, NULL, RPT_MG_XFORM, label, unit, NULL, 0, rpt_c_##fn, rpt_cd_##fn}
#define S(name, get, label, unit, si, f)                                                           \
    {name, NULL, RPT_MG_SWEEP, label, unit, si, f, NULL, get}

static const rpt_metric rpt_metric_table[] = {
    C("cycles", cycles, "cycles", "cycles", NULL, 0),
    C("compute_cycles", compute_cycles, "compute cycles", "cycles", NULL, 0),
    C("stall_cycles", stall_cycles, "stall cycles", "cycles", NULL, 0),
    C("stall_ifmap_cycles", stall_ifmap, "ifmap stall cycles", "cycles", NULL, 0),
    C("stall_filter_cycles", stall_filter, "filter stall cycles", "cycles", NULL, 0),
    C("stall_ofmap_cycles", stall_ofmap, "ofmap stall cycles", "cycles", NULL, 0),
    C("folds", folds, "folds", "folds", NULL, 0),
    C("macs", macs, "MACs", "MACs", NULL, 0),
    C("pe_slots", pe_slots, "PE slots", "PE cycles", NULL, 0),
    C("reg_reads", reg_reads, "PE register reads", "accesses", NULL, 0),
    C("reg_writes", reg_writes, "PE register writes", "accesses", NULL, 0),
    C("sram_ifmap_reads", sram_ifmap_reads, "SRAM ifmap reads", "elements", NULL, 0),
    C("sram_ifmap_writes", sram_ifmap_writes, "SRAM ifmap writes", "elements", NULL, 0),
    C("sram_filter_reads", sram_filter_reads, "SRAM filter reads", "elements", NULL, 0),
    C("sram_filter_writes", sram_filter_writes, "SRAM filter writes", "elements", NULL, 0),
    C("sram_ofmap_reads", sram_ofmap_reads, "SRAM ofmap reads", "elements", NULL, 0),
    C("sram_ofmap_writes", sram_ofmap_writes, "SRAM ofmap writes", "elements", NULL, 0),
    C("dram_ifmap_read_bytes", dram_ifmap_read, "DRAM ifmap reads", "B", "B", 1),
    C("dram_filter_read_bytes", dram_filter_read, "DRAM filter reads", "B", "B", 1),
    C("dram_ofmap_read_bytes", dram_ofmap_read, "DRAM ofmap reads", "B", "B", 1),
    C("dram_ofmap_write_bytes", dram_ofmap_write, "DRAM ofmap writes", "B", "B", 1),
    C("zero_macs", zero_macs, "zero-operand MACs", "MACs", NULL, 0),
    C("skipped_macs", skipped_macs, "skipped MACs", "MACs", NULL, 0),
    C("skip_saved_cycles", skip_saved_cycles, "cycles saved by skipping", "cycles", NULL, 0),
    C("dense_macs", dense_macs, "dense-equivalent MACs", "MACs", NULL, 0),
    C("nm_dense_cycles", nm_dense_cycles, "cycles with dense weights", "cycles", NULL, 0),
    C("nm_dense_dram_bytes", nm_dense_dram_bytes, "DRAM traffic with dense weights", "B", "B", 1),
    C("nm_metadata_bytes", nm_metadata_bytes, "N:M metadata", "B", "B", 1),
    C("nm_metadata_sram_bits", nm_metadata_sram_bits, "N:M metadata SRAM reads", "bits", NULL, 0),
    C("cmp_decoded_elems", cmp_decoded_elems, "decompressed elements", "elements", NULL, 0),
    C("cmp_dense_cycles", cmp_dense_cycles, "cycles uncompressed", "cycles", NULL, 0),
    C("cmp_dense_dram_bytes", cmp_dense_dram_bytes, "DRAM traffic uncompressed", "B", "B", 1),

    D("utilization", NULL, utilization, "utilization", "1", NULL, 0),
    D("mapping_efficiency", NULL, mapping_efficiency, "mapping efficiency", "1", NULL, 0),
    D("time_s", NULL, time_s, "time", "s", "s", 1),
    D("gmacs_per_s", NULL, gmacs_per_s, "throughput", "GMAC/s", NULL, 0),
    D("gflops", "gops", gops, "throughput", "GOPS", NULL, 0),
    D("dram_gbps", NULL, dram_gbps, "DRAM bandwidth", "GB/s", NULL, 0),
    D("gflops_nonzero", "gops_nonzero", gops_nonzero, "effective throughput", "GOPS", NULL, 0),

    E("energy_chip_pj", NULL, chip_pj, "chip energy", "pJ", "J", 1e-12),
    E("energy_system_pj", NULL, system_pj, "system energy", "pJ", "J", 1e-12),
    E("power_chip_w", NULL, power_chip_w, "chip power", "W", "W", 1),
    E("power_system_w", NULL, power_system_w, "system power", "W", "W", 1),
    E("gflops_per_w_chip", "gops_per_w_chip", gops_per_w_chip, "chip efficiency", "GOPS/W", NULL,
      0),
    E("gflops_per_w_system", "gops_per_w_system", gops_per_w_system, "system efficiency",
      "GOPS/W", NULL, 0),
    E("pj_per_mac_chip", NULL, pj_per_mac_chip, "chip energy per MAC", "pJ/MAC", NULL, 0),
    E("pj_per_mac_system", NULL, pj_per_mac_system, "system energy per MAC", "pJ/MAC", NULL, 0),
    E("area_mm2", NULL, area_mm2, "area", "mm2", NULL, 0),
    E("energy_mac_pj", NULL, mac_pj, "MAC energy", "pJ", "J", 1e-12),
    E("energy_reg_pj", NULL, reg_pj, "PE register energy", "pJ", "J", 1e-12),
    E("energy_sram_ifmap_pj", NULL, sram_ifmap_pj, "SRAM ifmap energy", "pJ", "J", 1e-12),
    E("energy_sram_filter_pj", NULL, sram_filter_pj, "SRAM filter energy", "pJ", "J", 1e-12),
    E("energy_sram_ofmap_pj", NULL, sram_ofmap_pj, "SRAM ofmap energy", "pJ", "J", 1e-12),
    E("energy_wire_pj", NULL, wire_pj, "wire energy", "pJ", "J", 1e-12),
    E("energy_dram_pj", NULL, dram_pj, "DRAM energy", "pJ", "J", 1e-12),
    E("energy_leakage_pj", NULL, leakage_pj, "leakage energy", "pJ", "J", 1e-12),
    E("energy_clock_pj", NULL, clock_pj, "clock energy", "pJ", "J", 1e-12),
    E("energy_gating_saved_pj", NULL, gating_saved_pj, "saved by zero gating", "pJ", "J", 1e-12),
    E("energy_xform_pj", NULL, xform_pj, "transform energy", "pJ", "J", 1e-12),
    E("energy_skipping_saved_pj", NULL, skipping_saved_pj, "saved by zero skipping", "pJ", "J",
      1e-12),
    E("energy_nm_metadata_pj", NULL, nm_metadata_pj, "N:M metadata energy", "pJ", "J", 1e-12),
    E("energy_compression_pj", NULL, cmp_pj, "decompressor energy", "pJ", "J", 1e-12),

    S("latency_cycles", rpt_cd_cycles, "latency", "cycles", NULL, 0),
    S("latency_ms", rpt_d_latency_ms, "latency", "ms", "s", 1e-3),
    S("dram_bytes", rpt_d_dram_bytes, "DRAM traffic", "B", "B", 1),
    S("pe_count", rpt_d_pe_count, "PEs", "PEs", NULL, 0),
    S("sram_bytes", rpt_d_sram_bytes, "SRAM capacity", "B", "B", 1),
    S("energy_sram_pj", rpt_e_sram_pj, "SRAM energy", "pJ", "J", 1e-12),

    X("xform_in_adds", xform_in_adds, "input/filter transform adds", "ops"),
    X("xform_in_muls", xform_in_muls, "input/filter transform multiplies", "ops"),
    X("xform_out_adds", xform_out_adds, "output transform adds", "ops"),
    X("xform_out_muls", xform_out_muls, "output transform multiplies", "ops"),
    X("xform_shifts", xform_shifts, "transform shifts", "ops"),
    X("xform_cycles", xform_cycles, "transform unit busy cycles", "cycles"),
    X("wide_macs", wide_macs, "MACs at the widened integer precision", "MACs"),
};

const rpt_metric *rpt_metrics(size_t *count)
{
    *count = sizeof rpt_metric_table / sizeof rpt_metric_table[0];
    return rpt_metric_table;
}

const rpt_metric *rpt_metric_find(const char *name)
{
    for (size_t i = 0; i < sizeof rpt_metric_table / sizeof rpt_metric_table[0]; i++) {
        const rpt_metric *m = &rpt_metric_table[i];
        if (!strcmp(m->name, name) || (m->name_int && !strcmp(m->name_int, name)))
            return m;
    }
    return NULL;
}

const char *rpt_metric_name(const rpt_metric *m, const cfg_accel *cfg)
{
    return m->name_int && !nx_fmt_get(cfg->mac.input)->is_float ? m->name_int : m->name;
}
