/* flopwatt ceiling: energy-efficiency ceilings per process node and MAC precision, as a ladder
 * (sim/energy/en_ladder.h): arithmetic -> +registers -> +sram -> +dram -> +leakage_clock, and,
 * with --config/--workload, the efficiency achieved by the simulated accelerator on the
 * workload. Also the published comparison points (GPUs, the often-quoted 65 nm fp32 figure)
 * and, with --target-gflops-per-w, the supply at which the arithmetic ceiling reaches a target
 * (GSL Brent root finding, tech_vdd_for_scale) and whether it is plausible for the node.
 * Technology data: embedded, or FLOPWATT_DATA=DIR. Output is a pure function of the inputs.
 */
#include "common/fw_io.h"
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "config/cfg.h"
#include "energy/en.h"
#include "energy/en_ladder.h"
#include "tech/tech.h"
#include "workload/wl.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CEIL_MAX_ENTRIES (TECH_MAX_NODES * NX_FMT_COUNT)

typedef struct ceil_entry {
    tech_point pt;
    nx_fmt in, acc;
    en_rung rungs[EN_LADDER_RUNGS];
    bool has_achieved;
    en_breakdown achieved;
    double utilization;
    bool has_target;
    double target_vdd_v;
    bool target_reachable, target_plausible;
    char target_msg[FW_ERR_MSG_BYTES];
} ceil_entry;

typedef struct ceil_opts {
    double nodes_nm[TECH_MAX_NODES]; /* --node values; none = default set */
    size_t node_count;
    nx_fmt in[NX_FMT_COUNT], acc[NX_FMT_COUNT]; /* --precision values; none = default set */
    size_t prec_count;
    double vdd_v; /* 0 = nominal */
    const char *config, *workload;
    bool json;
    double target; /* 0 = none */
} ceil_opts;

static void ceil_usage(FILE *out)
{
    fprintf(
        out,
        "usage: flopwatt ceiling [--node NM] [--precision IN[/ACC]] [--vdd V]\n"
        "                        [--config C --workload W] [--target-gflops-per-w X] [--json]\n"
        "  --node NM        process node in nm, repeatable, or 'all' (default: 90, 65, 28)\n"
        "  --precision P    MAC input format, optionally /accumulator, repeatable (default:\n"
        "                   int8, fp16, bf16, fp32; accumulators from assumptions.json)\n"
        "  --vdd V          supply voltage in V (default: the node's nominal supply)\n"
        "  --config C --workload W\n"
        "                   also simulate W on C (fast engine) and add the achieved rung;\n"
        "                   node, precision and supply then come from the config\n"
        "  --target-gflops-per-w X\n"
        "                   solve for the supply at which the arithmetic ceiling reaches X\n"
        "  --json           machine-readable list of entries\n"
        "  --tech FILE      apply a calibration overlay (flopwatt calibrate --out)\n"
        "  FLOPWATT_DATA=DIR  read the technology data from DIR instead of the built-in copy\n");
}

static int ceil_num(const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v <= 0) {
        fprintf(stderr, "flopwatt ceiling: %s: bad value '%s' (a positive number)\n", opt, s);
        return FW_EXIT_INPUT;
    }
    *out = v;
    return 0;
}

/* --node NM (repeatable) or --node all: every usable node of the data, largest first. */
static int ceil_nodes(const tech_lib *lib, const char *v, ceil_opts *o)
{
    if (!strcmp(v, "all")) {
        o->node_count = 0;
        for (size_t i = 0; i < lib->node_count; i++)
            if (lib->nodes[i].method != TECH_NODE_EXCLUDED)
                o->nodes_nm[o->node_count++] = lib->nodes[i].node_nm;
        return 0;
    }
    if (o->node_count == TECH_MAX_NODES) {
        fprintf(stderr, "flopwatt ceiling: --node: at most %d\n", TECH_MAX_NODES);
        return FW_EXIT_INPUT;
    }
    return ceil_num("--node", v, &o->nodes_nm[o->node_count++]);
}

static int ceil_precision(const tech_lib *lib, const char *s, nx_fmt *in, nx_fmt *acc)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *slash = strchr(buf, '/');
    if (slash)
        *slash++ = '\0';
    if (nx_fmt_from_name(buf, in) != 0 || *in == NX_INT32 || *in == NX_INT48) {
        fprintf(stderr, "flopwatt ceiling: --precision: unknown input format '%s'\n", buf);
        return FW_EXIT_INPUT;
    }
    if (slash) {
        if (nx_fmt_from_name(slash, acc) != 0) {
            fprintf(stderr, "flopwatt ceiling: --precision: unknown accumulator format '%s'\n",
                    slash);
            return FW_EXIT_INPUT;
        }
        if (nx_fmt_get(*acc)->is_float != nx_fmt_get(*in)->is_float) {
            fprintf(stderr, "flopwatt ceiling: --precision: %s inputs cannot accumulate in %s\n",
                    buf, slash);
            return FW_EXIT_INPUT;
        }
    } else {
        *acc = lib->default_acc[*in];
        if (*acc == NX_FMT_COUNT) {
            fprintf(stderr,
                    "flopwatt ceiling: --precision: no default accumulator for %s; "
                    "give IN/ACC\n",
                    buf);
            return FW_EXIT_INPUT;
        }
    }
    return 0;
}

/* Fills the target fields: the supply where the arithmetic ceiling reaches opts->target. */
static void ceil_target(const tech_lib *lib, ceil_entry *e, double target)
{
    const tech_arith *mul = &lib->arith[e->in][TECH_MUL], *add = &lib->arith[e->acc][TECH_ADD];
    double mac45 = mul->energy_pj + add->energy_pj;
    double scale = (2000.0 / target) / mac45;
    fw_err err;
    e->has_target = true;
    e->target_reachable = tech_vdd_for_scale(lib, e->pt.node, scale, &e->target_vdd_v, &err) == 0;
    double nom = e->pt.node->nominal_vdd_v;
    e->target_plausible = e->target_reachable && e->target_vdd_v >= lib->vdd_min_rel * nom &&
                          e->target_vdd_v <= lib->vdd_max_rel * nom;
    snprintf(e->target_msg, sizeof e->target_msg, "%s", e->target_reachable ? "" : err.msg);
}

static const char *ceil_unit(nx_fmt in)
{
    return nx_fmt_get(in)->is_float ? "GFLOPS/W" : "GOPS/W";
}

static void ceil_text(FILE *out, const tech_lib *lib, const ceil_entry *es, size_t n,
                      const ceil_opts *o)
{
    fprintf(out, "flopwatt ceiling: energy-efficiency ceilings (1 MAC = 2 FLOPs, or 2 ops for "
                 "integer formats)\n");
    fprintf(out, "Each column adds one level to the previous one; figures in GFLOPS/W (GOPS/W "
                 "for integer inputs).\n\n");
    fprintf(out, "%-21s %-8s %-14s %10s %11s %11s %11s %11s %15s", "node", "supply", "precision",
            "MAC pJ", "arithmetic", "+registers", "+sram", "+dram", "+leakage_clock");
    bool any_ach = false;
    for (size_t i = 0; i < n; i++)
        any_ach |= es[i].has_achieved;
    fprintf(out, any_ach ? " %11s\n" : "\n", "achieved");
    for (size_t i = 0; i < n; i++) {
        const ceil_entry *e = &es[i];
        char node[32], prec[32], vdd[16];
        snprintf(node, sizeof node, "%g nm (%s)", e->pt.node->node_nm,
                 tech_node_method_name(e->pt.node->method));
        snprintf(prec, sizeof prec, "%s->%s", nx_fmt_get(e->in)->name, nx_fmt_get(e->acc)->name);
        snprintf(vdd, sizeof vdd, "%.3g V", e->pt.vdd_v);
        fprintf(out, "%-21s %-8s %-14s %10.4g", node, vdd, prec, e->rungs[0].pj_per_mac);
        for (int r = 0; r < EN_LADDER_RUNGS; r++)
            fprintf(out, r == EN_LADDER_RUNGS - 1 ? " %15.4g" : " %11.4g",
                    e->rungs[r].gflops_per_w);
        if (e->has_achieved)
            fprintf(out, " %11.4g", e->achieved.gops_per_w_system);
        fprintf(out, "\n");
    }
    if (any_ach) {
        for (size_t i = 0; i < n; i++)
            if (es[i].has_achieved)
                fprintf(out,
                        "\nachieved: %s on %s: %.4g pJ/MAC over the whole run, utilization "
                        "%.1f%%, %.4g W, %.4g mm2 (flopwatt run gives the per-layer figures)\n",
                        o->workload, o->config, es[i].achieved.pj_per_mac_system,
                        100 * es[i].utilization, es[i].achieved.power_system_w,
                        es[i].achieved.area_mm2);
    } else {
        fprintf(out, "\nachieved rung: absent (give --config C --workload W to simulate a "
                     "workload)\n");
    }

    if (o->target > 0) {
        fprintf(out,
                "\nsupply for an arithmetic ceiling of %g GFLOPS/W (plausible: %.2g to %.3g "
                "x nominal, %s):\n",
                o->target, lib->vdd_min_rel, lib->vdd_max_rel, lib->vdd_range_source);
        for (size_t i = 0; i < n; i++) {
            const ceil_entry *e = &es[i];
            double nom = e->pt.node->nominal_vdd_v;
            fprintf(out, "  %g nm %s->%s: ", e->pt.node->node_nm, nx_fmt_get(e->in)->name,
                    nx_fmt_get(e->acc)->name);
            if (e->target_reachable)
                fprintf(out, "%.4g V (%.2f x nominal %.3g V): %s\n", e->target_vdd_v,
                        e->target_vdd_v / nom, nom,
                        e->target_plausible ? "plausible" : "NOT plausible for the node");
            else
                fprintf(out, "%s\n", e->target_msg);
        }
    }

    /* the often-quoted ceiling next to the model's figure at the same node and precision */
    tech_point q;
    fw_err err;
    if (tech_point_init(lib, lib->quoted_node_nm, 0, &q, &err) == 0) {
        nx_fmt p = lib->quoted_precision;
        double mul = tech_op_pj(&q, p, TECH_MUL), mac = tech_mac_pj(&q, p, p);
        fprintf(out,
                "\nquoted: %g GFLOPS/W for %s at %g nm (%s)\n"
                "  model at %g nm, %.3g V: %s multiply %.4g pJ -> %.4g GFLOPS/W counting the "
                "multiply as 1 FLOP, %.4g counting 2;\n"
                "  %s MAC (multiply + add) %.4g pJ -> %.4g GFLOPS/W, %.2fx the quoted figure\n",
                lib->quoted_gflops_per_w, nx_fmt_get(p)->name, lib->quoted_node_nm,
                lib->quoted_source, q.node->node_nm, q.vdd_v, nx_fmt_get(p)->name, mul, 1000 / mul,
                2000 / mul, nx_fmt_get(p)->name, mac, en_gflops_per_w(mac),
                en_gflops_per_w(mac) / lib->quoted_gflops_per_w);
        double v;
        double scale = (2000.0 / lib->quoted_gflops_per_w) /
                       (lib->arith[p][TECH_MUL].energy_pj + lib->arith[p][TECH_ADD].energy_pj);
        if (tech_vdd_for_scale(lib, q.node, scale, &v, &err) == 0)
            fprintf(out, "  the model's %s MAC reaches it at %.4g V\n", nx_fmt_get(p)->name, v);
        else
            fprintf(out, "  the model's %s MAC cannot reach it: %s\n", nx_fmt_get(p)->name,
                    err.msg);
    }

    fprintf(out, "\nGPU reference points (datasheet peak / board TDP; whole chips, not "
                 "ceilings):\n");
    for (size_t i = 0; i < lib->gpu_count; i++) {
        const tech_gpu *g = &lib->gpus[i];
        fprintf(out, "  %-30s %3g nm  %-5s %6.4g TFLOPS  %4g W  %6.3g GFLOPS/W  (%s)\n", g->name,
                g->node_nm, nx_fmt_get(g->precision)->name, g->peak_tflops, g->tdp_w,
                g->peak_tflops * 1000 / g->tdp_w, g->source);
    }

    fprintf(out, "\nsources:\n");
    bool seen[NX_FMT_COUNT][TECH_OPS] = {{false}};
    for (size_t i = 0; i < n; i++) {
        nx_fmt f[2] = {es[i].in, es[i].acc};
        tech_op op[2] = {TECH_MUL, TECH_ADD};
        for (int k = 0; k < 2; k++) {
            if (seen[f[k]][op[k]])
                continue;
            seen[f[k]][op[k]] = true;
            const tech_arith *a = &lib->arith[f[k]][op[k]];
            fprintf(out, "  %s %s: %.4g pJ at %g nm / %g V: %s\n", nx_fmt_get(f[k])->name,
                    op[k] == TECH_MUL ? "multiply" : "add", a->energy_pj, lib->ref_node_nm,
                    lib->ref_vdd_v, a->source);
        }
    }
    double last = -1;
    for (size_t i = 0; i < n; i++) {
        const tech_node *nd = es[i].pt.node;
        if (nd->node_nm == last)
            continue;
        last = nd->node_nm;
        fprintf(out, "  %g nm (%s), energy x%.4g of 45 nm / 0.9 V at %.3g V: %s\n", nd->node_nm,
                tech_node_method_name(nd->method), es[i].pt.energy_scale, es[i].pt.vdd_v,
                nd->source);
    }
    const tech_ladder *l = &lib->ladder;
    fprintf(out,
            "  +registers: %g input + %g accumulator reads, %g input + %g accumulator writes per "
            "MAC at %.4g pJ/bit (45 nm): %s; %s\n",
            l->reg_input_reads_per_mac, l->reg_acc_reads_per_mac, l->reg_input_writes_per_mac,
            l->reg_acc_writes_per_mac, lib->reg_pj_per_bit_45, l->reg_source, lib->reg_source);
    fprintf(out,
            "  +sram: %g input-element reads and %g accumulator-element writes per MAC: %s; "
            "buffer %g bytes x %g-bit words: %s\n",
            l->sram_input_reads_per_mac, l->sram_acc_writes_per_mac, l->sram_source,
            l->sram_capacity_bytes, l->sram_word_bits, l->sram_size_source);
    const tech_dram *d = tech_dram_find(lib, l->dram_type);
    fprintf(out, "  +dram: %g input elements per MAC: %s; %s at %g pJ/bit: %s\n",
            l->dram_input_elements_per_mac, l->dram_source, l->dram_type, d ? d->pj_per_bit : 0,
            d ? d->source : "");
    fprintf(out, "  +leakage_clock: leakage %g and clock %g x the PE energy: %s; %s\n",
            lib->leak_fraction, lib->clock_fraction, lib->leak_source, lib->clock_source);
    fprintf(out, "  (models/tech/README.md explains every number)\n");
}

static void ceil_json(FILE *out, const ceil_entry *es, size_t n)
{
    fprintf(out, "[\n");
    for (size_t i = 0; i < n; i++) {
        const ceil_entry *e = &es[i];
        fprintf(out,
                "  {\"node_nm\": %.6g, \"node_method\": \"%s\", \"precision\": \"%s\", "
                "\"accumulator\": \"%s\", \"vdd_v\": %.6g, \"mac_energy_pj\": %.6g,\n"
                "   \"unit\": \"%s\",\n   \"ladder\": [",
                e->pt.node->node_nm, tech_node_method_name(e->pt.node->method),
                nx_fmt_get(e->in)->name, nx_fmt_get(e->acc)->name, e->pt.vdd_v,
                e->rungs[0].pj_per_mac, ceil_unit(e->in));
        for (int r = 0; r < EN_LADDER_RUNGS; r++)
            fprintf(
                out, "%s\n     {\"level\": \"%s\", \"pj_per_mac\": %.6g, \"gflops_per_w\": %.6g}",
                r ? "," : "", e->rungs[r].level, e->rungs[r].pj_per_mac, e->rungs[r].gflops_per_w);
        if (e->has_achieved)
            fprintf(out,
                    ",\n     {\"level\": \"achieved\", \"pj_per_mac\": %.6g, \"gflops_per_w\": "
                    "%.6g, \"utilization\": %.6g}",
                    e->achieved.pj_per_mac_system, e->achieved.gops_per_w_system, e->utilization);
        fprintf(out, "]");
        if (e->has_target) {
            fprintf(out, ",\n   \"target\": {\"reachable\": %s, \"vdd_v\": %.6g, \"plausible\": %s",
                    e->target_reachable ? "true" : "false", e->target_vdd_v,
                    e->target_plausible ? "true" : "false");
            if (!e->target_reachable) {
                fprintf(out, ", \"reason\": ");
                fw_json_write_string(out, e->target_msg);
            }
            fprintf(out, "}");
        }
        fprintf(out, "}%s\n", i + 1 < n ? "," : "");
    }
    fprintf(out, "]\n");
}

static int ceil_add(const tech_lib *lib, double node_nm, double vdd_v, nx_fmt in, nx_fmt acc,
                    ceil_entry *e, fw_err *err)
{
    memset(e, 0, sizeof *e);
    int rc = tech_point_init(lib, node_nm, vdd_v, &e->pt, err);
    if (rc)
        return rc;
    e->in = in;
    e->acc = acc;
    en_ladder(&e->pt, in, acc, e->rungs);
    return 0;
}

static int ceil_parse(int argc, char **argv, const tech_lib *lib, ceil_opts *o)
{
    int rc;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_val = i + 1 < argc;
        if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            ceil_usage(stdout);
            return -1;
        } else if (!has_val || (strcmp(a, "--node") && strcmp(a, "--precision") &&
                                strcmp(a, "--vdd") && strcmp(a, "--config") &&
                                strcmp(a, "--workload") && strcmp(a, "--target-gflops-per-w") &&
                                strcmp(a, "--tech"))) {
            fprintf(stderr, "flopwatt ceiling: %s: %s\n", a,
                    has_val || a[0] != '-' ? "unknown argument" : "missing value");
            ceil_usage(stderr);
            return FW_EXIT_INPUT;
        } else {
            const char *v = argv[++i];
            if (!strcmp(a, "--node") && (rc = ceil_nodes(lib, v, o)))
                return rc;
            if (!strcmp(a, "--vdd") && (rc = ceil_num(a, v, &o->vdd_v)))
                return rc;
            if (!strcmp(a, "--target-gflops-per-w") && (rc = ceil_num(a, v, &o->target)))
                return rc;
            if (!strcmp(a, "--precision")) {
                if (o->prec_count == NX_FMT_COUNT) {
                    fprintf(stderr, "flopwatt ceiling: --precision: at most %d\n", NX_FMT_COUNT);
                    return FW_EXIT_INPUT;
                }
                if ((rc = ceil_precision(lib, v, &o->in[o->prec_count], &o->acc[o->prec_count])))
                    return rc;
                o->prec_count++;
            }
            if (!strcmp(a, "--config"))
                o->config = v;
            if (!strcmp(a, "--workload"))
                o->workload = v;
        }
    }
    if (!o->config != !o->workload) {
        fprintf(stderr, "flopwatt ceiling: --config and --workload go together\n");
        return FW_EXIT_INPUT;
    }
    if (o->config && (o->node_count || o->prec_count || o->vdd_v > 0)) {
        fprintf(stderr, "flopwatt ceiling: with --config, node, precision and supply come from "
                        "the config (drop --node/--precision/--vdd)\n");
        return FW_EXIT_INPUT;
    }
    return 0;
}

/* Adds the entry of a config and its achieved rung on a workload. */
static int ceil_config(const tech_lib *lib, const ceil_opts *o, ceil_entry *e)
{
    cfg_accel cfg;
    wl_workload *wl = NULL;
    en_costs k;
    eng_counters total;
    fw_err err;
    int rc;
    if ((rc = cfg_load(o->config, NULL, 0, &cfg, &err)) ||
        (rc = wl_load(o->workload, 0, &wl, &err)) ||
        (rc = en_costs_init(lib, &cfg, &k, &err) ? fw_err_prefix(&err, "%s", o->config) : 0) ||
        (rc = ceil_add(lib, cfg.tech.node_nm, cfg.tech.vdd_v, cfg.mac.input, cfg.mac.accumulator, e,
                       &err)) ||
        (rc = en_achieved(&k, &cfg, wl, &total, &e->achieved, &err))) {
        fprintf(stderr, "flopwatt ceiling: %s\n", err.msg);
        wl_destroy(wl);
        return rc;
    }
    e->has_achieved = true;
    e->utilization = total.cycles ? (double)total.macs /
                                        ((double)cfg.rows * (double)cfg.cols * (double)total.cycles)
                                  : 0;
    wl_destroy(wl);
    return 0;
}

int cmd_ceiling(int argc, char **argv)
{
    tech_lib *lib;
    fw_err err;
    int rc = tech_load(getenv("FLOPWATT_DATA"), &lib, &err);
    if (rc) {
        fprintf(stderr, "flopwatt ceiling: %s\n", err.msg);
        return rc;
    }
    /* --tech FILE first: every rung is priced with the overlay */
    for (int i = 1; i + 1 < argc && !rc; i++)
        if (!strcmp(argv[i], "--tech") && (rc = tech_overlay_apply(lib, argv[++i], &err)))
            fprintf(stderr, "flopwatt ceiling: %s\n", err.msg);
    if (rc) {
        tech_destroy(lib);
        return rc;
    }
    ceil_opts o = {0};
    rc = ceil_parse(argc, argv, lib, &o);
    if (rc) {
        tech_destroy(lib);
        return rc < 0 ? 0 : rc;
    }
    static const double def_nodes[] = {90, 65, 28};
    static const nx_fmt def_prec[] = {NX_INT8, NX_FP16, NX_BF16, NX_FP32};
    ceil_entry *es = calloc(CEIL_MAX_ENTRIES, sizeof *es);
    size_t n = 0;
    if (!es) {
        tech_destroy(lib);
        fprintf(stderr, "flopwatt ceiling: out of memory\n");
        return FW_EXIT_FAIL;
    }
    if (o.config) {
        rc = ceil_config(lib, &o, &es[n]);
        n += rc == 0;
    } else {
        size_t nn = o.node_count ? o.node_count : 3, np = o.prec_count ? o.prec_count : 4;
        for (size_t a = 0; a < nn && !rc; a++)
            for (size_t b = 0; b < np && !rc; b++) {
                nx_fmt in = o.prec_count ? o.in[b] : def_prec[b];
                nx_fmt acc = o.prec_count ? o.acc[b] : lib->default_acc[in];
                rc = ceil_add(lib, o.node_count ? o.nodes_nm[a] : def_nodes[a], o.vdd_v, in, acc,
                              &es[n], &err);
                if (rc)
                    fprintf(stderr, "flopwatt ceiling: %s\n", err.msg);
                else
                    n++;
            }
    }
    if (!rc && o.target > 0)
        for (size_t i = 0; i < n; i++)
            ceil_target(lib, &es[i], o.target);
    if (!rc) {
        if (o.json)
            ceil_json(stdout, es, n);
        else
            ceil_text(stdout, lib, es, n, &o);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "flopwatt ceiling: write error on stdout\n");
            rc = FW_EXIT_IO;
        }
    }
    free(es);
    tech_destroy(lib);
    return rc;
}
