/* eng_pe: the pe engine: every PE every cycle, moving real values through its registers exactly
 * as arr.h writes the schedule down, and checking on the way that every operand is where the
 * schedule says (a mismatch is a hazard: FW_EXIT_FAIL). */
#include "engine/eng_pe.h"

#include "engine/arr.h"
#include "numerics/nx.h"

#include <stdlib.h>
#include <string.h>

/* A value in a register with its tag: the fold it belongs to (-1: empty) and its position
 * (stream index t, or k for os). */
typedef struct pe_reg {
    uint64_t v;
    int64_t fold;
    uint64_t t;
} pe_reg;

/* The im2col views of one group: X[m][k] (ifmap), W[k][n] (filter), and the output/partial-sum
 * buffer O[m][n] with, per element, the cycle from which it is readable and the row fold that
 * wrote it. */
typedef struct pe_sim {
    const cfg_accel *cfg;
    const map_layer *map;
    const uint64_t *x_start;
    uint64_t *X, *W, *O;
    uint64_t *o_ready;
    int64_t *o_fold;              /* global fold index that wrote it, -1 none */
    uint32_t R, C, P;             /* array, MAC pipeline cycles */
    pe_reg *a, *b, *w_act, *w_sh; /* R*C each */
    pe_reg *p;                    /* partial sums: R*C*P (os: the accumulators, P = 1) */
    uint64_t *bus_last;           /* os: last cycle column j's result bus was used, +1 */
    eng_counters *ctr;
    fw_err *err;
    uint64_t last_write; /* last ofmap write cycle + 1 */
    map_fold *fd;        /* the current group's folds, from fold index fd0 */
    uint64_t fd0;
} pe_sim;

static const map_fold *pe_fd(const pe_sim *s, uint64_t f)
{
    return &s->fd[f - s->fd0];
}

#define PE_AT(s, arr, i, j) ((s)->arr[(size_t)(i) * (s)->C + (j)])

static int pe_hazard(pe_sim *s, uint64_t cyc, uint32_t i, uint32_t j, const char *what)
{
    return fw_err_set(s->err, FW_EXIT_FAIL,
                      "pe engine: schedule hazard at cycle %llu, PE(%u,%u): %s",
                      (unsigned long long)cyc, i, j, what);
}

/* Fills X and W of group g from the tensors (wl.h lowering). */
static void pe_im2col(const wl_layer *L, const map_layer *map, const eng_operands *ops, uint64_t g,
                      uint64_t *X, uint64_t *W, uint64_t zero)
{
    uint64_t M = map->m, N = map->n, K = map->k;
    if (L->kind == WL_GEMM) {
        for (uint64_t m = 0; m < M; m++)
            for (uint64_t k = 0; k < K; k++)
                X[m * K + k] = ops->ifmap[m * K + k];
        for (uint64_t k = 0; k < K; k++)
            for (uint64_t n = 0; n < N; n++)
                W[k * N + n] = ops->filter[n * K + k];
        return;
    }
    uint64_t cg = L->in_c / map->groups;
    for (uint64_t m = 0; m < M; m++) {
        uint64_t ox = m % L->out_w, oy = (m / L->out_w) % L->out_h;
        uint64_t img = m / ((uint64_t)L->out_w * L->out_h);
        for (uint64_t k = 0; k < K; k++) {
            uint64_t c = k % cg, s = (k / cg) % L->filt_s, r = k / (cg * L->filt_s);
            int64_t y = (int64_t)(oy * L->stride_h + r * L->dil_h) - (int64_t)L->pad_top;
            int64_t xx = (int64_t)(ox * L->stride_w + s * L->dil_w) - (int64_t)L->pad_left;
            uint64_t v = zero;
            if (y >= 0 && xx >= 0 && y < (int64_t)L->in_h && xx < (int64_t)L->in_w)
                v = ops->ifmap[((img * L->in_h + (uint64_t)y) * L->in_w + (uint64_t)xx) * L->in_c +
                               g * cg + c];
            X[m * K + k] = v;
        }
    }
    for (uint64_t k = 0; k < K; k++)
        for (uint64_t n = 0; n < N; n++)
            W[k * N + n] = ops->filter[(g * N + n) * K + k];
}

/* Writes output (m, n) of fold f into the ofmap buffer at cycle cyc. */
static void pe_write_out(pe_sim *s, int64_t f, uint64_t m, uint64_t n, uint64_t v, uint64_t cyc)
{
    size_t idx = m * s->map->n + n;
    s->O[idx] = v;
    s->o_ready[idx] = cyc + 1;
    s->o_fold[idx] = f;
    s->ctr->sram_writes[CFG_OFMAP]++;
    if (cyc + 1 > s->last_write)
        s->last_write = cyc + 1;
}

/* The partial sum entering output (m, n) of fold f at cycle cyc (column j, top row): the
 * accumulator zero in the first reduction fold, else what the previous reduction fold wrote
 * into the ofmap buffer, which must be there and readable by now (read-modify-write). */
static int pe_partial_in(pe_sim *s, const map_fold *d, int64_t f, uint64_t m, uint64_t n,
                         uint64_t cyc, uint32_t j, uint64_t *out)
{
    if (d->first_reduction) {
        *out = nx_zero(s->cfg->mac.accumulator);
        return 0;
    }
    size_t idx = m * s->map->n + n;
    if (s->o_fold[idx] != f - 1 || s->o_ready[idx] > cyc)
        return pe_hazard(s, cyc, 0, j, "partial sum not in the ofmap buffer");
    *out = s->O[idx];
    s->ctr->sram_reads[CFG_OFMAP]++;
    return 0;
}

/* ws / is: one cycle of every PE. folds [f_lo, f_hi) may be active. */
static int pe_cycle_stationary(pe_sim *s, uint64_t cyc, uint64_t f_lo, uint64_t f_hi)
{
    const cfg_accel *cfg = s->cfg;
    const map_layer *map = s->map;
    bool ws = cfg->dataflow == CFG_WS;
    uint32_t R = s->R, C = s->C;
    /* PEs, bottom-right first so that each reads its neighbours' previous-cycle values. */
    for (uint32_t ii = R; ii-- > 0;) {
        for (uint32_t jj = C; jj-- > 0;) {
            uint32_t i = ii, j = jj;
            pe_reg in = {0, -1, 0};
            if (j == 0) {
                /* injection: e(t, i) of the fold with x_f + R + t + i*P == cyc */
                for (uint64_t f = f_lo; f < f_hi; f++) {
                    uint64_t base = s->x_start[f] + R + (uint64_t)i * s->P;
                    const map_fold *d = pe_fd(s, f);
                    if (cyc < base || cyc - base >= d->t)
                        continue;
                    if (i >= d->sr)
                        continue;
                    uint64_t t = cyc - base, k = d->row0 + i, tg = d->t0 + t;
                    in.v = ws ? s->X[tg * map->k + k] : s->W[k * map->n + tg];
                    in.fold = (int64_t)f;
                    in.t = t;
                    s->ctr->sram_reads[ws ? CFG_IFMAP : CFG_FILTER]++;
                }
            } else {
                pe_reg left = PE_AT(s, a, i, j - 1);
                if (left.fold >= 0) {
                    const map_fold *d = pe_fd(s, (uint64_t)left.fold);
                    if (j < d->sc)
                        in = left;
                }
            }
            pe_reg *a = &PE_AT(s, a, i, j);
            /* partial-sum pipeline: the slot written now is read by the PE below P cycles
             * later (it has read this cycle's slot already: rows go bottom-up) */
            size_t slot = (size_t)(cyc % s->P);
            pe_reg *p = &s->p[((size_t)i * C + j) * s->P + slot];
            *a = in;
            if (in.fold < 0) {
                p->fold = -1;
                continue;
            }
            s->ctr->reg_writes++; /* stream register */
            const map_fold *d = pe_fd(s, (uint64_t)in.fold);
            pe_reg *wa = &PE_AT(s, w_act, i, j), *sh = &PE_AT(s, w_sh, i, j);
            if (in.t == 0) {
                if (sh->fold != in.fold)
                    return pe_hazard(s, cyc, i, j, "stationary value not loaded at the swap");
                *wa = *sh;
                sh->fold = -1;
                s->ctr->reg_reads++;
                s->ctr->reg_writes++;
            }
            if (wa->fold != in.fold)
                return pe_hazard(s, cyc, i, j, "stationary register holds another fold");
            uint64_t m_out = ws ? d->t0 + in.t : d->col0 + j;
            uint64_t n_out = ws ? d->col0 + j : d->t0 + in.t;
            uint64_t p_in;
            if (i == 0) {
                int rc = pe_partial_in(s, d, in.fold, m_out, n_out, cyc, j, &p_in);
                if (rc)
                    return rc;
            } else {
                pe_reg up = s->p[((size_t)(i - 1) * C + j) * s->P + slot];
                if (up.fold != in.fold || up.t != in.t)
                    return pe_hazard(s, cyc, i, j, "partial sum from above is not this one's");
                p_in = up.v;
                s->ctr->reg_reads++;
            }
            uint64_t xv = ws ? in.v : wa->v, wv = ws ? wa->v : in.v;
            nx_flags fl = 0;
            p->v = nx_mac(&cfg->mac, p_in, xv, wv, &fl);
            p->fold = in.fold;
            p->t = in.t;
            s->ctr->reg_reads += 2;
            s->ctr->reg_writes++;
            s->ctr->macs++;
            if (i == d->sr - 1) {
                /* through the R - sr bypassed rows: written at x_f + R + t + R*P - 1 + j */
                uint64_t wcyc = cyc + s->P - 1 + (uint64_t)(R - d->sr) * s->P;
                s->ctr->reg_reads++;
                pe_write_out(s, in.fold, m_out, n_out, p->v, wcyc);
            }
        }
    }
    /* Load events: shadow writes of column j at x_f + R - 1 + j, after the PEs so that a
     * swap in the same cycle takes the previous value (register semantics). */
    for (uint64_t f = f_lo; f < f_hi; f++) {
        uint64_t xf = s->x_start[f];
        if (cyc < xf + R - 1 || cyc >= xf + R - 1 + C)
            continue;
        const map_fold *d = pe_fd(s, f);
        uint32_t j = (uint32_t)(cyc - (xf + R - 1));
        if (j >= d->sc)
            continue;
        for (uint32_t i = 0; i < d->sr; i++) {
            pe_reg *sh = &PE_AT(s, w_sh, i, j);
            if (sh->fold >= 0)
                return pe_hazard(s, cyc, i, j, "shadow register overwritten before its swap");
            uint64_t k = d->row0 + i, other = d->col0 + j;
            /* ws: filter (k, n); is: ifmap (m, k) */
            sh->v = ws ? s->W[k * map->n + other] : s->X[other * map->k + k];
            sh->fold = (int64_t)f;
            s->ctr->reg_writes++;
            s->ctr->sram_reads[ws ? CFG_FILTER : CFG_IFMAP]++;
        }
    }
    return 0;
}

/* tree: one cycle of the broadcast-and-reduce array. First the column registers filled in the
 * previous cycle go to the ofmap buffer, then the fold streaming at this cycle (at most one:
 * the gap is at least T) reduces each used column into its register. */
static int pe_cycle_tree(pe_sim *s, uint64_t cyc, uint64_t f_lo, uint64_t f_hi)
{
    const cfg_accel *cfg = s->cfg;
    const map_layer *map = s->map;
    for (uint32_t j = 0; j < s->C; j++) {
        pe_reg *col = &PE_AT(s, p, 0, j);
        if (col->fold < 0)
            continue;
        const map_fold *d = pe_fd(s, (uint64_t)col->fold);
        if (s->x_start[col->fold] + col->t + 1 != cyc)
            return pe_hazard(s, cyc, 0, j, "column register not drained the cycle after");
        s->ctr->reg_reads++;
        pe_write_out(s, col->fold, d->t0 + col->t, d->col0 + j, col->v, cyc);
        col->fold = -1;
    }
    for (uint64_t f = f_lo; f < f_hi; f++) {
        const map_fold *d = pe_fd(s, f);
        uint64_t xf = s->x_start[f];
        if (cyc < xf || cyc - xf >= d->t)
            continue;
        uint64_t t = cyc - xf, m = d->t0 + t;
        /* row i's ifmap element, read once and broadcast to every used column */
        s->ctr->sram_reads[CFG_IFMAP] += d->sr;
        for (uint32_t j = 0; j < d->sc; j++) {
            uint64_t n = d->col0 + j, acc;
            int rc = pe_partial_in(s, d, (int64_t)f, m, n, cyc, j, &acc);
            if (rc)
                return rc;
            /* the column's reduction in the array's accumulation order (k ascending) */
            for (uint32_t i = 0; i < d->sr; i++) {
                uint64_t k = d->row0 + i;
                nx_flags fl = 0;
                acc = nx_mac(&cfg->mac, acc, s->X[m * map->k + k], s->W[k * map->n + n], &fl);
                s->ctr->sram_reads[CFG_FILTER]++;
                s->ctr->macs++;
            }
            pe_reg *col = &PE_AT(s, p, 0, j);
            *col = (pe_reg){acc, (int64_t)f, t};
            s->ctr->reg_writes++;
        }
    }
    return 0;
}

/* os: one cycle of every PE. */
static int pe_cycle_os(pe_sim *s, uint64_t cyc, uint64_t f_lo, uint64_t f_hi)
{
    const cfg_accel *cfg = s->cfg;
    const map_layer *map = s->map;
    uint32_t R = s->R, C = s->C;
    for (uint32_t i = R; i-- > 0;) {
        for (uint32_t j = C; j-- > 0;) {
            pe_reg ina = {0, -1, 0}, inb = {0, -1, 0};
            if (j == 0 || i == 0) {
                for (uint64_t f = f_lo; f < f_hi; f++) {
                    const map_fold *d = pe_fd(s, f);
                    uint64_t xf = s->x_start[f];
                    if (j == 0 && cyc >= xf + i && cyc - (xf + i) < map->t) {
                        if (i < d->sr) {
                            uint64_t k = cyc - (xf + i);
                            ina = (pe_reg){s->X[(d->row0 + i) * map->k + k], (int64_t)f, k};
                            s->ctr->sram_reads[CFG_IFMAP]++;
                        }
                    }
                    if (i == 0 && cyc >= xf + j && cyc - (xf + j) < map->t) {
                        if (j < d->sc) {
                            uint64_t k = cyc - (xf + j);
                            inb = (pe_reg){s->W[k * map->n + d->col0 + j], (int64_t)f, k};
                            s->ctr->sram_reads[CFG_FILTER]++;
                        }
                    }
                }
            }
            if (j > 0) {
                pe_reg left = PE_AT(s, a, i, j - 1);
                if (left.fold >= 0) {
                    const map_fold *d = pe_fd(s, (uint64_t)left.fold);
                    if (j < d->sc)
                        ina = left;
                }
            }
            if (i > 0) {
                pe_reg up = PE_AT(s, b, i - 1, j);
                if (up.fold >= 0) {
                    const map_fold *d = pe_fd(s, (uint64_t)up.fold);
                    if (i < d->sr)
                        inb = up;
                }
            }
            PE_AT(s, a, i, j) = ina;
            PE_AT(s, b, i, j) = inb;
            if (ina.fold < 0 && inb.fold < 0)
                continue;
            if (ina.fold != inb.fold || ina.t != inb.t)
                return pe_hazard(s, cyc, i, j, "ifmap and filter operands do not meet");
            s->ctr->reg_writes += 2;
            pe_reg *acc = &PE_AT(s, p, i, j);
            uint64_t acc_in;
            if (ina.t == 0) {
                if (acc->fold >= 0)
                    return pe_hazard(s, cyc, i, j, "accumulator still holds a result");
                acc_in = nx_zero(cfg->mac.accumulator);
            } else {
                if (acc->fold != ina.fold || acc->t != ina.t - 1)
                    return pe_hazard(s, cyc, i, j, "accumulator holds another output");
                acc_in = acc->v;
                s->ctr->reg_reads++;
            }
            nx_flags fl = 0;
            acc->v = nx_mac(&cfg->mac, acc_in, ina.v, inb.v, &fl);
            acc->fold = ina.fold;
            acc->t = ina.t;
            s->ctr->reg_reads += 2;
            s->ctr->reg_writes++;
            s->ctr->macs++;
            if (ina.t == map->t - 1) {
                if (s->bus_last[j] == cyc + 1)
                    return pe_hazard(s, cyc, i, j, "two results on one column bus");
                s->bus_last[j] = cyc + 1;
                const map_fold *d = pe_fd(s, (uint64_t)ina.fold);
                s->ctr->reg_reads++;
                pe_write_out(s, ina.fold, d->row0 + i, d->col0 + j, acc->v, cyc);
                acc->fold = -1;
            }
        }
    }
    return 0;
}

int eng_pe_run(const cfg_accel *cfg, const wl_layer *layer, const map_layer *map, const uint64_t *x,
               const eng_operands *ops, uint64_t *outputs, eng_counters *ctr, fw_err *err)
{
    uint64_t mk, kn, mn;
    if (__builtin_mul_overflow(map->m, map->k, &mk) ||
        __builtin_mul_overflow(map->k, map->n, &kn) ||
        __builtin_mul_overflow(map->m, map->n, &mn) || mk > ENG_PE_MAX_ELEMENTS ||
        kn > ENG_PE_MAX_ELEMENTS || mn > ENG_PE_MAX_ELEMENTS ||
        (uint64_t)cfg->rows * cfg->cols > ENG_PE_MAX_PES)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "layer %s: too large for the pe engine (use --engine fast)", layer->name);
    pe_sim s;
    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.map = map;
    s.x_start = x;
    s.R = cfg->rows;
    s.C = cfg->cols;
    s.ctr = ctr;
    s.err = err;
    size_t pes = (size_t)s.R * s.C;
    s.X = malloc(mk * sizeof *s.X);
    s.W = malloc(kn * sizeof *s.W);
    s.O = malloc(mn * sizeof *s.O);
    s.o_ready = malloc(mn * sizeof *s.o_ready);
    s.o_fold = malloc(mn * sizeof *s.o_fold);
    s.a = calloc(pes, sizeof *s.a);
    s.b = calloc(pes, sizeof *s.b);
    s.P = cfg->mac_pipeline_cycles;
    s.p = calloc(pes * s.P, sizeof *s.p);
    s.w_act = calloc(pes, sizeof *s.w_act);
    s.w_sh = calloc(pes, sizeof *s.w_sh);
    s.bus_last = calloc(s.C, sizeof *s.bus_last);
    s.fd = malloc(map->folds_per_group * sizeof *s.fd);
    int rc = 0;
    if (!s.X || !s.W || !s.O || !s.o_ready || !s.o_fold || !s.a || !s.b || !s.p || !s.w_act ||
        !s.w_sh || !s.bus_last || !s.fd) {
        rc =
            fw_err_set(err, FW_EXIT_INPUT, "layer %s: out of memory in the pe engine", layer->name);
        goto out;
    }
    uint64_t zero_in = nx_zero(cfg->mac.input);
    for (uint64_t g = 0; g < map->groups && !rc; g++) {
        uint64_t f0 = g * map->folds_per_group, f1 = f0 + map->folds_per_group;
        pe_im2col(layer, map, ops, g, s.X, s.W, zero_in);
        s.fd0 = f0;
        for (uint64_t f = f0; f < f1; f++)
            map_fold_get(map, f, &s.fd[f - f0]);
        for (size_t i = 0; i < mn; i++) {
            s.o_fold[i] = -1;
            s.o_ready[i] = 0;
        }
        for (size_t i = 0; i < pes; i++) {
            s.a[i].fold = s.b[i].fold = s.w_act[i].fold = s.w_sh[i].fold = -1;
        }
        for (size_t i = 0; i < pes * s.P; i++)
            s.p[i].fold = -1;
        /* Cycle by cycle over the group's folds; folds of one group never overlap another
         * group's in time (x is increasing), and between groups the array is empty. */
        uint64_t lo = f0;
        uint64_t cyc = x[f0];
        uint64_t group_end = x[f1 - 1] + arr_fold_cycles(cfg, s.fd[f1 - 1 - f0].t);
        while (cyc < group_end && !rc) {
            while (lo < f1 && x[lo] + arr_fold_cycles(cfg, s.fd[lo - f0].t) <= cyc)
                lo++;
            uint64_t hi = lo;
            while (hi < f1 && x[hi] <= cyc)
                hi++;
            if (hi == lo) { /* idle (stall): nothing in flight, jump to the next fold */
                cyc = x[lo];
                continue;
            }
            if (cfg->dataflow == CFG_OS)
                rc = pe_cycle_os(&s, cyc, lo, hi);
            else if (cfg->dataflow == CFG_TREE)
                rc = pe_cycle_tree(&s, cyc, lo, hi);
            else
                rc = pe_cycle_stationary(&s, cyc, lo, hi);
            cyc++;
        }
        if (!rc && s.last_write > group_end)
            rc = fw_err_set(err, FW_EXIT_FAIL,
                            "pe engine: layer %s: a result was written after "
                            "its fold ended",
                            layer->name);
        for (uint64_t f = f0; f < f1 && !rc; f++)
            ctr->pe_slots += s.fd[f - f0].t * cfg->rows * cfg->cols;
        if (!rc && outputs) {
            /* output (m, n) of group g -> tensor [m][g*N + n] (wl.h: pixel-major, NHWC) */
            uint64_t filters = map->n * map->groups;
            for (uint64_t m = 0; m < map->m; m++)
                for (uint64_t n = 0; n < map->n; n++)
                    outputs[m * filters + g * map->n + n] = s.O[m * map->n + n];
        }
    }
out:
    free(s.X);
    free(s.W);
    free(s.O);
    free(s.o_ready);
    free(s.o_fold);
    free(s.a);
    free(s.b);
    free(s.p);
    free(s.w_act);
    free(s.w_sh);
    free(s.bus_last);
    free(s.fd);
    return rc;
}
