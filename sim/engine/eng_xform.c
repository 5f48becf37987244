/* eng_xform: transformed convolution (Winograd, FFT): see eng_xform.h for the matrices, the
 * evaluation rules, the costs and the model. */
#include "engine/eng_xform.h"

#include "engine/eng_pe.h"
#include "engine/mem.h"
#include "numerics/nx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XF_MAX_A 8    /* largest input tile side (FFT) */
#define XF_FFT_N 8    /* FFT length */
#define XF_FFT_COLS 5 /* kx = 0 .. N/2: the columns a real signal's spectrum needs */
#define XF_FFT_BINS (XF_FFT_N * XF_FFT_COLS)
#define XF_EXPANSION 64 /* components of an exact sum (a double expansion spans < 40) */

/* A constant matrix (rows x cols, at most XF_MAX_A each). */
typedef struct xf_mat {
    uint32_t rows, cols;
    double c[XF_MAX_A][XF_MAX_A];
} xf_mat;

/* Lavin & Gray 2016, F(2x2,3x3) */
static const xf_mat xf_bt2 = {4, 4, {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}}};
static const xf_mat xf_g2 = {4, 3, {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}}};
static const xf_mat xf_gi2 = {4, 3, {{1, 0, 0}, {1, 1, 1}, {1, -1, 1}, {0, 0, 1}}}; /* D G */
static const xf_mat xf_at2 = {2, 4, {{1, 1, 1, 0}, {0, 1, -1, -1}}};
static const int64_t xf_d2[4] = {1, 2, 2, 1};
/* F(4x4,3x3) */
static const xf_mat xf_bt4 = {6,
                              6,
                              {{4, 0, -5, 0, 1, 0},
                               {0, -4, -4, 1, 1, 0},
                               {0, 4, -4, -1, 1, 0},
                               {0, -2, -1, 2, 1, 0},
                               {0, 2, -1, -2, 1, 0},
                               {0, 4, 0, -5, 0, 1}}};
static const xf_mat xf_g4 = {6,
                             3,
                             {{1.0 / 4, 0, 0},
                              {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                              {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                              {1.0 / 24, 1.0 / 12, 1.0 / 6},
                              {1.0 / 24, -1.0 / 12, 1.0 / 6},
                              {0, 0, 1}}};
static const xf_mat xf_gi4 = {
    6, 3, {{1, 0, 0}, {-1, -1, -1}, {-1, 1, -1}, {1, 2, 4}, {1, -2, 4}, {0, 0, 1}}}; /* D G */
static const xf_mat xf_at4 = {
    4, 6, {{1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -2, 0}, {0, 1, 1, 4, 4, 0}, {0, 1, -1, 8, -8, 1}}};
static const int64_t xf_d4[6] = {4, 6, 6, 24, 24, 1};

/* The matrices of a Winograd algorithm. */
typedef struct xf_wino {
    const xf_mat *bt, *g, *gi, *at;
    const int64_t *d;
    int64_t l; /* lcm(d)^2 */
} xf_wino;

static xf_wino xf_wino_of(wl_algo a)
{
    if (a == WL_ALGO_WINO_F2)
        return (xf_wino){&xf_bt2, &xf_g2, &xf_gi2, &xf_at2, xf_d2, 4};
    return (xf_wino){&xf_bt4, &xf_g4, &xf_gi4, &xf_at4, xf_d4, 576};
}

static bool xf_pow2(double c)
{
    int e;
    return frexp(c, &e) == 0.5;
}

/* Counts one constant multiply by |c| != 1 (eng_xform.h: integer powers of two are shifts). */
static void xf_count_const(double c, bool integer, eng_xform_ops *o)
{
    if (integer && xf_pow2(c))
        o->shifts++;
    else
        o->muls++;
}

/* Non-zero columns of row i, ascending; returns their count and whether their magnitudes are
 * all equal. */
static uint32_t xf_row_nz(const xf_mat *m, uint32_t i, uint32_t nz[XF_MAX_A], bool *equal)
{
    uint32_t n = 0;
    *equal = true;
    for (uint32_t j = 0; j < m->cols; j++)
        if (m->c[i][j] != 0) {
            if (n && fabs(m->c[i][j]) != fabs(m->c[i][nz[0]]))
                *equal = false;
            nz[n++] = j;
        }
    return n;
}

/* Operations of one application of m (eng_xform.h rules). */
static void xf_mat_ops(const xf_mat *m, bool integer, eng_xform_ops *o)
{
    for (uint32_t i = 0; i < m->rows; i++) {
        uint32_t nz[XF_MAX_A];
        bool equal;
        uint32_t n = xf_row_nz(m, i, nz, &equal);
        if (!n)
            continue;
        o->adds += n - 1;
        if (equal) {
            if (fabs(m->c[i][nz[0]]) != 1)
                xf_count_const(fabs(m->c[i][nz[0]]), integer, o);
        } else {
            for (uint32_t k = 0; k < n; k++)
                if (fabs(m->c[i][nz[k]]) != 1)
                    xf_count_const(fabs(m->c[i][nz[k]]), integer, o);
        }
    }
}

static void xf_ops_scale(eng_xform_ops *o, const eng_xform_ops *one, uint64_t times)
{
    o->adds += one->adds * times;
    o->muls += one->muls * times;
    o->shifts += one->shifts * times;
}

/* One 8-point complex FFT: 12 butterflies of 4 adds, two general twiddles of 4 mul + 2 add. */
static const eng_xform_ops xf_fft8_ops = {52, 8, 0};

void eng_xform_costs_of(wl_algo a, uint32_t filt_r, uint32_t filt_s, bool integer,
                        eng_xform_costs *out)
{
    memset(out, 0, sizeof *out);
    (void)filt_s;
    if (a == WL_ALGO_FFT) {
        uint32_t mh = XF_FFT_N + 1 - filt_r;
        xf_ops_scale(&out->input, &xf_fft8_ops, XF_FFT_N + XF_FFT_COLS);
        xf_ops_scale(&out->filter, &xf_fft8_ops, filt_r + XF_FFT_COLS);
        xf_ops_scale(&out->output, &xf_fft8_ops, XF_FFT_COLS + mh);
        out->output.muls += (uint64_t)mh * (XF_FFT_N + 1 - filt_s); /* the 1/64 scaling */
        return;
    }
    xf_wino w = xf_wino_of(a);
    uint32_t ta = w.bt->rows, tm = w.at->rows;
    eng_xform_ops one;
    memset(&one, 0, sizeof one);
    xf_mat_ops(w.bt, integer, &one);
    xf_ops_scale(&out->input, &one, 2 * ta);
    memset(&one, 0, sizeof one);
    xf_mat_ops(integer ? w.gi : w.g, integer, &one);
    xf_ops_scale(&out->filter, &one, w.g->cols + ta);
    memset(&one, 0, sizeof one);
    xf_mat_ops(w.at, integer, &one);
    xf_ops_scale(&out->output, &one, ta + tm);
    if (integer) { /* rescale by L / (D_i D_j), then divide by L (eng_xform.h) */
        for (uint32_t i = 0; i < ta; i++)
            for (uint32_t j = 0; j < ta; j++) {
                int64_t f = w.l / (w.d[i] * w.d[j]);
                if (f != 1)
                    xf_count_const((double)f, true, &out->output);
            }
        int64_t l = w.l;
        int sh = 0;
        while (!(l & 1))
            l >>= 1, sh++;
        out->output.shifts += sh ? (uint64_t)tm * tm : 0;
        out->output.muls += l != 1 ? (uint64_t)tm * tm : 0;
    }
}

void eng_xform_shape_of(const wl_layer *l, wl_algo a, eng_xform_shape *out)
{
    memset(out, 0, sizeof *out);
    if (a == WL_ALGO_FFT) {
        out->a = XF_FFT_N;
        out->m_h = XF_FFT_N + 1 - l->filt_r;
        out->m_w = XF_FFT_N + 1 - l->filt_s;
        out->positions = XF_FFT_BINS;
        out->complex = 2;
    } else {
        xf_wino w = xf_wino_of(a);
        out->a = w.bt->rows;
        out->m_h = out->m_w = w.at->rows;
        out->positions = out->a * out->a;
        out->complex = 1;
    }
    out->tiles = (uint64_t)l->batch * ((l->out_h + out->m_h - 1) / out->m_h) *
                 ((l->out_w + out->m_w - 1) / out->m_w);
}

/* Largest row sum of |coefficients| of m: a transform's growth per application. */
static double xf_mat_gain(const xf_mat *m)
{
    double g = 0;
    for (uint32_t i = 0; i < m->rows; i++) {
        double r = 0;
        for (uint32_t j = 0; j < m->cols; j++)
            r += fabs(m->c[i][j]);
        g = fmax(g, r);
    }
    return g;
}

int eng_xform_formats(const cfg_accel *cfg, const wl_layer *l, wl_algo a, nx_fmt *in, nx_fmt *acc,
                      fw_err *err)
{
    const nx_fmt_info *fi = nx_fmt_get(cfg->mac.input);
    if (fi->is_float) {
        *in = cfg->mac.input;
        *acc = cfg->mac.accumulator;
        return 0;
    }
    if (a == WL_ALGO_FFT)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "algorithm fft is not defined for integer inputs (%s): its twiddle "
                          "factors are irrational",
                          fi->name);
    if (cfg->mac.input != NX_INT8)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "algorithm %s is not defined for %s inputs: the transformed operands "
                          "need more than 16 bits, the widest integer multiplier",
                          wl_algo_name(a), fi->name);
    /* |V| <= 128 gain(B^T)^2, |U'| <= 128 gain(D G)^2; a sum of in_c / groups products that
     * stays below 2^31 in magnitude fits int32 */
    xf_wino w = xf_wino_of(a);
    double bv = 128 * xf_mat_gain(w.bt) * xf_mat_gain(w.bt);
    double bu = 128 * xf_mat_gain(w.gi) * xf_mat_gain(w.gi);
    *in = NX_INT16;
    *acc = bv * bu * (double)(l->in_c / l->groups) < 0x1p31 ? NX_INT32 : NX_INT48;
    return 0;
}

int eng_xform_lower(const wl_layer *l, wl_algo a, wl_layer *out, fw_err *err)
{
    eng_xform_shape sh;
    eng_xform_shape_of(l, a, &sh);
    uint64_t groups = (uint64_t)sh.positions * l->groups;
    uint64_t kp = (uint64_t)sh.complex * (l->in_c / l->groups);
    uint64_t np = (uint64_t)sh.complex * (l->filters / l->groups);
    if (sh.tiles > (1u << 30) || groups * kp > (1u << 30) || groups * np > (1u << 30))
        return fw_err_set(err, FW_EXIT_INPUT, "layer %s: too large for %s (%llu tiles)", l->name,
                          wl_algo_name(a), (unsigned long long)sh.tiles);
    wl_layer_init(out, WL_CONV, l->name);
    out->in_h = (uint32_t)sh.tiles;
    out->in_w = 1;
    out->in_c = (uint32_t)(groups * kp);
    out->filters = (uint32_t)(groups * np);
    out->filt_r = out->filt_s = 1;
    out->groups = (uint32_t)groups;
    out->batch = 1;
    return wl_layer_finish(out, err);
}

/* ---- arithmetic in one format (floating: bits and per-operation rounding; integers: int64) */

typedef struct xf_arith {
    nx_fmt fmt;
    nx_mode mode;
    bool integer;
    uint64_t sign; /* the sign bit of a floating format */
} xf_arith;

static xf_arith xf_arith_of(nx_fmt f, nx_mode mode)
{
    const nx_fmt_info *fi = nx_fmt_get(f);
    return (xf_arith){f, mode, !fi->is_float, fi->is_float ? 1ull << (fi->width_bits - 1) : 0};
}

/* Values: floating bit patterns, or int64 two's complement stored in uint64_t. */
static uint64_t xf_add(const xf_arith *ar, uint64_t a, uint64_t b, bool sub)
{
    if (ar->integer)
        return sub ? (uint64_t)((int64_t)a - (int64_t)b) : (uint64_t)((int64_t)a + (int64_t)b);
    nx_flags fl = 0;
    return sub ? nx_sub(ar->fmt, a, b, ar->mode, &fl) : nx_add(ar->fmt, a, b, ar->mode, &fl);
}

static uint64_t xf_neg(const xf_arith *ar, uint64_t a)
{
    return ar->integer ? (uint64_t)(-(int64_t)a) : a ^ ar->sign;
}

/* a x constant c (c > 0; floating: c rounded to the format) */
static uint64_t xf_mulc(const xf_arith *ar, uint64_t a, double c)
{
    if (ar->integer)
        return (uint64_t)((int64_t)a * (int64_t)c);
    nx_flags fl = 0;
    return nx_mul(ar->fmt, a, nx_from_double(ar->fmt, c, ar->mode, &fl), ar->mode, &fl);
}

static uint64_t xf_zero(const xf_arith *ar)
{
    return ar->integer ? 0 : nx_zero(ar->fmt);
}

/* Row i of m applied to x[0], x[stride], ... (the rule of eng_xform.h). */
static uint64_t xf_row(const xf_arith *ar, const xf_mat *m, uint32_t i, const uint64_t *x,
                       size_t stride)
{
    uint32_t nz[XF_MAX_A];
    bool equal;
    uint32_t n = xf_row_nz(m, i, nz, &equal);
    if (!n)
        return xf_zero(ar);
    const double *c = m->c[i];
    if (equal) {
        uint64_t s = x[nz[0] * stride];
        if (c[nz[0]] < 0)
            s = xf_neg(ar, s);
        for (uint32_t k = 1; k < n; k++)
            s = xf_add(ar, s, x[nz[k] * stride], c[nz[k]] < 0);
        double mag = fabs(c[nz[0]]);
        return mag != 1 ? xf_mulc(ar, s, mag) : s;
    }
    uint64_t s =
        fabs(c[nz[0]]) != 1 ? xf_mulc(ar, x[nz[0] * stride], fabs(c[nz[0]])) : x[nz[0] * stride];
    if (c[nz[0]] < 0)
        s = xf_neg(ar, s);
    for (uint32_t k = 1; k < n; k++) {
        double mag = fabs(c[nz[k]]);
        uint64_t t = mag != 1 ? xf_mulc(ar, x[nz[k] * stride], mag) : x[nz[k] * stride];
        s = xf_add(ar, s, t, c[nz[k]] < 0);
    }
    return s;
}

/* Z (p x p) = M X M^T for X (q x q), M p x q, all row-major: M on each column, then each row. */
static void xf_2d(const xf_arith *ar, const xf_mat *m, const uint64_t *x, uint64_t *z)
{
    uint32_t p = m->rows, q = m->cols;
    uint64_t t[XF_MAX_A * XF_MAX_A]; /* p x q */
    for (uint32_t j = 0; j < q; j++)
        for (uint32_t i = 0; i < p; i++)
            t[i * q + j] = xf_row(ar, m, i, x + j, q);
    for (uint32_t i = 0; i < p; i++)
        for (uint32_t j = 0; j < p; j++)
            z[i * p + j] = xf_row(ar, m, j, t + i * q, 1);
}

/* ---- FFT */

/* In-place 8-point complex FFT (forward: twiddles e^(-2 pi i k/8); inverse: e^(+...)), radix-2
 * decimation in time, the operations of eng_xform.h. */
static void xf_fft8(const xf_arith *ar, uint64_t re[XF_FFT_N], uint64_t im[XF_FFT_N], bool inverse)
{
    static const uint32_t rev[XF_FFT_N] = {0, 4, 2, 6, 1, 5, 3, 7};
    uint64_t r[XF_FFT_N], m[XF_FFT_N];
    for (uint32_t k = 0; k < XF_FFT_N; k++)
        r[k] = re[rev[k]], m[k] = im[rev[k]];
    nx_flags fl = 0;
    const double h = 0.70710678118654752440; /* sqrt(2)/2 */
    uint64_t hb = nx_from_double(ar->fmt, h, ar->mode, &fl);
    for (uint32_t len = 2; len <= XF_FFT_N; len *= 2) {
        uint32_t half = len / 2;
        for (uint32_t st = 0; st < XF_FFT_N; st += len)
            for (uint32_t k = 0; k < half; k++) {
                uint32_t e = k * (XF_FFT_N / len); /* twiddle W8^e */
                uint64_t vr = r[st + k + half], vi = m[st + k + half], tr, ti;
                if (e == 0) {
                    tr = vr, ti = vi;
                } else if (e == 2) { /* -i (inverse: +i): a swap and a sign */
                    tr = inverse ? xf_neg(ar, vi) : vi;
                    ti = inverse ? vr : xf_neg(ar, vr);
                } else { /* W8^1 = h - ih, W8^3 = -h - ih (inverse: conjugates) */
                    uint64_t wr = e == 1 ? hb : xf_neg(ar, hb);
                    uint64_t wi = inverse ? hb : xf_neg(ar, hb);
                    uint64_t p1 = nx_mul(ar->fmt, vr, wr, ar->mode, &fl);
                    uint64_t p2 = nx_mul(ar->fmt, vi, wi, ar->mode, &fl);
                    uint64_t p3 = nx_mul(ar->fmt, vr, wi, ar->mode, &fl);
                    uint64_t p4 = nx_mul(ar->fmt, vi, wr, ar->mode, &fl);
                    tr = xf_add(ar, p1, p2, true);
                    ti = xf_add(ar, p3, p4, false);
                }
                uint64_t ur = r[st + k], ui = m[st + k];
                r[st + k] = xf_add(ar, ur, tr, false);
                m[st + k] = xf_add(ar, ui, ti, false);
                r[st + k + half] = xf_add(ar, ur, tr, true);
                m[st + k + half] = xf_add(ar, ui, ti, true);
            }
    }
    memcpy(re, r, sizeof r);
    memcpy(im, m, sizeof m);
}

/* Spectrum of a real 8 x 8 tile x (row-major; rows >= rows_used are zero and not transformed):
 * re/im [ky][kx] for kx < XF_FFT_COLS, index ky * XF_FFT_COLS + kx. */
static void xf_fft2(const xf_arith *ar, const uint64_t *x, uint32_t rows_used, uint64_t *re,
                    uint64_t *im)
{
    uint64_t rr[XF_FFT_N][XF_FFT_N], ri[XF_FFT_N][XF_FFT_N];
    for (uint32_t y = 0; y < XF_FFT_N; y++) {
        for (uint32_t k = 0; k < XF_FFT_N; k++) {
            rr[y][k] = y < rows_used ? x[y * XF_FFT_N + k] : xf_zero(ar);
            ri[y][k] = xf_zero(ar);
        }
        if (y < rows_used)
            xf_fft8(ar, rr[y], ri[y], false);
    }
    for (uint32_t kx = 0; kx < XF_FFT_COLS; kx++) {
        uint64_t cr[XF_FFT_N], ci[XF_FFT_N];
        for (uint32_t y = 0; y < XF_FFT_N; y++)
            cr[y] = rr[y][kx], ci[y] = ri[y][kx];
        xf_fft8(ar, cr, ci, false);
        for (uint32_t ky = 0; ky < XF_FFT_N; ky++) {
            re[ky * XF_FFT_COLS + kx] = cr[ky];
            im[ky * XF_FFT_COLS + kx] = ci[ky];
        }
    }
}

/* The real outputs y[i][j], i < mh, j < mw (row-major mh x mw) of the inverse of a Hermitian
 * spectrum given by its columns kx < XF_FFT_COLS, scaled by 1/64. */
static void xf_ifft2(const xf_arith *ar, const uint64_t *re, const uint64_t *im, uint32_t mh,
                     uint32_t mw, uint64_t *y)
{
    uint64_t zr[XF_FFT_N][XF_FFT_N], zi[XF_FFT_N][XF_FFT_N];
    for (uint32_t kx = 0; kx < XF_FFT_COLS; kx++) {
        uint64_t cr[XF_FFT_N], ci[XF_FFT_N];
        for (uint32_t ky = 0; ky < XF_FFT_N; ky++)
            cr[ky] = re[ky * XF_FFT_COLS + kx], ci[ky] = im[ky * XF_FFT_COLS + kx];
        xf_fft8(ar, cr, ci, true);
        for (uint32_t r = 0; r < XF_FFT_N; r++)
            zr[r][kx] = cr[r], zi[r][kx] = ci[r];
    }
    for (uint32_t r = 0; r < mh; r++) {
        for (uint32_t kx = XF_FFT_COLS; kx < XF_FFT_N; kx++) { /* Hermitian: conj(Z[r][8-kx]) */
            zr[r][kx] = zr[r][XF_FFT_N - kx];
            zi[r][kx] = xf_neg(ar, zi[r][XF_FFT_N - kx]);
        }
        xf_fft8(ar, zr[r], zi[r], true);
        for (uint32_t j = 0; j < mw; j++)
            y[r * mw + j] = xf_mulc(ar, zr[r][j], 1.0 / 64);
    }
}

/* ---- exact reference */

/* Adds b to the non-overlapping expansion e[0..n) (increasing magnitude), exactly, dropping
 * zero components (Shewchuk 1997, Grow-Expansion with zero elimination). Returns the new n. */
static size_t xf_grow(double *e, size_t n, double b)
{
    size_t k = 0;
    double q = b;
    for (size_t i = 0; i < n; i++) {
        double s = q + e[i], bb = s - q, h = (q - (s - bb)) + (e[i] - bb);
        if (h != 0)
            e[k++] = h;
        q = s;
    }
    if (q != 0 && k < XF_EXPANSION)
        e[k++] = q;
    return k;
}

static double xf_expansion_value(const double *e, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += e[i];
    return s;
}

/* ulp of the output format at the exact value v (integers: 1). */
static double xf_ulp(nx_fmt f, double v)
{
    const nx_fmt_info *fi = nx_fmt_get(f);
    if (!fi->is_float)
        return 1;
    int emin = 1 - fi->bias, e = v != 0 ? ilogb(v) : emin;
    return ldexp(1.0, (e > emin ? e : emin) - (int)fi->man_bits);
}

/* ---- the run */

typedef struct xf_run {
    const cfg_accel *cfg;
    const wl_layer *l;
    wl_algo algo;
    eng_xform_shape sh;
    xf_arith in, acc; /* the transformed operands' and the products' arithmetic */
    bool integer;
    uint64_t cg, fg, kp, np, tiles_y, tiles_x;
} xf_run;

/* The value of an input element (layer layout) in the transform's arithmetic. */
static uint64_t xf_in_value(const xf_run *r, uint64_t bits)
{
    return r->integer ? (uint64_t)nx_int_value(r->cfg->mac.input, bits) : bits;
}

/* Input element (img, y, x, channel c) or zero outside. */
static uint64_t xf_pixel(const xf_run *r, const eng_operands *ops, uint64_t img, int64_t y,
                         int64_t x, uint64_t c)
{
    const wl_layer *l = r->l;
    if (y < 0 || x < 0 || y >= (int64_t)l->in_h || x >= (int64_t)l->in_w)
        return xf_zero(&r->in);
    return xf_in_value(
        r, ops->ifmap[((img * l->in_h + (uint64_t)y) * l->in_w + (uint64_t)x) * l->in_c + c]);
}

/* The transformed operands of the element-wise GEMMs (eng_xform_lower layouts). */
static void xf_transform_inputs(const xf_run *r, const eng_operands *ops, const wl_layer *g,
                                eng_operands *gops)
{
    const wl_layer *l = r->l;
    uint32_t a = r->sh.a, P = r->sh.positions;
    uint64_t tile[XF_MAX_A * XF_MAX_A], v[XF_MAX_A * XF_MAX_A], vi[XF_FFT_BINS];
    xf_wino w = xf_wino_of(r->algo);
    for (uint64_t t = 0; t < r->sh.tiles; t++) {
        uint64_t tx = t % r->tiles_x, ty = (t / r->tiles_x) % r->tiles_y;
        uint64_t img = t / (r->tiles_x * r->tiles_y);
        int64_t y0 = (int64_t)(ty * r->sh.m_h) - l->pad_top;
        int64_t x0 = (int64_t)(tx * r->sh.m_w) - l->pad_left;
        for (uint64_t c = 0; c < l->in_c; c++) {
            for (uint32_t i = 0; i < a; i++)
                for (uint32_t j = 0; j < a; j++)
                    tile[i * a + j] = xf_pixel(r, ops, img, y0 + i, x0 + j, c);
            uint64_t gi = c / r->cg, cl = c % r->cg;
            if (r->algo == WL_ALGO_FFT)
                xf_fft2(&r->in, tile, a, v, vi);
            else
                xf_2d(&r->in, w.bt, tile, v);
            for (uint32_t p = 0; p < P; p++) {
                uint64_t base = t * g->in_c + (p * l->groups + gi) * r->kp;
                if (r->integer) {
                    gops->ifmap[base + cl] = nx_int_bits(NX_INT16, (int64_t)v[p]);
                } else {
                    gops->ifmap[base + cl] = v[p];
                    if (r->algo == WL_ALGO_FFT)
                        gops->ifmap[base + r->cg + cl] = vi[p];
                }
            }
        }
    }
    uint64_t R = l->filt_r, S = l->filt_s;
    for (uint64_t f = 0; f < l->filters; f++) {
        uint64_t gi = f / r->fg, n = f % r->fg;
        for (uint64_t cl = 0; cl < r->cg; cl++) {
            uint64_t u[XF_MAX_A * XF_MAX_A], ui[XF_FFT_BINS];
            if (r->algo == WL_ALGO_FFT) {
                for (uint32_t k = 0; k < a * a; k++)
                    tile[k] = xf_zero(&r->in);
                for (uint64_t y = 0; y < R; y++)
                    for (uint64_t x = 0; x < S; x++)
                        tile[y * a + x] = ops->filter[((f * R + y) * S + x) * r->cg + cl];
                xf_fft2(&r->in, tile, (uint32_t)R, u, ui);
            } else {
                for (uint64_t y = 0; y < 3; y++)
                    for (uint64_t x = 0; x < 3; x++)
                        tile[y * 3 + x] =
                            xf_in_value(r, ops->filter[((f * 3 + y) * 3 + x) * r->cg + cl]);
                xf_2d(&r->in, r->integer ? w.gi : w.g, tile, u);
            }
            for (uint32_t p = 0; p < P; p++) {
                uint64_t q = p * l->groups + gi;
                if (r->integer) {
                    gops->filter[(q * r->np + n) * r->kp + cl] =
                        nx_int_bits(NX_INT16, (int64_t)u[p]);
                } else if (r->algo != WL_ALGO_FFT) {
                    gops->filter[(q * r->np + n) * r->kp + cl] = u[p];
                } else { /* U' = conj(W): columns [Re U'; -Im U'] and [Im U'; Re U'] */
                    uint64_t re = u[p], im = xf_neg(&r->in, ui[p]);
                    gops->filter[(q * r->np + n) * r->kp + cl] = re;
                    gops->filter[(q * r->np + n) * r->kp + r->cg + cl] = xf_neg(&r->in, im);
                    gops->filter[(q * r->np + r->fg + n) * r->kp + cl] = im;
                    gops->filter[(q * r->np + r->fg + n) * r->kp + r->cg + cl] = re;
                }
            }
        }
    }
}

/* The layer's outputs from the products M (eng_xform_lower layout): accumulator-format bits of
 * the config, [batch][out_h][out_w][filters]. */
static void xf_transform_outputs(const xf_run *r, const wl_layer *g, const uint64_t *mo,
                                 uint64_t *y)
{
    const wl_layer *l = r->l;
    uint32_t a = r->sh.a, P = r->sh.positions, mh = r->sh.m_h, mw = r->sh.m_w;
    xf_wino w = xf_wino_of(r->algo);
    uint64_t mt[XF_MAX_A * XF_MAX_A], mi[XF_FFT_BINS], yt[XF_MAX_A * XF_MAX_A];
    for (uint64_t t = 0; t < r->sh.tiles; t++) {
        uint64_t tx = t % r->tiles_x, ty = (t / r->tiles_x) % r->tiles_y;
        uint64_t img = t / (r->tiles_x * r->tiles_y);
        for (uint64_t f = 0; f < l->filters; f++) {
            uint64_t gi = f / r->fg, n = f % r->fg;
            for (uint32_t p = 0; p < P; p++) {
                uint64_t base = t * g->filters + (p * l->groups + gi) * r->np;
                mt[p] = mo[base + n];
                if (r->algo == WL_ALGO_FFT)
                    mi[p] = mo[base + r->fg + n];
                else if (r->integer) /* M'' = M' x L / (D_i D_j) */
                    mt[p] = (uint64_t)(nx_int_value(r->acc.fmt, mt[p]) *
                                       (w.l / (w.d[p / a] * w.d[p % a])));
            }
            if (r->algo == WL_ALGO_FFT)
                xf_ifft2(&r->acc, mt, mi, mh, mw, yt);
            else
                xf_2d(&r->acc, w.at, mt, yt);
            for (uint32_t i = 0; i < mh; i++)
                for (uint32_t j = 0; j < mw; j++) {
                    uint64_t oy = ty * mh + i, ox = tx * mw + j;
                    if (oy >= l->out_h || ox >= l->out_w)
                        continue;
                    uint64_t v = yt[i * mw + j];
                    if (r->integer)
                        v = nx_int_bits(r->cfg->mac.accumulator, (int64_t)v / w.l);
                    y[((img * l->out_h + oy) * l->out_w + ox) * l->filters + f] = v;
                }
        }
    }
}

/* Compares y with the exact direct convolution and the direct one in the array's order. */
static void xf_error(const xf_run *r, const eng_operands *ops, const uint64_t *y, eng_num_error *e)
{
    const cfg_accel *cfg = r->cfg;
    const wl_layer *l = r->l;
    nx_fmt accf = cfg->mac.accumulator;
    bool fl_in = nx_fmt_get(cfg->mac.input)->is_float;
    uint64_t zero_in = nx_zero(cfg->mac.input);
    double sum_rel = 0, sum_drel = 0, sum_e2 = 0, sum_d2 = 0, sum_x2 = 0;
    uint64_t nrel = 0;
    memset(e, 0, sizeof *e);
    e->valid = true;
    for (uint64_t img = 0; img < l->batch; img++)
        for (uint64_t oy = 0; oy < l->out_h; oy++)
            for (uint64_t ox = 0; ox < l->out_w; ox++)
                for (uint64_t f = 0; f < l->filters; f++) {
                    uint64_t gi = f / r->fg;
                    double ex[XF_EXPANSION];
                    size_t en = 0;
                    int64_t exact_i = 0;
                    uint64_t acc = nx_zero(accf);
                    nx_flags fl = 0;
                    for (uint64_t ry = 0; ry < l->filt_r; ry++)
                        for (uint64_t sx = 0; sx < l->filt_s; sx++)
                            for (uint64_t cl = 0; cl < r->cg; cl++) {
                                int64_t iy = (int64_t)(oy + ry) - l->pad_top;
                                int64_t ix = (int64_t)(ox + sx) - l->pad_left;
                                uint64_t xb = zero_in;
                                if (iy >= 0 && ix >= 0 && iy < (int64_t)l->in_h &&
                                    ix < (int64_t)l->in_w)
                                    xb = ops->ifmap[((img * l->in_h + (uint64_t)iy) * l->in_w +
                                                     (uint64_t)ix) *
                                                        l->in_c +
                                                    gi * r->cg + cl];
                                uint64_t wb =
                                    ops->filter[((f * l->filt_r + ry) * l->filt_s + sx) * r->cg +
                                                cl];
                                acc = nx_mac(&cfg->mac, acc, xb, wb, &fl);
                                if (fl_in)
                                    en = xf_grow(ex, en,
                                                 nx_to_double(cfg->mac.input, xb) *
                                                     nx_to_double(cfg->mac.input, wb));
                                else
                                    exact_i += nx_int_value(cfg->mac.input, xb) *
                                               nx_int_value(cfg->mac.input, wb);
                            }
                    double exact = fl_in ? xf_expansion_value(ex, en) : (double)exact_i;
                    uint64_t yb = y[((img * l->out_h + oy) * l->out_w + ox) * l->filters + f];
                    double yv = fl_in ? nx_to_double(accf, yb) : (double)nx_int_value(accf, yb);
                    double dv = fl_in ? nx_to_double(accf, acc) : (double)nx_int_value(accf, acc);
                    double err = fabs(yv - exact), derr = fabs(dv - exact);
                    if (yv != yv) /* NaN */
                        err = INFINITY;
                    sum_e2 += err * err;
                    sum_d2 += derr * derr;
                    sum_x2 += exact * exact;
                    double ulp = xf_ulp(cfg->output, exact);
                    e->max_ulp = fmax(e->max_ulp, err / ulp);
                    e->direct_max_ulp = fmax(e->direct_max_ulp, derr / ulp);
                    if (exact != 0) {
                        double rel = err / fabs(exact), drel = derr / fabs(exact);
                        e->max_rel = fmax(e->max_rel, rel);
                        e->direct_max_rel = fmax(e->direct_max_rel, drel);
                        sum_rel += rel;
                        sum_drel += drel;
                        nrel++;
                    }
                    e->mismatches += yb != acc;
                    e->outputs++;
                }
    e->mean_rel = nrel ? sum_rel / (double)nrel : 0;
    e->direct_mean_rel = nrel ? sum_drel / (double)nrel : 0;
    e->norm_rel = sum_x2 > 0 ? sqrt(sum_e2 / sum_x2) : 0;
    e->direct_norm_rel = sum_x2 > 0 ? sqrt(sum_d2 / sum_x2) : 0;
}

static uint64_t xf_mul_sat(uint64_t a, uint64_t b)
{
    uint64_t p;
    return __builtin_mul_overflow(a, b, &p) ? UINT64_MAX : p;
}

/* The transform unit's counts and cycles (eng_xform.h) into c, and the DRAM traffic of the
 * raw input tiles and of the layer's outputs (the GEMMs ran with V made and M consumed on
 * chip), with the bandwidth bound they impose. */
static int xf_count(const xf_run *r, const eng_options *opt, eng_counters *c, fw_err *err)
{
    const wl_layer *l = r->l;
    eng_xform_costs k;
    eng_xform_costs_of(r->algo, l->filt_r, l->filt_s, r->integer, &k);
    uint64_t in_tiles = xf_mul_sat(r->sh.tiles, l->in_c);
    uint64_t filt = xf_mul_sat(l->filters, r->cg);
    uint64_t out_tiles = xf_mul_sat(r->sh.tiles, l->filters);
    eng_counters x;
    memset(&x, 0, sizeof x);
    x.xform_in_adds = xf_mul_sat(in_tiles, k.input.adds) + xf_mul_sat(filt, k.filter.adds);
    x.xform_in_muls = xf_mul_sat(in_tiles, k.input.muls) + xf_mul_sat(filt, k.filter.muls);
    x.xform_out_adds = xf_mul_sat(out_tiles, k.output.adds);
    x.xform_out_muls = xf_mul_sat(out_tiles, k.output.muls);
    x.xform_shifts = xf_mul_sat(in_tiles, k.input.shifts) + xf_mul_sat(filt, k.filter.shifts) +
                     xf_mul_sat(out_tiles, k.output.shifts);
    if (x.xform_in_adds == UINT64_MAX || x.xform_shifts == UINT64_MAX ||
        x.xform_out_adds > UINT64_MAX / 4)
        return fw_err_set(err, FW_EXIT_INPUT, "layer %s: too large to count", l->name);
    uint64_t ops = x.xform_in_adds + x.xform_in_muls + x.xform_out_adds + x.xform_out_muls;
    uint32_t per = r->cfg->transform_ops_per_cycle ? r->cfg->transform_ops_per_cycle : 1;
    x.xform_cycles = (ops + per - 1) / per;
    if (x.xform_cycles > c->cycles) { /* transform-bound: the excess is compute time */
        x.compute_cycles = x.cycles = x.xform_cycles - c->cycles;
    }
    /* raw input tiles (a x a per tile and channel, halos fetched again) and the outputs */
    const cfg_accel *cfg = r->cfg;
    if (!opt->ifmap_on_chip)
        x.dram_read_bytes[CFG_IFMAP] =
            xf_mul_sat(xf_mul_sat(in_tiles, (uint64_t)r->sh.a * r->sh.a), cfg_input_bytes(cfg));
    if (!opt->ofmap_on_chip)
        x.dram_write_bytes[CFG_OFMAP] = xf_mul_sat(wl_layer_ofmap_elems(l), cfg_output_bytes(cfg));
    if (x.dram_read_bytes[CFG_IFMAP] == UINT64_MAX || x.dram_write_bytes[CFG_OFMAP] == UINT64_MAX)
        return fw_err_set(err, FW_EXIT_INPUT, "layer %s: too large to count", l->name);
    if (!opt->ideal_memory) { /* every DRAM byte of the layer at the bandwidth: reads and
                                 writes on their own queues (mem.h), the read latency once */
        uint64_t rd = x.dram_read_bytes[CFG_IFMAP], wr = x.dram_write_bytes[CFG_OFMAP];
        for (int op = 0; op < CFG_OPERANDS; op++) {
            rd += c->dram_read_bytes[op];
            wr += c->dram_write_bytes[op];
        }
        uint64_t rc = mem_transfer_cycles(cfg, rd) + (rd ? cfg->dram.latency_cycles : 0);
        uint64_t wc = mem_transfer_cycles(cfg, wr);
        uint64_t bound = rc > wc ? rc : wc, now = c->cycles + x.cycles;
        if (bound > now) { /* bandwidth-bound: the excess is an ifmap / ofmap DRAM stall */
            uint64_t d = bound - now;
            x.cycles += d;
            x.stall_cycles = d;
            x.stall_cycles_by[rc >= wc ? CFG_IFMAP : CFG_OFMAP] = d;
            x.stall_cycles_level[CFG_MAX_LEVELS] = d;
        }
    }
    if (r->integer)
        x.wide_macs = c->macs;
    return eng_counters_add(c, &x, err);
}

int eng_xform_run(const cfg_accel *cfg, const wl_layer *l, const eng_options *opt, eng_result *out,
                  fw_err *err)
{
    memset(out, 0, sizeof *out);
    xf_run r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    r.l = l;
    r.algo = l->algorithm;
    nx_fmt fin, facc;
    int rc = eng_xform_formats(cfg, l, r.algo, &fin, &facc, err);
    if (rc)
        return fw_err_prefix(err, "layer %s", l->name);
    eng_xform_shape_of(l, r.algo, &r.sh);
    r.integer = !nx_fmt_get(cfg->mac.input)->is_float;
    r.in = xf_arith_of(fin, cfg->mac.mode);
    r.acc = xf_arith_of(facc, cfg->mac.mode);
    r.in.integer = r.acc.integer = r.integer; /* integers: exact int64 throughout */
    r.cg = l->in_c / l->groups;
    r.fg = l->filters / l->groups;
    r.kp = r.sh.complex * r.cg;
    r.np = r.sh.complex * r.fg;
    r.tiles_y = (l->out_h + r.sh.m_h - 1) / r.sh.m_h;
    r.tiles_x = (l->out_w + r.sh.m_w - 1) / r.sh.m_w;
    wl_layer g;
    if ((rc = eng_xform_lower(l, r.algo, &g, err)))
        return rc;
    cfg_accel gc = *cfg; /* the array on the transformed operands */
    gc.mac.input = fin;
    gc.mac.accumulator = facc;
    gc.output = facc;
    eng_options go = *opt;
    go.operands = NULL;
    go.keep_outputs = false;
    go.ifmap_on_chip = true; /* V is made on chip from the raw tiles (xf_count) */
    go.ofmap_on_chip = true; /* M is consumed on chip by the output transform */
    if (opt->kind == ENG_FAST) {
        if ((rc = eng_run_layer(&gc, &g, &go, out, err)))
            return rc;
        return xf_count(&r, opt, &out->c, err);
    }
    eng_operands own, gops;
    memset(&own, 0, sizeof own);
    memset(&gops, 0, sizeof gops);
    const eng_operands *ops = opt->operands;
    uint64_t nout = eng_output_count(l);
    uint64_t *y = NULL;
    eng_result gr;
    memset(&gr, 0, sizeof gr);
    if (!ops) {
        if ((rc = eng_operands_random(cfg, l, opt->seed, &own, err)))
            return rc;
        ops = &own;
    }
    uint64_t ni = g.in_h * (uint64_t)g.in_c, nf = (uint64_t)g.filters * g.in_c / g.groups;
    if (ni > ENG_PE_MAX_ELEMENTS || nf > ENG_PE_MAX_ELEMENTS) {
        rc = fw_err_set(err, FW_EXIT_INPUT,
                        "layer %s: transformed tensors too large for the pe "
                        "engine",
                        l->name);
        goto done;
    }
    gops.ifmap = malloc((ni ? ni : 1) * sizeof *gops.ifmap);
    gops.filter = malloc((nf ? nf : 1) * sizeof *gops.filter);
    y = malloc((nout ? nout : 1) * sizeof *y);
    if (!gops.ifmap || !gops.filter || !y) {
        rc = fw_err_set(err, FW_EXIT_INPUT, "layer %s: out of memory", l->name);
        goto done;
    }
    gops.ifmap_count = ni;
    gops.filter_count = nf;
    xf_transform_inputs(&r, ops, &g, &gops);
    go.operands = &gops;
    go.keep_outputs = true;
    if ((rc = eng_run_layer(&gc, &g, &go, &gr, err)))
        goto done;
    xf_transform_outputs(&r, &g, gr.outputs, y);
    xf_error(&r, ops, y, &out->error);
    out->c = gr.c;
    out->mapped = gr.mapped;
    out->mapping = gr.mapping;
    out->mappings_evaluated = gr.mappings_evaluated;
    if ((rc = xf_count(&r, opt, &out->c, err)))
        goto done;
    if (opt->keep_outputs) {
        out->outputs = y;
        out->output_count = nout;
        y = NULL;
    }
done:
    free(y);
    eng_result_fini(&gr);
    eng_operands_fini(&gops);
    eng_operands_fini(&own);
    if (rc) {
        free(out->outputs);
        memset(out, 0, sizeof *out);
    }
    return rc;
}
