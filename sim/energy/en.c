/* en: per-action costs of a config and the pricing of engine counters (rules in en.h). */
#include "energy/en.h"

#include <math.h>

double en_htree_mm(const tech_point *pt, double array_bytes, double banks)
{
    double side_mm = sqrt(tech_sram_area_um2_per_bit(pt) * array_bytes * 8 * 1e-6);
    return banks > 1 ? side_mm * (1 - 1 / sqrt(banks)) : 0;
}

void en_sram_access_rw_pj(const tech_point *pt, double array_bytes, double banks, double word_bits,
                          double elem_bits, double *read_pj, double *write_pj)
{
    double fit_read, fit_write;
    tech_sram_rw_pj_per_bit(pt, array_bytes / banks, word_bits, &fit_read, &fit_write);
    double words = array_bytes * 8 / word_bits;
    double addr_bits = words > 1 ? ceil(log2(words)) : 0;
    double moved_bits = elem_bits + elem_bits / word_bits * addr_bits;
    double htree_pj =
        tech_wire_pj_per_bit_mm(pt) * en_htree_mm(pt, array_bytes, banks) * moved_bits;
    *read_pj = fit_read * elem_bits + htree_pj;
    *write_pj = fit_write * elem_bits + htree_pj;
}

double en_sram_access_pj(const tech_point *pt, double array_bytes, double banks, double word_bits,
                         double elem_bits, bool write)
{
    double read_pj, write_pj;
    en_sram_access_rw_pj(pt, array_bytes, banks, word_bits, elem_bits, &read_pj, &write_pj);
    return write ? write_pj : read_pj;
}

double en_array_wire_mm(double buffer_area_mm2, double array_area_mm2, bool tree)
{
    double s = sqrt(array_area_mm2);
    return sqrt(buffer_area_mm2) / 2 + s / 4 + (tree ? s / 2 : 0);
}

/* Per-level access energies, wires and the levels' area (en.h, en_costs.levels). */
static void en_levels_init(const tech_point *pt, const cfg_accel *cfg, double in_bits,
                           double acc_bits, en_costs *out)
{
    const tech_lib *lib = pt->lib;
    double reg_pj_bit = tech_reg_pj_per_bit(pt), wire_pj_bit_mm = tech_wire_pj_per_bit_mm(pt);
    bool tree = cfg->dataflow == CFG_TREE;
    out->levels = true;
    out->area_mm2 -= out->sram_area_mm2[0] + out->sram_area_mm2[1] + out->sram_area_mm2[2];
    for (int op = 0; op < CFG_OPERANDS; op++)
        out->sram_area_mm2[op] = 0;
    for (uint32_t i = 0; i < cfg->level_count; i++) {
        const cfg_level *lv = &cfg->levels[i];
        double inst = (double)cfg_level_instances(cfg, lv), held = 0;
        bool rf = lv->kind == CFG_REGFILE;
        double per_bit = rf ? tech_reg_area_um2_per_bit(pt) : tech_sram_area_um2_per_bit(pt);
        /* floorplan: a shared instance is a square beside the array; a per-row or per-column
         * one sits at its row's (column's) end and feeds PEs along it (half a side on
         * average); a per-PE one is inside its PE */
        double side_mm = sqrt(out->array_area_mm2);
        out->level_wire_mm[i] =
            lv->instances == CFG_SHARED
                ? en_array_wire_mm(per_bit * (double)lv->size_bytes * 8 * 1e-6,
                                   out->array_area_mm2, tree)
            : lv->instances == CFG_PER_PE ? 0
                                          : side_mm / 2;
        for (int op = 0; op < CFG_OPERANDS; op++)
            held += lv->part[op].held;
        for (int op = 0; op < CFG_OPERANDS; op++) {
            const cfg_part *p = &lv->part[op];
            if (!p->held)
                continue;
            double elem_bits = op == CFG_OFMAP ? acc_bits : in_bits;
            /* the array this operand's accesses address: its partition or the whole shared
             * level, one instance, both halves; its banks, x2 halves when double buffered */
            double bytes = (double)p->size_bytes;
            double banks = (double)p->banks * (p->double_buffered ? 2 : 1);
            if (rf) {
                out->level_read_pj[i][op] = reg_pj_bit * lib->rf_read_fraction * elem_bits;
                out->level_write_pj[i][op] = reg_pj_bit * elem_bits;
            } else {
                en_sram_access_rw_pj(pt, bytes, banks, p->word_bits, elem_bits,
                                     &out->level_read_pj[i][op], &out->level_write_pj[i][op]);
            }
            out->level_wire_pj[i][op] = wire_pj_bit_mm * out->level_wire_mm[i] * elem_bits;
            /* area: a partition's own bytes, a shared level's bytes split among its operands */
            double area_bytes =
                (lv->shared ? (double)lv->size_bytes / held : (double)p->size_bytes) * inst;
            out->sram_area_mm2[op] += per_bit * area_bytes * 8 * 1e-6;
        }
    }
    out->area_mm2 += out->sram_area_mm2[0] + out->sram_area_mm2[1] + out->sram_area_mm2[2];
}

int en_tech_init(const tech_lib *lib, const cfg_accel *cfg, en_tech *out, fw_err *err)
{
    for (int op = 0; op < CFG_OPERANDS; op++)
        out->sram[op].valid = false;
    const tech_node *node;
    tech_process process = cfg->tech.process == CFG_PROCESS_LP ? TECH_LP : TECH_HP;
    int rc = tech_node_find_process(lib, cfg->tech.node_nm, process, &node, err);
    if (rc)
        return fw_err_prefix(err, "tech.node_nm");
    if ((rc = tech_point_init_process(lib, cfg->tech.node_nm, process, cfg->tech.vdd_v, &out->pt,
                                      err)))
        return fw_err_prefix(err, "tech.vdd_v");
    bool no_dram = cfg->dram.type == CFG_DRAM_NONE;
    out->dram = no_dram ? NULL : tech_dram_find(lib, cfg_dram_type_name(cfg->dram.type));
    if (!no_dram && !out->dram)
        return fw_err_set(err, FW_EXIT_INPUT, "dram.type: no energy figure for '%s'",
                          cfg_dram_type_name(cfg->dram.type));
    return 0;
}

bool en_tech_same(const cfg_accel *a, const cfg_accel *b)
{
    return a->tech.node_nm == b->tech.node_nm && a->tech.process == b->tech.process &&
           a->tech.vdd_v == b->tech.vdd_v && a->dram.type == b->dram.type;
}

int en_costs_init(const tech_lib *lib, const cfg_accel *cfg, en_costs *out, fw_err *err)
{
    en_tech tech;
    int rc = en_tech_init(lib, cfg, &tech, err);
    if (rc) {
        *out = (en_costs){0};
        return rc;
    }
    en_costs_init_tech(&tech, cfg, out);
    return 0;
}

/* en_sram_access_rw_pj and en_htree_mm of one operand's SRAM at tech's point, from the memo
 * when its inputs are the last ones (the same doubles: the functions are pure). */
static void en_sram_costs(en_sram_memo *m, const tech_point *pt, double bytes, double banks,
                          double word_bits, double elem_bits)
{
    if (m->valid && m->bytes == bytes && m->banks == banks && m->word_bits == word_bits &&
        m->elem_bits == elem_bits)
        return;
    en_sram_access_rw_pj(pt, bytes, banks, word_bits, elem_bits, &m->read_pj, &m->write_pj);
    m->htree_mm = en_htree_mm(pt, bytes, banks);
    m->bytes = bytes;
    m->banks = banks;
    m->word_bits = word_bits;
    m->elem_bits = elem_bits;
    m->valid = true;
}

void en_costs_init_tech(en_tech *tech, const cfg_accel *cfg, en_costs *out)
{
    *out = (en_costs){0};
    out->pt = tech->pt;
    const tech_lib *lib = tech->pt.lib;
    const tech_point *pt = &out->pt;
    bool no_dram = cfg->dram.type == CFG_DRAM_NONE;
    const tech_dram *dram = tech->dram;
    double in_bits = nx_fmt_get(cfg->mac.input)->width_bits;
    double acc_bits = nx_fmt_get(cfg->mac.accumulator)->width_bits;
    double pe_count = (double)cfg->rows * (double)cfg->cols;
    double reg_pj_bit = tech_reg_pj_per_bit(pt);

    out->clock_hz = cfg->clock_mhz * 1e6;
    out->mac_pj = tech_mac_pj_src(pt, cfg->mac.input, cfg->mac.accumulator,
                                  cfg->tech.arith_source == CFG_ARITH_AS_BUILT ? TECH_ARITH_AS_BUILT
                                                                               : TECH_ARITH_DATAPATH);
    bool tree = cfg->dataflow == CFG_TREE;
    out->reg_read_pj =
        reg_pj_bit * lib->ff_read_fraction * (tree ? acc_bits : (2 * in_bits + acc_bits) / 3);
    out->reg_write_pj = reg_pj_bit * (tree                      ? acc_bits
                                      : cfg->dataflow == CFG_OS ? (2 * in_bits + acc_bits) / 3
                                                                : (in_bits + acc_bits) / 2);
    /* area: one PE = multiplier + adder + stream, stationary, shadow input registers and the
     * partial-sum register; tree: multiplier + adder (the tree has one adder per product) and
     * a 1/R share of its column register */
    out->pe_area_um2 = tech_op_area_um2(pt, cfg->mac.input, TECH_MUL) +
                       tech_op_area_um2(pt, cfg->mac.accumulator, TECH_ADD) +
                       tech_reg_area_um2_per_bit(pt) *
                           (tree ? acc_bits / cfg->rows : 3 * in_bits + acc_bits);
    out->array_area_mm2 = out->pe_area_um2 * pe_count * 1e-6;
    out->area_mm2 = out->array_area_mm2;
    for (int op = 0; op < CFG_OPERANDS; op++) {
        const cfg_sram *s = &cfg->sram[op];
        double bytes = (double)s->size_bytes, banks = s->double_buffered ? 2 : 1;
        double elem_bits = op == CFG_OFMAP ? acc_bits : in_bits;
        en_sram_memo *m = &tech->sram[op];
        en_sram_costs(m, pt, bytes, banks, s->word_bits, elem_bits);
        out->sram_read_pj[op] = m->read_pj;
        out->sram_write_pj[op] = m->write_pj;
        out->sram_area_mm2[op] = tech_sram_area_um2_per_bit(pt) * bytes * 8 * 1e-6;
        out->htree_mm[op] = m->htree_mm;
        out->wire_mm[op] = en_array_wire_mm(out->sram_area_mm2[op], out->array_area_mm2, tree);
        out->wire_pj[op] = tech_wire_pj_per_bit_mm(pt) * out->wire_mm[op] * elem_bits;
        out->area_mm2 += out->sram_area_mm2[op];
    }
    if (cfg->hierarchy_given)
        en_levels_init(pt, cfg, in_bits, acc_bits, out);
    out->dram_pj_per_byte = no_dram ? 0 : dram->pj_per_bit * 8;
    out->zero_mac_pj = out->mac_pj + (tree ? 0 : 2 * in_bits * reg_pj_bit * lib->ff_read_fraction);
    out->gating = cfg->zero_gating;
    out->nm_meta_pj_per_bit = out->sram_read_pj[CFG_FILTER] / in_bits;
    /* en.h compression: one 16-bit integer addition per decoded element */
    out->cmp_decode_pj = cfg->cmp_format != CFG_CMP_NONE ? tech_op_pj(pt, NX_INT16, TECH_ADD) : 0;
    { /* the transform unit's formats (engine/eng_xform.h: int8 transforms widen to int16) */
        bool fl = nx_fmt_get(cfg->mac.input)->is_float;
        nx_fmt xin = fl ? cfg->mac.input : NX_INT16, xout = fl ? cfg->mac.accumulator : NX_INT48;
        out->xform_in_add_pj = tech_op_pj(pt, xin, TECH_ADD);
        out->xform_in_mul_pj = tech_op_pj(pt, xin, TECH_MUL);
        out->xform_out_add_pj = tech_op_pj(pt, xout, TECH_ADD);
        out->xform_out_mul_pj = tech_op_pj(pt, xout, TECH_MUL);
        out->wide_mac_pj =
            tech_mac_pj_src(pt, NX_INT16, NX_INT48,
                            cfg->tech.arith_source == CFG_ARITH_AS_BUILT ? TECH_ARITH_AS_BUILT
                                                                         : TECH_ARITH_DATAPATH);
    }
    const tech_ladder *l = &lib->ladder;
    /* steady-state register bits per MAC at full rate: the ladder's (a ws PE) for the systolic
     * dataflows; tree: one column register write and read per R MACs */
    double reg_bits_per_mac =
        tree ? (1 + lib->ff_read_fraction) * acc_bits / cfg->rows
             : (lib->ff_read_fraction * l->reg_input_reads_per_mac + l->reg_input_writes_per_mac) *
                       in_bits +
                   (lib->ff_read_fraction * l->reg_acc_reads_per_mac + l->reg_acc_writes_per_mac) *
                       acc_bits;
    out->pe_peak_pj_per_cycle = pe_count * (out->mac_pj + reg_bits_per_mac * reg_pj_bit);
    out->leakage_pj_per_cycle = lib->leak_fraction * out->pe_peak_pj_per_cycle;
    out->leakage_w = out->leakage_pj_per_cycle * 1e-12 * out->clock_hz;
    out->clock_pj_per_cycle = lib->clock_fraction * out->pe_peak_pj_per_cycle;
}

void en_price(const en_costs *k, const eng_counters *c, en_breakdown *out)
{
    *out = (en_breakdown){0};
    out->mac_pj =
        (double)(c->macs - c->wide_macs) * k->mac_pj + (double)c->wide_macs * k->wide_mac_pj;
    out->xform_pj = (double)c->xform_in_adds * k->xform_in_add_pj +
                    (double)c->xform_in_muls * k->xform_in_mul_pj +
                    (double)c->xform_out_adds * k->xform_out_add_pj +
                    (double)c->xform_out_muls * k->xform_out_mul_pj;
    out->reg_pj = (double)c->reg_reads * k->reg_read_pj + (double)c->reg_writes * k->reg_write_pj;
    /* en.h zero gating and skipping: the skipped MACs, then the other zero-operand MACs gated;
     * MAC energy first, the operand reads from the registers */
    double skipped = (double)c->skipped_macs;
    double gated = k->gating && c->zero_macs > c->skipped_macs
                       ? (double)(c->zero_macs - c->skipped_macs)
                       : 0;
    out->gating_saved_pj = gated * k->zero_mac_pj;
    out->skipping_saved_pj =
        skipped * k->zero_mac_pj +
        (double)c->skip_saved_cycles * (k->leakage_pj_per_cycle + k->clock_pj_per_cycle);
    out->mac_pj -= (gated + skipped) * k->mac_pj;
    out->reg_pj -= (gated + skipped) * (k->zero_mac_pj - k->mac_pj);
    double dram_bytes = 0;
    for (int op = 0; op < CFG_OPERANDS; op++) {
        out->sram_pj[op] = (double)c->sram_reads[op] * k->sram_read_pj[op] +
                           (double)c->sram_writes[op] * k->sram_write_pj[op];
        if (k->levels) { /* every level's accesses at its own cost and distance */
            out->sram_pj[op] = 0;
            for (int i = 0; i < CFG_MAX_LEVELS; i++) {
                double r = (double)c->level_reads[i][op], w = (double)c->level_writes[i][op];
                out->sram_pj[op] += r * k->level_read_pj[i][op] + w * k->level_write_pj[i][op];
                out->wire_pj += (r + w) * k->level_wire_pj[i][op];
            }
        } else {
            out->wire_pj += (double)(c->sram_reads[op] + c->sram_writes[op]) * k->wire_pj[op];
        }
        dram_bytes += (double)c->dram_read_bytes[op] + (double)c->dram_write_bytes[op];
    }
    out->nm_metadata_pj = (double)c->nm_metadata_sram_bits * k->nm_meta_pj_per_bit;
    out->cmp_pj = (double)c->cmp_decoded_elems * k->cmp_decode_pj;
    out->sram_pj[CFG_FILTER] += out->nm_metadata_pj;
    out->dram_pj = dram_bytes * k->dram_pj_per_byte;
    out->leakage_pj = (double)c->cycles * k->leakage_pj_per_cycle;
    out->clock_pj = (double)c->cycles * k->clock_pj_per_cycle;
    out->chip_pj = out->mac_pj + out->reg_pj + out->sram_pj[CFG_IFMAP] + out->sram_pj[CFG_FILTER] +
                   out->sram_pj[CFG_OFMAP] + out->wire_pj + out->leakage_pj + out->clock_pj +
                   out->xform_pj +
                   out->cmp_pj;
    out->system_pj = out->chip_pj + out->dram_pj;
    out->time_s = (double)c->cycles / k->clock_hz;
    out->area_mm2 = k->area_mm2;
    /* dense-equivalent (eng.h dense_macs: N:M counts the pruned MACs too, as published sparse
     * figures do); counters without it (hand-made) count their MACs */
    double ops = 2.0 * (double)(c->dense_macs ? c->dense_macs : c->macs);
    if (out->time_s > 0) {
        out->power_chip_w = out->chip_pj * 1e-12 / out->time_s;
        out->power_system_w = out->system_pj * 1e-12 / out->time_s;
        out->gops_per_mm2 = ops / out->time_s * 1e-9 / k->area_mm2;
    }
    if (c->macs > 0) {
        out->pj_per_mac_chip = out->chip_pj / (double)c->macs;
        out->pj_per_mac_system = out->system_pj / (double)c->macs;
    }
    /* ops / pJ = 10^12 ops per J = 10^3 G ops per J */
    if (out->chip_pj > 0)
        out->gops_per_w_chip = ops / out->chip_pj * 1e3;
    if (out->system_pj > 0)
        out->gops_per_w_system = ops / out->system_pj * 1e3;
}
