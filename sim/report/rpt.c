/* rpt: text, JSON and CSV reports of engine counters (see rpt.h). */
#include "common/fw_io.h"
#include "report/rpt.h"
#include "report/rpt_fmt.h"
#include "report/rpt_metric.h"

#include <inttypes.h>
#include <string.h>

const char *rpt_ops_key(const cfg_accel *cfg, const char *if_float, const char *if_int)
{
    return nx_fmt_get(cfg->mac.input)->is_float ? if_float : if_int;
}

/* The metrics written for a run (JSON, CSV), in table order: the counters, the derived rates,
 * and the energy metrics when energy was priced. */
static bool rpt_metric_shown(const rpt_input *in, const rpt_metric *m, rpt_metric_group g)
{
    return m->group == g && (g != RPT_MG_ENERGY || in->total_energy) &&
           (g != RPT_MG_XFORM || in->show_xform);
}

/* The numerical error fields (rpt.h layer_errors), names and values. */
#define RPT_NERR 9
static const char *const rpt_err_keys[RPT_NERR] = {
    "error_max_rel",         "error_mean_rel",        "error_max_ulp",
    "error_norm_rel",        "direct_error_max_rel",  "direct_error_mean_rel",
    "direct_error_max_ulp",  "direct_error_norm_rel", "error_outputs_differing_from_direct"};

static void rpt_err_values(const rpt_input *in, size_t layer, bool is_total, double v[RPT_NERR])
{
    const eng_num_error *e = is_total ? in->total_error : &in->layer_errors[layer];
    const double x[RPT_NERR] = {e->max_rel,         e->mean_rel,        e->max_ulp,
                                e->norm_rel,        e->direct_max_rel,  e->direct_mean_rel,
                                e->direct_max_ulp,  e->direct_norm_rel, (double)e->mismatches};
    memcpy(v, x, sizeof x);
}

static rpt_metric_src rpt_src(const rpt_input *in, const eng_counters *c, const net_derived *d,
                              size_t layer, bool is_total)
{
    const en_breakdown *b = NULL;
    if (in->total_energy)
        b = is_total ? in->total_energy : &in->layer_energy[layer];
    return (rpt_metric_src){in->cfg, c, d, b};
}

/* The per-level counters as JSON members (explicit hierarchy only). */
static void rpt_json_levels(FILE *out, const rpt_input *in, const eng_counters *c, size_t layer,
                            bool is_total, const char *indent)
{
    const cfg_accel *cfg = in->cfg;
    if (!is_total && in->layer_mappings && in->layer_mappings[layer]) {
        fprintf(out, "%s  \"mapping\": ", indent);
        fw_json_write_string(out, in->layer_mappings[layer]);
        fprintf(out, ",\n");
    }
    fprintf(out, "%s  \"levels\": [", indent);
    for (uint32_t i = 0; i < cfg->level_count; i++) {
        fprintf(out, "%s{\"name\": ", i ? ", " : "");
        fw_json_write_string(out, cfg->levels[i].name);
        for (int op = 0; op < CFG_OPERANDS; op++)
            if (cfg->levels[i].part[op].held)
                fprintf(out, ", \"%s_reads\": %" PRIu64 ", \"%s_writes\": %" PRIu64,
                        cfg_operand_name((cfg_operand)op), c->level_reads[i][op],
                        cfg_operand_name((cfg_operand)op), c->level_writes[i][op]);
        fprintf(out, ", \"stall_cycles\": %" PRIu64 "}", c->stall_cycles_level[i]);
    }
    fprintf(out, "],\n%s  \"stall_dram_cycles\": %" PRIu64 ",\n", indent,
            c->stall_cycles_level[CFG_MAX_LEVELS]);
}

static void rpt_json_row(FILE *out, const rpt_input *in, const char *name, const eng_counters *c,
                         size_t layer, bool is_total, const char *indent)
{
    net_derived d;
    net_derive(in->cfg, c, &d);
    fprintf(out, "{\n");
    if (name) {
        fprintf(out, "%s  \"name\": ", indent);
        fw_json_write_string(out, name);
        fprintf(out, ",\n");
    }
    if (in->input_from && !is_total)
        fprintf(out, "%s  \"input_from\": \"%s\",\n%s  \"output_to\": \"%s\",\n", indent,
                in->input_from[layer], indent, in->output_to[layer]);
    size_t count;
    const rpt_metric *m = rpt_metrics(&count);
    const rpt_metric_src src = rpt_src(in, c, &d, layer, is_total);
    static const rpt_metric_group exact[] = {RPT_MG_COUNTER, RPT_MG_XFORM};
    for (size_t g = 0; g < sizeof exact / sizeof exact[0]; g++)
        for (size_t i = 0; i < count; i++)
            if (rpt_metric_shown(in, &m[i], exact[g]))
                fprintf(out, "%s  \"%s\": %" PRIu64 ",\n", indent, m[i].name,
                        m[i].get_count(&src));
    if (in->layer_errors) {
        double v[RPT_NERR];
        rpt_err_values(in, layer, is_total, v);
        for (size_t i = 0; i < RPT_NERR; i++)
            fprintf(out, "%s  \"%s\": %.9g,\n", indent, rpt_err_keys[i], v[i]);
    }
    if (in->cfg->hierarchy_given)
        rpt_json_levels(out, in, c, layer, is_total, indent);
    const char *sep = "";
    for (rpt_metric_group g = RPT_MG_DERIVED; g <= RPT_MG_ENERGY; g++)
        for (size_t i = 0; i < count; i++)
            if (rpt_metric_shown(in, &m[i], g)) {
                fprintf(out, "%s%s  \"%s\": %.9g", sep, indent, rpt_metric_name(&m[i], in->cfg),
                        m[i].get(&src));
                sep = ",\n";
            }
    fprintf(out, "\n");
    fprintf(out, "%s}", indent);
}

static void rpt_json(FILE *out, const rpt_input *in)
{
    const cfg_accel *cfg = in->cfg;
    fprintf(out, "{\n");
    const rpt_provenance *p = in->prov;
    if (p) {
        fprintf(out, "  \"provenance\": {\"flopwatt_version\": ");
        fw_json_write_string(out, p->version);
        fprintf(out, ", \"config_path\": ");
        fw_json_write_string(out, p->config_path);
        fprintf(out, ", \"sets\": [");
        for (size_t i = 0; i < p->set_count; i++) {
            fprintf(out, "%s", i ? ", " : "");
            fw_json_write_string(out, p->sets[i]);
        }
        fprintf(out, "],\n    \"config_resolved\": %s,\n    \"workload_path\": ",
                p->config_resolved);
        fw_json_write_string(out, p->workload_path);
        fprintf(out,
                ", \"workload_fnv64\": \"%016" PRIx64 "\", \"batch\": %u, \"engine\": \"%s\", "
                "\"ideal_memory\": %s, \"seed\": %" PRIu64 "},\n",
                p->workload_fnv64, p->batch, in->engine_name, in->ideal_memory ? "true" : "false",
                p->seed);
    }
    fprintf(out, "  \"config\": {\n    \"name\": ");
    fw_json_write_string(out, cfg->name);
    fprintf(out,
            ",\n    \"rows\": %u,\n    \"cols\": %u,\n    \"dataflow\": \"%s\",\n"
            "    \"schedule\": \"%s\",\n    \"clock_mhz\": %.9g,\n    \"input\": \"%s\",\n"
            "    \"accumulator\": \"%s\",\n    \"output\": \"%s\"\n  },\n  \"workload\": ",
            cfg->rows, cfg->cols, cfg_dataflow_name(cfg->dataflow),
            cfg_schedule_name(cfg->schedule), cfg->clock_mhz, nx_fmt_get(cfg->mac.input)->name,
            nx_fmt_get(cfg->mac.accumulator)->name, nx_fmt_get(cfg->output)->name);
    fw_json_write_string(out, in->workload_name);
    fprintf(out, ",\n  \"engine\": \"%s\",\n  \"ideal_memory\": %s,\n", in->engine_name,
            in->ideal_memory ? "true" : "false");
    if (in->sub_batch)
        fprintf(out, "  \"sub_batch\": %u,\n", in->sub_batch);
    fprintf(out, "  \"layers\": [");
    for (size_t l = 0; l < in->layer_count; l++) {
        fprintf(out, "%s\n    ", l ? "," : "");
        rpt_json_row(out, in, in->layer_names[l], &in->layers[l], l, false, "    ");
    }
    fprintf(out, "%s],\n  \"total\": ", in->layer_count ? "\n  " : "");
    rpt_json_row(out, in, NULL, in->total, 0, true, "  ");
    fprintf(out, "\n}\n");
}

static void rpt_csv_row(FILE *out, const rpt_input *in, const char *name, const eng_counters *c,
                        size_t layer, bool is_total)
{
    net_derived d;
    net_derive(in->cfg, c, &d);
    fprintf(out, "%s", name);
    size_t count;
    const rpt_metric *m = rpt_metrics(&count);
    const rpt_metric_src src = rpt_src(in, c, &d, layer, is_total);
    for (size_t i = 0; i < count; i++)
        if (rpt_metric_shown(in, &m[i], RPT_MG_COUNTER))
            fprintf(out, ",%" PRIu64, m[i].get_count(&src));
    for (rpt_metric_group g = RPT_MG_DERIVED; g <= RPT_MG_ENERGY; g++)
        for (size_t i = 0; i < count; i++)
            if (rpt_metric_shown(in, &m[i], g))
                fprintf(out, ",%.9g", m[i].get(&src));
    for (size_t i = 0; i < count; i++)
        if (rpt_metric_shown(in, &m[i], RPT_MG_XFORM))
            fprintf(out, ",%" PRIu64, m[i].get_count(&src));
    if (in->layer_errors) {
        double v[RPT_NERR];
        rpt_err_values(in, layer, is_total, v);
        for (size_t i = 0; i < RPT_NERR; i++)
            fprintf(out, ",%.9g", v[i]);
    }
    if (in->input_from)
        fprintf(out, ",%s,%s", is_total ? "" : in->input_from[layer],
                is_total ? "" : in->output_to[layer]);
    fputc('\n', out);
}

static void rpt_csv(FILE *out, const rpt_input *in)
{
    const rpt_provenance *p = in->prov;
    if (p) { /* '#' lines before the header: skip them to read the table */
        fprintf(out, "# flopwatt %s run, engine %s%s, batch %u", p->version, in->engine_name,
                in->ideal_memory ? " (ideal memory)" : "", p->batch);
        if (in->sub_batch)
            fprintf(out, " in sub-batches of %u", in->sub_batch);
        fprintf(out, ", seed %" PRIu64 "\n# config %s", p->seed, p->config_path);
        for (size_t i = 0; i < p->set_count; i++)
            fprintf(out, " --set %s", p->sets[i]);
        fprintf(out, ": %s\n# workload %s fnv64 %016" PRIx64 "\n", p->config_resolved,
                p->workload_path, p->workload_fnv64);
    }
    fprintf(out, "layer");
    size_t count;
    const rpt_metric *m = rpt_metrics(&count);
    for (rpt_metric_group g = RPT_MG_COUNTER; g <= RPT_MG_ENERGY; g++)
        for (size_t i = 0; i < count; i++)
            if (rpt_metric_shown(in, &m[i], g))
                fprintf(out, ",%s", rpt_metric_name(&m[i], in->cfg));
    for (size_t i = 0; i < count; i++)
        if (rpt_metric_shown(in, &m[i], RPT_MG_XFORM))
            fprintf(out, ",%s", m[i].name);
    for (size_t i = 0; in->layer_errors && i < RPT_NERR; i++)
        fprintf(out, ",%s", rpt_err_keys[i]);
    if (in->input_from)
        fprintf(out, ",input_from,output_to");
    fputc('\n', out);
    for (size_t l = 0; l < in->layer_count; l++) {
        /* layer names never contain commas or quotes in practice; quote to be safe */
        bool quote = strpbrk(in->layer_names[l], ",\"\n") != NULL;
        if (quote) {
            char buf[2 * WL_NAME_BYTES + 3];
            size_t n = 0;
            buf[n++] = '"';
            for (const char *s = in->layer_names[l]; *s && n + 3 < sizeof buf; s++) {
                if (*s == '"')
                    buf[n++] = '"';
                buf[n++] = *s;
            }
            buf[n++] = '"';
            buf[n] = '\0';
            rpt_csv_row(out, in, buf, &in->layers[l], l, false);
        } else {
            rpt_csv_row(out, in, in->layer_names[l], &in->layers[l], l, false);
        }
    }
    rpt_csv_row(out, in, "total", in->total, 0, true);
}

/* Text: the energy column's prefix is chosen once, by the total, so the column has one unit. */
typedef struct rpt_text_units {
    rpt_eng energy;   /* chip energy column */
    const char *ops;  /* "GOPS" or "GFLOPS" */
    int from_width;   /* the "input from" column: its longest place name */
} rpt_text_units;

static void rpt_text_row(FILE *out, const rpt_input *in, const rpt_text_units *u, const char *name,
                         const eng_counters *c, size_t layer, bool is_total)
{
    net_derived d;
    net_derive(in->cfg, c, &d);
    char folds[RPT_COUNT_BYTES], cycles[RPT_COUNT_BYTES], compute[RPT_COUNT_BYTES],
        stall[RPT_COUNT_BYTES], macs[RPT_COUNT_BYTES];
    fprintf(out, "%-20.20s %8s %13s %13s %13s %6.1f %6.1f %17s %9.1f %11.3f %9.2f", name,
            rpt_fmt_count(folds, c->folds), rpt_fmt_count(cycles, c->cycles),
            rpt_fmt_count(compute, c->compute_cycles), rpt_fmt_count(stall, c->stall_cycles),
            100 * d.utilization, 100 * d.mapping_efficiency, rpt_fmt_count(macs, c->macs),
            d.gmacs_per_s, (double)d.dram_bytes / 1e6, d.dram_gbps);
    if (in->total_energy) {
        const en_breakdown *b = is_total ? in->total_energy : &in->layer_energy[layer];
        fprintf(out, " %10.4g %9.4g %9.4g %12.4g %12.4g", b->chip_pj * 1e-12 * u->energy.scale,
                b->power_chip_w, b->power_system_w, b->gops_per_w_chip, b->gops_per_w_system);
    }
    if (in->input_from && !is_total)
        fprintf(out, " %-*s %s", u->from_width, in->input_from[layer], in->output_to[layer]);
    fputc('\n', out);
}

/* One line per energy component with its share of the system energy. */
static void rpt_text_energy(FILE *out, const rpt_input *in)
{
    static const char *const parts[] = {
        "energy_mac_pj",  "energy_reg_pj",  "energy_sram_ifmap_pj", "energy_sram_filter_pj",
        "energy_sram_ofmap_pj", "energy_wire_pj", "energy_dram_pj", "energy_leakage_pj",
        "energy_clock_pj"};
    const en_breakdown *b = in->total_energy;
    net_derived d;
    net_derive(in->cfg, in->total, &d);
    const rpt_metric_src src = {in->cfg, in->total, &d, b};
    char e1[RPT_ENG_BYTES], e2[RPT_ENG_BYTES], e3[RPT_ENG_BYTES], e4[RPT_ENG_BYTES];
    const char *ops = rpt_ops_key(in->cfg, "FLOPS/W", "OPS/W");
    fprintf(out, "energy: chip %s, system %s; power: chip %s, system %s; area %.4g mm2\n",
            rpt_fmt_eng(e1, b->chip_pj * 1e-12, "J"), rpt_fmt_eng(e2, b->system_pj * 1e-12, "J"),
            rpt_fmt_eng(e3, b->power_chip_w, "W"), rpt_fmt_eng(e4, b->power_system_w, "W"),
            b->area_mm2);
    fprintf(out, "efficiency: chip %s (%.4g pJ/MAC), system %s (%.4g pJ/MAC)\n",
            rpt_fmt_eng(e1, b->gops_per_w_chip * 1e9, ops), b->pj_per_mac_chip,
            rpt_fmt_eng(e2, b->gops_per_w_system * 1e9, ops), b->pj_per_mac_system);
    fprintf(out, "energy breakdown (share of the system energy, %s):\n",
            rpt_fmt_eng(e2, b->system_pj * 1e-12, "J"));
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const rpt_metric *m = rpt_metric_find(parts[i]);
        double pj = m->get(&src);
        char label[64];
        snprintf(label, sizeof label, "%s", m->label);
        char *tail = strstr(label, " energy"); /* "DRAM energy" -> "DRAM" */
        if (tail && !tail[7])
            *tail = '\0';
        fprintf(out, "  %-20s %11s %6.1f%%\n", label, rpt_fmt_eng(e1, pj * 1e-12, "J"),
                b->system_pj > 0 ? 100 * pj / b->system_pj : 0.0);
    }
    if (b->xform_pj > 0) { /* Winograd/FFT layers: their transform unit */
        const rpt_metric *m = rpt_metric_find("energy_xform_pj");
        fprintf(out, "  %-20s %11s %6.1f%%\n", "transform unit",
                rpt_fmt_eng(e1, m->get(&src) * 1e-12, "J"),
                b->system_pj > 0 ? 100 * b->xform_pj / b->system_pj : 0.0);
    }
    if (in->show_zeros || b->gating_saved_pj > 0)
        fprintf(out, "  (zero gating saved %s, %.1f%% of what the system would spend without it)\n",
                rpt_fmt_eng(e1, b->gating_saved_pj * 1e-12, "J"),
                b->system_pj + b->gating_saved_pj > 0
                    ? 100 * b->gating_saved_pj / (b->system_pj + b->gating_saved_pj)
                    : 0.0);
    if (in->cfg->zero_skipping)
        fprintf(out, "  (zero skipping saved %s, %.1f%% of what the system would spend without it)\n",
                rpt_fmt_eng(e1, b->skipping_saved_pj * 1e-12, "J"),
                b->system_pj + b->skipping_saved_pj > 0
                    ? 100 * b->skipping_saved_pj / (b->system_pj + b->skipping_saved_pj)
                    : 0.0);
}

/* Savings per technique (zero gating, zero skipping, N:M weights), per layer and in total:
 * each against the same run without that technique (sim/README.md "Compute reduction"). */
static void rpt_text_savings_row(FILE *out, const rpt_input *in, const char *name,
                                 const eng_counters *c, const en_breakdown *b)
{
    char n0[RPT_COUNT_BYTES], n1[RPT_COUNT_BYTES], n2[RPT_COUNT_BYTES];
    char e0[RPT_ENG_BYTES], e1[RPT_ENG_BYTES], e2[RPT_ENG_BYTES], e3[RPT_ENG_BYTES];
    double dense_cycles = (double)c->nm_dense_cycles;
    double skip_cycles = (double)(c->cycles + c->skip_saved_cycles);
    double dram = 0;
    for (int op = 0; op < CFG_OPERANDS; op++)
        dram += (double)(c->dram_read_bytes[op] + c->dram_write_bytes[op]);
    (void)in;
    fprintf(out,
            "%-20s %7.2f%% %11s %14s %7.2f%% %11s %14s %7.2f%% %9.2f%% %11s %11s %9.2f%% "
            "%9.2f%% %11s\n",
            name,
            c->macs ? 100.0 * (double)c->zero_macs / (double)c->macs : 0,
            b ? rpt_fmt_eng(e0, b->gating_saved_pj * 1e-12, "J") : "-",
            rpt_fmt_count(n0, c->skip_saved_cycles),
            skip_cycles > 0 ? 100.0 * (double)c->skip_saved_cycles / skip_cycles : 0,
            b ? rpt_fmt_eng(e1, b->skipping_saved_pj * 1e-12, "J") : "-",
            rpt_fmt_count(n1, c->dense_macs > c->macs ? c->dense_macs - c->macs : 0),
            dense_cycles > 0 ? 100.0 * (dense_cycles - skip_cycles) / dense_cycles : 0,
            c->nm_dense_dram_bytes ? 100.0 * ((double)c->nm_dense_dram_bytes - dram) /
                                         (double)c->nm_dense_dram_bytes
                                   : 0,
            rpt_fmt_count(n2, c->nm_metadata_bytes),
            b ? rpt_fmt_eng(e2, b->nm_metadata_pj * 1e-12, "J") : "-",
            c->cmp_dense_cycles ? 100.0 * ((double)c->cmp_dense_cycles - (double)c->cycles) /
                                      (double)c->cmp_dense_cycles
                                : 0,
            c->cmp_dense_dram_bytes ? 100.0 * ((double)c->cmp_dense_dram_bytes - dram) /
                                          (double)c->cmp_dense_dram_bytes
                                    : 0,
            b ? rpt_fmt_eng(e3, b->cmp_pj * 1e-12, "J") : "-");
}

static void rpt_text_savings(FILE *out, const rpt_input *in)
{
    const cfg_accel *cfg = in->cfg;
    static const char *const formats[] = {"off", "bitmask", "rle", "csr"};
    fprintf(out, "\ncompute reduction (each technique against the same run without it; gating "
                 "%s, skipping %s, N:M weights %s, compression %s):\n",
            cfg->zero_gating ? "on" : "off", cfg->zero_skipping ? "on" : "off",
            cfg->nm_m ? "on" : "off", formats[cfg->cmp_format]);
    fprintf(out, "%-20s %8s %11s %14s %8s %11s %14s %8s %10s %11s %11s %10s %10s %11s\n",
            "layer", "zero MAC", "gating", "skip cycles", "skip", "skipping", "N:M MACs", "N:M",
            "N:M DRAM", "N:M meta", "N:M meta", "compr.", "compr.", "decompr.");
    fprintf(out, "%-20s %8s %11s %14s %8s %11s %14s %8s %10s %11s %11s %10s %10s %11s\n", "",
            "share", "saved", "saved", "cycles", "saved", "saved", "cycles", "bytes", "bytes",
            "energy", "cycles", "DRAM bytes", "energy");
    for (size_t l = 0; l < in->layer_count; l++)
        rpt_text_savings_row(out, in, in->layer_names[l], &in->layers[l],
                             in->layer_energy ? &in->layer_energy[l] : NULL);
    rpt_text_savings_row(out, in, "total", in->total, in->total_energy);
}

/* The stall line, and a hint when stalls are more than half of the run: the operand waited for
 * most and the level that caused most of the stall cycles. */
static void rpt_text_stalls(FILE *out, const rpt_input *in)
{
    const cfg_accel *cfg = in->cfg;
    const eng_counters *t = in->total;
    char n0[RPT_COUNT_BYTES], n1[RPT_COUNT_BYTES], n2[RPT_COUNT_BYTES], n3[RPT_COUNT_BYTES];
    double share = t->cycles ? (double)t->stall_cycles / (double)t->cycles : 0;
    fprintf(out, "stalls: %s cycles (%.1f%% of the run): ifmap %s, filter %s, ofmap %s",
            rpt_fmt_count(n0, t->stall_cycles), 100 * share,
            rpt_fmt_count(n1, t->stall_cycles_by[CFG_IFMAP]),
            rpt_fmt_count(n2, t->stall_cycles_by[CFG_FILTER]),
            rpt_fmt_count(n3, t->stall_cycles_by[CFG_OFMAP]));
    /* levels: on-chip ones of an explicit hierarchy, then DRAM */
    int worst_level = CFG_MAX_LEVELS;
    if (cfg->hierarchy_given) {
        fprintf(out, "; by level:");
        for (uint32_t i = 0; i < cfg->level_count; i++) {
            fprintf(out, " %s %s,", cfg->levels[i].name,
                    rpt_fmt_count(n0, t->stall_cycles_level[i]));
            if (t->stall_cycles_level[i] > t->stall_cycles_level[worst_level])
                worst_level = (int)i;
        }
        fprintf(out, " DRAM %s", rpt_fmt_count(n0, t->stall_cycles_level[CFG_MAX_LEVELS]));
    }
    fputc('\n', out);
    if (!(share > 0.5) || !t->stall_cycles)
        return;
    int op = 0;
    for (int o = 1; o < CFG_OPERANDS; o++)
        if (t->stall_cycles_by[o] > t->stall_cycles_by[op])
            op = o;
    double op_share = (double)t->stall_cycles_by[op] / (double)t->stall_cycles;
    double level_share = (double)t->stall_cycles_level[worst_level] / (double)t->stall_cycles;
    bool dram = worst_level == CFG_MAX_LEVELS;
    fprintf(out,
            "hint: memory stalls are %.0f%% of the run; the most by operand: %s (%.0f%% of "
            "them), by level: %s (%.0f%%); %s\n",
            100 * share, cfg_operand_name((cfg_operand)op), 100 * op_share,
            dram ? "DRAM" : cfg->levels[worst_level].name, 100 * level_share,
            dram ? "more DRAM bandwidth or fewer DRAM bytes per MAC (larger batch or buffers)"
                 : "more banks, wider words or more ports at that level");
}

static void rpt_text(FILE *out, const rpt_input *in)
{
    const cfg_accel *cfg = in->cfg;
    char n0[RPT_COUNT_BYTES], n1[RPT_COUNT_BYTES];
    char e0[RPT_ENG_BYTES], e1[RPT_ENG_BYTES];
    fprintf(out,
            "%s: %ux%u %s array, %s schedule, %s x %s -> %s, %.6g MHz; workload %s; "
            "engine %s%s",
            cfg->name, cfg->rows, cfg->cols, cfg_dataflow_name(cfg->dataflow),
            cfg_schedule_name(cfg->schedule), nx_fmt_get(cfg->mac.input)->name,
            nx_fmt_get(cfg->mac.input)->name, nx_fmt_get(cfg->mac.accumulator)->name,
            cfg->clock_mhz, in->workload_name, in->engine_name,
            in->ideal_memory ? ", ideal memory" : "");
    if (in->sub_batch)
        fprintf(out, "; in sub-batches of %u images", in->sub_batch);
    fputc('\n', out);
    fprintf(out, "outputs %s; SRAM", nx_fmt_get(cfg->output)->name);
    for (int op = 0; op < CFG_OPERANDS; op++)
        fprintf(out, "%s %s %s%s", op ? "," : "", cfg_operand_name((cfg_operand)op),
                rpt_fmt_bytes(e0, cfg->sram[op].size_bytes),
                cfg->sram[op].double_buffered ? " (2 halves)" : "");
    fprintf(out, "; DRAM %s %.6g GB/s%s, %u cycles latency\n\n", cfg_dram_type_name(cfg->dram.type),
            cfg->dram.bandwidth_gbps, cfg->dram.bandwidth_gbps == 0 ? " (unlimited)" : "",
            cfg->dram.latency_cycles);
    rpt_text_units u = {rpt_eng_pick(0), rpt_ops_key(cfg, "GFLOPS", "GOPS"), 10};
    for (size_t l = 0; in->input_from && l < in->layer_count; l++)
        if ((int)strlen(in->input_from[l]) > u.from_width)
            u.from_width = (int)strlen(in->input_from[l]);
    if (in->total_energy)
        u.energy = rpt_eng_pick(in->total_energy->chip_pj * 1e-12);
    fprintf(out, "%-20s %8s %13s %13s %13s %6s %6s %17s %9s %11s %9s", "layer", "folds", "cycles",
            "compute", "stall", "util%", "map%", "MACs", "GMAC/s", "DRAM MB", "DRAM GB/s");
    if (in->total_energy) {
        char head[3][24];
        snprintf(head[0], sizeof head[0], "chip %sJ", u.energy.prefix);
        snprintf(head[1], sizeof head[1], "chip %s/W", u.ops);
        snprintf(head[2], sizeof head[2], "sys. %s/W", u.ops);
        fprintf(out, " %10s %9s %9s %12s %12s", head[0], "chip W", "system W", head[1], head[2]);
    }
    if (in->input_from)
        fprintf(out, " %-*s %s", u.from_width, "input from", "output to");
    fputc('\n', out);
    for (size_t l = 0; l < in->layer_count; l++)
        rpt_text_row(out, in, &u, in->layer_names[l], &in->layers[l], l, false);
    rpt_text_row(out, in, &u, "total", in->total, 0, true);
    const eng_counters *t = in->total;
    net_derived d;
    net_derive(cfg, t, &d);
    const char *ops = rpt_ops_key(cfg, "FLOPS", "OPS");
    fprintf(out, "\ntotal: %s cycles (%s at %.6g MHz), %s MACs, %s, utilization %.2f%%\n",
            rpt_fmt_count(n0, t->cycles), rpt_fmt_eng(e0, d.time_s, "s"), cfg->clock_mhz,
            rpt_fmt_count(n1, t->macs), rpt_fmt_eng(e1, d.gops * 1e9, ops), 100 * d.utilization);
    if (in->show_zeros) {
        char e2[RPT_ENG_BYTES];
        fprintf(out,
                "zero-operand MACs: %s of %s (%.2f%%, %s); %s dense-equivalent (every MAC), %s "
                "effective (non-zero MACs only)\n",
                rpt_fmt_count(n0, t->zero_macs), rpt_fmt_count(n1, t->macs),
                t->macs ? 100.0 * (double)t->zero_macs / (double)t->macs : 0,
                !strcmp(in->engine_name, "pe") ? "counted from the values"
                                                : "expected from the densities",
                rpt_fmt_eng(e0, d.gops * 1e9, ops), rpt_fmt_eng(e2, d.gops_nonzero * 1e9, ops));
    }
    rpt_text_stalls(out, in);
    if (in->total_energy)
        rpt_text_energy(out, in);
    fprintf(out, "PE registers: %s reads, %s writes\n", rpt_fmt_count(n0, t->reg_reads),
            rpt_fmt_count(n1, t->reg_writes));
    for (int op = 0; op < CFG_OPERANDS; op++)
        fprintf(out,
                "SRAM %-6s: %s reads, %s writes (elements); DRAM %s bytes read, %s bytes "
                "written\n",
                cfg_operand_name((cfg_operand)op), rpt_fmt_count(n0, t->sram_reads[op]),
                rpt_fmt_count(n1, t->sram_writes[op]), rpt_fmt_count(e0, t->dram_read_bytes[op]),
                rpt_fmt_count(e1, t->dram_write_bytes[op]));
    if (in->show_zeros || cfg->zero_skipping || cfg->nm_m || cfg->cmp_format != CFG_CMP_NONE)
        rpt_text_savings(out, in);
    if (!cfg->hierarchy_given)
        return;
    /* the hierarchy: per level and operand, elements read and written, and stalls */
    fprintf(out, "\n%-14s %-7s %15s %15s %15s %15s %15s %15s %13s\n", "level", "kind",
            "ifmap reads", "ifmap writes", "filter reads", "filter writes", "ofmap reads",
            "ofmap writes", "stall cycles");
    for (uint32_t i = 0; i < cfg->level_count; i++) {
        const cfg_level *lv = &cfg->levels[i];
        fprintf(out, "%-14.14s %-7s", lv->name, cfg_level_kind_name(lv->kind));
        for (int op = 0; op < CFG_OPERANDS; op++) {
            if (lv->part[op].held)
                fprintf(out, " %15s %15s", rpt_fmt_count(n0, t->level_reads[i][op]),
                        rpt_fmt_count(n1, t->level_writes[i][op]));
            else
                fprintf(out, " %15s %15s", "-", "-");
        }
        fprintf(out, " %13s\n", rpt_fmt_count(n0, t->stall_cycles_level[i]));
    }
    char n2[RPT_COUNT_BYTES], n3[RPT_COUNT_BYTES], n4[RPT_COUNT_BYTES];
    fprintf(out, "%-14s %-7s %15s %15s %15s %15s %15s %15s %13s  (bytes)\n", "dram",
            cfg_dram_type_name(cfg->dram.type), rpt_fmt_count(n0, t->dram_read_bytes[CFG_IFMAP]),
            "-", rpt_fmt_count(n1, t->dram_read_bytes[CFG_FILTER]), "-",
            rpt_fmt_count(n2, t->dram_read_bytes[CFG_OFMAP]),
            rpt_fmt_count(n3, t->dram_write_bytes[CFG_OFMAP]),
            rpt_fmt_count(n4, t->stall_cycles_level[CFG_MAX_LEVELS]));
    if (in->layer_mappings) {
        fprintf(out, "\nmappings (DRAM loop order, then per level outermost first: [tile] and "
                     "the loop order inside it; sim/mapping/tl.h):\n");
        for (size_t l = 0; l < in->layer_count; l++)
            if (in->layer_mappings[l])
                fprintf(out, "%-20s %s\n", in->layer_names[l], in->layer_mappings[l]);
    }
}

int rpt_write(FILE *out, rpt_format fmt, const rpt_input *in, fw_err *err)
{
    switch (fmt) {
    case RPT_TEXT:
        rpt_text(out, in);
        break;
    case RPT_JSON:
        rpt_json(out, in);
        break;
    case RPT_CSV:
        rpt_csv(out, in);
        break;
    }
    if (fflush(out) != 0 || ferror(out))
        return fw_err_set(err, FW_EXIT_IO, "write error on the report");
    return 0;
}
