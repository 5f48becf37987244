/* en_cal: bounded log-space least squares of the class factors (header). */
#include "energy/en_cal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdlib.h>

typedef struct ec_state {
    const en_cal_problem *p;
    const size_t *idx; /* the chips fitted */
    size_t m;
    int bad;           /* a prediction failed */
} ec_state;

static void ec_factors(const en_cal_problem *p, const gsl_vector *u, double f[TECH_CLASS_COUNT])
{
    double lb = log(p->bound);
    for (size_t c = 0; c < TECH_CLASS_COUNT; c++)
        f[c] = exp(lb * tanh(gsl_vector_get(u, c)));
}

static int ec_residuals(const gsl_vector *u, void *vs, gsl_vector *r)
{
    ec_state *s = vs;
    double f[TECH_CLASS_COUNT];
    ec_factors(s->p, u, f);
    for (size_t j = 0; j < s->m; j++) {
        size_t i = s->idx[j];
        double e = s->p->predict(s->p->ctx, i, f);
        if (!(e > 0) || !isfinite(e)) {
            s->bad = 1;
            return GSL_EDOM;
        }
        gsl_vector_set(r, j, log(e / s->p->published_pj_per_mac[i]));
    }
    if (s->p->prior_sigma_ln > 0)
        for (size_t c = 0; c < TECH_CLASS_COUNT; c++)
            gsl_vector_set(r, s->m + c, log(f[c]) / s->p->prior_sigma_ln);
    return GSL_SUCCESS;
}

int en_cal_fit_set(const en_cal_problem *p, const bool *use, en_cal_fit *out, fw_err *err)
{
    *out = (en_cal_fit){0};
    if (!(p->bound > 1))
        return fw_err_set(err, FW_EXIT_INPUT, "calibrate: bound %g must be > 1", p->bound);
    size_t *idx = malloc((p->n ? p->n : 1) * sizeof *idx), m = 0;
    if (!idx)
        return fw_err_set(err, FW_EXIT_FAIL, "calibrate: out of memory");
    for (size_t i = 0; i < p->n; i++)
        if (!use || use[i])
            idx[m++] = i;
    if (m < TECH_CLASS_COUNT) {
        free(idx);
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%zu chips cannot determine %d class factors (need at least "
                          "%d)",
                          m, TECH_CLASS_COUNT, TECH_CLASS_COUNT);
    }
    gsl_set_error_handler_off(); /* process-wide and idempotent: errors are return codes */
    ec_state s = {p, idx, m, 0};
    size_t nres = m + (p->prior_sigma_ln > 0 ? TECH_CLASS_COUNT : 0);
    gsl_multifit_nlinear_fdf fdf = {0};
    fdf.f = ec_residuals;
    fdf.df = NULL; /* finite differences */
    fdf.n = nres;
    fdf.p = TECH_CLASS_COUNT;
    fdf.params = &s;
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *w =
        gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, nres, TECH_CLASS_COUNT);
    gsl_vector *u0 = gsl_vector_calloc(TECH_CLASS_COUNT);
    int rc = 0;
    if (!w || !u0) {
        rc = fw_err_set(err, FW_EXIT_FAIL, "calibrate: out of memory");
    } else {
        int info = 0;
        int st = gsl_multifit_nlinear_init(u0, &fdf, w);
        if (st == GSL_SUCCESS)
            st = gsl_multifit_nlinear_driver(400, 1e-12, 1e-12, 1e-14, NULL, NULL, &info, w);
        /* GSL_EMAXITER and a stalled step (GSL_ENOPROG) leave the best point found: used */
        if (s.bad)
            rc = fw_err_set(err, FW_EXIT_FAIL,
                            "calibrate: the model gave no positive energy for some factors");
        else if (st != GSL_SUCCESS && st != GSL_EMAXITER && st != GSL_ENOPROG)
            rc = fw_err_set(err, FW_EXIT_FAIL, "calibrate: the fit failed: %s", gsl_strerror(st));
        if (!rc) {
            const gsl_vector *u = gsl_multifit_nlinear_position(w);
            const gsl_vector *r = gsl_multifit_nlinear_residual(w);
            ec_factors(p, u, out->f);
            double ss = 0;
            for (size_t j = 0; j < m; j++) /* the chips' residuals, not the prior's */
                ss += gsl_vector_get(r, j) * gsl_vector_get(r, j);
            out->rms_ln = sqrt(ss / (double)m);
            out->iterations = gsl_multifit_nlinear_niter(w);
            for (int c = 0; c < TECH_CLASS_COUNT; c++)
                out->at_bound[c] = fabs(fabs(log(out->f[c])) - log(p->bound)) < 0.01;
        }
    }
    gsl_vector_free(u0);
    if (w)
        gsl_multifit_nlinear_free(w);
    free(idx);
    return rc;
}

int en_cal_leave_one_out(const en_cal_problem *p, const bool *use, double *loo_pj_per_mac,
                         fw_err *err)
{
    bool *sub = malloc((p->n ? p->n : 1) * sizeof *sub);
    if (!sub)
        return fw_err_set(err, FW_EXIT_FAIL, "calibrate: out of memory");
    size_t m = 0;
    for (size_t i = 0; i < p->n; i++)
        m += !use || use[i];
    int rc = 0;
    if (m < TECH_CLASS_COUNT + 1)
        rc = fw_err_set(err, FW_EXIT_INPUT,
                        "leave-one-out over %zu chips fits %zu, fewer than the %d "
                        "classes (need at least %d chips)",
                        m, m ? m - 1 : 0, TECH_CLASS_COUNT, TECH_CLASS_COUNT + 1);
    for (size_t i = 0; i < p->n && !rc; i++) {
        loo_pj_per_mac[i] = 0;
        if (use && !use[i])
            continue;
        for (size_t j = 0; j < p->n; j++)
            sub[j] = (!use || use[j]) && j != i;
        en_cal_fit fit;
        if ((rc = en_cal_fit_set(p, sub, &fit, err)))
            break;
        loo_pj_per_mac[i] = p->predict(p->ctx, i, fit.f);
        if (!(loo_pj_per_mac[i] > 0))
            rc = fw_err_set(err, FW_EXIT_FAIL, "calibrate: no positive prediction for chip %zu",
                            i);
    }
    free(sub);
    return rc;
}
