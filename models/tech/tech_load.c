/* tech_load: reads and validates the technology data files through the strict JSON reader
 * (common/jr.h) into a tech_lib, then derives what is not published: interpolated nodes and
 * areas (log-log between fitted neighbours), arithmetic rows by the width rule, the SRAM
 * energy fit (GSL least squares in log-log), write/read ratio and per-bit areas.
 * Every constant read must carry a source id that resolves in the file's "sources" object.
 * Order of reading: nodes.json first (the others are moved to 45 nm / 0.9 V with it).
 */
#include "common/jr.h"
#include "tech/tech.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TL_MAX_SOURCES 48
#define TL_BIG 1e12 /* upper bound of any magnitude read (keeps typos like 1e99 out) */

enum { TL_ARITH = 0, TL_NODES, TL_MEMORY, TL_ASSUME, TL_REFS };
static const char *const tl_file_names[TECH_FILE_COUNT] = {
    "arith.json", "nodes.json", "memory.json", "assumptions.json", "references.json"};

typedef struct tl_sources {
    const char *id[TL_MAX_SOURCES];
    const char *text[TL_MAX_SOURCES];
    size_t count;
} tl_sources;

static void tl_copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

/* Reads the file's "sources" object: id -> text. */
static int tl_read_sources(jr_obj *root, tl_sources *s, fw_err *err)
{
    jr_obj o;
    int rc = jr_obj_get(root, "sources", true, &o, NULL, err);
    if (rc)
        return rc;
    s->count = 0;
    for (const cJSON *c = o.node->child; c; c = c->next) {
        if (s->count == TL_MAX_SOURCES)
            return jr_fail(&o, c->string, err, "more than %d sources", TL_MAX_SOURCES);
        const char *t;
        if ((rc = jr_str(&o, c->string, true, NULL, &t, err)))
            return rc;
        if (!t[0])
            return jr_fail(&o, c->string, err, "empty source text");
        s->id[s->count] = c->string;
        s->text[s->count] = t;
        s->count++;
    }
    return jr_obj_done(&o, err);
}

/* Reads a source id at obj.key and copies its text into dst. */
static int tl_source(jr_obj *obj, const char *key, const tl_sources *s, char *dst, size_t size,
                     fw_err *err)
{
    const char *id;
    int rc = jr_str(obj, key, true, NULL, &id, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < s->count; i++)
        if (!strcmp(s->id[i], id)) {
            tl_copy(dst, size, s->text[i]);
            return 0;
        }
    return jr_fail(obj, key, err, "unknown source '%s' (not in \"sources\")", id);
}

/* A strictly positive finite number (energies, areas, capacities). */
static int tl_pos(jr_obj *obj, const char *key, bool required, double def, double *out, fw_err *err)
{
    int rc = jr_f64(obj, key, required, def, -TL_BIG, TL_BIG, out, err);
    if (rc)
        return rc;
    if (*out <= 0 && (required || jr_has(obj, key)))
        return jr_fail(obj, key, err, "%g must be > 0", *out);
    return 0;
}

static int tl_fmt(jr_obj *obj, const char *key, nx_fmt *out, fw_err *err)
{
    const char *name;
    int rc = jr_str(obj, key, true, NULL, &name, err);
    if (rc)
        return rc;
    if (nx_fmt_from_name(name, out) != 0)
        return jr_fail(obj, key, err, "unknown format '%s'", name);
    return 0;
}

/* Reads the "about" text every file starts with (documentation only). */
static int tl_about(jr_obj *root, fw_err *err)
{
    const char *s;
    return jr_str(root, "about", true, NULL, &s, err);
}

static const tech_node *tl_node(const tech_lib *lib, double node_nm)
{
    for (size_t i = 0; i < lib->node_count; i++)
        if (lib->nodes[i].node_nm == node_nm && lib->nodes[i].method != TECH_NODE_EXCLUDED)
            return &lib->nodes[i];
    return NULL;
}

/* Reads a node_nm key that must name a usable node. */
static int tl_node_key(jr_obj *obj, const char *key, const tech_lib *lib, const tech_node **out,
                       fw_err *err)
{
    double nm;
    int rc = tl_pos(obj, key, true, 0, &nm, err);
    if (rc)
        return rc;
    *out = tl_node(lib, nm);
    if (!*out)
        return jr_fail(obj, key, err, "unknown node %g nm (not a usable node of nodes.json)", nm);
    return 0;
}

/* ---- nodes.json ---- */

static double tl_interp_log(double x, double x0, double x1, double y0, double y1)
{
    double t = log(x0 / x) / log(x0 / x1);
    return exp(log(y0) + t * (log(y1) - log(y0)));
}

/* The nearest indices below and above i (in [0, count)) whose ok[] is true; false when either
 * side has none. */
static bool tl_bracket(const bool *ok, size_t count, size_t i, size_t *lo, size_t *hi)
{
    size_t j = i;
    while (j > 0 && !ok[j - 1])
        j--;
    if (j == 0)
        return false;
    *lo = j - 1;
    for (j = i + 1; j < count && !ok[j]; j++)
        ;
    if (j == count)
        return false;
    *hi = j;
    return true;
}

/* Reads one list of nodes (root.key) of one process flavour into list[*count]. HP: every
 * usable node needs its area or neighbours to interpolate it from. LP entries carry no area:
 * they take the HP node's of the same size (the flavour changes devices, not the layout rules),
 * which must exist. */
static int tl_node_list(jr_obj *root, const char *key, const tl_sources *src, tech_process process,
                        tech_lib *lib, fw_err *err)
{
    static const char *const methods[] = {"fit", "interpolated", "excluded"};
    tech_node *list = process == TECH_LP ? lib->lp_nodes : lib->nodes;
    size_t *count = process == TECH_LP ? &lib->lp_node_count : &lib->node_count;
    jr_obj o;
    jr_arr arr;
    bool area_given[TECH_MAX_NODES];
    int rc;
    if ((rc = jr_arr_get(root, key, true, &arr, NULL, err)))
        return rc;
    if (arr.count < 2 || arr.count > TECH_MAX_NODES)
        return jr_fail(root, key, err, "needs 2 to %d nodes", TECH_MAX_NODES);
    *count = arr.count;
    for (size_t i = 0; i < arr.count; i++) {
        tech_node *n = &list[i];
        unsigned m;
        n->process = process;
        if ((rc = jr_arr_obj(&arr, i, &o, err)) ||
            (rc = tl_pos(&o, "node_nm", true, 0, &n->node_nm, err)) ||
            (rc = jr_enum(&o, "method", true, 0, methods, 3, &m, err)) ||
            (rc = tl_source(&o, "source", src, n->source, sizeof n->source, err)))
            return rc;
        n->method = (tech_node_method)m;
        if (i > 0 && n->node_nm >= list[i - 1].node_nm)
            return jr_fail(&o, "node_nm", err, "nodes must be listed from the largest down");
        const char *note;
        if ((rc = jr_str(&o, "note", n->method == TECH_NODE_EXCLUDED, "", &note, err)))
            return rc;
        tl_copy(n->note, sizeof n->note, note);
        if (n->method != TECH_NODE_INTERPOLATED) {
            if ((rc = jr_f64(&o, "a_per_v2", true, 0, -TL_BIG, TL_BIG, &n->a_per_v2, err)) ||
                (rc = jr_f64(&o, "b_per_v", true, 0, -TL_BIG, TL_BIG, &n->b_per_v, err)) ||
                (rc = jr_f64(&o, "c_rel", true, 0, -TL_BIG, TL_BIG, &n->c_rel, err)))
                return rc;
        }
        area_given[i] = false;
        if (n->method != TECH_NODE_EXCLUDED) {
            char vsrc[TECH_TEXT_BYTES], asrc[TECH_TEXT_BYTES];
            if ((rc = tl_pos(&o, "nominal_vdd_v", true, 0, &n->nominal_vdd_v, err)) ||
                (rc = tl_source(&o, "vdd_source", src, vsrc, sizeof vsrc, err)))
                return rc;
            if (process == TECH_HP) {
                if ((rc = tl_source(&o, "area_source", src, asrc, sizeof asrc, err)))
                    return rc;
                area_given[i] = jr_has(&o, "area_rel_45");
                if ((rc = tl_pos(&o, "area_rel_45", false, 0, &n->area_rel_45, err)))
                    return rc;
            } else {
                const tech_node *h = tl_node(lib, n->node_nm);
                if (!h)
                    return jr_fail(&o, "node_nm", err,
                                   "lp node %g nm has no usable node of that size in \"nodes\" "
                                   "(its area comes from there)",
                                   n->node_nm);
                n->area_rel_45 = h->area_rel_45;
                n->area_derived = h->area_derived;
                area_given[i] = true;
            }
            if (n->method == TECH_NODE_FIT) {
                double e = n->a_per_v2 * n->nominal_vdd_v * n->nominal_vdd_v +
                           n->b_per_v * n->nominal_vdd_v + n->c_rel;
                if (!(e > 0))
                    return jr_fail(&o, "c_rel", err,
                                   "relative energy at the nominal supply is %g, not > 0", e);
            }
        }
        if ((rc = jr_obj_done(&o, err)))
            return rc;
    }
    /* interpolated nodes: the nearest fitted nodes above and below */
    bool fitted[TECH_MAX_NODES];
    for (size_t i = 0; i < *count; i++)
        fitted[i] = list[i].method == TECH_NODE_FIT;
    for (size_t i = 0; i < *count; i++) {
        tech_node *n = &list[i];
        if (n->method != TECH_NODE_INTERPOLATED)
            continue;
        size_t lo, hi;
        if (!tl_bracket(fitted, *count, i, &lo, &hi)) {
            jr_obj no;
            if ((rc = jr_arr_obj(&arr, i, &no, err)))
                return rc;
            return jr_fail(&no, "method", err,
                           "interpolated node %g nm needs fitted nodes on both sides", n->node_nm);
        }
        n->lo = lo;
        n->hi = hi;
    }
    /* areas not given: log-log between the nearest nodes with a given area */
    for (size_t i = 0; i < *count; i++) {
        tech_node *n = &list[i];
        if (n->method == TECH_NODE_EXCLUDED || area_given[i])
            continue;
        size_t lo, hi;
        if (!tl_bracket(area_given, *count, i, &lo, &hi)) {
            jr_obj no;
            if ((rc = jr_arr_obj(&arr, i, &no, err)))
                return rc;
            return jr_fail(&no, "area_rel_45", err,
                           "missing, and no nodes with an area on both sides to interpolate");
        }
        n->area_rel_45 = tl_interp_log(n->node_nm, list[lo].node_nm, list[hi].node_nm,
                                       list[lo].area_rel_45, list[hi].area_rel_45);
        n->area_derived = true;
    }
    return 0;
}

static int tl_nodes(const jr_doc *doc, tech_lib *lib, fw_err *err)
{
    jr_obj root;
    tl_sources src;
    int rc;
    if ((rc = jr_root(doc, &root, err)) || (rc = tl_about(&root, err)) ||
        (rc = tl_read_sources(&root, &src, err)) ||
        (rc = tl_pos(&root, "reference_node_nm", true, 0, &lib->ref_node_nm, err)) ||
        (rc = tl_pos(&root, "reference_vdd_v", true, 0, &lib->ref_vdd_v, err)) ||
        (rc = tl_node_list(&root, "nodes", &src, TECH_HP, lib, err)) ||
        (rc = tl_node_list(&root, "lp_nodes", &src, TECH_LP, lib, err)))
        return rc;
    const tech_node *ref = tl_node(lib, lib->ref_node_nm);
    if (!ref || ref->method != TECH_NODE_FIT)
        return jr_fail(&root, "reference_node_nm", err, "%g nm is not a fitted node",
                       lib->ref_node_nm);
    if ((rc = jr_f64(&root, "vdd_plausible_min_rel", true, 0, 0.1, 1, &lib->vdd_min_rel, err)) ||
        (rc = jr_f64(&root, "vdd_plausible_max_rel", true, 0, 1, 3, &lib->vdd_max_rel, err)) ||
        (rc = tl_source(&root, "vdd_range_source", &src, lib->vdd_range_source,
                        sizeof lib->vdd_range_source, err)))
        return rc;
    return jr_obj_done(&root, err);
}

/* Energy scale from (node_nm, vdd_v) of a data point to the reference point. */
static int tl_to_ref(const tech_lib *lib, jr_obj *obj, double *scale, double *node_nm,
                     double *vdd_v, fw_err *err)
{
    const tech_node *n;
    int rc;
    if ((rc = tl_node_key(obj, "node_nm", lib, &n, err)) ||
        (rc = tl_pos(obj, "vdd_v", true, 0, vdd_v, err)))
        return rc;
    if (*vdd_v <= tech_node_vdd_floor_v(lib, n))
        return jr_fail(obj, "vdd_v", err, "%g V is below the node's fit floor", *vdd_v);
    const tech_node *ref = tl_node(lib, lib->ref_node_nm);
    *scale = tech_node_energy_rel(lib, ref, lib->ref_vdd_v) / tech_node_energy_rel(lib, n, *vdd_v);
    *node_nm = n->node_nm;
    return 0;
}

/* ---- arith.json ---- */

/* Width that the derivation rule scales with: significand bits (with the hidden bit) for
 * floating formats, the width for integers. */
static double tl_rule_width(nx_fmt f)
{
    const nx_fmt_info *fi = nx_fmt_get(f);
    return fi->is_float ? (double)(fi->man_bits + 1) : (double)fi->width_bits;
}

static void tl_derive(tech_lib *lib, const bool pub[NX_FMT_COUNT][TECH_OPS])
{
    static const char *const opname[TECH_OPS] = {"add", "mul"};
    for (int f = 0; f < NX_FMT_COUNT; f++)
        for (int op = 0; op < TECH_OPS; op++) {
            if (pub[f][op])
                continue;
            const nx_fmt_info *fi = nx_fmt_get((nx_fmt)f);
            double w = tl_rule_width((nx_fmt)f), best = INFINITY;
            int r0 = -1, r1 = -1;
            for (int g = 0; g < NX_FMT_COUNT; g++) {
                if (!pub[g][op] || nx_fmt_get((nx_fmt)g)->is_float != fi->is_float)
                    continue;
                double d = fabs(log(w / tl_rule_width((nx_fmt)g)));
                if (d < best - 1e-9) {
                    best = d;
                    r0 = g;
                    r1 = -1;
                } else if (fabs(d - best) <= 1e-9) {
                    r1 = g;
                }
            }
            tech_arith *a = &lib->arith[f][op];
            if (r0 < 0) {
                a->energy_pj = 0;
                snprintf(a->source, sizeof a->source, "none: no published %s row of its kind",
                         opname[op]);
                continue;
            }
            double k = op == TECH_MUL ? 2.0 : 1.0;
            double s0 = pow(w / tl_rule_width((nx_fmt)r0), k);
            a->energy_pj = lib->arith[r0][op].energy_pj * s0;
            a->area_um2 = lib->arith[r0][op].area_um2 * s0;
            a->derived = true;
            const char *wname = fi->is_float ? "significand bits" : "bits";
            if (r1 < 0) {
                snprintf(a->source, sizeof a->source,
                         "derived: %s %s x (%g/%g %s)^%g (width rule, models/tech/README.md)",
                         nx_fmt_get((nx_fmt)r0)->name, opname[op], w, tl_rule_width((nx_fmt)r0),
                         wname, k);
            } else {
                double s1 = pow(w / tl_rule_width((nx_fmt)r1), k);
                a->energy_pj = sqrt(a->energy_pj * lib->arith[r1][op].energy_pj * s1);
                a->area_um2 = sqrt(a->area_um2 * lib->arith[r1][op].area_um2 * s1);
                snprintf(a->source, sizeof a->source,
                         "derived: geometric mean of %s %s x (%g/%g)^%g and %s %s x (%g/%g)^%g "
                         "(width rule, models/tech/README.md)",
                         nx_fmt_get((nx_fmt)r0)->name, opname[op], w, tl_rule_width((nx_fmt)r0), k,
                         nx_fmt_get((nx_fmt)r1)->name, opname[op], w, tl_rule_width((nx_fmt)r1), k);
            }
        }
}

/* The as-built factor of every input format from the units (rule in tech.h). */
static void tl_as_built_factors(tech_lib *lib)
{
    for (int f = 0; f < NX_FMT_COUNT; f++) {
        bool is_float = nx_fmt_get((nx_fmt)f)->is_float;
        double w = tl_rule_width((nx_fmt)f);
        const tech_unit *lo = NULL, *hi = NULL; /* nearest width at or below / at or above */
        for (size_t i = 0; i < lib->unit_count; i++) {
            const tech_unit *u = &lib->units[i];
            if (nx_fmt_get(u->format)->is_float != is_float)
                continue;
            double wu = tl_rule_width(u->format);
            if (wu <= w && (!lo || wu > tl_rule_width(lo->format)))
                lo = u;
            if (wu >= w && (!hi || wu < tl_rule_width(hi->format)))
                hi = u;
        }
        char *src = lib->as_built_source[f];
        size_t n = sizeof lib->as_built_source[f];
        const char *name = nx_fmt_get((nx_fmt)f)->name;
        if (!lo && !hi) {
            lib->as_built_factor[f] = 1.0;
            snprintf(src, n, "none: no published %s unit in arith.json as_built; the datapath "
                     "figure stands in", is_float ? "floating-point" : "integer");
        } else if (!lo || !hi || lo == hi) {
            const tech_unit *u = lo ? lo : hi;
            lib->as_built_factor[f] = u->factor;
            snprintf(src, n, "%s: %s unit %s, x%.3g the datapath MAC%s", name,
                     nx_fmt_get(u->format)->name, u->name, u->factor,
                     u->format == (nx_fmt)f ? "" : " (nearest width, derived)");
        } else {
            double t = log(w / tl_rule_width(lo->format)) /
                       log(tl_rule_width(hi->format) / tl_rule_width(lo->format));
            lib->as_built_factor[f] = exp(log(lo->factor) + t * (log(hi->factor) - log(lo->factor)));
            snprintf(src, n,
                     "%s: derived: log-log in significand width between %s (%s, x%.3g) and %s "
                     "(%s, x%.3g): x%.3g the datapath MAC",
                     name, lo->name, nx_fmt_get(lo->format)->name, lo->factor, hi->name,
                     nx_fmt_get(hi->format)->name, hi->factor, lib->as_built_factor[f]);
        }
    }
}

/* arith.json "as_built": published, measured units (each needs its node, process, supply,
 * formats and source); "not_used": figures looked at and left out, with the reason. */
static int tl_units(jr_obj *root, const tl_sources *src, tech_lib *lib, fw_err *err)
{
    static const char *const processes[] = {"hp", "lp"};
    jr_arr arr;
    jr_obj o;
    int rc = jr_arr_get(root, "as_built", true, &arr, NULL, err);
    if (rc)
        return rc;
    if (arr.count > TECH_MAX_UNITS)
        return jr_fail(root, "as_built", err, "at most %d units", TECH_MAX_UNITS);
    lib->unit_count = arr.count;
    for (size_t i = 0; i < arr.count; i++) {
        tech_unit *u = &lib->units[i];
        const char *name, *what;
        unsigned process;
        const tech_node *n, *ref = tl_node(lib, lib->ref_node_nm);
        if ((rc = jr_arr_obj(&arr, i, &o, err)) ||
            (rc = jr_str(&o, "name", true, NULL, &name, err)) ||
            (rc = tl_fmt(&o, "format", &u->format, err)) ||
            (rc = tl_fmt(&o, "accumulator", &u->accumulator, err)) ||
            (rc = tl_pos(&o, "node_nm", true, 0, &u->node_nm, err)) ||
            (rc = jr_enum(&o, "process", true, 0, processes, 2, &process, err)) ||
            (rc = tl_pos(&o, "vdd_v", true, 0, &u->vdd_v, err)) ||
            (rc = tl_pos(&o, "gflops_per_w", true, 0, &u->gflops_per_w, err)) ||
            (rc = jr_str(&o, "measured", true, NULL, &what, err)) ||
            (rc = tl_source(&o, "source", src, u->source, sizeof u->source, err)))
            return rc;
        tl_copy(u->name, sizeof u->name, name);
        u->process = (tech_process)process;
        if (nx_fmt_get(u->format)->is_float != nx_fmt_get(u->accumulator)->is_float)
            return jr_fail(&o, "accumulator", err, "%s inputs cannot accumulate in %s",
                           nx_fmt_get(u->format)->name, nx_fmt_get(u->accumulator)->name);
        if (tech_node_find_process(lib, u->node_nm, u->process, &n, err)) {
            char why[FW_ERR_MSG_BYTES];
            tl_copy(why, sizeof why, err->msg);
            return jr_fail(&o, "node_nm", err, "%s", why);
        }
        if (u->vdd_v <= tech_node_vdd_floor_v(lib, n))
            return jr_fail(&o, "vdd_v", err, "%g V is below the node's fit floor", u->vdd_v);
        u->fma_pj = 2000.0 / u->gflops_per_w;
        u->fma_pj_45 = u->fma_pj * tech_node_energy_rel(lib, ref, lib->ref_vdd_v) /
                       tech_node_energy_rel(lib, n, u->vdd_v);
        u->datapath_pj_45 =
            lib->arith[u->format][TECH_MUL].energy_pj + lib->arith[u->accumulator][TECH_ADD].energy_pj;
        u->factor = u->fma_pj_45 / u->datapath_pj_45;
        if (!(u->factor >= 1.0))
            return jr_fail(&o, "gflops_per_w", err,
                           "%g GFLOPS/W moved to %g nm / %g V is %.4g pJ per MAC, below the "
                           "datapath figure %.4g pJ: a built unit cannot beat its datapath",
                           u->gflops_per_w, lib->ref_node_nm, lib->ref_vdd_v, u->fma_pj_45,
                           u->datapath_pj_45);
        if ((rc = jr_obj_done(&o, err)))
            return rc;
    }
    if ((rc = jr_arr_get(root, "not_used", true, &arr, NULL, err)))
        return rc;
    for (size_t i = 0; i < arr.count; i++) {
        const char *t;
        char text[TECH_TEXT_BYTES];
        if ((rc = jr_arr_obj(&arr, i, &o, err)) ||
            (rc = jr_str(&o, "figure", true, NULL, &t, err)) ||
            (rc = jr_str(&o, "reason", true, NULL, &t, err)) ||
            (rc = tl_source(&o, "source", src, text, sizeof text, err)) ||
            (rc = jr_obj_done(&o, err)))
            return rc;
    }
    tl_as_built_factors(lib);
    return 0;
}

static int tl_arith(const jr_doc *doc, tech_lib *lib, fw_err *err)
{
    static const char *const ops[] = {"add", "mul"};
    jr_obj root, o;
    jr_arr arr;
    tl_sources src;
    bool pub[NX_FMT_COUNT][TECH_OPS] = {{false}};
    double node_nm, vdd_v;
    int rc;
    if ((rc = jr_root(doc, &root, err)) || (rc = tl_about(&root, err)) ||
        (rc = tl_read_sources(&root, &src, err)) ||
        (rc = tl_pos(&root, "node_nm", true, 0, &node_nm, err)) ||
        (rc = tl_pos(&root, "vdd_v", true, 0, &vdd_v, err)) ||
        (rc = jr_arr_get(&root, "rows", true, &arr, NULL, err)))
        return rc;
    if (node_nm != lib->ref_node_nm || vdd_v != lib->ref_vdd_v)
        return jr_fail(&root, "node_nm", err,
                       "the arithmetic table must be at the reference point %g nm / %g V",
                       lib->ref_node_nm, lib->ref_vdd_v);
    for (size_t i = 0; i < arr.count; i++) {
        nx_fmt f;
        unsigned op;
        if ((rc = jr_arr_obj(&arr, i, &o, err)) || (rc = tl_fmt(&o, "format", &f, err)) ||
            (rc = jr_enum(&o, "op", true, 0, ops, 2, &op, err)))
            return rc;
        if (pub[f][op])
            return jr_fail(&o, "op", err, "second row for %s %s", nx_fmt_get(f)->name, ops[op]);
        tech_arith *a = &lib->arith[f][op];
        char asrc[TECH_TEXT_BYTES];
        if ((rc = tl_pos(&o, "energy_pj", true, 0, &a->energy_pj, err)) ||
            (rc = tl_source(&o, "energy_source", &src, a->source, sizeof a->source, err)) ||
            (rc = tl_pos(&o, "area_um2", true, 0, &a->area_um2, err)) ||
            (rc = tl_source(&o, "area_source", &src, asrc, sizeof asrc, err)) ||
            (rc = jr_obj_done(&o, err)))
            return rc;
        pub[f][op] = true;
    }
    tl_derive(lib, pub);
    if ((rc = tl_units(&root, &src, lib, err)))
        return rc;
    return jr_obj_done(&root, err);
}

/* ---- memory.json ---- */

static int tl_sram_fit(tech_lib *lib, jr_obj *root, fw_err *err)
{
    size_t n = lib->sram_count;
    if (n < 4)
        return jr_fail(root, "sram_points", err, "the fit needs at least 4 points, got %zu", n);
    gsl_matrix *x = gsl_matrix_alloc(n, 3), *cov = gsl_matrix_alloc(3, 3);
    gsl_vector *y = gsl_vector_alloc(n), *c = gsl_vector_alloc(3);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(n, 3);
    int rc = 0, st;
    if (!x || !cov || !y || !c || !ws) {
        rc = fw_err_set(err, FW_EXIT_FAIL, "tech: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const tech_sram_point *p = &lib->sram[i];
        gsl_matrix_set(x, i, 0, 1.0);
        gsl_matrix_set(x, i, 1, log(p->capacity_bytes));
        gsl_matrix_set(x, i, 2, log(p->word_bits));
        gsl_vector_set(y, i, log(p->read_pj_per_bit_45));
    }
    double chisq;
    st = gsl_multifit_linear(x, y, c, cov, &chisq, ws);
    if (st != GSL_SUCCESS) {
        rc = jr_fail(root, "sram_points", err, "SRAM fit failed: %s", gsl_strerror(st));
        goto out;
    }
    lib->sram_k0 = gsl_vector_get(c, 0);
    lib->sram_k_cap = gsl_vector_get(c, 1);
    lib->sram_k_word = gsl_vector_get(c, 2);
    lib->sram_fit_rms_ln = sqrt(chisq / (double)n);
    if (!(lib->sram_k_cap > 0))
        rc = jr_fail(root, "sram_points", err, "SRAM fit does not grow with capacity (exponent %g)",
                     lib->sram_k_cap);
out:
    gsl_multifit_linear_free(ws);
    gsl_vector_free(c);
    gsl_vector_free(y);
    gsl_matrix_free(cov);
    gsl_matrix_free(x);
    return rc;
}

static int tl_memory(const jr_doc *doc, tech_lib *lib, fw_err *err)
{
    jr_obj root, o;
    jr_arr arr;
    tl_sources src;
    int rc;
    if ((rc = jr_root(doc, &root, err)) || (rc = tl_about(&root, err)) ||
        (rc = tl_read_sources(&root, &src, err)) ||
        (rc = jr_arr_get(&root, "sram_points", true, &arr, NULL, err)))
        return rc;
    if (arr.count > TECH_MAX_SRAM_POINTS)
        return jr_fail(&root, "sram_points", err, "more than %d points", TECH_MAX_SRAM_POINTS);
    lib->sram_count = arr.count;
    double ratio_log_sum = 0, best_area_cap = 0;
    size_t ratio_count = 0;
    for (size_t i = 0; i < arr.count; i++) {
        tech_sram_point *p = &lib->sram[i];
        double scale, area_mm2 = 0;
        if ((rc = jr_arr_obj(&arr, i, &o, err)) ||
            (rc = tl_to_ref(lib, &o, &scale, &p->node_nm, &p->vdd_v, err)) ||
            (rc = tl_pos(&o, "capacity_bytes", true, 0, &p->capacity_bytes, err)) ||
            (rc = tl_pos(&o, "word_bits", true, 0, &p->word_bits, err)) ||
            (rc = tl_source(&o, "source", &src, p->source, sizeof p->source, err)))
            return rc;
        bool per_access = jr_has(&o, "read_pj_per_access");
        if (per_access == jr_has(&o, "read_pj_per_bit"))
            return jr_fail(&o, "read_pj_per_bit", err,
                           "give exactly one of read_pj_per_bit and read_pj_per_access");
        if (per_access) {
            double e;
            if ((rc = tl_pos(&o, "read_pj_per_access", true, 0, &e, err)))
                return rc;
            p->read_pj_per_bit = e / p->word_bits;
        } else if ((rc = tl_pos(&o, "read_pj_per_bit", true, 0, &p->read_pj_per_bit, err))) {
            return rc;
        }
        if ((rc = tl_pos(&o, "write_pj_per_bit", false, 0, &p->write_pj_per_bit, err)) ||
            (rc = tl_pos(&o, "area_mm2", false, 0, &area_mm2, err)) || (rc = jr_obj_done(&o, err)))
            return rc;
        p->read_pj_per_bit_45 = p->read_pj_per_bit * scale;
        if (p->write_pj_per_bit > 0) {
            ratio_log_sum += log(p->write_pj_per_bit / p->read_pj_per_bit);
            ratio_count++;
        }
        if (area_mm2 > 0 && p->capacity_bytes > best_area_cap) {
            const tech_node *n = tl_node(lib, p->node_nm);
            best_area_cap = p->capacity_bytes;
            lib->sram_area_um2_per_bit_45 =
                area_mm2 * 1e6 / (p->capacity_bytes * 8.0) / n->area_rel_45;
        }
    }
    if (ratio_count == 0 || best_area_cap == 0)
        return jr_fail(&root, "sram_points", err,
                       "needs a point with write_pj_per_bit and a point with area_mm2");
    lib->sram_write_read_ratio = exp(ratio_log_sum / (double)ratio_count);
    if ((rc = tl_sram_fit(lib, &root, err)))
        return rc;

    double scale, nm, v;
    if ((rc = jr_obj_get(&root, "register", true, &o, NULL, err)) ||
        (rc = tl_to_ref(lib, &o, &scale, &nm, &v, err)) ||
        (rc = tl_pos(&o, "access_pj_per_bit", true, 0, &lib->reg_pj_per_bit_45, err)) ||
        (rc = tl_pos(&o, "area_um2_per_bit", true, 0, &lib->reg_area_um2_per_bit_45, err)) ||
        (rc = tl_source(&o, "source", &src, lib->reg_source, sizeof lib->reg_source, err)) ||
        (rc = jr_obj_done(&o, err)))
        return rc;
    lib->reg_pj_per_bit_45 *= scale;
    lib->reg_area_um2_per_bit_45 /= tl_node(lib, nm)->area_rel_45;
    if ((rc = jr_obj_get(&root, "wire", true, &o, NULL, err)) ||
        (rc = tl_to_ref(lib, &o, &scale, &nm, &v, err)) ||
        (rc = tl_pos(&o, "energy_pj_per_bit_mm", true, 0, &lib->wire_pj_per_bit_mm_45, err)) ||
        (rc = tl_source(&o, "source", &src, lib->wire_source, sizeof lib->wire_source, err)) ||
        (rc = jr_obj_done(&o, err)))
        return rc;
    lib->wire_pj_per_bit_mm_45 *= scale;

    if ((rc = jr_arr_get(&root, "dram", true, &arr, NULL, err)))
        return rc;
    if (arr.count == 0 || arr.count > TECH_MAX_DRAM)
        return jr_fail(&root, "dram", err, "needs 1 to %d interfaces", TECH_MAX_DRAM);
    lib->dram_count = arr.count;
    for (size_t i = 0; i < arr.count; i++) {
        tech_dram *d = &lib->dram[i];
        const char *type;
        if ((rc = jr_arr_obj(&arr, i, &o, err)) ||
            (rc = jr_str(&o, "type", true, NULL, &type, err)) ||
            (rc = tl_pos(&o, "low_pj_per_bit", true, 0, &d->low_pj_per_bit, err)) ||
            (rc = tl_pos(&o, "high_pj_per_bit", true, 0, &d->high_pj_per_bit, err)) ||
            (rc = tl_source(&o, "source", &src, d->source, sizeof d->source, err)) ||
            (rc = jr_obj_done(&o, err)))
            return rc;
        if (d->high_pj_per_bit < d->low_pj_per_bit)
            return jr_fail(&o, "high_pj_per_bit", err, "below low_pj_per_bit");
        tl_copy(d->type, sizeof d->type, type);
        d->pj_per_bit = 0.5 * (d->low_pj_per_bit + d->high_pj_per_bit);
    }
    return jr_obj_done(&root, err);
}

/* ---- assumptions.json ---- */

static int tl_assume(const jr_doc *doc, tech_lib *lib, fw_err *err)
{
    jr_obj root, o;
    jr_arr arr;
    tl_sources src;
    tech_ladder *l = &lib->ladder;
    const char *dram;
    int rc;
    if ((rc = jr_root(doc, &root, err)) || (rc = tl_about(&root, err)) ||
        (rc = tl_read_sources(&root, &src, err)) ||
        (rc = jr_obj_get(&root, "ladder", true, &o, NULL, err)) ||
        (rc = jr_f64(&o, "reg_input_reads_per_mac", true, 0, 0, 100, &l->reg_input_reads_per_mac,
                     err)) ||
        (rc = jr_f64(&o, "reg_acc_reads_per_mac", true, 0, 0, 100, &l->reg_acc_reads_per_mac,
                     err)) ||
        (rc = jr_f64(&o, "reg_input_writes_per_mac", true, 0, 0, 100, &l->reg_input_writes_per_mac,
                     err)) ||
        (rc = jr_f64(&o, "reg_acc_writes_per_mac", true, 0, 0, 100, &l->reg_acc_writes_per_mac,
                     err)) ||
        (rc = tl_source(&o, "reg_source", &src, l->reg_source, sizeof l->reg_source, err)) ||
        (rc = jr_f64(&o, "sram_input_reads_per_mac", true, 0, 0, 100, &l->sram_input_reads_per_mac,
                     err)) ||
        (rc = jr_f64(&o, "sram_acc_writes_per_mac", true, 0, 0, 100, &l->sram_acc_writes_per_mac,
                     err)) ||
        (rc = tl_source(&o, "sram_reuse_source", &src, l->sram_source, sizeof l->sram_source,
                        err)) ||
        (rc = tl_pos(&o, "sram_capacity_bytes", true, 0, &l->sram_capacity_bytes, err)) ||
        (rc = tl_pos(&o, "sram_word_bits", true, 0, &l->sram_word_bits, err)) ||
        (rc = tl_source(&o, "sram_size_source", &src, l->sram_size_source,
                        sizeof l->sram_size_source, err)) ||
        (rc = jr_f64(&o, "dram_input_elements_per_mac", true, 0, 0, 100,
                     &l->dram_input_elements_per_mac, err)) ||
        (rc = tl_source(&o, "dram_source", &src, l->dram_source, sizeof l->dram_source, err)) ||
        (rc = jr_str(&o, "dram_type", true, NULL, &dram, err)))
        return rc;
    if (!tech_dram_find(lib, dram))
        return jr_fail(&o, "dram_type", err, "unknown DRAM type '%s' (not in memory.json)", dram);
    tl_copy(l->dram_type, sizeof l->dram_type, dram);
    char dsrc[TECH_TEXT_BYTES];
    if ((rc = tl_source(&o, "dram_type_source", &src, dsrc, sizeof dsrc, err)) ||
        (rc = jr_obj_done(&o, err)) ||
        (rc = jr_f64(&root, "leakage_fraction_of_peak_dynamic", true, 0, 0, 10, &lib->leak_fraction,
                     err)) ||
        (rc = tl_source(&root, "leakage_source", &src, lib->leak_source, sizeof lib->leak_source,
                        err)) ||
        (rc = jr_f64(&root, "clock_fraction_of_peak_dynamic", true, 0, 0, 10, &lib->clock_fraction,
                     err)) ||
        (rc = tl_source(&root, "clock_source", &src, lib->clock_source, sizeof lib->clock_source,
                        err)) ||
        (rc = jr_f64(&root, "flipflop_read_fraction_of_register", true, 0, 0, 10,
                     &lib->ff_read_fraction, err)) ||
        (rc = tl_source(&root, "flipflop_read_source", &src, lib->ff_read_source,
                        sizeof lib->ff_read_source, err)) ||
        (rc = jr_f64(&root, "regfile_read_fraction_of_register", true, 0, 0, 10,
                     &lib->rf_read_fraction, err)) ||
        (rc = tl_source(&root, "regfile_read_source", &src, lib->rf_read_source,
                        sizeof lib->rf_read_source, err)) ||
        (rc = jr_arr_get(&root, "accumulators", true, &arr, NULL, err)))
        return rc;
    for (int f = 0; f < NX_FMT_COUNT; f++)
        lib->default_acc[f] = NX_FMT_COUNT;
    for (size_t i = 0; i < arr.count; i++) {
        nx_fmt in, acc;
        if ((rc = jr_arr_obj(&arr, i, &o, err)) || (rc = tl_fmt(&o, "input", &in, err)) ||
            (rc = tl_fmt(&o, "accumulator", &acc, err)) || (rc = jr_obj_done(&o, err)))
            return rc;
        lib->default_acc[in] = acc;
    }
    const char *s;
    if ((rc = jr_str(&root, "accumulators_source", true, NULL, &s, err)))
        return rc;
    return jr_obj_done(&root, err);
}

/* ---- references.json ---- */

static int tl_refs(const jr_doc *doc, tech_lib *lib, fw_err *err)
{
    jr_obj root, o;
    jr_arr arr;
    tl_sources src;
    const tech_node *n;
    const char *s;
    int rc;
    if ((rc = jr_root(doc, &root, err)) || (rc = tl_about(&root, err)) ||
        (rc = tl_read_sources(&root, &src, err)) ||
        (rc = jr_arr_get(&root, "gpus", true, &arr, NULL, err)))
        return rc;
    if (arr.count > TECH_MAX_REFS)
        return jr_fail(&root, "gpus", err, "more than %d GPUs", TECH_MAX_REFS);
    lib->gpu_count = arr.count;
    for (size_t i = 0; i < arr.count; i++) {
        tech_gpu *g = &lib->gpus[i];
        if ((rc = jr_arr_obj(&arr, i, &o, err)) || (rc = jr_str(&o, "name", true, NULL, &s, err)) ||
            (rc = tl_node_key(&o, "node_nm", lib, &n, err)) ||
            (rc = tl_fmt(&o, "precision", &g->precision, err)) ||
            (rc = tl_pos(&o, "peak_tflops", true, 0, &g->peak_tflops, err)) ||
            (rc = tl_pos(&o, "tdp_w", true, 0, &g->tdp_w, err)) ||
            (rc = tl_source(&o, "source", &src, g->source, sizeof g->source, err)) ||
            (rc = jr_obj_done(&o, err)))
            return rc;
        tl_copy(g->name, sizeof g->name, s);
        g->node_nm = n->node_nm;
    }
    if ((rc = jr_obj_get(&root, "quoted_ceiling", true, &o, NULL, err)) ||
        (rc = tl_node_key(&o, "node_nm", lib, &n, err)) ||
        (rc = tl_fmt(&o, "precision", &lib->quoted_precision, err)) ||
        (rc = tl_pos(&o, "gflops_per_w", true, 0, &lib->quoted_gflops_per_w, err)) ||
        (rc = tl_source(&o, "source", &src, lib->quoted_source, sizeof lib->quoted_source, err)) ||
        (rc = jr_obj_done(&o, err)) || (rc = jr_arr_get(&root, "chips", true, &arr, NULL, err)))
        return rc;
    lib->quoted_node_nm = n->node_nm;
    if (arr.count > TECH_MAX_REFS)
        return jr_fail(&root, "chips", err, "more than %d chips", TECH_MAX_REFS);
    lib->chip_count = arr.count;
    for (size_t i = 0; i < arr.count; i++) {
        tech_chip *c = &lib->chips[i];
        const char *cfg, *wl;
        if ((rc = jr_arr_obj(&arr, i, &o, err)) || (rc = jr_str(&o, "name", true, NULL, &s, err)) ||
            (rc = jr_str(&o, "config", true, NULL, &cfg, err)) ||
            (rc = jr_str(&o, "workload", true, NULL, &wl, err)) ||
            (rc = jr_u32(&o, "batch", true, 1, 1, 1u << 20, &c->batch, err)) ||
            (rc = tl_source(&o, "batch_source", &src, c->batch_source, sizeof c->batch_source,
                            err)) ||
            (rc = tl_pos(&o, "peak_gops", true, 0, &c->peak_gops, err)) ||
            (rc = tl_pos(&o, "power_w", true, 0, &c->power_w, err)) ||
            (rc = tl_pos(&o, "area_mm2", false, 0, &c->area_mm2, err)) ||
            (rc = tl_source(&o, "source", &src, c->source, sizeof c->source, err)) ||
            (rc = jr_obj_done(&o, err)))
            return rc;
        tl_copy(c->name, sizeof c->name, s);
        tl_copy(c->config, sizeof c->config, cfg);
        tl_copy(c->workload, sizeof c->workload, wl);
    }
    return jr_obj_done(&root, err);
}

/* ---- entry points ---- */

static bool tl_name_matches(const char *given, const char *want)
{
    size_t g = strlen(given), w = strlen(want);
    return g >= w && !strcmp(given + g - w, want) && (g == w || given[g - w - 1] == '/');
}

typedef int (*tl_reader)(const jr_doc *, tech_lib *, fw_err *);
static const tl_reader tl_readers[TECH_FILE_COUNT] = {tl_arith, tl_nodes, tl_memory, tl_assume,
                                                      tl_refs};

void tech_load_start(tech_lib *lib)
{
    memset(lib, 0, sizeof *lib);
    for (int c = 0; c < TECH_CLASS_COUNT; c++)
        lib->class_scale[c] = 1.0; /* the generic model; an overlay may change it */
    gsl_set_error_handler_off(); /* process-wide and idempotent: errors are return codes */
}

int tech_load_doc(tech_lib *lib, const jr_doc *doc, fw_err *err)
{
    for (int j = 0; j < TECH_FILE_COUNT; j++)
        if (tl_name_matches(doc->file, tl_file_names[j]))
            return tl_readers[j](doc, lib, err);
    return fw_err_set(err, FW_EXIT_INPUT, "%s: not a technology data file", doc->file);
}

int tech_load_texts(const tech_text *files, size_t count, tech_lib **out, fw_err *err)
{
    static const int order[TECH_FILE_COUNT] = {TL_NODES, TL_ARITH, TL_MEMORY, TL_ASSUME, TL_REFS};
    const tech_text *found[TECH_FILE_COUNT] = {NULL};
    *out = NULL;
    for (size_t i = 0; i < count; i++) {
        int k = -1;
        for (int j = 0; j < TECH_FILE_COUNT; j++)
            if (tl_name_matches(files[i].name, tl_file_names[j]))
                k = j;
        if (k < 0)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s: not a technology data file (expected %s, "
                              "%s, %s, %s, %s)",
                              files[i].name, tl_file_names[0], tl_file_names[1], tl_file_names[2],
                              tl_file_names[3], tl_file_names[4]);
        if (found[k])
            return fw_err_set(err, FW_EXIT_INPUT, "%s: given twice", files[i].name);
        found[k] = &files[i];
    }
    for (int j = 0; j < TECH_FILE_COUNT; j++)
        if (!found[j])
            return fw_err_set(err, FW_EXIT_INPUT, "technology data: %s is missing",
                              tl_file_names[j]);
    tech_lib *lib = malloc(sizeof *lib);
    if (!lib)
        return fw_err_set(err, FW_EXIT_FAIL, "tech: out of memory");
    tech_load_start(lib);
    int rc = 0;
    for (int j = 0; j < TECH_FILE_COUNT && !rc; j++) {
        const tech_text *t = found[order[j]];
        jr_doc doc;
        if ((rc = jr_doc_parse(t->name, t->text, &doc, err)))
            break;
        rc = tl_readers[order[j]](&doc, lib, err);
        jr_doc_fini(&doc);
    }
    if (rc) {
        free(lib);
        return rc;
    }
    *out = lib;
    return 0;
}

static char *tl_read_file(const char *path, fw_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fw_err_set(err, FW_EXIT_IO, "%s: cannot open", path);
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    bool ok = buf != NULL;
    while (ok) {
        if (len + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                ok = false;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(&buf[len], 1, cap - len - 1, f);
        len += got;
        if (got == 0)
            break;
    }
    ok = ok && !ferror(f);
    fclose(f);
    if (!ok) {
        free(buf);
        fw_err_set(err, FW_EXIT_IO, "%s: cannot read", path);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

int tech_load(const char *dir, tech_lib **out, fw_err *err)
{
    if (!dir) {
        size_t count;
        const tech_text *files = tech_embedded(&count);
        return tech_load_texts(files, count, out, err);
    }
    char paths[TECH_FILE_COUNT][1024];
    char *texts[TECH_FILE_COUNT] = {NULL};
    tech_text files[TECH_FILE_COUNT];
    int rc = 0;
    for (int j = 0; j < TECH_FILE_COUNT && !rc; j++) {
        snprintf(paths[j], sizeof paths[j], "%s/%s", dir, tl_file_names[j]);
        texts[j] = tl_read_file(paths[j], err);
        if (!texts[j])
            rc = err->status;
        files[j].name = paths[j];
        files[j].text = texts[j];
    }
    if (!rc)
        rc = tech_load_texts(files, TECH_FILE_COUNT, out, err);
    for (int j = 0; j < TECH_FILE_COUNT; j++)
        free(texts[j]);
    return rc;
}

void tech_destroy(tech_lib *lib)
{
    free(lib);
}

const char *tech_embedded_input(const char *path)
{
    size_t count;
    const tech_text *t = tech_embedded_inputs(&count);
    for (size_t i = 0; i < count; i++)
        if (!strcmp(t[i].name, path))
            return t[i].text;
    return NULL;
}
