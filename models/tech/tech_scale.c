/* tech_scale: questions answered from a loaded tech_lib at a (node, supply) point. Every energy
 * is the 45 nm / 0.9 V figure times E_node(V) / E_45(0.9 V) (Stillmaker-Baas); every area the
 * 45 nm figure times the node's area factor. Interpolated nodes take the log-log interpolation
 * of their fitted neighbours' E(V) at the same V. DRAM is not scaled (a separate chip).
 */
#include "tech/tech.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static double ts_poly(const tech_node *n, double v)
{
    return n->a_per_v2 * v * v + n->b_per_v * v + n->c_rel;
}

/* The list a node belongs to (its interpolation neighbours are indices into it). */
static const tech_node *ts_list(const tech_lib *lib, const tech_node *node)
{
    return node->process == TECH_LP ? lib->lp_nodes : lib->nodes;
}

double tech_node_energy_rel(const tech_lib *lib, const tech_node *node, double vdd_v)
{
    if (node->method != TECH_NODE_INTERPOLATED)
        return ts_poly(node, vdd_v);
    const tech_node *list = ts_list(lib, node);
    const tech_node *lo = &list[node->lo], *hi = &list[node->hi];
    double t = log(lo->node_nm / node->node_nm) / log(lo->node_nm / hi->node_nm);
    double e0 = ts_poly(lo, vdd_v), e1 = ts_poly(hi, vdd_v);
    if (!(e0 > 0) || !(e1 > 0))
        return NAN;
    return exp(log(e0) + t * (log(e1) - log(e0)));
}

static double ts_floor(const tech_node *n)
{
    return n->a_per_v2 > 0 && n->b_per_v < 0 ? -n->b_per_v / (2.0 * n->a_per_v2) : 0.0;
}

double tech_node_vdd_floor_v(const tech_lib *lib, const tech_node *node)
{
    if (node->method != TECH_NODE_INTERPOLATED)
        return ts_floor(node);
    const tech_node *list = ts_list(lib, node);
    return fmax(ts_floor(&list[node->lo]), ts_floor(&list[node->hi]));
}

const char *tech_node_method_name(tech_node_method m)
{
    switch (m) {
    case TECH_NODE_FIT:
        return "fit";
    case TECH_NODE_INTERPOLATED:
        return "interpolated";
    case TECH_NODE_EXCLUDED:
        return "excluded";
    }
    return "?";
}

const char *tech_process_name(tech_process p)
{
    return p == TECH_LP ? "lp" : "hp";
}

int tech_node_find(const tech_lib *lib, double node_nm, const tech_node **out, fw_err *err)
{
    return tech_node_find_process(lib, node_nm, TECH_HP, out, err);
}

int tech_node_find_process(const tech_lib *lib, double node_nm, tech_process process,
                           const tech_node **out, fw_err *err)
{
    const tech_node *list = process == TECH_LP ? lib->lp_nodes : lib->nodes;
    size_t count = process == TECH_LP ? lib->lp_node_count : lib->node_count;
    for (size_t i = 0; i < count; i++) {
        const tech_node *n = &list[i];
        if (n->node_nm == node_nm) {
            if (n->method == TECH_NODE_EXCLUDED)
                return fw_err_set(err, FW_EXIT_INPUT, "node %g nm: %s", node_nm, n->note);
            *out = n;
            return 0;
        }
    }
    /* the list of known nodes is written only for the message (this is called per point) */
    char known[256] = "";
    size_t len = 0;
    for (size_t i = 0; i < count; i++) {
        const tech_node *n = &list[i];
        if (n->method != TECH_NODE_EXCLUDED && len < sizeof known)
            len += (size_t)snprintf(known + len, sizeof known - len, "%s%g", len ? ", " : "",
                                    n->node_nm);
    }
    return fw_err_set(err, FW_EXIT_INPUT, "node %g nm: unknown %snode (known: %s nm)", node_nm,
                      process == TECH_LP ? "lp " : "", known);
}

int tech_point_init(const tech_lib *lib, double node_nm, double vdd_v, tech_point *out, fw_err *err)
{
    return tech_point_init_process(lib, node_nm, TECH_HP, vdd_v, out, err);
}

int tech_point_init_process(const tech_lib *lib, double node_nm, tech_process process,
                            double vdd_v, tech_point *out, fw_err *err)
{
    const tech_node *n, *ref;
    int rc = tech_node_find_process(lib, node_nm, process, &n, err);
    if (rc)
        return rc;
    if ((rc = tech_node_find(lib, lib->ref_node_nm, &ref, err)))
        return rc;
    if (vdd_v <= 0)
        vdd_v = n->nominal_vdd_v;
    double floor_v = tech_node_vdd_floor_v(lib, n);
    if (!(vdd_v > floor_v) || vdd_v > 3.0 * n->nominal_vdd_v)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "supply %g V at %g nm: outside the model's range (%.3g V, %.3g V] "
                          "(below %.3g V the node's energy fit is not monotonic)",
                          vdd_v, node_nm, floor_v, 3.0 * n->nominal_vdd_v, floor_v);
    out->lib = lib;
    out->node = n;
    out->vdd_v = vdd_v;
    out->energy_scale =
        tech_node_energy_rel(lib, n, vdd_v) / tech_node_energy_rel(lib, ref, lib->ref_vdd_v);
    out->area_scale = n->area_rel_45;
    return 0;
}

double tech_op_pj(const tech_point *pt, nx_fmt fmt, tech_op op)
{
    return pt->lib->arith[fmt][op].energy_pj * pt->energy_scale *
           pt->lib->class_scale[TECH_CLASS_ARITH];
}

double tech_op_area_um2(const tech_point *pt, nx_fmt fmt, tech_op op)
{
    return pt->lib->arith[fmt][op].area_um2 * pt->area_scale;
}

double tech_mac_pj(const tech_point *pt, nx_fmt in, nx_fmt acc)
{
    return tech_op_pj(pt, in, TECH_MUL) + tech_op_pj(pt, acc, TECH_ADD);
}

double tech_as_built_factor(const tech_lib *lib, nx_fmt in)
{
    return lib->as_built_factor[in];
}

double tech_mac_pj_src(const tech_point *pt, nx_fmt in, nx_fmt acc, tech_arith_source src)
{
    double mac = tech_mac_pj(pt, in, acc);
    return src == TECH_ARITH_AS_BUILT ? mac * tech_as_built_factor(pt->lib, in) : mac;
}

const char *tech_arith_source_name(tech_arith_source s)
{
    return s == TECH_ARITH_AS_BUILT ? "as built" : "datapath";
}

double tech_reg_pj_per_bit(const tech_point *pt)
{
    return pt->lib->reg_pj_per_bit_45 * pt->energy_scale * pt->lib->class_scale[TECH_CLASS_REG];
}

double tech_reg_area_um2_per_bit(const tech_point *pt)
{
    return pt->lib->reg_area_um2_per_bit_45 * pt->area_scale;
}

double tech_sram_read_pj_per_bit(const tech_point *pt, double capacity_bytes, double word_bits)
{
    const tech_lib *l = pt->lib;
    return exp(l->sram_k0 + l->sram_k_cap * log(capacity_bytes) + l->sram_k_word * log(word_bits)) *
           pt->energy_scale * l->class_scale[TECH_CLASS_SRAM];
}

/* A write is the read at the same point times the write/read ratio. */
static double ts_sram_write_of_read(const tech_point *pt, double read_pj_per_bit)
{
    return read_pj_per_bit * pt->lib->sram_write_read_ratio;
}

double tech_sram_write_pj_per_bit(const tech_point *pt, double capacity_bytes, double word_bits)
{
    return ts_sram_write_of_read(pt, tech_sram_read_pj_per_bit(pt, capacity_bytes, word_bits));
}

void tech_sram_rw_pj_per_bit(const tech_point *pt, double capacity_bytes, double word_bits,
                             double *read_pj_per_bit, double *write_pj_per_bit)
{
    *read_pj_per_bit = tech_sram_read_pj_per_bit(pt, capacity_bytes, word_bits);
    *write_pj_per_bit = ts_sram_write_of_read(pt, *read_pj_per_bit);
}

double tech_sram_area_um2_per_bit(const tech_point *pt)
{
    return pt->lib->sram_area_um2_per_bit_45 * pt->area_scale;
}

double tech_wire_pj_per_bit_mm(const tech_point *pt)
{
    return pt->lib->wire_pj_per_bit_mm_45 * pt->energy_scale *
           pt->lib->class_scale[TECH_CLASS_WIRE];
}

const tech_dram *tech_dram_find(const tech_lib *lib, const char *type)
{
    for (size_t i = 0; i < lib->dram_count; i++)
        if (!strcmp(lib->dram[i].type, type))
            return &lib->dram[i];
    return NULL;
}

typedef struct ts_target {
    const tech_lib *lib;
    const tech_node *node;
    double want; /* E_N(V) wanted, in the fit's units */
} ts_target;

static double ts_residual(double v, void *p)
{
    const ts_target *t = p;
    return tech_node_energy_rel(t->lib, t->node, v) - t->want;
}

int tech_vdd_for_scale(const tech_lib *lib, const tech_node *node, double energy_scale,
                       double *vdd_v, fw_err *err)
{
    const tech_node *ref;
    int rc = tech_node_find(lib, lib->ref_node_nm, &ref, err);
    if (rc)
        return rc;
    ts_target t = {lib, node, energy_scale * tech_node_energy_rel(lib, ref, lib->ref_vdd_v)};
    double lo = tech_node_vdd_floor_v(lib, node) + 1e-6, hi = 3.0 * node->nominal_vdd_v;
    double flo = ts_residual(lo, &t), fhi = ts_residual(hi, &t);
    if (!(flo < 0)) {
        *vdd_v = lo;
        return fw_err_set(err, FW_EXIT_FAIL,
                          "%g nm: not reachable: even at the fit's floor %.3g V the energy is "
                          "%.3gx the 45 nm / 0.9 V figure (target %.3gx)",
                          node->node_nm, lo, (flo + t.want) / (t.want / energy_scale),
                          energy_scale);
    }
    if (!(fhi > 0)) {
        *vdd_v = hi;
        return fw_err_set(err, FW_EXIT_FAIL,
                          "%g nm: reached at any supply up to 3x nominal (%.3g V)", node->node_nm,
                          hi);
    }
    gsl_set_error_handler_off(); /* process-wide and idempotent: errors are return codes */
    gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (!s)
        return fw_err_set(err, FW_EXIT_FAIL, "tech: out of memory");
    gsl_function fn = {ts_residual, &t};
    int st = gsl_root_fsolver_set(s, &fn, lo, hi);
    bool converged = false;
    for (int iter = 0; st == GSL_SUCCESS && !converged && iter < 200; iter++) {
        st = gsl_root_fsolver_iterate(s);
        if (st != GSL_SUCCESS)
            break;
        int t_st = gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s),
                                          1e-12, 1e-12);
        if (t_st == GSL_SUCCESS)
            converged = true;
        else if (t_st != GSL_CONTINUE)
            st = t_st;
    }
    if (st == GSL_SUCCESS && !converged)
        st = GSL_EMAXITER;
    *vdd_v = gsl_root_fsolver_root(s);
    gsl_root_fsolver_free(s);
    if (st != GSL_SUCCESS)
        return fw_err_set(err, FW_EXIT_FAIL, "%g nm: root finding failed: %s", node->node_nm,
                          gsl_strerror(st));
    return 0;
}
