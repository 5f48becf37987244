/* rpt: text, JSON and CSV reports of engine counters (see rpt.h). */
#include "common/fw_io.h"
#include "report/rpt.h"

#include <inttypes.h>
#include <string.h>

const char *rpt_ops_key(const cfg_accel *cfg, const char *if_float, const char *if_int)
{
    return nx_fmt_get(cfg->mac.input)->is_float ? if_float : if_int;
}

/* The integer fields in output order: key (JSON / CSV) and offset. */
typedef struct rpt_field {
    const char *key;
    size_t offset;
} rpt_field;

#define RPT_F(key, field)                                                                          \
    {                                                                                              \
        key, offsetof(eng_counters, field)                                                         \
    }
static const rpt_field rpt_fields[] = {
    RPT_F("cycles", cycles),
    RPT_F("compute_cycles", compute_cycles),
    RPT_F("stall_cycles", stall_cycles),
    RPT_F("stall_ifmap_cycles", stall_cycles_by[CFG_IFMAP]),
    RPT_F("stall_filter_cycles", stall_cycles_by[CFG_FILTER]),
    RPT_F("stall_ofmap_cycles", stall_cycles_by[CFG_OFMAP]),
    RPT_F("folds", folds),
    RPT_F("macs", macs),
    RPT_F("pe_slots", pe_slots),
    RPT_F("reg_reads", reg_reads),
    RPT_F("reg_writes", reg_writes),
    RPT_F("sram_ifmap_reads", sram_reads[CFG_IFMAP]),
    RPT_F("sram_ifmap_writes", sram_writes[CFG_IFMAP]),
    RPT_F("sram_filter_reads", sram_reads[CFG_FILTER]),
    RPT_F("sram_filter_writes", sram_writes[CFG_FILTER]),
    RPT_F("sram_ofmap_reads", sram_reads[CFG_OFMAP]),
    RPT_F("sram_ofmap_writes", sram_writes[CFG_OFMAP]),
    RPT_F("dram_ifmap_read_bytes", dram_read_bytes[CFG_IFMAP]),
    RPT_F("dram_filter_read_bytes", dram_read_bytes[CFG_FILTER]),
    RPT_F("dram_ofmap_read_bytes", dram_read_bytes[CFG_OFMAP]),
    RPT_F("dram_ofmap_write_bytes", dram_write_bytes[CFG_OFMAP]),
    RPT_F("zero_macs", zero_macs),
};
#define RPT_NFIELDS (sizeof rpt_fields / sizeof rpt_fields[0])

static uint64_t rpt_get(const eng_counters *c, size_t i)
{
    uint64_t v;
    memcpy(&v, (const char *)c + rpt_fields[i].offset, sizeof v);
    return v;
}

/* Derived fields: key and value. */
#define RPT_NDERIVED 7
static void rpt_derived_list(const cfg_accel *cfg, const net_derived *d,
                             const char *keys[RPT_NDERIVED], double vals[RPT_NDERIVED])
{
    const char *k[RPT_NDERIVED] = {"utilization",
                                   "mapping_efficiency",
                                   "time_s",
                                   "gmacs_per_s",
                                   rpt_ops_key(cfg, "gflops", "gops"),
                                   "dram_gbps",
                                   rpt_ops_key(cfg, "gflops_nonzero", "gops_nonzero")};
    double v[RPT_NDERIVED] = {d->utilization, d->mapping_efficiency, d->time_s, d->gmacs_per_s,
                              d->gops,        d->dram_gbps,          d->gops_nonzero};
    memcpy(keys, k, sizeof k);
    memcpy(vals, v, sizeof v);
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
    for (size_t i = 0; i < RPT_NFIELDS; i++)
        fprintf(out, "%s  \"%s\": %" PRIu64 ",\n", indent, rpt_fields[i].key, rpt_get(c, i));
    if (in->cfg->hierarchy_given)
        rpt_json_levels(out, in, c, layer, is_total, indent);
    const char *keys[RPT_NDERIVED];
    double vals[RPT_NDERIVED];
    rpt_derived_list(in->cfg, &d, keys, vals);
    for (size_t i = 0; i < RPT_NDERIVED; i++)
        fprintf(out, "%s  \"%s\": %.9g%s\n", indent, keys[i], vals[i],
                i + 1 < RPT_NDERIVED || in->extra_count ? "," : "");
    for (size_t e = 0; e < in->extra_count; e++) {
        const rpt_column *col = &in->extra[e];
        fprintf(out, "%s  \"%s\": %.9g%s\n", indent, col->key,
                is_total ? col->total : col->per_layer[layer], e + 1 < in->extra_count ? "," : "");
    }
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
    fprintf(out, ",\n  \"engine\": \"%s\",\n  \"ideal_memory\": %s,\n  \"layers\": [",
            in->engine_name, in->ideal_memory ? "true" : "false");
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
    for (size_t i = 0; i < RPT_NFIELDS; i++)
        fprintf(out, ",%" PRIu64, rpt_get(c, i));
    const char *keys[RPT_NDERIVED];
    double vals[RPT_NDERIVED];
    rpt_derived_list(in->cfg, &d, keys, vals);
    for (size_t i = 0; i < RPT_NDERIVED; i++)
        fprintf(out, ",%.9g", vals[i]);
    for (size_t e = 0; e < in->extra_count; e++)
        fprintf(out, ",%.9g", is_total ? in->extra[e].total : in->extra[e].per_layer[layer]);
    if (in->input_from)
        fprintf(out, ",%s,%s", is_total ? "" : in->input_from[layer],
                is_total ? "" : in->output_to[layer]);
    fputc('\n', out);
}

static void rpt_csv(FILE *out, const rpt_input *in)
{
    const rpt_provenance *p = in->prov;
    if (p) { /* '#' lines before the header: skip them to read the table */
        fprintf(out, "# flopwatt %s run, engine %s%s, batch %u, seed %" PRIu64 "\n# config %s",
                p->version, in->engine_name, in->ideal_memory ? " (ideal memory)" : "", p->batch,
                p->seed, p->config_path);
        for (size_t i = 0; i < p->set_count; i++)
            fprintf(out, " --set %s", p->sets[i]);
        fprintf(out, ": %s\n# workload %s fnv64 %016" PRIx64 "\n", p->config_resolved,
                p->workload_path, p->workload_fnv64);
    }
    fprintf(out, "layer");
    for (size_t i = 0; i < RPT_NFIELDS; i++)
        fprintf(out, ",%s", rpt_fields[i].key);
    net_derived d0;
    memset(&d0, 0, sizeof d0);
    const char *keys[RPT_NDERIVED];
    double vals[RPT_NDERIVED];
    rpt_derived_list(in->cfg, &d0, keys, vals);
    for (size_t i = 0; i < RPT_NDERIVED; i++)
        fprintf(out, ",%s", keys[i]);
    for (size_t e = 0; e < in->extra_count; e++)
        fprintf(out, ",%s", in->extra[e].key);
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

/* Text width of an extra column: 12, or its header's length when longer. */
static int rpt_extra_width(const rpt_column *col)
{
    size_t n = strlen(col->header);
    return n > 12 ? (int)n : 12;
}

static void rpt_text_row(FILE *out, const rpt_input *in, const char *name, const eng_counters *c,
                         size_t layer, bool is_total)
{
    net_derived d;
    net_derive(in->cfg, c, &d);
    uint64_t dram = 0;
    for (int op = 0; op < CFG_OPERANDS; op++)
        dram += c->dram_read_bytes[op] + c->dram_write_bytes[op];
    fprintf(out,
            "%-20.20s %8" PRIu64 " %12" PRIu64 " %12" PRIu64 " %11" PRIu64 " %6.1f %6.1f %14" PRIu64
            " %9.1f %11.3f %8.2f",
            name, c->folds, c->cycles, c->compute_cycles, c->stall_cycles, 100 * d.utilization,
            100 * d.mapping_efficiency, c->macs, d.gmacs_per_s, (double)dram / 1e6, d.dram_gbps);
    for (size_t e = 0; e < in->extra_count; e++)
        if (in->extra[e].text)
            fprintf(out, " %*.6g", rpt_extra_width(&in->extra[e]),
                    in->extra[e].scale *
                        (is_total ? in->extra[e].total : in->extra[e].per_layer[layer]));
    if (in->input_from && !is_total)
        fprintf(out, " %-10s %s", in->input_from[layer], in->output_to[layer]);
    fputc('\n', out);
}

static void rpt_text(FILE *out, const rpt_input *in)
{
    const cfg_accel *cfg = in->cfg;
    fprintf(out,
            "%s: %ux%u %s array, %s schedule, %s x %s -> %s, %.6g MHz; workload %s; "
            "engine %s%s\n",
            cfg->name, cfg->rows, cfg->cols, cfg_dataflow_name(cfg->dataflow),
            cfg_schedule_name(cfg->schedule), nx_fmt_get(cfg->mac.input)->name,
            nx_fmt_get(cfg->mac.input)->name, nx_fmt_get(cfg->mac.accumulator)->name,
            cfg->clock_mhz, in->workload_name, in->engine_name,
            in->ideal_memory ? ", ideal memory" : "");
    fprintf(out, "outputs %s; SRAM", nx_fmt_get(cfg->output)->name);
    for (int op = 0; op < CFG_OPERANDS; op++)
        fprintf(out, "%s %s %" PRIu64 " B%s", op ? "," : "", cfg_operand_name((cfg_operand)op),
                cfg->sram[op].size_bytes, cfg->sram[op].double_buffered ? " (2 halves)" : "");
    fprintf(out, "; DRAM %s %.6g GB/s%s, %u cycles latency\n\n", cfg_dram_type_name(cfg->dram.type),
            cfg->dram.bandwidth_gbps, cfg->dram.bandwidth_gbps == 0 ? " (unlimited)" : "",
            cfg->dram.latency_cycles);
    fprintf(out, "%-20s %8s %12s %12s %11s %6s %6s %14s %9s %11s %8s", "layer", "folds", "cycles",
            "compute", "stall", "util%", "map%", "MACs", "GMAC/s", "DRAM MB", "DRAM GB/s");
    for (size_t e = 0; e < in->extra_count; e++)
        if (in->extra[e].text)
            fprintf(out, " %*s", rpt_extra_width(&in->extra[e]), in->extra[e].header);
    if (in->input_from)
        fprintf(out, " %-10s %s", "input from", "output to");
    fputc('\n', out);
    for (size_t l = 0; l < in->layer_count; l++)
        rpt_text_row(out, in, in->layer_names[l], &in->layers[l], l, false);
    rpt_text_row(out, in, "total", in->total, 0, true);
    const eng_counters *t = in->total;
    net_derived d;
    net_derive(cfg, t, &d);
    fprintf(out,
            "\ntotal: %" PRIu64 " cycles (%.6g ms at %.6g MHz), %" PRIu64 " MACs, %.4g %s, "
            "utilization %.2f%%\n",
            t->cycles, d.time_s * 1e3, cfg->clock_mhz, t->macs, d.gops,
            rpt_ops_key(cfg, "GFLOPS", "GOPS"), 100 * d.utilization);
    if (in->show_zeros)
        fprintf(out,
                "zero-operand MACs: %" PRIu64 " of %" PRIu64 " (%.2f%%, %s); %.4g %s "
                "dense-equivalent (every MAC), %.4g %s effective (non-zero MACs only)\n",
                t->zero_macs, t->macs, t->macs ? 100.0 * (double)t->zero_macs / (double)t->macs : 0,
                !strcmp(in->engine_name, "pe") ? "counted from the values"
                                                : "expected from the densities",
                d.gops, rpt_ops_key(cfg, "GFLOPS", "GOPS"), d.gops_nonzero,
                rpt_ops_key(cfg, "GFLOPS", "GOPS"));
    fprintf(out, "stalls: ifmap %" PRIu64 ", filter %" PRIu64 ", ofmap %" PRIu64 " cycles\n",
            t->stall_cycles_by[CFG_IFMAP], t->stall_cycles_by[CFG_FILTER],
            t->stall_cycles_by[CFG_OFMAP]);
    for (size_t e = 0; e < in->extra_count; e++)
        fprintf(out, "%s%s %.6g%s", e ? ", " : "", in->extra[e].header,
                in->extra[e].scale * in->extra[e].total, e + 1 == in->extra_count ? "\n" : "");
    fprintf(out, "PE registers: %" PRIu64 " reads, %" PRIu64 " writes\n", t->reg_reads,
            t->reg_writes);
    for (int op = 0; op < CFG_OPERANDS; op++)
        fprintf(out,
                "SRAM %-6s: %" PRIu64 " reads, %" PRIu64 " writes (elements); DRAM %" PRIu64
                " bytes read, %" PRIu64 " bytes written\n",
                cfg_operand_name((cfg_operand)op), t->sram_reads[op], t->sram_writes[op],
                t->dram_read_bytes[op], t->dram_write_bytes[op]);
    if (!cfg->hierarchy_given)
        return;
    /* the hierarchy: per level and operand, elements read and written, and stalls */
    fprintf(out, "\n%-10s %-7s %14s %14s %14s %14s %14s %14s %12s\n", "level", "kind",
            "ifmap reads", "ifmap writes", "filter reads", "filter writes", "ofmap reads",
            "ofmap writes", "stall cyc");
    for (uint32_t i = 0; i < cfg->level_count; i++) {
        const cfg_level *lv = &cfg->levels[i];
        fprintf(out, "%-10.10s %-7s", lv->name, cfg_level_kind_name(lv->kind));
        for (int op = 0; op < CFG_OPERANDS; op++) {
            if (lv->part[op].held)
                fprintf(out, " %14" PRIu64 " %14" PRIu64, t->level_reads[i][op],
                        t->level_writes[i][op]);
            else
                fprintf(out, " %14s %14s", "-", "-");
        }
        fprintf(out, " %12" PRIu64 "\n", t->stall_cycles_level[i]);
    }
    fprintf(out, "%-10s %-7s %14" PRIu64 " %14s %14" PRIu64 " %14s %14" PRIu64 " %14" PRIu64
                 " %12" PRIu64 "  (bytes)\n",
            "dram", cfg_dram_type_name(cfg->dram.type), t->dram_read_bytes[CFG_IFMAP], "-",
            t->dram_read_bytes[CFG_FILTER], "-", t->dram_read_bytes[CFG_OFMAP],
            t->dram_write_bytes[CFG_OFMAP], t->stall_cycles_level[CFG_MAX_LEVELS]);
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
