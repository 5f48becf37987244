/* en_cal: calibration of the energy model to published chips (flopwatt calibrate). One scale
 * factor per energy class (tech.h: arithmetic, registers, SRAM, wires, leakage and clock) is
 * fitted so that the modelled energy per MAC of a set of chips matches the published one in
 * log space (least squares on ln(modelled / published), every chip weighted alike). The factors
 * are bounded: ln f = ln(bound) x tanh(u), u free, fitted with GSL's trust-region
 * Levenberg-Marquardt (gsl_multifit_nlinear, finite-difference Jacobian), starting from f = 1.
 * The model is a callback, so the fit sees exactly what `flopwatt validate` prints (leakage and
 * clock are fractions of the arithmetic and register energy: the model is not linear in f).
 * An optional log-normal prior on each factor (prior_sigma_ln) regularizes the fit when the chips
 * do not separate the classes.
 * Leave-one-out: each chip of the set predicted with factors fitted on the others (a held-out
 * error, the honest measure of what calibration buys on a chip it has not seen).
 * Stage sim/energy; no state: everything is in the arguments.
 */
#ifndef EN_CAL_H
#define EN_CAL_H

#include "common/fw_err.h"
#include "tech/tech.h"

#include <stdbool.h>
#include <stddef.h>

#define EN_CAL_DEFAULT_BOUND 10.0 /* factors within [1/10, 10] unless asked otherwise */

/* The modelled energy per MAC (pJ) of chip i with the class factors f; NaN or <= 0 on failure. */
typedef double (*en_cal_predict)(void *ctx, size_t i, const double f[TECH_CLASS_COUNT]);

typedef struct en_cal_problem {
    size_t n;                          /* chips */
    const double *published_pj_per_mac; /* n values > 0 */
    en_cal_predict predict;
    void *ctx;
    double bound; /* > 1 */
    /* optional prior (0 = none): one more residual per class, ln(f) / prior_sigma_ln, pulling
     * each factor towards 1 with a log-normal weight of width prior_sigma_ln (ridge in log space) */
    double prior_sigma_ln;
} en_cal_problem;

typedef struct en_cal_fit {
    double f[TECH_CLASS_COUNT];
    double rms_ln;    /* rms of ln(modelled / published) over the chips fitted */
    size_t iterations;
    bool at_bound[TECH_CLASS_COUNT]; /* within 1% (in ln) of a bound */
} en_cal_fit;

/* Fits the factors on the chips with use[i] true (all when use is NULL). Refuses
 * (FW_EXIT_INPUT) fewer chips than classes; FW_EXIT_FAIL when GSL fails or a prediction is not
 * a positive number. */
int en_cal_fit_set(const en_cal_problem *p, const bool *use, en_cal_fit *out, fw_err *err);

/* Leave-one-out over the chips with use[i] true: loo_pj_per_mac[i] = chip i predicted with the
 * factors fitted on the others (0 for chips not used). Needs one chip more than classes. */
int en_cal_leave_one_out(const en_cal_problem *p, const bool *use, double *loo_pj_per_mac,
                         fw_err *err);

#endif
