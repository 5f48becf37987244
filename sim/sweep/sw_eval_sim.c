/* sw_eval_sim: config + fast engine + energy accounting point evaluator (see sw_eval_sim.h). */
#include "sweep/sw_eval_sim.h"
#include "config/cfg.h"
#include "energy/en.h"
#include "engine/eng.h"
#include "engine/mem_memo.h"
#include "engine/net.h"
#include "report/rpt_metric.h"
#include "tech/tech.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The metrics of a point, in the order of the log's columns: names of the one metric table
 * (report/rpt_metric.h), whose getters compute the values. */
static const char *const sw_sim_metrics[] = {
    "latency_cycles",    "latency_ms",
    "stall_cycles",      "macs",
    "utilization",       "gops",
    "dram_bytes",        "pe_count",
    "sram_bytes",        "energy_chip_pj",
    "energy_system_pj",  "power_chip_w",
    "power_system_w",    "gops_per_w_chip",
    "gops_per_w_system", "pj_per_mac_chip",
    "pj_per_mac_system", "area_mm2",
    "energy_mac_pj",     "energy_sram_pj",
    "energy_dram_pj",
};

#define SW_SIM_METRIC_COUNT (sizeof sw_sim_metrics / sizeof sw_sim_metrics[0])

struct sw_eval_sim {
    tech_lib *tech; /* owned; read-only after loading, shared by the points */
    const rpt_metric *metric[SW_SIM_METRIC_COUNT]; /* sw_sim_metrics looked up once */
    char name[160]; /* the evaluator's name, with the overlay's factors when one is applied */
};

/* A worker's scratch:
 *   - the base config validated once, and the config sections the axes touch: each point's
 *     config is validated by reading only those sections again (cfg_from_json_sections: the
 *     same status, message and config as validating all of it), when the base is valid and
 *     every axis path lies in a section; otherwise every point is validated whole;
 *   - the memo of fold timelines (engine/mem_memo.h): points that differ only in SRAM sizes,
 *     clock or technology mostly map their layers the same way, and a network repeats layer
 *     shapes: their timelines are computed once per worker;
 *   - then the last valid point's config and the value at each axis path in its document: the
 *     next point reads again only the sections of the paths whose value changed (most points of
 *     a grid change one axis), from that config (sw_sim_config has the reason);
 *   - the technology side of the last point's energy costs (en_tech_init: the node lookups,
 *     the supply's energy scale and the DRAM figure), kept while the next point has the same
 *     technology and DRAM keys (en_tech_same), as most points of a sweep do. */
#define SW_SIM_PATHS 64      /* axis paths compared between points (more: never compared) */
#define SW_SIM_SEGMENTS 8    /* keys of one compared path ("sram.ifmap.size_bytes": 3) */
#define SW_SIM_TEXT_BYTES 64 /* a compared key or string value, with its NUL */

/* A scalar JSON value as compared between points: its type and its number's bits or its
 * string. Anything else (an object, an array, a longer string, no value) never compares
 * equal: its path's sections are read again. */
typedef struct sw_sim_value {
    bool known;
    int type;
    double number;
    char text[SW_SIM_TEXT_BYTES];
} sw_sim_value;

/* One axis path: its keys ("sram", "ifmap", "size_bytes") and the sections a change there
 * reads again; segment_count 0: not walked (an index in it, or too long), always changed. */
typedef struct sw_sim_path {
    size_t segment_count;
    char segment[SW_SIM_SEGMENTS][SW_SIM_TEXT_BYTES];
    cfg_sections sections;
} sw_sim_path;

typedef struct sw_sim_worker {
    mem_memo *memo;
    bool incremental;
    cfg_sections sections;
    cfg_accel base;
    size_t path_count;
    sw_sim_path path[SW_SIM_PATHS];
    /* cfg[last] is the last valid point's config when has_last, value[last] the values at the
     * paths in its document; the other slot takes the next point */
    bool has_last;
    unsigned last;
    cfg_accel cfg[2];
    sw_sim_value value[2][SW_SIM_PATHS];
    bool tech_kept; /* tech and tech_cfg hold the last point's en_tech_init */
    en_tech tech;
    cfg_accel tech_cfg; /* that point's config: only the keys en_tech_same compares are set */
} sw_sim_worker;

/* Splits an axis path into its keys (segment_count 0 when it holds an index or a key, or
 * more keys, than a sw_sim_path keeps). */
static void sw_sim_path_init(sw_sim_path *p, const char *path)
{
    p->segment_count = 0;
    if (strchr(path, '['))
        return;
    for (const char *s = path;;) {
        size_t n = strcspn(s, ".");
        if (p->segment_count == SW_SIM_SEGMENTS || n >= SW_SIM_TEXT_BYTES) {
            p->segment_count = 0;
            return;
        }
        memcpy(p->segment[p->segment_count], s, n);
        p->segment[p->segment_count++][n] = '\0';
        if (!s[n])
            return;
        s += n + 1;
    }
}

/* The value at a path of a document, as compared (sw_sim_value). */
static void sw_sim_value_at(const sw_sim_path *p, const jr_doc *doc, sw_sim_value *out)
{
    out->known = false;
    const cJSON *node = p->segment_count ? doc->root : NULL;
    for (size_t i = 0; node && i < p->segment_count; i++) {
        const char *key = p->segment[i];
        const cJSON *c = cJSON_IsObject(node) ? node->child : NULL;
        while (c && !(c->string && c->string[0] == key[0] && !strcmp(c->string, key)))
            c = c->next;
        node = c;
    }
    if (!node)
        return;
    out->type = node->type & 0xFF;
    if (cJSON_IsNumber(node)) {
        out->number = node->valuedouble;
    } else if (cJSON_IsString(node)) {
        if (!node->valuestring || strlen(node->valuestring) >= sizeof out->text)
            return;
        strcpy(out->text, node->valuestring);
    } else if (!cJSON_IsBool(node) && !cJSON_IsNull(node)) {
        return; /* an object or array: not compared */
    }
    out->known = true;
}

/* Equal values: the same type and number (bit for bit) or string. */
static bool sw_sim_value_same(const sw_sim_value *a, const sw_sim_value *b)
{
    if (!a->known || !b->known || a->type != b->type)
        return false;
    if (a->type == cJSON_Number)
        return !memcmp(&a->number, &b->number, sizeof a->number);
    if (a->type == cJSON_String)
        return !strcmp(a->text, b->text);
    return true;
}

static void *sw_sim_worker_create(void *ctx, const sw_spec *spec, const jr_doc *base)
{
    (void)ctx;
    sw_sim_worker *w = malloc(sizeof *w);
    if (!w)
        return NULL;
    if (mem_memo_create(&w->memo)) {
        free(w);
        return NULL;
    }
    fw_err why;
    w->incremental = cfg_from_json(base, &w->base, &why) == 0;
    w->tech_kept = w->has_last = false;
    w->last = 0;
    w->sections = 0;
    w->path_count = 0;
    for (size_t a = 0; a < spec->axis_count; a++)
        for (size_t p = 0; p < spec->axes[a].path_count; p++) {
            cfg_sections s = cfg_sections_of(base, spec->axes[a].paths[p]);
            w->incremental &= s != 0;
            w->sections |= s;
            if (w->path_count == SW_SIM_PATHS) {
                w->incremental = false; /* not all compared: every point read as before */
                continue;
            }
            sw_sim_path *sp = &w->path[w->path_count++];
            sw_sim_path_init(sp, spec->axes[a].paths[p]);
            sp->sections = s;
        }
    return w;
}

static void sw_sim_worker_destroy(void *scratch)
{
    sw_sim_worker *w = scratch;
    if (w)
        mem_memo_destroy(w->memo);
    free(w);
}

/* Validates a point's config (see sw_sim_worker) into *own or the worker's; *out points at it
 * (the worker's: valid until its next point).
 * A point's document is the base with every axis value written at its paths in axis order
 * (sw_spec_point_config, sw_spec_apply). A place where two such documents differ was last
 * written by the same axis in both (the same paths in the same order), inside the value at
 * that axis's path, which therefore differs: so when the value at every path under a top-level
 * key is the same as in the last valid point's document, the key's subtree is the same, and
 * cfg_from_json_sections may start from that point's config and read again only the sections
 * of the paths whose value changed (its contract: equal to cfg_from_json of this document). An
 * unchanged section was valid there and reads the same here, so the status and the message are
 * cfg_from_json's too. */
static int sw_sim_config(sw_sim_worker *w, const jr_doc *config, cfg_accel *own,
                         const cfg_accel **out, fw_err *err)
{
    if (!w || !w->incremental) {
        *out = own;
        return cfg_from_json(config, own, err);
    }
    unsigned next = 1 - w->last;
    cfg_sections changed = 0;
    for (size_t p = 0; p < w->path_count; p++) {
        sw_sim_value *v = &w->value[next][p];
        sw_sim_value_at(&w->path[p], config, v);
        if (!w->has_last || !sw_sim_value_same(v, &w->value[w->last][p]))
            changed |= w->path[p].sections;
    }
    cfg_accel *cfg = &w->cfg[next];
    int rc = w->has_last ? cfg_from_json_sections(config, &w->cfg[w->last], changed, cfg, err)
                         : cfg_from_json_sections(config, &w->base, w->sections, cfg, err);
    if (rc)
        return rc;
    w->last = next;
    w->has_last = true;
    *out = cfg;
    return 0;
}

/* The technology side of a point's costs (en_tech_init, with its failures), from the worker's
 * (see sw_sim_worker) when it has it; *out points into the worker or at *own. */
static int sw_sim_tech(const sw_eval_sim *sim, sw_sim_worker *w, const cfg_accel *cfg, en_tech *own,
                       en_tech **out, fw_err *err)
{
    if (w && w->tech_kept && en_tech_same(&w->tech_cfg, cfg)) {
        *out = &w->tech;
        return 0;
    }
    en_tech *t = w ? &w->tech : own;
    if (w)
        w->tech_kept = false;
    int rc = en_tech_init(sim->tech, cfg, t, err);
    if (rc)
        return rc;
    if (w) {
        w->tech_cfg.tech = cfg->tech;
        w->tech_cfg.dram = cfg->dram;
        w->tech_kept = true;
    }
    *out = t;
    return 0;
}

/* A point's config is valid when it validates and the technology model can price it: what
 * sw_sim_eval does before simulating (en_costs_init fails only where en_tech_init does). */
static int sw_sim_check(void *ctx, void *scratch, const jr_doc *config, fw_err *err)
{
    cfg_accel own_cfg;
    const cfg_accel *cfg;
    en_tech own;
    en_tech *tech;
    int rc = sw_sim_config(scratch, config, &own_cfg, &cfg, err);
    return rc ? rc : sw_sim_tech(ctx, scratch, cfg, &own, &tech, err);
}

static int sw_sim_eval(void *ctx, void *scratch, const jr_doc *config, const wl_workload *workload,
                       double *values, fw_err *err)
{
    const sw_eval_sim *sim = ctx;
    sw_sim_worker *w = scratch;
    /* validated from the tree itself: the same checks and messages as cfg_parse on its text
     * (the point's document comes from a duplicate-free file and values, so the text's extra
     * duplicate-key check could never fire) */
    cfg_accel own_cfg;
    const cfg_accel *cfg;
    int rc = sw_sim_config(w, config, &own_cfg, &cfg, err);
    if (rc)
        return rc;
    en_tech own;
    en_tech *tech;
    if ((rc = sw_sim_tech(sim, w, cfg, &own, &tech, err)))
        return rc;
    en_costs costs;
    en_costs_init_tech(tech, cfg, &costs); /* = en_costs_init (en.h) */
    const net_options opt = {.eng = {.kind = ENG_FAST, .timeline_memo = w ? w->memo : NULL}};
    net_result net;
    if ((rc = net_run(cfg, workload, &opt, &net, err))) {
        if (rc != FW_EXIT_IO)
            fw_err_prefix(err, "layer %s", workload->layers[net.failed].name);
        return rc;
    }
    eng_counters total = net.total;
    net_result_fini(&net);
    /* Energy is priced once on the summed counters: en_price is a sum of count x cost, so this
     * equals the sum of the per-layer prices. */
    en_breakdown b;
    en_price(&costs, &total, &b);
    net_derived d;
    net_derive(cfg, &total, &d);
    const rpt_metric_src src = {cfg, &total, &d, &b};
    for (size_t i = 0; i < SW_SIM_METRIC_COUNT; i++)
        values[i] = sim->metric[i]->get(&src);
    return 0;
}

int sw_eval_sim_create(sw_eval_sim **out, sw_eval *ev, const char *tech_overlay, fw_err *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    int rc = tech_load(getenv("FLOPWATT_DATA"), &(*out)->tech, err);
    if (!rc && tech_overlay)
        rc = tech_overlay_apply((*out)->tech, tech_overlay, err);
    if (rc) {
        sw_eval_sim_destroy(*out);
        *out = NULL;
        return rc;
    }
    for (size_t i = 0; i < SW_SIM_METRIC_COUNT; i++) {
        (*out)->metric[i] = rpt_metric_find(sw_sim_metrics[i]);
        assert((*out)->metric[i]); /* every name is in the table */
    }
    char *nm = (*out)->name;
    size_t used = (size_t)snprintf(nm, sizeof (*out)->name, "sim-fast-energy-v2");
    for (int c = 0; tech_overlay && c < TECH_CLASS_COUNT && used < sizeof (*out)->name; c++)
        used += (size_t)snprintf(nm + used, sizeof (*out)->name - used, "%s%s=%.9g",
                                 c ? "," : " tech ", tech_class_name((tech_class)c),
                                 (*out)->tech->class_scale[c]);
    *ev = (sw_eval){nm,          sw_sim_metrics,       SW_SIM_METRIC_COUNT,  *out,
                    sw_sim_eval, sw_sim_check,         sw_sim_worker_create, sw_sim_worker_destroy};
    return 0;
}

void sw_eval_sim_destroy(sw_eval_sim *sim)
{
    if (sim)
        tech_destroy(sim->tech);
    free(sim);
}
