/* eng_pe: the pe engine: every PE every cycle, moving real values through its registers exactly
 * as arr.h writes the schedule down, and checking on the way that every operand is where the
 * schedule says (a mismatch is a hazard: FW_EXIT_FAIL).
 *
 * Layout (structure of arrays). Each register kind of the R x C grid is an array of values and
 * an array of tags, indexed i*C + j: the tag says which fold (index within its group) and which
 * stream position t (os: k) the value belongs to, PE_EMPTY when the register holds nothing.
 * A cycle updates the grid row by row (bottom row first, so that a row reads the row above's
 * previous-cycle values). In a row, the PEs that hold elements of one fold form a run of
 * consecutive columns (a "segment"; one or two per row) in which PE j holds t = u - j; every PE
 * of a segment does the same thing, so a segment is a few tight loops over contiguous memory:
 * the stream registers move one PE to the right (double buffered), the tags are checked against the
 * schedule with the discrepancies ORed together (no branch per PE), and the MAC runs on the
 * whole segment with the kernel chosen once per layer (nx_mac_vec_select: the bit-exact
 * model's results, native integer or host-FMA arithmetic where proven equal). Only when a
 * check fails does a scalar pass find the first failing PE in the order of the original
 * engine (PEs bottom-right first; per PE: the operand, the swap, the stationary value, the
 * partial sum) to name it. Counts are added per segment: n PEs doing the same events. */
#include "engine/eng_pe.h"

#include "engine/arr.h"
#include "numerics/nx.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define PE_EMPTY UINT64_MAX
#define PE_T_BITS 25 /* t < ENG_PE_MAX_ELEMENTS = 2^24 */

/* The tag of stream position t of fold lf (index within the group): PE j of a segment holds
 * pe_tag(lf, u) - j. */
static inline uint64_t pe_tag(uint64_t lf, uint64_t t)
{
    return lf << PE_T_BITS | t;
}

/* One element of the output/partial-sum buffer: its value, the cycle from which it is readable
 * and the fold (global index) that wrote it, -1 none (together: one cache line per access). */
typedef struct pe_out {
    uint64_t v, ready;
    int64_t fold;
} pe_out;

typedef struct pe_sim {
    const cfg_accel *cfg;
    const map_layer *map;
    const uint64_t *x_start;
    /* the im2col views of one group, X(m, k) and W(k, n); the ofmap buffer O[m][n] */
    uint32_t *X, *W; /* values in 32-bit lanes: every input format is at most 32 bits wide */
    pe_out *O;
    /* X, W and O are stored blocked (pe_blk) along the dimension that maps onto the array's
     * rows (X, W: blocks of R) or columns (O: blocks of C), so that what one cycle reads across
     * the rows or columns is adjacent and one fold's tile is one contiguous run: pe_xi, pe_wi,
     * pe_oi give the index of an element; the hot loops write the same closed forms out. */
    uint32_t R, C, P;
    bool ws;
    /* Moving operands, double buffered: av/at this cycle's registers, avo/ato the previous
     * cycle's (swapped every cycle). a: ws/is the streamed operand, os the ifmap operand (moves
     * right); rows of C + 1 with slot -1 the row's input port (the value entering PE(i, 0)).
     * b: os, the filter operand (moves down); rows of C. */
    uint32_t *av, *avo, *bv, *bvo;
    uint64_t *at, *ato, *bt, *bto;
    uint32_t *wv, *hv;
    uint64_t *wt, *ht;  /* ws/is: active and shadow stationary registers; tag: the fold */
    uint64_t *pv, *pt;  /* partial sums [slot][i][j], P slots (os: accumulators; tree: row 0
                           holds the column registers) */
    uint64_t *tmp;      /* C: partial sums entering row 0 */
    uint32_t *tmp2;     /* C: broadcast operands */
    uint64_t *bus_last; /* os: last cycle column j's result bus was used, +1 */
    nx_mac_vec_fn mac;  /* chosen once per layer */
    uint32_t mag;       /* input-format bits that are not the sign: v & mag == 0 is a zero */
    eng_counters *ctr;
    fw_err *err;
    uint64_t last_write; /* last ofmap write cycle + 1 */
    map_fold *fd;        /* the current group's folds, from fold index fd0 */
    uint64_t fd0;
} pe_sim;

static int pe_hazard(pe_sim *s, uint64_t cyc, uint32_t i, uint32_t j, const char *what)
{
    return fw_err_set(s->err, FW_EXIT_FAIL,
                      "pe engine: schedule hazard at cycle %llu, PE(%u,%u): %s",
                      (unsigned long long)cyc, i, j, what);
}

/* Element (p, q) of a matrix with Q columns stored blocked along p by B: block p / B holds its
 * B values of p for q = 0, 1, ... one after the other, so B consecutive p of one q are
 * adjacent and a block (B x Q) is contiguous. With p = p0 + i, p0 a multiple of B (a fold's
 * first row or column): p0 * Q + q * B + i. The last block is padded to B. */
static inline size_t pe_blk(uint64_t p, uint64_t q, uint64_t B, uint64_t Q)
{
    const uint64_t r = p % B;
    return (size_t)((p - r) * Q + q * B + r);
}

static inline size_t pe_blk_size(uint64_t P, uint64_t Q, uint64_t B)
{
    return (size_t)((P + B - 1) / B * B * Q);
}

/* X(m, k): os streams k along time into rows m (blocked along m by R); the others put k on
 * the rows (blocked along k by R). */
static inline size_t pe_xi(const pe_sim *s, uint64_t m, uint64_t k)
{
    return s->cfg->dataflow == CFG_OS ? pe_blk(m, k, s->R, s->map->k)
                                      : pe_blk(k, m, s->R, s->map->m);
}

/* W(k, n): ws and is put k on the rows (blocked along k by R); os and tree put n on the
 * columns (blocked along n by C). */
static inline size_t pe_wi(const pe_sim *s, uint64_t k, uint64_t n)
{
    return s->cfg->dataflow == CFG_WS || s->cfg->dataflow == CFG_IS ? pe_blk(k, n, s->R, s->map->n)
                                                                    : pe_blk(n, k, s->C, s->map->k);
}

/* O(m, n): the columns hold m for is (blocked along m by C), n for the others. */
static inline size_t pe_oi(const pe_sim *s, uint64_t m, uint64_t n)
{
    return s->cfg->dataflow == CFG_IS ? pe_blk(m, n, s->C, s->map->n)
                                      : pe_blk(n, m, s->C, s->map->m);
}

/* Fills X and W of group g from the tensors (wl.h lowering). */
static void pe_im2col(const wl_layer *L, const map_layer *map, const eng_operands *ops, uint64_t g,
                      const pe_sim *sim, uint32_t *X, uint32_t *W, uint32_t zero)
{
    uint64_t M = map->m, N = map->n, K = map->k;
    if (L->kind == WL_GEMM) {
        for (uint64_t m = 0; m < M; m++)
            for (uint64_t k = 0; k < K; k++)
                X[pe_xi(sim, m, k)] = (uint32_t)ops->ifmap[m * K + k];
        for (uint64_t n = 0; n < N; n++)
            for (uint64_t k = 0; k < K; k++)
                W[pe_wi(sim, k, n)] = (uint32_t)ops->filter[n * K + k];
        return;
    }
    uint64_t cg = L->in_c / map->groups;
    for (uint64_t m = 0; m < M; m++)
        for (uint64_t k = 0; k < K; k++) {
            int64_t i = eng_im2col_index(L, cg, g, m, k);
            X[pe_xi(sim, m, k)] = i < 0 ? zero : (uint32_t)ops->ifmap[i];
        }
    for (uint64_t n = 0; n < N; n++)
        for (uint64_t k = 0; k < K; k++)
            W[pe_wi(sim, k, n)] = (uint32_t)ops->filter[(g * N + n) * K + k];
}

/* MACs among n with a zero operand (a[j] or b[j]): eng.h zero_macs */
static inline uint64_t pe_zero_pairs(uint32_t mag, uint32_t n, const uint32_t *a, const uint32_t *b)
{
    uint64_t z = 0;
    for (uint32_t j = 0; j < n; j++)
        z += ((a[j] & mag) == 0) | ((b[j] & mag) == 0);
    return z;
}

/* Offset of row i's PE 0 in the a registers (rows of C + 1, slot -1 the input port). */
static inline size_t pe_arow(const pe_sim *s, uint32_t i)
{
    return (size_t)i * (s->C + 1) + 1;
}

/* A new cycle: this cycle's moving-operand registers become the previous cycle's. */
static void pe_next_cycle(pe_sim *s)
{
    uint32_t *v;
    uint64_t *t;
    v = s->av, s->av = s->avo, s->avo = v;
    t = s->at, s->at = s->ato, s->ato = t;
    v = s->bv, s->bv = s->bvo, s->bvo = v;
    t = s->bt, s->bt = s->bto, s->bto = t;
}

/* Writes output (m, n) of fold f (global index) into the ofmap buffer at cycle cyc. */
static void pe_write_out(pe_sim *s, uint64_t f, uint64_t m, uint64_t n, uint64_t v, uint64_t cyc)
{
    s->O[pe_oi(s, m, n)] = (pe_out){v, cyc + 1, (int64_t)f};
    s->ctr->sram_writes[CFG_OFMAP]++;
    if (cyc + 1 > s->last_write)
        s->last_write = cyc + 1;
}

/* The partial sum entering output (m, n) of fold f at cycle cyc in the top row: the
 * accumulator zero in the first reduction fold (the caller handles it), else what the previous
 * reduction fold wrote into the ofmap buffer, which must be there and readable by now
 * (read-modify-write). Returns nonzero when it is not. */
static inline int pe_partial_bad(const pe_sim *s, uint64_t f, size_t idx, uint64_t cyc)
{
    return s->O[idx].fold != (int64_t)f - 1 || s->O[idx].ready > cyc;
}

/* The one run of PEs [*jlo, *jhi) of row i that holds elements of fold d at cycle cyc, PE j
 * holding position u - j, when the fold's element u entered the row at cycle `entry` + u and
 * the fold streams `len` positions. Returns false when the row holds none. */
static inline bool pe_segment(uint64_t cyc, uint64_t entry, uint64_t len, uint32_t cols,
                              uint64_t *u, uint32_t *jlo, uint32_t *jhi)
{
    if (cyc < entry)
        return false;
    *u = cyc - entry;
    uint64_t lo = *u >= len ? *u - len + 1 : 0, hi = *u + 1 < cols ? *u + 1 : cols;
    if (lo >= hi)
        return false;
    *jlo = (uint32_t)lo;
    *jhi = (uint32_t)hi;
    return true;
}

static inline void pe_fill(uint64_t *a, uint32_t lo, uint32_t hi, uint64_t v)
{
    for (uint32_t j = lo; j < hi; j++)
        a[j] = v;
}

/* ws / is, row i, segment [jlo, jhi) of fold f: the scalar pass that names the first failing
 * check when the segment's ORed checks failed (swapped: PE u's swap was done). */
static int pe_diagnose_stationary(pe_sim *s, uint64_t cyc, uint32_t i, uint32_t jlo, uint32_t jhi,
                                  uint64_t f, uint64_t u, bool swapped)
{
    const size_t row = (size_t)i * s->C, slot = (size_t)(cyc % s->P);
    const map_fold *d = &s->fd[f - s->fd0];
    const uint64_t lf = f - s->fd0, tag0 = pe_tag(lf, u);
    for (uint32_t j = jhi; j-- > jlo;) {
        if (s->at[pe_arow(s, i) + j] != tag0 - j)
            return pe_hazard(s, cyc, i, j, "stream register does not hold the scheduled element");
        if (j == u && !swapped)
            return pe_hazard(s, cyc, i, j, "stationary value not loaded at the swap");
        if (s->wt[row + j] != lf)
            return pe_hazard(s, cyc, i, j, "stationary register holds another fold");
        if (i > 0) {
            if (s->pt[(slot * s->R + i - 1) * s->C + j] != tag0 - j)
                return pe_hazard(s, cyc, i, j, "partial sum from above is not this one's");
        } else if (!d->first_reduction) {
            uint64_t t = u - j, m = s->ws ? d->t0 + t : d->col0 + j;
            uint64_t n = s->ws ? d->col0 + j : d->t0 + t;
            if (pe_partial_bad(s, f, pe_oi(s, m, n), cyc))
                return pe_hazard(s, cyc, 0, j, "partial sum not in the ofmap buffer");
        }
    }
    return pe_hazard(s, cyc, i, jlo, "inconsistent registers"); /* not reached */
}

/* ws / is: one cycle of every PE. Folds [f_lo, f_hi) may be active. */
static int pe_cycle_stationary(pe_sim *s, uint64_t cyc, uint64_t f_lo, uint64_t f_hi)
{
    const cfg_accel *cfg = s->cfg;
    const map_layer *map = s->map;
    const bool ws = s->ws;
    const uint32_t R = s->R, C = s->C, P = s->P;
    const size_t slot = (size_t)(cyc % P);
    uint64_t reg_reads = 0, reg_writes = 0, macs = 0, stream_reads = 0, ofmap_reads = 0;
    uint64_t zero_macs = 0;
    int rc = 0;
    pe_next_cycle(s);
    for (uint32_t i = R; i-- > 0 && !rc;) {
        const size_t row = (size_t)i * C, arow = pe_arow(s, i);
        uint32_t *restrict av = s->av + arow, *restrict avo = s->avo + arow;
        uint64_t *restrict at = s->at + arow, *restrict ato = s->ato + arow;
        uint32_t *wv = s->wv + row, *hv = s->hv + row;
        uint64_t *wt = s->wt + row, *ht = s->ht + row;
        uint64_t *pv = s->pv + (slot * R + i) * C, *pt = s->pt + (slot * R + i) * C;
        const uint64_t *qv = i ? pv - C : NULL, *qt = i ? pt - C : NULL; /* the row above */
        uint32_t covered = C; /* PEs [covered, C) are done; runs come right to left */
        for (uint64_t f = f_lo; f < f_hi; f++) {
            const map_fold *d = &s->fd[f - s->fd0];
            uint64_t u;
            uint32_t jlo, jhi;
            if (i >= d->sr ||
                !pe_segment(cyc, s->x_start[f] + R + (uint64_t)i * P, d->t, d->sc, &u, &jlo, &jhi))
                continue;
            if (jhi > covered) {
                rc = pe_hazard(s, cyc, i, covered, "two folds stream through one register");
                break;
            }
            /* PEs right of the run hold nothing */
            pe_fill(at, jhi, covered, PE_EMPTY);
            pe_fill(pt, jhi, covered, PE_EMPTY);
            covered = jlo;
            const uint64_t lf = f - s->fd0, tag0 = pe_tag(lf, u);
            const uint32_t n = jhi - jlo;
            if (jlo == 0) { /* injection: e(u, i) on the row's input port, into PE(i, 0) */
                uint64_t tg = d->t0 + u;
                /* X(tg, k) or W(k, tg), blocked along k = row0 + i by R */
                avo[-1] = (ws ? s->X : s->W)[d->row0 * (ws ? map->m : map->n) + tg * R + i];
                ato[-1] = tag0;
                stream_reads++;
            }
            /* PE u sees position 0: it first copies its shadow into the active register */
            uint64_t bad = 0;
            bool swapped = false;
            if (u < jhi) {
                if (ht[u] == lf) {
                    swapped = true;
                    wv[u] = hv[u];
                    wt[u] = lf;
                    ht[u] = PE_EMPTY;
                    reg_reads++;
                    reg_writes++;
                } else {
                    bad = 1;
                }
            }
            /* each stream register takes its left neighbour's previous-cycle value; the checks,
             * ORed: that value, the stationary value, the partial sum from above; then the
             * partial-sum tags this cycle writes */
            const uint64_t *acc;
            if (i > 0) {
                for (uint32_t j = jlo; j < jhi; j++) {
                    const uint64_t e = tag0 - j, tg = ato[(ptrdiff_t)j - 1];
                    av[j] = avo[(ptrdiff_t)j - 1];
                    at[j] = tg;
                    bad |= (tg ^ e) | (wt[j] ^ lf) | (qt[j] ^ e);
                    pt[j] = e;
                }
                acc = qv;
                reg_reads += n;
            } else {
                for (uint32_t j = jlo; j < jhi; j++) {
                    const uint64_t e = tag0 - j, tg = ato[(ptrdiff_t)j - 1];
                    av[j] = avo[(ptrdiff_t)j - 1];
                    at[j] = tg;
                    bad |= (tg ^ e) | (wt[j] ^ lf);
                    pt[j] = e;
                }
                if (d->first_reduction) {
                    pe_fill(s->tmp, jlo, jhi, nx_zero(cfg->mac.accumulator));
                } else {
                    /* O(t0 + u - j, col0 + j) (ws) or O(col0 + j, t0 + u - j) (is), blocked
                     * along the column dimension by C */
                    const size_t o0 = d->col0 * (ws ? map->m : map->n) + (d->t0 + u) * C;
                    for (uint32_t j = jlo; j < jhi; j++) {
                        const size_t idx = o0 - (size_t)j * C + j;
                        bad |= (uint64_t)pe_partial_bad(s, f, idx, cyc);
                        s->tmp[j] = s->O[idx].v;
                    }
                    ofmap_reads += n;
                }
                acc = s->tmp;
            }
            if (bad) {
                rc = pe_diagnose_stationary(s, cyc, i, jlo, jhi, f, u, swapped);
                break;
            }
            s->mac(&cfg->mac, n, acc + jlo, ws ? av + jlo : wv + jlo, ws ? wv + jlo : av + jlo,
                   pv + jlo);
            zero_macs += pe_zero_pairs(s->mag, n, av + jlo, wv + jlo);
            reg_writes += 2 * (uint64_t)n; /* stream register, partial sum */
            reg_reads += 2 * (uint64_t)n;  /* the two operands */
            macs += n;
            if (i == d->sr - 1) {
                /* through the R - sr bypassed rows: written at x_f + R + t + R*P - 1 + j */
                uint64_t wcyc = cyc + P - 1 + (uint64_t)(R - d->sr) * P;
                reg_reads += n;
                /* O(t0 + u - j, col0 + j) (ws) or O(col0 + j, t0 + u - j) (is), as in row 0 */
                pe_out *o = s->O + d->col0 * (ws ? map->m : map->n) + (d->t0 + u) * C;
                for (uint32_t j = jlo; j < jhi; j++)
                    o[(ptrdiff_t)j - (ptrdiff_t)j * C] = (pe_out){pv[j], wcyc + 1, (int64_t)f};
                s->ctr->sram_writes[CFG_OFMAP] += n;
                if (wcyc + 1 > s->last_write)
                    s->last_write = wcyc + 1;
            }
        }
        pe_fill(at, 0, covered, PE_EMPTY);
        pe_fill(pt, 0, covered, PE_EMPTY);
    }
    eng_counters *ctr = s->ctr;
    ctr->reg_reads += reg_reads;
    ctr->reg_writes += reg_writes;
    ctr->macs += macs;
    ctr->zero_macs += zero_macs;
    ctr->sram_reads[ws ? CFG_IFMAP : CFG_FILTER] += stream_reads;
    ctr->sram_reads[CFG_OFMAP] += ofmap_reads;
    if (rc)
        return rc;
    /* Load events: shadow writes of column j at x_f + R - 1 + j, after the PEs so that a
     * swap in the same cycle takes the previous value (register semantics). */
    for (uint64_t f = f_lo; f < f_hi; f++) {
        uint64_t xf = s->x_start[f];
        if (cyc < xf + R - 1 || cyc >= xf + R - 1 + C)
            continue;
        const map_fold *d = &s->fd[f - s->fd0];
        uint32_t j = (uint32_t)(cyc - (xf + R - 1));
        if (j >= d->sc)
            continue;
        /* ws: filter (k = row0 + i, n = col0 + j); is: ifmap (m = col0 + j, k): both blocked
         * along k by R, column j's sr values adjacent */
        const uint32_t *src =
            (ws ? s->W + d->row0 * map->n : s->X + d->row0 * map->m) + (d->col0 + j) * R;
        for (uint32_t i = 0; i < d->sr; i++) {
            size_t q = (size_t)i * C + j;
            if (s->ht[q] != PE_EMPTY)
                return pe_hazard(s, cyc, i, j, "shadow register overwritten before its swap");
            s->hv[q] = src[i];
            s->ht[q] = f - s->fd0;
        }
        ctr->reg_writes += d->sr;
        ctr->sram_reads[ws ? CFG_FILTER : CFG_IFMAP] += d->sr;
    }
    return 0;
}

/* tree: one cycle of the broadcast-and-reduce array. First the column registers filled in the
 * previous cycle go to the ofmap buffer, then the fold streaming at this cycle (at most one:
 * the gap is at least T) reduces its used columns, all columns together one row at a time
 * (each column's chain in row order, k ascending), into the column registers (row 0 of pv). */
static int pe_cycle_tree(pe_sim *s, uint64_t cyc, uint64_t f_lo, uint64_t f_hi)
{
    const cfg_accel *cfg = s->cfg;
    eng_counters *ctr = s->ctr;
    for (uint32_t j = 0; j < s->C; j++) {
        if (s->pt[j] == PE_EMPTY)
            continue;
        uint64_t lf = s->pt[j] >> PE_T_BITS, t = s->pt[j] & ((UINT64_C(1) << PE_T_BITS) - 1);
        const map_fold *d = &s->fd[lf];
        if (s->x_start[s->fd0 + lf] + t + 1 != cyc)
            return pe_hazard(s, cyc, 0, j, "column register not drained the cycle after");
        ctr->reg_reads++;
        pe_write_out(s, s->fd0 + lf, d->t0 + t, d->col0 + j, s->pv[j], cyc);
        s->pt[j] = PE_EMPTY;
    }
    for (uint64_t f = f_lo; f < f_hi; f++) {
        const map_fold *d = &s->fd[f - s->fd0];
        uint64_t xf = s->x_start[f];
        if (cyc < xf || cyc - xf >= d->t)
            continue;
        uint64_t t = cyc - xf, m = d->t0 + t;
        const uint32_t sc = d->sc;
        uint64_t *acc = s->tmp;
        uint32_t *xb = s->tmp2;
        for (uint32_t j = 0; j < sc; j++) {
            if (d->first_reduction) {
                acc[j] = nx_zero(cfg->mac.accumulator);
                continue;
            }
            size_t idx = pe_oi(s, m, d->col0 + j);
            if (pe_partial_bad(s, f, idx, cyc))
                return pe_hazard(s, cyc, 0, j, "partial sum not in the ofmap buffer");
            acc[j] = s->O[idx].v;
            ctr->sram_reads[CFG_OFMAP]++;
        }
        /* row i's ifmap element, read once and broadcast to every used column */
        ctr->sram_reads[CFG_IFMAP] += d->sr;
        for (uint32_t i = 0; i < d->sr; i++) {
            uint64_t k = d->row0 + i;
            const uint32_t *w = s->W + pe_wi(s, k, d->col0); /* W(k, col0 + j) adjacent */
            const uint32_t x = s->X[pe_xi(s, m, k)];
            for (uint32_t j = 0; j < sc; j++)
                xb[j] = x;
            ctr->zero_macs += pe_zero_pairs(s->mag, sc, xb, w);
            s->mac(&cfg->mac, sc, acc, xb, w, acc);
        }
        ctr->sram_reads[CFG_FILTER] += (uint64_t)d->sr * sc; /* at every MAC */
        ctr->macs += (uint64_t)d->sr * sc;
        for (uint32_t j = 0; j < sc; j++) {
            s->pv[j] = acc[j];
            s->pt[j] = pe_tag(f - s->fd0, t);
        }
        ctr->reg_writes += sc;
    }
    return 0;
}

/* os, row i, segment [jlo, jhi) of fold f: names the first failing check (original order). */
static int pe_diagnose_os(pe_sim *s, uint64_t cyc, uint32_t i, uint32_t jlo, uint32_t jhi,
                          uint64_t f, uint64_t u)
{
    const size_t row = (size_t)i * s->C, arow = pe_arow(s, i);
    const uint64_t tag0 = pe_tag(f - s->fd0, u);
    for (uint32_t j = jhi; j-- > jlo;) {
        if (s->at[arow + j] != tag0 - j || s->bt[row + j] != tag0 - j)
            return pe_hazard(s, cyc, i, j, "ifmap and filter operands do not meet");
        if (j == u) {
            if (s->pt[row + j] != PE_EMPTY)
                return pe_hazard(s, cyc, i, j, "accumulator still holds a result");
        } else if (s->pt[row + j] != tag0 - j - 1) {
            return pe_hazard(s, cyc, i, j, "accumulator holds another output");
        }
    }
    return pe_hazard(s, cyc, i, jlo, "inconsistent registers"); /* not reached */
}

/* os: one cycle of every PE. PE j of a segment does MAC k = u - j of its output. */
static int pe_cycle_os(pe_sim *s, uint64_t cyc, uint64_t f_lo, uint64_t f_hi)
{
    const cfg_accel *cfg = s->cfg;
    const map_layer *map = s->map;
    const uint32_t R = s->R, C = s->C;
    const uint64_t T = map->t;
    eng_counters *ctr = s->ctr;
    pe_next_cycle(s);
    for (uint32_t i = R; i-- > 0;) {
        const size_t row = (size_t)i * C, arow = pe_arow(s, i);
        uint32_t *restrict av = s->av + arow, *restrict avo = s->avo + arow;
        uint64_t *restrict at = s->at + arow, *restrict ato = s->ato + arow;
        uint32_t *restrict bv = s->bv + row;
        uint64_t *restrict bt = s->bt + row;
        const uint32_t *restrict bvo = i ? s->bvo + row - C : NULL; /* the row above */
        const uint64_t *restrict bto = i ? s->bto + row - C : NULL;
        uint64_t *pv = s->pv + row, *pt = s->pt + row;
        uint32_t covered = C;
        for (uint64_t f = f_lo; f < f_hi; f++) {
            const map_fold *d = &s->fd[f - s->fd0];
            uint64_t u;
            uint32_t jlo, jhi;
            if (i >= d->sr || !pe_segment(cyc, s->x_start[f] + i, T, d->sc, &u, &jlo, &jhi))
                continue;
            if (jhi > covered)
                return pe_hazard(s, cyc, i, covered, "two folds stream through one register");
            pe_fill(at, jhi, covered, PE_EMPTY);
            pe_fill(bt, jhi, covered, PE_EMPTY);
            covered = jlo;
            const uint64_t lf = f - s->fd0, tag0 = pe_tag(lf, u);
            const uint32_t n = jhi - jlo;
            if (jlo == 0) { /* ifmap (m = row0 + i, k = u) on the row's input port */
                avo[-1] = s->X[d->row0 * map->k + u * R + i]; /* blocked along m by R */
                ato[-1] = tag0;
                ctr->sram_reads[CFG_IFMAP]++;
            }
            /* ifmap operands move one PE right, filter operands one PE down */
            uint64_t bad = 0;
            for (uint32_t j = jlo; j < jhi; j++) {
                const uint64_t tg = ato[(ptrdiff_t)j - 1];
                av[j] = avo[(ptrdiff_t)j - 1];
                at[j] = tg;
                bad |= tg ^ (tag0 - j);
            }
            if (i == 0) { /* filter (k = u - j, n = col0 + j) enters PE(0, j) */
                /* W(u - j, col0 + j), blocked along n by C */
                const uint32_t *w = s->W + d->col0 * map->k + u * C;
                for (uint32_t j = jlo; j < jhi; j++) {
                    bv[j] = w[(ptrdiff_t)j - (ptrdiff_t)j * C];
                    bt[j] = tag0 - j;
                }
                ctr->sram_reads[CFG_FILTER] += n;
            } else {
                for (uint32_t j = jlo; j < jhi; j++) {
                    const uint64_t tg = bto[j];
                    bv[j] = bvo[j];
                    bt[j] = tg;
                    bad |= tg ^ (tag0 - j);
                }
            }
            const bool first = u < jhi; /* PE u does MAC k = 0: its accumulator starts at 0 */
            const uint32_t aend = first ? jhi - 1 : jhi;
            bad |= first ? pt[u] ^ PE_EMPTY : 0;
            for (uint32_t j = jlo; j < aend; j++)
                bad |= pt[j] ^ (tag0 - j - 1);
            if (bad)
                return pe_diagnose_os(s, cyc, i, jlo, jhi, f, u);
            if (first)
                pv[u] = nx_zero(cfg->mac.accumulator);
            s->mac(&cfg->mac, n, pv + jlo, av + jlo, bv + jlo, pv + jlo);
            for (uint32_t j = jlo; j < jhi; j++)
                pt[j] = tag0 - j;
            ctr->zero_macs += pe_zero_pairs(s->mag, n, av + jlo, bv + jlo);
            ctr->reg_writes += 3 * (uint64_t)n;               /* ifmap, filter, accumulator */
            ctr->reg_reads += 2 * (uint64_t)n + (aend - jlo); /* operands, accumulator */
            ctr->macs += n;
            if (u >= T - 1 && u - (T - 1) == jlo) { /* PE jlo did MAC T-1: the result leaves */
                uint32_t j = jlo;
                if (s->bus_last[j] == cyc + 1)
                    return pe_hazard(s, cyc, i, j, "two results on one column bus");
                s->bus_last[j] = cyc + 1;
                ctr->reg_reads++;
                pe_write_out(s, f, d->row0 + i, d->col0 + j, pv[j], cyc);
                pt[j] = PE_EMPTY;
            }
        }
        pe_fill(at, 0, covered, PE_EMPTY);
        pe_fill(bt, 0, covered, PE_EMPTY);
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
        (uint64_t)cfg->rows * cfg->cols > ENG_PE_MAX_PES ||
        map->folds_per_group >= (UINT64_C(1) << (63 - PE_T_BITS)))
        return fw_err_set(err, FW_EXIT_INPUT,
                          "layer %s: too large for the pe engine (use --engine fast)", layer->name);
    pe_sim s;
    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.map = map;
    s.x_start = x;
    s.R = cfg->rows;
    s.C = cfg->cols;
    s.P = cfg->mac_pipeline_cycles;
    s.ws = cfg->dataflow == CFG_WS;
    s.ctr = ctr;
    s.err = err;
    s.mac = nx_mac_vec_select(&cfg->mac);
    const nx_fmt_info *fi = nx_fmt_get(cfg->mac.input);
    s.mag = (uint32_t)((UINT64_C(1) << fi->width_bits) - 1); /* width_bits <= 32 */
    if (fi->is_float)
        s.mag >>= 1;
    const bool os = cfg->dataflow == CFG_OS,
               kw = cfg->dataflow == CFG_WS || cfg->dataflow == CFG_IS;
    const size_t xn = os ? pe_blk_size(map->m, map->k, s.R) : pe_blk_size(map->k, map->m, s.R);
    const size_t wn = kw ? pe_blk_size(map->k, map->n, s.R) : pe_blk_size(map->n, map->k, s.C);
    const size_t on = cfg->dataflow == CFG_IS ? pe_blk_size(map->m, map->n, s.C)
                                              : pe_blk_size(map->n, map->m, s.C);
    const size_t pes = (size_t)s.R * s.C, cells = pes * s.P;
    s.X = calloc(xn, sizeof *s.X);
    s.W = calloc(wn, sizeof *s.W);
    s.O = malloc(on * sizeof *s.O);
    const size_t apes = (size_t)s.R * (s.C + 1);
    uint64_t **regs[] = {&s.bt, &s.bto, &s.wt, &s.ht, &s.at, &s.ato}; /* tags */
    uint32_t **vals[] = {&s.bv, &s.bvo, &s.wv, &s.hv, &s.av, &s.avo}; /* values */
    for (size_t r = 0; r < sizeof regs / sizeof *regs; r++)
        *regs[r] = calloc(r < 4 ? pes : apes, sizeof(uint64_t));
    for (size_t r = 0; r < sizeof vals / sizeof *vals; r++)
        *vals[r] = calloc(r < 4 ? pes : apes, sizeof(uint32_t));
    s.pv = calloc(cells, sizeof *s.pv);
    s.pt = calloc(cells, sizeof *s.pt);
    s.tmp = calloc(s.C, sizeof *s.tmp);
    s.tmp2 = calloc(s.C, sizeof *s.tmp2);
    s.bus_last = calloc(s.C, sizeof *s.bus_last);
    s.fd = malloc(map->folds_per_group * sizeof *s.fd);
    const uint32_t zero_in = (uint32_t)nx_zero(cfg->mac.input); /* before the jump to out */
    int rc = 0;
    bool ok = s.X && s.W && s.O && s.pv && s.pt && s.tmp && s.tmp2 && s.bus_last && s.fd;
    for (size_t r = 0; r < sizeof regs / sizeof *regs; r++)
        ok = ok && *regs[r] && *vals[r];
    if (!ok) {
        rc =
            fw_err_set(err, FW_EXIT_INPUT, "layer %s: out of memory in the pe engine", layer->name);
        goto out;
    }
    for (uint64_t g = 0; g < map->groups && !rc; g++) {
        uint64_t f0 = g * map->folds_per_group, f1 = f0 + map->folds_per_group;
        pe_im2col(layer, map, ops, g, &s, s.X, s.W, zero_in);
        s.fd0 = f0;
        for (uint64_t f = f0; f < f1; f++)
            map_fold_get(map, f, &s.fd[f - f0]);
        for (size_t i = 0; i < on; i++) {
            s.O[i].fold = -1;
            s.O[i].ready = 0;
        }
        /* an empty array: every tag PE_EMPTY (all-ones bytes) */
        memset(s.at, 0xFF, apes * sizeof *s.at);
        memset(s.ato, 0xFF, apes * sizeof *s.ato);
        memset(s.bt, 0xFF, pes * sizeof *s.bt);
        memset(s.bto, 0xFF, pes * sizeof *s.bto);
        memset(s.wt, 0xFF, pes * sizeof *s.wt);
        memset(s.ht, 0xFF, pes * sizeof *s.ht);
        memset(s.pt, 0xFF, cells * sizeof *s.pt);
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
                    outputs[m * filters + g * map->n + n] = s.O[pe_oi(&s, m, n)].v;
        }
    }
out:
    free(s.X);
    free(s.W);
    free(s.O);
    for (size_t r = 0; r < sizeof regs / sizeof *regs; r++)
        free(*regs[r]);
    for (size_t r = 0; r < sizeof vals / sizeof *vals; r++)
        free(*vals[r]);
    free(s.pv);
    free(s.pt);
    free(s.tmp);
    free(s.tmp2);
    free(s.bus_last);
    free(s.fd);
    return rc;
}
