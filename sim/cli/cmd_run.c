/* flopwatt run CONFIG WORKLOAD [options]: simulates every MAC layer of a workload (JSON or
 * SCALE-Sim CSV) on an accelerator config and prints per-layer rows and totals (text table,
 * --json or --csv). Layers without MACs (pooling, element-wise) are skipped. Output is a pure
 * function of the inputs. */
#include "cli/cli_find.h"
#include "cli/cli_opt.h"
#include "cli/cli_progress.h"
#include "cli/cmd.h"
#include "common/fw_err.h"
#include "common/fw_version.h"
#include "config/cfg.h"
#include "energy/en.h"
#include "engine/eng.h"
#include "engine/eng_xform.h"
#include "engine/net.h"
#include "report/rpt.h"
#include "tech/tech.h"
#include "workload/wl.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUNCLI_MAX_SETS 64
#define RUNCLI_MAPPING_BYTES 512 /* one mapping as text (tl_format) */
#define RUNCLI_DEFAULT_SEED 1u

static void runcli_usage(FILE *out)
{
    fprintf(out,
            "usage: flopwatt run CONFIG WORKLOAD [--engine fast|pe] [--layer NAME]\n"
            "                    [--set PATH=VALUE]... [--ideal-memory] [--json | --csv]\n"
            "                    [--dump-outputs FILE] [--trace FILE] [--seed N] [--batch N]\n"
            "                    [--dim NAME=N]... [--compat scalesim] [-j N]\n"
            "                    [--algorithm A] [--sub-batch N]\n"
            "  CONFIG            accelerator config JSON (configs/README.md); - reads stdin\n"
            "  WORKLOAD          workload JSON, SCALE-Sim topology CSV or ONNX model (.onnx)\n"
            "  --engine E        fast (default): closed forms per fold; pe: every PE every\n"
            "                    cycle with real values (small layers)\n"
            "  --layer NAME      only this layer\n"
            "  --set PATH=VALUE  override a config key by its JSON path (e.g. array.rows=64)\n"
            "  --ideal-memory    every operand always ready: no memory stalls\n"
            "  --json, --csv     machine-readable output instead of the table\n"
            "  --dump-outputs F  pe engine: write every output element as hex to F\n"
            "  --trace FILE      write every fold as CSV: where it starts and ends, how long it\n"
            "                    waited and for which operand, its DRAM bytes\n"
            "  --seed N          pe engine: operand data seed (layer i uses N + i; default 1)\n"
            "  --batch N         images per run (replaces the workload's batch)\n"
            "  -j N, --jobs N    run the layers on N threads (pe engine: one layer per thread;\n"
            "                    output, dump and trace identical to -j 1; default 1)\n"
            "  --sub-batch N     run the batch as sub-batches of N images, each through the\n"
            "                    whole network (default: chosen when activations stay on chip)\n"
            "  --tech FILE       apply a calibration overlay (flopwatt calibrate --out)\n"
            "  --dim NAME=N      ONNX: the value of the symbolic dimension NAME\n"
            "  --algorithm A     compute conv layers by A: direct, winograd_f2x2_3x3,\n"
            "                    winograd_f4x4_3x3 or fft (every conv layer it applies to; with\n"
            "                    --layer, that layer or an error); the workload key \"algorithm\"\n"
            "  --compat scalesim SCALE-Sim v2's compute cycles per layer, as its COMPUTE_REPORT\n"
            "                    prints them: serial schedule, whole streams, MAC pipeline 1,\n"
            "                    ideal memory, each layer's cycles - 1 (ws, os, is only)\n");
}

static int runcli_u64(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max) {
        fprintf(stderr, "flopwatt run: %s: bad value '%s'\n", opt, s);
        return FW_EXIT_INPUT;
    }
    *out = v;
    return 0;
}

static int runcli_dump(FILE *f, const cfg_accel *cfg, const wl_layer *l, const eng_result *r,
                       uint64_t seed)
{
    const nx_fmt_info *acc = nx_fmt_get(cfg->mac.accumulator);
    int digits = (int)((acc->width_bits + 3) / 4);
    if (l->kind == WL_GEMM)
        fprintf(f, "layer %s seed %" PRIu64 " format %s shape %" PRIu64 "x%" PRIu64 "\n", l->name,
                seed, acc->name, l->gemm_m, l->gemm_n);
    else
        fprintf(f, "layer %s seed %" PRIu64 " format %s shape %ux%ux%ux%u\n", l->name, seed,
                acc->name, l->batch, l->out_h, l->out_w, l->filters);
    for (size_t i = 0; i < r->output_count; i++)
        fprintf(f, "%0*" PRIx64 "\n", digits, r->outputs[i]);
    return ferror(f) ? FW_EXIT_IO : 0;
}

typedef struct runcli_trace {
    FILE *f;
    const char *layer;
    const cfg_accel *levels; /* memory.levels: the config whose level columns follow, else NULL */
} runcli_trace;

static void runcli_trace_fold(void *ctx, const eng_fold_event *e)
{
    const runcli_trace *t = ctx;
    fprintf(t->f,
            "%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u,%u,%" PRIu64 ",%" PRIu64
            ",%" PRIu64 ",%" PRIu64 ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
            t->layer, e->fold, e->group, e->row_fold, e->col_fold, e->sr, e->sc, e->t,
            e->start_cycle, e->end_cycle, e->stall_cycles,
            e->stall_operand < 0 ? "" : cfg_operand_name((cfg_operand)e->stall_operand),
            e->dram_read_bytes[CFG_IFMAP], e->dram_read_bytes[CFG_FILTER],
            e->dram_read_bytes[CFG_OFMAP], e->dram_write_bytes);
    for (uint32_t i = 0; t->levels && i < t->levels->level_count; i++)
        for (int op = 0; op < CFG_OPERANDS; op++)
            if (t->levels->levels[i].part[op].held)
                fprintf(t->f, ",%" PRIu64 ",%" PRIu64, e->level_read_bits[i][op],
                        e->level_write_bits[i][op]);
    fputc('\n', t->f);
}

/* net_run callbacks: name the layer in the trace, dump the pe engine's outputs. */
typedef struct runcli_net {
    const cfg_accel *cfg;
    runcli_trace *tr;
    FILE *dump;
    int dump_rc;
    const wl_workload *wl;
    char (*mappings)[RUNCLI_MAPPING_BYTES]; /* per workload layer (explicit hierarchy) */
    cli_progress *progress;                 /* pe engine on a terminal, else NULL */
    uint64_t macs_started;                  /* MACs of the layers started so far */
    eng_num_error *errors; /* per workload layer: pe engine, transformed layers */
} runcli_net;

static void runcli_net_start(void *ctx, const wl_layer *l)
{
    runcli_net *c = ctx;
    c->tr->layer = l->name;
    cli_progress_layer(c->progress, l->name, c->macs_started);
    c->macs_started += wl_layer_macs(l);
}

static int runcli_net_done(void *ctx, const wl_layer *l, const eng_result *r, uint64_t seed)
{
    runcli_net *c = ctx;
    if (c->errors)
        c->errors[l - c->wl->layers] = r->error;
    if (r->mapped && c->mappings) {
        char *m = c->mappings[l - c->wl->layers];
        tl_format(&r->mapping, m, RUNCLI_MAPPING_BYTES);
        if (c->tr->f) /* after the layer's fold rows */
            fprintf(c->tr->f, "# mapping %s: %s\n", l->name, m);
    }
    return c->dump ? (c->dump_rc = runcli_dump(c->dump, c->cfg, l, r, seed)) : 0;
}

/* --algorithm: sets every conv layer's algorithm where it applies (wl_algo_check); with --layer
 * only that layer, which must allow it. Prints on stderr how many conv layers it was applied
 * to when some were left direct. */
static int runcli_algorithm(wl_workload *wl, const char *name, const char *layer_name,
                            const char *path)
{
    wl_algo a;
    if (wl_algo_from_name(name, &a)) {
        fprintf(stderr,
                "flopwatt run: --algorithm: expected direct, winograd_f2x2_3x3, "
                "winograd_f4x4_3x3 or fft, got '%s'\n",
                name);
        return FW_EXIT_INPUT;
    }
    size_t conv = 0, applied = 0;
    for (size_t i = 0; i < wl->layer_count; i++) {
        wl_layer *l = &wl->layers[i];
        if (l->kind != WL_CONV || (layer_name && strcmp(l->name, layer_name)))
            continue;
        conv++;
        fw_err err;
        if (wl_algo_check(l, a, &err)) {
            if (layer_name) {
                fprintf(stderr, "flopwatt run: %s: layer '%s': --%s\n", path, l->name, err.msg);
                return FW_EXIT_INPUT;
            }
            continue;
        }
        applied++;
        l->algorithm = a;
    }
    if (applied < conv)
        fprintf(stderr,
                "flopwatt run: --algorithm %s: applied to %zu of %zu conv layers (the others "
                "stay direct: stride, dilation or filter size)\n",
                name, applied, conv);
    return 0;
}

/* The error of each reported layer (net order) and over all of them: the largest maxima, the
 * means weighted by outputs, the summed mismatches. */
static void runcli_error_total(const net_result *net, const eng_num_error *by_workload_layer,
                               eng_num_error *rows, eng_num_error *total)
{
    memset(total, 0, sizeof *total);
    double mean = 0, dmean = 0;
    for (size_t l = 0; l < net->layer_count; l++) {
        const eng_num_error *e = &by_workload_layer[net->layers[l].index];
        rows[l] = *e;
        total->valid |= e->valid;
        total->outputs += e->outputs;
        total->max_rel = fmax(total->max_rel, e->max_rel);
        total->max_ulp = fmax(total->max_ulp, e->max_ulp);
        total->direct_max_rel = fmax(total->direct_max_rel, e->direct_max_rel);
        total->direct_max_ulp = fmax(total->direct_max_ulp, e->direct_max_ulp);
        total->mismatches += e->mismatches;
        mean += e->mean_rel * (double)e->outputs;
        dmean += e->direct_mean_rel * (double)e->outputs;
        /* norm-wise errors: the largest layer's (layers' norms do not add up meaningfully) */
        total->norm_rel = fmax(total->norm_rel, e->norm_rel);
        total->direct_norm_rel = fmax(total->direct_norm_rel, e->direct_norm_rel);
    }
    if (total->outputs) {
        total->mean_rel = mean / (double)total->outputs;
        total->direct_mean_rel = dmean / (double)total->outputs;
    }
}

/* The transformed layers' section of the text report: transform-unit figures per layer and,
 * with the pe engine, the numerical error against the exact direct convolution. energy: per
 * reported layer (net order). */
static void runcli_xform_text(FILE *out, const cfg_accel *cfg, const wl_workload *wl,
                              const net_result *net, const eng_num_error *errors,
                              const en_breakdown *energy)
{
    fprintf(out,
            "\ntransformed layers (transform unit %u ops/cycle; sim/engine/eng_xform.h):\n",
            cfg->transform_ops_per_cycle);
    fprintf(out, "%-24s %-18s %14s %14s %14s %14s %12s\n", "layer", "algorithm", "MACs",
            "xform adds", "xform muls", "xform cycles", "xform uJ");
    for (size_t i = 0; i < net->layer_count; i++) {
        const wl_layer *l = &wl->layers[net->layers[i].index];
        if (l->kind != WL_CONV || l->algorithm == WL_ALGO_DIRECT)
            continue;
        const eng_counters *c = &net->layers[i].c;
        fprintf(out,
                "%-24s %-18s %14" PRIu64 " %14" PRIu64 " %14" PRIu64 " %14" PRIu64 " %12.6g\n",
                l->name, wl_algo_name(l->algorithm), c->macs,
                c->xform_in_adds + c->xform_out_adds, c->xform_in_muls + c->xform_out_muls,
                c->xform_cycles, energy[i].xform_pj * 1e-6);
    }
    bool any = false;
    for (size_t i = 0; i < net->layer_count; i++)
        any |= errors[net->layers[i].index].valid;
    if (!any)
        return;
    const nx_fmt_info *of = nx_fmt_get(cfg->output);
    fprintf(out,
            "\nnumerical error against the exact direct convolution (pe engine; ulp of the %s "
            "output format%s), transformed | direct in the array's order:\n",
            of->name, of->is_float ? "" : ": integer units");
    fprintf(out, "%-24s %-18s %9s %10s %10s %10s %10s | %10s %10s %10s %10s | %9s %13s\n",
            "layer", "algorithm", "outputs", "max rel", "mean rel", "norm rel", "max ulp",
            "max rel", "mean rel", "norm rel", "max ulp", "bits lost", "bits != direct");
    for (size_t i = 0; i < net->layer_count; i++) {
        const eng_num_error *e = &errors[net->layers[i].index];
        const wl_layer *l = &wl->layers[net->layers[i].index];
        if (!e->valid)
            continue;
        /* bits lost: log2 of the norm-wise error over the direct convolution's (0 when both
         * are exact) */
        double lost = e->norm_rel > 0 && e->direct_norm_rel > 0
                          ? log2(e->norm_rel / e->direct_norm_rel)
                          : e->norm_rel > 0 ? INFINITY : 0;
        fprintf(out,
                "%-24s %-18s %9" PRIu64 " %10.3e %10.3e %10.3e %10.4g | %10.3e %10.3e %10.3e "
                "%10.4g | %9.1f %13" PRIu64 "\n",
                l->name, wl_algo_name(l->algorithm), e->outputs, e->max_rel, e->mean_rel,
                e->norm_rel, e->max_ulp, e->direct_max_rel, e->direct_mean_rel,
                e->direct_norm_rel, e->direct_max_ulp, lost, e->mismatches);
    }
}

enum {
    RUNCLI_ENGINE = 256,
    RUNCLI_LAYER,
    RUNCLI_SET,
    RUNCLI_IDEAL,
    RUNCLI_JSON,
    RUNCLI_CSV,
    RUNCLI_DUMP,
    RUNCLI_TRACE,
    RUNCLI_SEED,
    RUNCLI_BATCH,
    RUNCLI_SUB_BATCH,
    RUNCLI_TECH,
    RUNCLI_COMPAT,
    RUNCLI_DIM,
    RUNCLI_ALGORITHM,
};

static const struct option runcli_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"engine", required_argument, NULL, RUNCLI_ENGINE},
    {"layer", required_argument, NULL, RUNCLI_LAYER},
    {"set", required_argument, NULL, RUNCLI_SET},
    {"ideal-memory", no_argument, NULL, RUNCLI_IDEAL},
    {"json", no_argument, NULL, RUNCLI_JSON},
    {"csv", no_argument, NULL, RUNCLI_CSV},
    {"dump-outputs", required_argument, NULL, RUNCLI_DUMP},
    {"trace", required_argument, NULL, RUNCLI_TRACE},
    {"seed", required_argument, NULL, RUNCLI_SEED},
    {"batch", required_argument, NULL, RUNCLI_BATCH},
    {"sub-batch", required_argument, NULL, RUNCLI_SUB_BATCH},
    {"tech", required_argument, NULL, RUNCLI_TECH},
    {"compat", required_argument, NULL, RUNCLI_COMPAT},
    {"dim", required_argument, NULL, RUNCLI_DIM},
    {"jobs", required_argument, NULL, 'j'},
    {"algorithm", required_argument, NULL, RUNCLI_ALGORITHM},
    {NULL, 0, NULL, 0},
};

int cmd_run(int argc, char **argv)
{
    const char *pos[2] = {NULL, NULL};
    const char *sets[RUNCLI_MAX_SETS];
    size_t nsets = 0;
    const char *layer_name = NULL, *dump_path = NULL, *trace_path = NULL, *tech_path = NULL;
    const char *algo_name = NULL;
    eng_options opt;
    memset(&opt, 0, sizeof opt);
    uint64_t seed = RUNCLI_DEFAULT_SEED, batch = 0, jobs = 1, sub_batch = 0;
    wl_dim dims[CMD_DIMS_MAX];
    size_t ndims = 0;
    rpt_format fmt = RPT_TEXT;
    bool compat_scalesim = false;
    int rc;
    cli_opt p;
    cli_opt_init(&p, "run", "hj:", runcli_options);
    for (int c; (c = cli_opt_next(&p, argc, argv)) != -1;) {
        switch (c) {
        case 'h':
            runcli_usage(stdout);
            return FW_EXIT_OK;
        case RUNCLI_ENGINE:
            if (!strcmp(p.arg, "fast"))
                opt.kind = ENG_FAST;
            else if (!strcmp(p.arg, "pe"))
                opt.kind = ENG_PE;
            else {
                fprintf(stderr, "flopwatt run: --engine: expected fast or pe, got '%s'\n", p.arg);
                return FW_EXIT_INPUT;
            }
            break;
        case RUNCLI_LAYER:
            layer_name = p.arg;
            break;
        case RUNCLI_SET:
            if (nsets == RUNCLI_MAX_SETS) {
                fprintf(stderr, "flopwatt run: more than %d --set options\n", RUNCLI_MAX_SETS);
                return FW_EXIT_INPUT;
            }
            sets[nsets++] = p.arg;
            break;
        case RUNCLI_IDEAL:
            opt.ideal_memory = true;
            break;
        case RUNCLI_JSON:
            fmt = RPT_JSON;
            break;
        case RUNCLI_CSV:
            fmt = RPT_CSV;
            break;
        case RUNCLI_DUMP:
            dump_path = p.arg;
            break;
        case RUNCLI_TRACE:
            trace_path = p.arg;
            break;
        case RUNCLI_TECH:
            tech_path = p.arg;
            break;
        case RUNCLI_COMPAT:
            if (strcmp(p.arg, "scalesim")) {
                fprintf(stderr, "flopwatt run: --compat: expected scalesim, got '%s'\n", p.arg);
                return FW_EXIT_INPUT;
            }
            compat_scalesim = true;
            break;
        case RUNCLI_ALGORITHM:
            algo_name = p.arg;
            break;
        case RUNCLI_DIM:
            if ((rc = cmd_parse_dim("run", p.arg, dims, &ndims)))
                return rc;
            break;
        case RUNCLI_SEED:
            if ((rc = runcli_u64("--seed", p.arg, UINT64_MAX, &seed)))
                return rc;
            break;
        case 'j':
            if ((rc = runcli_u64("-j", p.arg, NET_MAX_JOBS, &jobs)))
                return rc;
            if (jobs == 0) {
                fprintf(stderr, "flopwatt run: -j: expected 1 to %d threads, got 0\n",
                        NET_MAX_JOBS);
                return FW_EXIT_INPUT;
            }
            break;
        case RUNCLI_BATCH:
            if ((rc = runcli_u64("--batch", p.arg, 1u << 20, &batch)))
                return rc;
            break;
        case RUNCLI_SUB_BATCH:
            if ((rc = runcli_u64("--sub-batch", p.arg, 1u << 20, &sub_batch)))
                return rc;
            break;
        default:
            return FW_EXIT_INPUT; /* CLI_OPT_ERROR: the line is printed */
        }
    }
    if (argc - p.next != 2) {
        if (argc - p.next > 2)
            return cli_opt_extra(&p, argv[p.next + 2]);
        runcli_usage(stderr);
        return FW_EXIT_INPUT;
    }
    char named[2][4096]; /* shipped inputs named without a path (cli_find.h) */
    pos[0] = cli_find(argv[p.next], named[0], sizeof named[0]);
    pos[1] = cli_find(argv[p.next + 1], named[1], sizeof named[1]);
    if (!strcmp(pos[0], "-") && !strcmp(pos[1], "-")) {
        fprintf(stderr, "flopwatt run: CONFIG and WORKLOAD cannot both be '-' (standard input)\n");
        return FW_EXIT_INPUT;
    }
    if (dump_path && opt.kind != ENG_PE) {
        fprintf(stderr, "flopwatt run: --dump-outputs needs --engine pe\n");
        return FW_EXIT_INPUT;
    }
    if (compat_scalesim) {
        /* SCALE-Sim v2's compute model (sim/README.md): applied after the user's --set */
        static const char *const compat_sets[] = {
            "array.schedule=serial", "array.max_stream=0", "array.mac_pipeline_cycles=1"};
        for (size_t c = 0; c < sizeof compat_sets / sizeof compat_sets[0]; c++) {
            if (nsets == RUNCLI_MAX_SETS) {
                fprintf(stderr, "flopwatt run: more than %d --set options\n", RUNCLI_MAX_SETS);
                return FW_EXIT_INPUT;
            }
            sets[nsets++] = compat_sets[c];
        }
        opt.ideal_memory = true;
    }
    fw_err err;
    fw_err_clear(&err);
    cfg_accel cfg;
    char *resolved = NULL; /* the config after --set, for the provenance record */
    if ((rc = cfg_load_resolved(pos[0], sets, nsets, &cfg, &resolved, &err))) {
        fprintf(stderr, "flopwatt run: %s\n", err.msg);
        return rc;
    }
    if (compat_scalesim && cfg.dataflow == CFG_TREE) {
        fprintf(stderr, "flopwatt run: --compat scalesim: dataflow tree is not one of SCALE-Sim's "
                        "(ws, os, is)\n");
        free(resolved);
        return FW_EXIT_INPUT;
    }
    tech_lib *lib = NULL;
    en_costs costs;
    if ((rc = tech_load(getenv("FLOPWATT_DATA"), &lib, &err)) ||
        (tech_path && (rc = tech_overlay_apply(lib, tech_path, &err)))) {
        fprintf(stderr, "flopwatt run: %s\n", err.msg);
        tech_destroy(lib);
        free(resolved);
        return rc;
    }
    if (tech_path) /* on stderr: stdout stays the report */
        fprintf(stderr, "flopwatt run: energies with the calibration overlay %s (fitted on: %s)\n",
                lib->overlay, lib->fitted_on[0] ? lib->fitted_on : "-");
    if ((rc = en_costs_init(lib, &cfg, &costs, &err))) {
        fprintf(stderr, "flopwatt run: %s: %s\n", pos[0], err.msg);
        tech_destroy(lib);
        free(resolved);
        return rc;
    }
    wl_workload *wl = NULL;
    wl_opts wopts = {
        .batch_override = (uint32_t)batch, .dims = dims, .dim_count = ndims, .warn = stderr};
    if ((rc = wl_load_with(pos[1], &wopts, &wl, &err))) {
        fprintf(stderr, "flopwatt run: %s\n", err.msg);
        tech_destroy(lib);
        free(resolved);
        return rc;
    }
    wl_print_notes(wl, stderr, "flopwatt run");
    size_t n = 0;
    const char **names = NULL, **from = NULL, **to = NULL;
    const char **mapping_names = NULL;
    char (*ctx_mappings)[RUNCLI_MAPPING_BYTES] = NULL;
    eng_counters *rows = NULL;
    net_result net;
    memset(&net, 0, sizeof net);
    FILE *dump = NULL;
    en_breakdown *energy = NULL;
    bool found = layer_name == NULL;
    runcli_trace tr = {NULL, NULL, NULL};
    /* declared before the first jump to out (-Wjump-misses-init) */
    runcli_net ctx;
    net_options no;
    eng_num_error *errors = NULL, *layer_errors = NULL, error_total;
    bool xformed = false, xerr = false;
    eng_counters total;
    for (size_t i = 0; i < wl->layer_count && !found; i++)
        found = !strcmp(wl->layers[i].name, layer_name);
    if (!found) {
        fprintf(stderr, "flopwatt run: %s: no layer named '%s'\n", pos[1], layer_name);
        rc = FW_EXIT_INPUT;
        goto out;
    }
    if (algo_name && (rc = runcli_algorithm(wl, algo_name, layer_name, pos[1])))
        goto out;
    for (size_t i = 0; i < wl->layer_count; i++) { /* precision checks before any layer runs */
        const wl_layer *l = &wl->layers[i];
        nx_fmt fin, facc;
        if (l->kind != WL_CONV || l->algorithm == WL_ALGO_DIRECT ||
            (layer_name && strcmp(l->name, layer_name)))
            continue;
        if ((rc = eng_xform_formats(&cfg, l, l->algorithm, &fin, &facc, &err))) {
            fprintf(stderr, "flopwatt run: %s: layer %s: %s\n", pos[1], l->name, err.msg);
            goto out;
        }
    }
    if (dump_path && !(dump = fopen(dump_path, "w"))) {
        fprintf(stderr, "flopwatt run: %s: cannot write: %s\n", dump_path, strerror(errno));
        rc = FW_EXIT_IO;
        goto out;
    }
    if (trace_path) {
        if (!(tr.f = fopen(trace_path, "w"))) {
            fprintf(stderr, "flopwatt run: %s: cannot write: %s\n", trace_path, strerror(errno));
            rc = FW_EXIT_IO;
            goto out;
        }
        fprintf(tr.f, "layer,fold,group,row_fold,col_fold,rows_used,cols_used,t,start_cycle,"
                      "end_cycle,stall_cycles,stall_operand,dram_ifmap_read_bytes,"
                      "dram_filter_read_bytes,dram_ofmap_read_bytes,dram_ofmap_write_bytes");
        /* memory.levels: the bits each level serves per fold and operand (eng.h) */
        tr.levels = cfg.hierarchy_given ? &cfg : NULL;
        for (uint32_t i = 0; tr.levels && i < cfg.level_count; i++)
            for (int op = 0; op < CFG_OPERANDS; op++)
                if (cfg.levels[i].part[op].held)
                    fprintf(tr.f, ",%s_%s_read_bits,%s_%s_write_bits", cfg.levels[i].name,
                            cfg_operand_name((cfg_operand)op), cfg.levels[i].name,
                            cfg_operand_name((cfg_operand)op));
        fputc('\n', tr.f);
        opt.trace = runcli_trace_fold;
        opt.trace_ctx = &tr;
    }
    opt.keep_outputs = dump != NULL;
    opt.seed = seed;
    ctx = (runcli_net){&cfg, &tr, dump, 0, wl, NULL, NULL, 0, NULL};
    if (!(ctx.errors = calloc(wl->layer_count ? wl->layer_count : 1, sizeof *ctx.errors))) {
        fprintf(stderr, "flopwatt run: out of memory\n");
        rc = FW_EXIT_IO;
        goto out;
    }
    errors = ctx.errors;
    if (cfg.hierarchy_given &&
        !(ctx.mappings = calloc(wl->layer_count ? wl->layer_count : 1, sizeof *ctx.mappings))) {
        fprintf(stderr, "flopwatt run: out of memory\n");
        rc = FW_EXIT_IO;
        goto out;
    }
    ctx_mappings = ctx.mappings;
    no = (net_options){opt, layer_name, runcli_net_start, runcli_net_done, &ctx, (unsigned)jobs,
                       /* SCALE-Sim's compute cycles are the whole batch's */
                       compat_scalesim ? UINT32_MAX : (uint32_t)sub_batch};
    if (opt.kind == ENG_PE) { /* a progress line on a terminal: pe runs can take minutes */
        size_t mac_layers = 0;
        uint64_t macs = 0;
        for (size_t i = 0; i < wl->layer_count; i++)
            if (wl_layer_macs(&wl->layers[i]) &&
                (!layer_name || !strcmp(wl->layers[i].name, layer_name))) {
                mac_layers++;
                macs += wl_layer_macs(&wl->layers[i]);
            }
        ctx.progress = cli_progress_start("flopwatt run", mac_layers, macs);
    }
    rc = net_run(&cfg, wl, &no, &net, &err);
    cli_progress_stop(ctx.progress);
    ctx.progress = NULL;
    if (rc) {
        if (ctx.dump_rc)
            fprintf(stderr, "flopwatt run: %s: write error\n", dump_path);
        else
            fprintf(stderr, "flopwatt run: %s: %s\n", pos[1], err.msg);
        goto out;
    }
    n = net.layer_count;
    names = calloc(n + 1, sizeof *names);
    rows = calloc(n + 1, sizeof *rows);
    from = calloc(n + 1, sizeof *from);
    to = calloc(n + 1, sizeof *to);
    if (!names || !rows || !from || !to) {
        fprintf(stderr, "flopwatt run: out of memory\n");
        rc = FW_EXIT_IO;
        goto out;
    }
    total = net.total;
    for (size_t l = 0; l < n; l++) {
        names[l] = wl->layers[net.layers[l].index].name;
        rows[l] = net.layers[l].c;
        from[l] = net_place_name(&net, net.layers[l].input_from);
        to[l] = net_place_name(&net, net.layers[l].output_to);
        if (compat_scalesim && rows[l].cycles > 0) {
            /* SCALE-Sim reports the index of a layer's last cycle, counted from 0 */
            rows[l].cycles--;
            rows[l].compute_cycles--;
            total.cycles--;
            total.compute_cycles--;
        }
    }
    /* energy: per layer and the total, priced from the counters */
    energy = calloc(n ? n : 1, sizeof *energy);
    if (!energy) {
        fprintf(stderr, "flopwatt run: out of memory\n");
        rc = FW_EXIT_IO;
        goto out;
    }
    for (size_t l = 0; l < n; l++)
        en_price(&costs, &rows[l], &energy[l]);
    en_breakdown energy_total;
    en_price(&costs, &total, &energy_total);
    rpt_provenance prov;
    prov = (rpt_provenance){fw_version(), pos[0], sets, nsets, resolved, pos[1],
                            wl->source_fnv64, wl->batch, seed};
    rpt_input in;
    memset(&in, 0, sizeof in);
    in.prov = &prov;
    in.sub_batch = net.sub_batch < wl->batch ? net.sub_batch : 0;
    in.layer_energy = energy;
    in.total_energy = &energy_total;
    in.cfg = &cfg;
    in.workload_name = wl->name;
    in.engine_name = opt.kind == ENG_PE ? "pe" : "fast";
    in.ideal_memory = opt.ideal_memory;
    in.layer_count = n;
    in.layer_names = names;
    in.layers = rows;
    if (ctx.mappings) {
        if (!(mapping_names = calloc(n + 1, sizeof *mapping_names))) {
            fprintf(stderr, "flopwatt run: out of memory\n");
            rc = FW_EXIT_IO;
            goto out;
        }
        for (size_t l = 0; l < n; l++)
            mapping_names[l] = ctx.mappings[net.layers[l].index];
        in.layer_mappings = mapping_names;
    }
    in.total = &total;
    in.show_zeros = cfg.zero_gating;
    for (size_t i = 0; i < wl->layer_count; i++)
        in.show_zeros |= wl->layers[i].ifmap_zero_frac > 0 || wl->layers[i].weight_zero_frac > 0;
    if (net.residency) {
        in.input_from = from;
        in.output_to = to;
    }
    for (size_t l = 0; l < n; l++) {
        const wl_layer *wlay = &wl->layers[net.layers[l].index];
        xformed |= wlay->kind == WL_CONV && wlay->algorithm != WL_ALGO_DIRECT;
        xerr |= errors[net.layers[l].index].valid;
    }
    in.show_xform = xformed;
    if (xerr) { /* the pe engine's numerical error per layer, and over the layers */
        if (!(layer_errors = calloc(n, sizeof *layer_errors))) {
            fprintf(stderr, "flopwatt run: out of memory\n");
            rc = FW_EXIT_IO;
            goto out;
        }
        runcli_error_total(&net, errors, layer_errors, &error_total);
        in.layer_errors = layer_errors;
        in.total_error = &error_total;
    }
    if ((rc = rpt_write(stdout, fmt, &in, &err)))
        fprintf(stderr, "flopwatt run: %s\n", err.msg);
    else if (fmt == RPT_TEXT && xformed)
        runcli_xform_text(stdout, &cfg, wl, &net, errors, energy);
out:
    if (tr.f && fclose(tr.f) != 0 && !rc) {
        fprintf(stderr, "flopwatt run: %s: write error\n", trace_path);
        rc = FW_EXIT_IO;
    }
    if (dump && fclose(dump) != 0 && !rc) {
        fprintf(stderr, "flopwatt run: %s: write error\n", dump_path);
        rc = FW_EXIT_IO;
    }
    free(names);
    free(rows);
    free(from);
    free(to);
    free(energy);
    free(errors);
    free(layer_errors);
    free(mapping_names);
    free(ctx_mappings);
    net_result_fini(&net);
    free(resolved);
    wl_destroy(wl);
    tech_destroy(lib);
    return rc;
}
