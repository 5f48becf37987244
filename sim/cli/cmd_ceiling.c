/* flopwatt ceiling: energy-efficiency ceilings per process node and MAC precision, as ladders
 * (sim/energy/en_ladder.h): arithmetic -> +registers -> +sram -> +dram -> +leakage_clock, one
 * priced with the datapath MAC (the lower bound) and one with the as-built MAC (published units).
 * Without a config the ladders are references at stated reuse; with --config/--workload every
 * rung uses the design's own reuse (the simulator's counters) and the achieved efficiency is
 * added: it can never exceed a rung of the ladder priced like it. Also the published comparison
 * points (GPUs, the often-quoted 650 GFLOPS/W fp32 at 65 nm answered for both arithmetic
 * sources) and, with --target-gflops-per-w, the supply at which each arithmetic rung reaches a
 * target (en_supply_for). Technology data: embedded, or FLOPWATT_DATA=DIR. Output is a pure
 * function of the inputs.
 */
#include "common/fw_io.h"
#include "cli/cli_find.h"
#include "cli/cli_opt.h"
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "config/cfg.h"
#include "energy/en.h"
#include "engine/net.h"
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

#define CEIL_SOURCES 2 /* datapath, as built (tech_arith_source order) */

typedef struct ceil_entry {
    tech_point pt;
    nx_fmt in, acc;
    en_rung rungs[CEIL_SOURCES][EN_LADDER_RUNGS]; /* per arithmetic source */
    bool has_achieved;                            /* a config: design ladders and achieved */
    en_breakdown achieved[CEIL_SOURCES];          /* the run priced with each source */
    tech_arith_source design_src;                 /* the config's tech.arith_source */
    double utilization;
    bool has_target;
    en_supply target[CEIL_SOURCES];
} ceil_entry;

typedef struct ceil_opts {
    double nodes_nm[TECH_MAX_NODES]; /* --node values; none = default set */
    size_t node_count;
    nx_fmt in[NX_FMT_COUNT], acc[NX_FMT_COUNT]; /* --precision values; none = default set */
    size_t prec_count;
    double vdd_v; /* 0 = nominal */
    tech_process process;
    bool process_given;
    const char *config, *workload;
    char config_found[4096], workload_found[4096]; /* shipped inputs named without a path */
    bool json;
    double target; /* 0 = none */
} ceil_opts;

static void ceil_usage(FILE *out)
{
    fprintf(
        out,
        "usage: flopwatt ceiling [--node NM] [--precision IN[/ACC]] [--vdd V] [--process hp|lp]\n"
        "                        [--config C --workload W] [--target-gflops-per-w X] [--json]\n"
        "  --node NM        process node in nm, repeatable, or 'all' (default: 90, 65, 28)\n"
        "  --precision P    MAC input format, optionally /accumulator, repeatable (default:\n"
        "                   int8, fp16, bf16, fp32; accumulators from assumptions.json)\n"
        "  --vdd V          supply voltage in V (default: the node's nominal supply)\n"
        "  --process P      hp (default) or lp: the node's energy fit flavour\n"
        "  --config C --workload W\n"
        "                   simulate W on C (fast engine): every rung with the design's own\n"
        "                   reuse, and the achieved efficiency; node, precision, supply and\n"
        "                   process then come from the config. Paths, or shipped configs\n"
        "                   and networks by name (--config tpu_v1_like --workload resnet50)\n"
        "  --target-gflops-per-w X\n"
        "                   solve for the supply at which each arithmetic rung reaches X\n"
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

/* Fills the target fields: the supply where each arithmetic rung reaches the target. */
static void ceil_target(const tech_lib *lib, ceil_entry *e, double target)
{
    e->has_target = true;
    for (int k = 0; k < CEIL_SOURCES; k++)
        en_supply_for(lib, e->pt.node, e->in, e->acc, (tech_arith_source)k, target, &e->target[k]);
}

static const char *ceil_unit(nx_fmt in)
{
    return nx_fmt_get(in)->is_float ? "GFLOPS/W" : "GOPS/W";
}

/* One supply answer: "0.88 V (0.80 x nominal 1.1 V): plausible" or the reason. */
static void ceil_supply_line(FILE *out, const en_supply *t, double nominal_v)
{
    if (t->reachable)
        fprintf(out, "%.4g V (%.2f x nominal %.3g V): %s\n", t->vdd_v, t->vdd_v / nominal_v,
                nominal_v, t->plausible ? "plausible" : "NOT plausible for the node");
    else
        fprintf(out, "%s\n", t->reason);
}

static void ceil_text(FILE *out, const tech_lib *lib, const ceil_entry *es, size_t n,
                      const ceil_opts *o)
{
    fprintf(out, "flopwatt ceiling: energy-efficiency ceilings (1 MAC = 2 FLOPs, or 2 ops for "
                 "integer formats)\n");
    fprintf(out, "Each column adds one level to the previous one; figures in GFLOPS/W (GOPS/W "
                 "for integer inputs).\n");
    fprintf(out, "Two ladders per point: arithmetic priced by the datapath operators (the lower "
                 "bound of a MAC's energy)\nand by published, measured FMA units (as built); "
                 "datapath >= as built at every rung.\n");
    bool any_ach = false;
    for (size_t i = 0; i < n; i++)
        any_ach |= es[i].has_achieved;
    if (any_ach)
        fprintf(out, "Rungs use the design's own reuse (the simulator's counters over the "
                     "workload; +sram includes the\nwires to the array, +leakage_clock is at "
                     "full rate): the achieved efficiency cannot exceed any rung\nof the ladder "
                     "priced like it (equal only at 100%% utilization). * = the config's "
                     "tech.arith_source.\n\n");
    else
        fprintf(out, "These ladders are references at the stated reuse (assumptions.json, under "
                     "sources), not bounds on a\nparticular design: give --config C --workload W "
                     "for a design's own reuse and its achieved rung.\n\n");
    fprintf(out, "%-24s %-8s %-14s %-9s %10s %11s %11s %11s %11s %15s", "node", "supply",
            "precision", "arith", "MAC pJ", "arithmetic", "+registers", "+sram", "+dram",
            "+leakage_clock");
    fprintf(out, any_ach ? " %11s\n" : "\n", "achieved");
    for (size_t i = 0; i < n; i++) {
        const ceil_entry *e = &es[i];
        char node[40], prec[32], vdd[16];
        snprintf(node, sizeof node, "%g nm %s (%s)", e->pt.node->node_nm,
                 tech_process_name(e->pt.node->process), tech_node_method_name(e->pt.node->method));
        snprintf(prec, sizeof prec, "%s->%s", nx_fmt_get(e->in)->name, nx_fmt_get(e->acc)->name);
        snprintf(vdd, sizeof vdd, "%.3g V", e->pt.vdd_v);
        for (int k = 0; k < CEIL_SOURCES; k++) {
            char src[16];
            snprintf(src, sizeof src, "%s%s", tech_arith_source_name((tech_arith_source)k),
                     e->has_achieved && e->design_src == (tech_arith_source)k ? "*" : "");
            fprintf(out, "%-24s %-8s %-14s %-9s %10.4g", k ? "" : node, k ? "" : vdd,
                    k ? "" : prec, src, e->rungs[k][0].pj_per_mac);
            for (int r = 0; r < EN_LADDER_RUNGS; r++)
                fprintf(out, r == EN_LADDER_RUNGS - 1 ? " %15.4g" : " %11.4g",
                        e->rungs[k][r].gflops_per_w);
            if (e->has_achieved)
                fprintf(out, " %11.4g", e->achieved[k].gops_per_w_system);
            fprintf(out, "\n");
        }
    }
    if (any_ach) {
        for (size_t i = 0; i < n; i++)
            if (es[i].has_achieved) {
                const en_breakdown *b = &es[i].achieved[es[i].design_src];
                fprintf(out,
                        "\nachieved: %s on %s (%s MACs): %.4g pJ/MAC over the whole run "
                        "(chip %.4g), utilization %.1f%%,\n  system %.4g W, chip %.4g W, "
                        "%.4g mm2 (flopwatt run gives the per-layer figures)\n",
                        o->workload, o->config, tech_arith_source_name(es[i].design_src),
                        b->pj_per_mac_system, b->pj_per_mac_chip, 100 * es[i].utilization,
                        b->power_system_w, b->power_chip_w, b->area_mm2);
            }
    } else {
        fprintf(out, "\nachieved rung: absent (give --config C --workload W to simulate a "
                     "workload)\n");
    }

    if (o->target > 0) {
        fprintf(out,
                "\nsupply for an arithmetic rung of %g GFLOPS/W (plausible: %.2g to %.3g "
                "x nominal, %s):\n",
                o->target, lib->vdd_min_rel, lib->vdd_max_rel, lib->vdd_range_source);
        for (size_t i = 0; i < n; i++) {
            const ceil_entry *e = &es[i];
            for (int k = 0; k < CEIL_SOURCES; k++) {
                fprintf(out, "  %g nm %s %s->%s, %s: ", e->pt.node->node_nm,
                        tech_process_name(e->pt.node->process), nx_fmt_get(e->in)->name,
                        nx_fmt_get(e->acc)->name, tech_arith_source_name((tech_arith_source)k));
                ceil_supply_line(out, &e->target[k], e->pt.node->nominal_vdd_v);
            }
        }
    }

    /* the often-quoted figure against both arithmetic rungs at its node and precision */
    const tech_node *qn;
    fw_err err;
    if (tech_node_find(lib, lib->quoted_node_nm, &qn, &err) == 0) {
        nx_fmt p = lib->quoted_precision;
        fprintf(out, "\nquoted: %g GFLOPS/W for %s at %g nm (%s)\n", lib->quoted_gflops_per_w,
                nx_fmt_get(p)->name, lib->quoted_node_nm, lib->quoted_source);
        for (int k = 0; k < CEIL_SOURCES; k++) {
            en_supply t;
            en_supply_for(lib, qn, p, p, (tech_arith_source)k, lib->quoted_gflops_per_w, &t);
            fprintf(out, "  %s rung (the %s MAC alone) at %g nm, %.3g V: %.4g GFLOPS/W, %.3gx the "
                         "quoted figure; to reach it: ",
                    tech_arith_source_name((tech_arith_source)k), nx_fmt_get(p)->name,
                    qn->node_nm, qn->nominal_vdd_v, t.gflops_per_w_nominal,
                    t.gflops_per_w_nominal / lib->quoted_gflops_per_w);
            ceil_supply_line(out, &t, qn->nominal_vdd_v);
        }
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
    bool seen_ab[NX_FMT_COUNT] = {false};
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
        if (!seen_ab[es[i].in]) {
            seen_ab[es[i].in] = true;
            fprintf(out, "  as built, %s inputs: %s\n", nx_fmt_get(es[i].in)->name,
                    lib->as_built_source[es[i].in]);
        }
    }
    for (size_t u = 0; u < lib->unit_count; u++) {
        const tech_unit *t = &lib->units[u];
        fprintf(out,
                "  unit %s: %s->%s, %g nm %s, %g V, %g GFLOPS/W measured = %.4g pJ per FMA, "
                "%.4g pJ at %g nm / %g V = %.3gx the datapath %.4g pJ: %s\n",
                t->name, nx_fmt_get(t->format)->name, nx_fmt_get(t->accumulator)->name, t->node_nm,
                tech_process_name(t->process), t->vdd_v, t->gflops_per_w, t->fma_pj, t->fma_pj_45,
                lib->ref_node_nm, lib->ref_vdd_v, t->factor, t->datapath_pj_45, t->source);
    }
    double last = -1;
    for (size_t i = 0; i < n; i++) {
        const tech_node *nd = es[i].pt.node;
        if (nd->node_nm == last)
            continue;
        last = nd->node_nm;
        fprintf(out, "  %g nm %s (%s), energy x%.4g of 45 nm / 0.9 V at %.3g V: %s\n",
                nd->node_nm, tech_process_name(nd->process), tech_node_method_name(nd->method),
                es[i].pt.energy_scale, es[i].pt.vdd_v, nd->source);
    }
    for (size_t i = 0; i < lib->node_count; i++)
        if (lib->nodes[i].method == TECH_NODE_EXCLUDED)
            fprintf(out, "  %g nm: not available: %s\n", lib->nodes[i].node_nm,
                    lib->nodes[i].note);
    const tech_ladder *l = &lib->ladder;
    if (!any_ach) {
        fprintf(out,
                "  +registers: %g input + %g accumulator reads, %g input + %g accumulator writes "
                "per MAC at %.4g pJ/bit (45 nm): %s; %s\n",
                l->reg_input_reads_per_mac, l->reg_acc_reads_per_mac, l->reg_input_writes_per_mac,
                l->reg_acc_writes_per_mac, lib->reg_pj_per_bit_45, l->reg_source, lib->reg_source);
        fprintf(out,
                "  +sram: %g input-element reads and %g accumulator-element writes per MAC: %s; "
                "buffer %g bytes x %g-bit words: %s\n",
                l->sram_input_reads_per_mac, l->sram_acc_writes_per_mac, l->sram_source,
                l->sram_capacity_bytes, l->sram_word_bits, l->sram_size_source);
        const tech_dram *d = tech_dram_find(lib, l->dram_type);
        fprintf(out, "  +dram: %g input elements per MAC: %s; %s at %g pJ/bit: %s\n",
                l->dram_input_elements_per_mac, l->dram_source, l->dram_type,
                d ? d->pj_per_bit : 0, d ? d->source : "");
    } else {
        fprintf(out, "  +registers, +sram, +dram: the design's own accesses per MAC "
                     "(sim/energy/en_ladder.h)\n");
    }
    fprintf(out, "  +leakage_clock: leakage %g and clock %g x the PE energy: %s; %s\n",
            lib->leak_fraction, lib->clock_fraction, lib->leak_source, lib->clock_source);
    fprintf(out, "  (models/tech/README.md explains every number)\n");
}

static void ceil_json_ladder(FILE *out, const ceil_entry *e, int k)
{
    for (int r = 0; r < EN_LADDER_RUNGS; r++)
        fprintf(out, "%s\n     {\"level\": \"%s\", \"pj_per_mac\": %.6g, \"gflops_per_w\": %.6g}",
                r ? "," : "", e->rungs[k][r].level, e->rungs[k][r].pj_per_mac,
                e->rungs[k][r].gflops_per_w);
    if (e->has_achieved)
        fprintf(out,
                ",\n     {\"level\": \"achieved\", \"pj_per_mac\": %.6g, \"gflops_per_w\": "
                "%.6g, \"gflops_per_w_chip\": %.6g, \"utilization\": %.6g}",
                e->achieved[k].pj_per_mac_system, e->achieved[k].gops_per_w_system,
                e->achieved[k].gops_per_w_chip, e->utilization);
    fprintf(out, "]");
}

static void ceil_json_target(FILE *out, const char *key, const en_supply *t)
{
    fprintf(out, ",\n   \"%s\": {\"reachable\": %s, \"vdd_v\": %.6g, \"plausible\": %s", key,
            t->reachable ? "true" : "false", t->vdd_v, t->plausible ? "true" : "false");
    if (!t->reachable) {
        fprintf(out, ", \"reason\": ");
        fw_json_write_string(out, t->reason);
    }
    fprintf(out, "}");
}

static void ceil_json(FILE *out, const tech_lib *lib, const ceil_entry *es, size_t n)
{
    fprintf(out, "[\n");
    for (size_t i = 0; i < n; i++) {
        const ceil_entry *e = &es[i];
        fprintf(out,
                "  {\"node_nm\": %.6g, \"process\": \"%s\", \"node_method\": \"%s\", "
                "\"precision\": \"%s\", \"accumulator\": \"%s\", \"vdd_v\": %.6g,\n"
                "   \"mac_energy_pj\": %.6g, \"mac_energy_as_built_pj\": %.6g, "
                "\"as_built_factor\": %.6g,\n   \"unit\": \"%s\", \"reuse\": \"%s\", "
                "\"arith_source\": %s,\n   \"ladder\": [",
                e->pt.node->node_nm, tech_process_name(e->pt.node->process),
                tech_node_method_name(e->pt.node->method), nx_fmt_get(e->in)->name,
                nx_fmt_get(e->acc)->name, e->pt.vdd_v, e->rungs[0][0].pj_per_mac,
                e->rungs[1][0].pj_per_mac, tech_as_built_factor(lib, e->in), ceil_unit(e->in),
                e->has_achieved ? "design" : "reference",
                !e->has_achieved                     ? "null"
                : e->design_src == TECH_ARITH_AS_BUILT ? "\"as_built\""
                                                       : "\"datapath\"");
        ceil_json_ladder(out, e, TECH_ARITH_DATAPATH);
        fprintf(out, ",\n   \"ladder_as_built\": [");
        ceil_json_ladder(out, e, TECH_ARITH_AS_BUILT);
        if (e->has_target) {
            ceil_json_target(out, "target", &e->target[TECH_ARITH_DATAPATH]);
            ceil_json_target(out, "target_as_built", &e->target[TECH_ARITH_AS_BUILT]);
        }
        fprintf(out, "}%s\n", i + 1 < n ? "," : "");
    }
    fprintf(out, "]\n");
}

static int ceil_add(const tech_lib *lib, double node_nm, tech_process process, double vdd_v,
                    nx_fmt in, nx_fmt acc, ceil_entry *e, fw_err *err)
{
    memset(e, 0, sizeof *e);
    int rc = tech_point_init_process(lib, node_nm, process, vdd_v, &e->pt, err);
    if (rc)
        return rc;
    e->in = in;
    e->acc = acc;
    for (int k = 0; k < CEIL_SOURCES; k++)
        en_ladder_src(&e->pt, in, acc, (tech_arith_source)k, e->rungs[k]);
    return 0;
}

enum { CEIL_OPT_JSON = 256, CEIL_OPT_NODE, CEIL_OPT_PRECISION, CEIL_OPT_VDD, CEIL_OPT_CONFIG,
       CEIL_OPT_WORKLOAD, CEIL_OPT_TARGET, CEIL_OPT_TECH, CEIL_OPT_PROCESS };

static const struct option ceil_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"json", no_argument, NULL, CEIL_OPT_JSON},
    {"node", required_argument, NULL, CEIL_OPT_NODE},
    {"precision", required_argument, NULL, CEIL_OPT_PRECISION},
    {"vdd", required_argument, NULL, CEIL_OPT_VDD},
    {"config", required_argument, NULL, CEIL_OPT_CONFIG},
    {"workload", required_argument, NULL, CEIL_OPT_WORKLOAD},
    {"target-gflops-per-w", required_argument, NULL, CEIL_OPT_TARGET},
    {"tech", required_argument, NULL, CEIL_OPT_TECH},
    {"process", required_argument, NULL, CEIL_OPT_PROCESS},
    {NULL, 0, NULL, 0},
};

/* Returns 0, an exit status, or -1 after --help. */
static int ceil_parse(int argc, char **argv, const tech_lib *lib, ceil_opts *o)
{
    int rc = 0;
    cli_opt p;
    cli_opt_init(&p, "ceiling", "h", ceil_options);
    for (int c; (c = cli_opt_next(&p, argc, argv)) != -1;) {
        switch (c) {
        case 'h':
            ceil_usage(stdout);
            return -1;
        case CEIL_OPT_JSON:
            o->json = true;
            break;
        case CEIL_OPT_NODE:
            rc = ceil_nodes(lib, p.arg, o);
            break;
        case CEIL_OPT_VDD:
            rc = ceil_num("--vdd", p.arg, &o->vdd_v);
            break;
        case CEIL_OPT_TARGET:
            rc = ceil_num("--target-gflops-per-w", p.arg, &o->target);
            break;
        case CEIL_OPT_PRECISION:
            if (o->prec_count == NX_FMT_COUNT) {
                fprintf(stderr, "flopwatt ceiling: --precision: at most %d\n", NX_FMT_COUNT);
                return FW_EXIT_INPUT;
            }
            if ((rc = ceil_precision(lib, p.arg, &o->in[o->prec_count], &o->acc[o->prec_count])))
                return rc;
            o->prec_count++;
            break;
        case CEIL_OPT_CONFIG: /* a path, or a shipped config by name (cli_find.h) */
            o->config = cli_find(p.arg, o->config_found, sizeof o->config_found);
            break;
        case CEIL_OPT_WORKLOAD:
            o->workload = cli_find(p.arg, o->workload_found, sizeof o->workload_found);
            break;
        case CEIL_OPT_TECH: /* applied before parsing (cmd_ceiling) */
            break;
        case CEIL_OPT_PROCESS:
            if (strcmp(p.arg, "hp") && strcmp(p.arg, "lp")) {
                fprintf(stderr, "flopwatt ceiling: --process: expected hp or lp, got '%s'\n",
                        p.arg);
                return FW_EXIT_INPUT;
            }
            o->process = strcmp(p.arg, "lp") ? TECH_HP : TECH_LP;
            o->process_given = true;
            break;
        default:
            return FW_EXIT_INPUT;
        }
        if (rc)
            return rc;
    }
    if (p.next < argc)
        return cli_opt_extra(&p, argv[p.next]);
    if (!o->config != !o->workload) {
        fprintf(stderr, "flopwatt ceiling: --config and --workload go together\n");
        return FW_EXIT_INPUT;
    }
    if (o->config && (o->node_count || o->prec_count || o->vdd_v > 0 || o->process_given)) {
        fprintf(stderr, "flopwatt ceiling: with --config, node, precision, supply and process "
                        "come from the config (drop --node/--precision/--vdd/--process)\n");
        return FW_EXIT_INPUT;
    }
    return 0;
}

/* Adds the entry of a config: simulates the workload once, then prices the counters with the
 * datapath and the as-built MAC (the config's other keys unchanged): both design ladders and
 * both achieved figures. */
static int ceil_config(const tech_lib *lib, const ceil_opts *o, ceil_entry *e)
{
    cfg_accel cfg, src_cfg[CEIL_SOURCES];
    wl_workload *wl = NULL;
    en_costs k, ks[CEIL_SOURCES];
    eng_counters total;
    en_breakdown b;
    fw_err err;
    int rc;
    if ((rc = cfg_load(o->config, NULL, 0, &cfg, &err)) ||
        (rc = wl_load(o->workload, 0, &wl, &err)) ||
        (rc = en_costs_init(lib, &cfg, &k, &err) ? fw_err_prefix(&err, "%s", o->config) : 0) ||
        (rc = ceil_add(lib, cfg.tech.node_nm,
                       cfg.tech.process == CFG_PROCESS_LP ? TECH_LP : TECH_HP, cfg.tech.vdd_v,
                       cfg.mac.input, cfg.mac.accumulator, e, &err)) ||
        (rc = en_achieved(&k, &cfg, wl, &total, &b, &err))) {
        fprintf(stderr, "flopwatt ceiling: %s\n", err.msg);
        wl_destroy(wl);
        return rc;
    }
    wl_destroy(wl);
    e->has_achieved = true;
    e->design_src =
        cfg.tech.arith_source == CFG_ARITH_AS_BUILT ? TECH_ARITH_AS_BUILT : TECH_ARITH_DATAPATH;
    for (int s = 0; s < CEIL_SOURCES; s++) {
        src_cfg[s] = cfg;
        src_cfg[s].tech.arith_source = s ? CFG_ARITH_AS_BUILT : CFG_ARITH_DATAPATH;
        if ((rc = en_costs_init(lib, &src_cfg[s], &ks[s], &err))) {
            fprintf(stderr, "flopwatt ceiling: %s: %s\n", o->config, err.msg);
            return rc;
        }
        en_ladder_design(&ks[s], &src_cfg[s], &total, e->rungs[s]);
        en_price(&ks[s], &total, &e->achieved[s]);
    }
    net_derived d;
    net_derive(&cfg, &total, &d);
    e->utilization = d.utilization;
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
    for (int i = 1; i < argc && !rc && strcmp(argv[i], "--"); i++) {
        const char *t = !strncmp(argv[i], "--tech=", 7) ? argv[i] + 7
                        : !strcmp(argv[i], "--tech") && i + 1 < argc ? argv[++i]
                                                                     : NULL;
        if (t) {
            if ((rc = tech_overlay_apply(lib, t, &err)))
                fprintf(stderr, "flopwatt ceiling: %s\n", err.msg);
            else
                fprintf(stderr,
                        "flopwatt ceiling: energies with the calibration overlay %s (fitted on: "
                        "%s)\n",
                        lib->overlay, lib->fitted_on[0] ? lib->fitted_on : "-");
        }
    }
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
                rc = ceil_add(lib, o.node_count ? o.nodes_nm[a] : def_nodes[a], o.process,
                              o.vdd_v, in, acc, &es[n], &err);
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
            ceil_json(stdout, lib, es, n);
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
