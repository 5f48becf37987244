/* eng_skip: zero skipping (eng.h "Zero skipping"): each fold's effective streamed length and
 * the skipped MACs, expected from the densities (fast engine) or counted from the operand
 * values (pe engine). Both walk the layer's folds with map_fold_iter; a fold's result depends
 * on (group, row fold, chunk) only, so it is computed once per such key and reused for the
 * layer's other column folds. */
#include "engine/eng.h"
#include "numerics/nx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double eng_expected_max_binomial(uint64_t n, double p, uint32_t r)
{
    if (n == 0 || p <= 0 || r == 0)
        return 0;
    if (p >= 1)
        return (double)n;
    /* S(t) = P(X > t) summed from the top (no cancellation near 1); pmf in log space */
    double lp = log(p), lq = log1p(-p), ln1 = lgamma((double)n + 1);
    double e = 0, tail = 0;
    for (uint64_t t = n; t-- > 0;) {
        double j = (double)(t + 1); /* tail += P(X = t + 1) */
        tail +=
            exp(ln1 - lgamma(j + 1) - lgamma((double)n - j + 1) + j * lp + ((double)n - j) * lq);
        double s = tail < 1 ? tail : 1;
        e += -expm1((double)r * log1p(-s)); /* 1 - F(t)^r */
        if (s >= 1) {
            e += (double)t; /* F = 0 from here down: each of the t remaining terms is 1 */
            break;
        }
    }
    return e;
}

double eng_stored_weight_zero_frac(const wl_layer *layer, const map_layer *map)
{
    double d = (1.0 - layer->weight_zero_frac) * (double)map->k_dense / (double)map->k;
    return d >= 1 ? 0 : 1 - d;
}

/* Slot of a fold's key (row fold, chunk) within its group. */
static size_t skip_key(const map_layer *map, const map_fold *d)
{
    return (size_t)(d->row_fold * map->chunks + d->chunk);
}

void eng_skip_expected(const cfg_accel *cfg, const wl_layer *layer, const map_layer *map,
                       uint64_t *t_eff, uint64_t *skipped_macs)
{
    bool is = cfg->dataflow == CFG_IS, os = cfg->dataflow == CFG_OS;
    double q = is ? eng_stored_weight_zero_frac(layer, map)
                  : 1.0 - (1.0 - layer->ifmap_zero_frac) * eng_inbounds_fraction(layer);
    /* at most two values of sr and of t per layer: keep the last result */
    uint64_t last_t = UINT64_MAX, last_sr = UINT64_MAX;
    double last_e = 0;
    double skipped = 0;
    map_fold_iter it;
    map_fold_iter_start(map, &it);
    for (uint64_t f = 0; f < map->folds; f++) {
        if (f > 0)
            map_fold_iter_next(&it);
        const map_fold *d = &it.fold;
        if (d->t != last_t || d->sr != last_sr) {
            last_t = d->t;
            last_sr = d->sr;
            last_e = os ? eng_expected_max_binomial(d->t, 1 - q, d->sr)
                        : (double)d->t * pow(q, (double)d->sr);
        }
        if (os) {
            uint64_t te = (uint64_t)llround(last_e);
            t_eff[f] = te < d->t ? te : d->t;
            skipped += (double)d->sr * (double)d->t * q * d->sc;
        } else {
            uint64_t s = (uint64_t)llround(last_e);
            t_eff[f] = d->t - (s < d->t ? s : d->t);
            skipped += last_e * d->sr * d->sc;
        }
    }
    *skipped_macs = (uint64_t)llround(skipped);
}

/* Zero maps of group g as the pe engine builds X and W (eng_pe.c pe_im2col, the first map->k
 * values of each reduction): zx[m * K + k], zw[n * K + k], 1 when zero. */
static void skip_zero_maps(const cfg_accel *cfg, const wl_layer *L, const map_layer *map,
                           const eng_operands *ops, uint64_t g, uint8_t *zx, uint8_t *zw)
{
    const nx_fmt_info *fi = nx_fmt_get(cfg->mac.input);
    uint64_t mag = fi->width_bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << fi->width_bits) - 1;
    if (fi->is_float)
        mag >>= 1;
    uint64_t M = map->m, N = map->n, K = map->k;
    for (uint64_t n = 0; n < N; n++)
        for (uint64_t k = 0; k < K; k++)
            zw[n * K + k] = (ops->filter[(g * N + n) * K + k] & mag) == 0;
    if (L->kind == WL_GEMM) {
        for (uint64_t i = 0; i < M * K; i++)
            zx[i] = (ops->ifmap[i] & mag) == 0;
        return;
    }
    uint64_t cg = L->in_c / map->groups;
    for (uint64_t m = 0; m < M; m++)
        for (uint64_t k = 0; k < K; k++) {
            int64_t i = eng_im2col_index(L, cg, g, m, k);
            zx[m * K + k] = i < 0 || (ops->ifmap[i] & mag) == 0; /* padding is a zero */
        }
}

int eng_skip_count(const cfg_accel *cfg, const wl_layer *layer, const map_layer *map,
                   const eng_operands *ops, uint64_t *t_eff, uint64_t *skipped_macs, fw_err *err)
{
    uint64_t M = map->m, N = map->n, K = map->k;
    size_t keys = (size_t)(map->row_folds * map->chunks);
    uint8_t *zx = malloc(M * K + 1), *zw = malloc(N * K + 1);
    uint64_t *memo_t = malloc(keys * sizeof *memo_t), *memo_s = malloc(keys * sizeof *memo_s);
    if (!zx || !zw || !memo_t || !memo_s) {
        free(zx), free(zw), free(memo_t), free(memo_s);
        return fw_err_set(err, FW_EXIT_INPUT, "layer %s: out of memory (zero skipping)",
                          layer->name);
    }
    bool is = cfg->dataflow == CFG_IS, os = cfg->dataflow == CFG_OS;
    uint64_t skipped = 0, group = UINT64_MAX;
    map_fold_iter it;
    map_fold_iter_start(map, &it);
    for (uint64_t f = 0; f < map->folds; f++) {
        if (f > 0)
            map_fold_iter_next(&it);
        const map_fold *d = &it.fold;
        if (d->group != group) {
            group = d->group;
            skip_zero_maps(cfg, layer, map, ops, group, zx, zw);
            memset(memo_t, 0xFF, keys * sizeof *memo_t);
        }
        size_t key = skip_key(map, d);
        if (memo_t[key] == UINT64_MAX) {
            uint64_t te = 0, sk = 0; /* sk: skipped (row, step) pairs of the fold */
            if (os) {                /* rows m = row0 + i, steps k in [0, t) */
                for (uint32_t i = 0; i < d->sr; i++) {
                    uint64_t nz = 0;
                    const uint8_t *z = zx + (d->row0 + i) * K;
                    for (uint64_t k = 0; k < d->t; k++)
                        nz += !z[k];
                    te = nz > te ? nz : te;
                    sk += d->t - nz;
                }
            } else { /* lanes k = row0 + i; steps m (ws, tree) or n (is) in [t0, t0 + t) */
                uint64_t steps = 0;
                for (uint64_t t = d->t0; t < d->t0 + d->t; t++) {
                    bool all = true;
                    for (uint32_t i = 0; i < d->sr && all; i++)
                        all = is ? zw[t * K + d->row0 + i] : zx[t * K + d->row0 + i];
                    steps += all;
                }
                te = d->t - steps;
                sk = steps * d->sr;
            }
            memo_t[key] = te;
            memo_s[key] = sk;
        }
        t_eff[f] = memo_t[key];
        skipped += memo_s[key] * d->sc;
    }
    free(zx), free(zw), free(memo_t), free(memo_s);
    *skipped_macs = skipped;
    return 0;
}
