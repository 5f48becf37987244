/* tl: tiling over the storage hierarchy: counting rules, legality, search (see tl.h). */
#include "mapping/tl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char tl_dim_letters[TL_DIMS] = {'N', 'G', 'K', 'C', 'P', 'Q', 'R', 'S'};
static const char *const tl_dim_names[TL_DIMS] = {"N", "G", "K", "C", "P", "Q", "R", "S"};

/* relevant[op][d]: operand op depends on dimension d (tl.h) */
static const bool tl_relevant[CFG_OPERANDS][TL_DIMS] = {
    /*            N  G  K  C  P  Q  R  S */
    [CFG_IFMAP] = {1, 1, 0, 1, 1, 1, 1, 1},
    [CFG_FILTER] = {0, 1, 1, 1, 0, 0, 1, 1},
    [CFG_OFMAP] = {1, 1, 1, 0, 1, 1, 0, 0},
};

/* The canonical loop orders of the search (outermost first): each keeps one operand's tile
 * unchanged across the innermost loops (the dimensions irrelevant to it innermost). */
static const uint8_t tl_orders[4][TL_DIMS] = {
    {TL_N, TL_G, TL_K, TL_P, TL_Q, TL_C, TL_R, TL_S}, /* outputs stay: reduction innermost */
    {TL_K, TL_G, TL_N, TL_P, TL_Q, TL_C, TL_R, TL_S}, /* the same, filters outermost */
    {TL_G, TL_K, TL_C, TL_R, TL_S, TL_N, TL_P, TL_Q}, /* weights stay: N P Q innermost */
    {TL_N, TL_G, TL_C, TL_P, TL_Q, TL_R, TL_S, TL_K}, /* inputs stay: K innermost */
};
#define TL_ORDER_COUNT 4
#define TL_SMALL_DIM 16 /* every tile size of a dimension this small is a candidate */
#define TL_EXHAUSTIVE_TILINGS 4096 /* below this many candidate tilings, try them all */
#define TL_MAX_ORDER_PERMS 5040 /* loop-order permutations tried for the final tiles */

const char *tl_dim_name(tl_dim d)
{
    return tl_dim_names[d];
}

static uint64_t tl_ceil_div(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

static uint64_t tl_tile(const tl_layer *tl, const tl_mapping *m, uint32_t l, int d)
{
    return l >= m->levels ? tl->dim[d] : m->tile[l][d];
}

/* Sum over the (P or Q) tiles of size tp and (R or S) tiles of size tr of the distinct input
 * rows (axis 0) or columns (axis 1) each pair touches inside the tensor, and the largest. */
static void tl_halo(tl_layer *tl, int axis, uint64_t tp, uint64_t tr, uint64_t *sum,
                    uint64_t *max)
{
    for (uint32_t i = 0; i < tl->cache_n[axis]; i++)
        if (tl->cache[axis][i].tp == tp && tl->cache[axis][i].tr == tr) {
            *sum = tl->cache[axis][i].sum;
            *max = tl->cache[axis][i].max;
            return;
        }
    uint64_t P = tl->dim[axis ? TL_Q : TL_P], R = tl->dim[axis ? TL_S : TL_R];
    int64_t in = axis ? tl->in_w : tl->in_h, st = axis ? tl->stride_w : tl->stride_h;
    int64_t dil = axis ? tl->dil_w : tl->dil_h, pad = axis ? tl->pad_left : tl->pad_top;
    uint32_t *stamp = tl->stamp[axis];
    uint64_t s = 0, mx = 0;
    for (uint64_t p0 = 0; p0 < P; p0 += tp)
        for (uint64_t r0 = 0; r0 < R; r0 += tr) {
            if (++tl->stamp_gen[axis] == 0) { /* wrapped: clear */
                memset(stamp, 0, (size_t)in * sizeof *stamp);
                tl->stamp_gen[axis] = 1;
            }
            uint32_t gen = tl->stamp_gen[axis];
            uint64_t n = 0, p1 = p0 + tp < P ? p0 + tp : P, r1 = r0 + tr < R ? r0 + tr : R;
            for (uint64_t p = p0; p < p1; p++)
                for (uint64_t r = r0; r < r1; r++) {
                    int64_t y = (int64_t)p * st + (int64_t)r * dil - pad;
                    if (y >= 0 && y < in && stamp[y] != gen) {
                        stamp[y] = gen;
                        n++;
                    }
                }
            s += n;
            if (n > mx)
                mx = n;
        }
    uint32_t slot = tl->cache_n[axis] < TL_CACHE ? tl->cache_n[axis]++ : (uint32_t)(tp % TL_CACHE);
    tl->cache[axis][slot].tp = tp;
    tl->cache[axis][slot].tr = tr;
    tl->cache[axis][slot].sum = s;
    tl->cache[axis][slot].max = mx;
    *sum = s;
    *max = mx;
}

/* The search's tile sizes of a dimension of size D (tl_layer.cand), ascending, unique. */
static void tl_candidate_list(uint64_t D, uint64_t *out, uint32_t *count)
{
    uint64_t c[2 * TL_MAX_CAND + 16];
    uint32_t n = 0;
    if (D <= TL_SMALL_DIM) {
        for (uint64_t v = 1; v <= D; v++)
            c[n++] = v;
    } else {
        for (uint64_t v = 1; v * v <= D && n < 2 * TL_MAX_CAND; v++)
            if (D % v == 0) {
                c[n++] = v;
                c[n++] = D / v;
            }
        for (uint64_t k = 2; k <= 8; k++)
            c[n++] = tl_ceil_div(D, k);
        c[n++] = D;
    }
    for (uint32_t i = 1; i < n; i++) /* insertion sort: n is small */
        for (uint32_t j = i; j > 0 && c[j - 1] > c[j]; j--) {
            uint64_t t = c[j];
            c[j] = c[j - 1];
            c[j - 1] = t;
        }
    uint32_t m = 0;
    for (uint32_t i = 0; i < n; i++)
        if (m == 0 || c[i] != out[m - 1]) {
            if (m == TL_MAX_CAND - 1) { /* keep D last */
                out[m++] = D;
                break;
            }
            out[m++] = c[i];
        }
    *count = m;
}

int tl_layer_init(const cfg_accel *cfg, const wl_layer *layer, tl_layer *out, fw_err *err)
{
    memset(out, 0, sizeof *out);
    uint64_t g = layer->groups ? layer->groups : 1;
    out->dim[TL_N] = layer->batch ? layer->batch : 1;
    out->dim[TL_G] = g;
    out->dim[TL_K] = layer->filters / g;
    out->dim[TL_C] = layer->in_c / g;
    out->dim[TL_P] = layer->out_h;
    out->dim[TL_Q] = layer->out_w;
    out->dim[TL_R] = layer->filt_r;
    out->dim[TL_S] = layer->filt_s;
    out->in_h = layer->in_h;
    out->in_w = layer->in_w;
    out->stride_h = layer->stride_h ? layer->stride_h : 1;
    out->stride_w = layer->stride_w ? layer->stride_w : 1;
    out->dil_h = layer->dil_h ? layer->dil_h : 1;
    out->dil_w = layer->dil_w ? layer->dil_w : 1;
    out->pad_top = layer->pad_top;
    out->pad_left = layer->pad_left;
    if (layer->kind == WL_GEMM) { /* the conv view of wl.h: batch folded into M (gemm_m) */
        out->dim[TL_N] = 1;
        out->dim[TL_P] = layer->gemm_m;
        out->in_h = (uint32_t)layer->gemm_m;
    }
    out->input_bytes = cfg_input_bytes(cfg);
    out->acc_bytes = cfg_acc_bytes(cfg);
    out->output_bytes = cfg_output_bytes(cfg);
    for (int d = 0; d < TL_DIMS; d++)
        if (out->dim[d] == 0)
            return fw_err_set(err, FW_EXIT_INPUT, "layer %s: empty dimension %s", layer->name,
                              tl_dim_names[d]);
    out->stamp[0] = calloc(out->in_h ? out->in_h : 1, sizeof(uint32_t));
    out->stamp[1] = calloc(out->in_w ? out->in_w : 1, sizeof(uint32_t));
    if (!out->stamp[0] || !out->stamp[1]) {
        tl_layer_fini(out);
        return fw_err_set(err, FW_EXIT_INPUT, "layer %s: out of memory", layer->name);
    }
    for (int d = 0; d < TL_DIMS; d++)
        tl_candidate_list(out->dim[d], out->cand[d], &out->cand_n[d]);
    uint64_t rows, cols, mx;
    tl_halo(out, 0, out->dim[TL_P], out->dim[TL_R], &rows, &mx);
    tl_halo(out, 1, out->dim[TL_Q], out->dim[TL_S], &cols, &mx);
    out->ifmap_touched = out->dim[TL_N] * g * out->dim[TL_C] * rows * cols;
    return 0;
}

void tl_layer_fini(tl_layer *tl)
{
    free(tl->stamp[0]);
    free(tl->stamp[1]);
    tl->stamp[0] = tl->stamp[1] = NULL;
}

/* m_X,i (rule 2). */
static uint64_t tl_mult(const tl_layer *tl, const tl_mapping *m, int op, uint32_t level)
{
    uint64_t gran[TL_DIMS] = {0};
    bool found = false;
    for (uint32_t l = level + 1; l <= m->levels; l++) /* inner levels first */
        for (int k = TL_DIMS - 1; k >= 0; k--) {      /* inner loops first */
            int d = m->order[l][k];
            uint64_t inner = tl_tile(tl, m, l - 1, d);
            if (tl_tile(tl, m, l, d) <= inner)
                continue; /* one iteration */
            if (tl_relevant[op][d])
                found = true;
            else if (found && gran[d] == 0)
                gran[d] = inner;
        }
    uint64_t mult = 1;
    for (int d = 0; d < TL_DIMS; d++)
        if (gran[d])
            mult *= tl_ceil_div(tl->dim[d], gran[d]);
    return mult;
}

/* The innermost loop above level i relevant to the ifmap when it steps over output rows (P) or
 * columns (Q), and the tile of the level whose loop it is (the span of one sweep): rule 3's
 * kept halos. Returns TL_P, TL_Q, or -1 (no such loop: the innermost relevant loop is another
 * dimension, or there is none). */
static int tl_ifmap_sweep(const tl_layer *tl, const tl_mapping *m, uint32_t level, uint64_t *span)
{
    for (uint32_t l = level + 1; l <= m->levels; l++) /* inner levels first */
        for (int k = TL_DIMS - 1; k >= 0; k--) {      /* inner loops first */
            int d = m->order[l][k];
            if (tl_tile(tl, m, l, d) <= tl_tile(tl, m, l - 1, d) || !tl_relevant[CFG_IFMAP][d])
                continue; /* one iteration, or the tile does not change */
            if (d != TL_P && d != TL_Q)
                return -1;
            *span = tl_tile(tl, m, l, d);
            return d;
        }
    return -1;
}

/* Sum over all level-i tiles of op's footprint, and the largest footprint. */
static void tl_grid(tl_layer *tl, const tl_mapping *m, int op, uint32_t level, uint64_t *sum,
                    uint64_t *max)
{
    const uint64_t *D = tl->dim;
    const uint64_t *t = m->tile[level];
    switch (op) {
    case CFG_FILTER:
        *sum = D[TL_G] * D[TL_K] * D[TL_C] * D[TL_R] * D[TL_S];
        *max = t[TL_G] * t[TL_K] * t[TL_C] * t[TL_R] * t[TL_S];
        return;
    case CFG_OFMAP:
        *sum = D[TL_N] * D[TL_G] * D[TL_K] * D[TL_P] * D[TL_Q];
        *max = t[TL_N] * t[TL_G] * t[TL_K] * t[TL_P] * t[TL_Q];
        return;
    default: {
        uint64_t rs, rm, cs, cm;
        tl_halo(tl, 0, t[TL_P], t[TL_R], &rs, &rm);
        tl_halo(tl, 1, t[TL_Q], t[TL_S], &cs, &cm);
        *sum = D[TL_N] * D[TL_G] * D[TL_C] * rs * cs;
        *max = t[TL_N] * t[TL_G] * t[TL_C] * rm * cm;
        return;
    }
    }
}

/* Level i is the innermost holding ofmaps (the array's partial sums accumulate there). */
static bool tl_ofmap_innermost(const cfg_accel *cfg, uint32_t i)
{
    for (uint32_t j = 0; j < i; j++)
        if (cfg->levels[j].part[CFG_OFMAP].held)
            return false;
    return true;
}

/* Bytes per element of op in level i's tiles (rule 7): ofmaps in the accumulator format where
 * partial sums reach the level (the innermost level holding ofmaps, or a level whose child
 * sends partial sums up: m_ofmap,child > 1), else in the output format. */
static uint32_t tl_tile_elem_bytes(const cfg_accel *cfg, const tl_layer *tl, const tl_mapping *m,
                                   int op, uint32_t i)
{
    if (op != CFG_OFMAP)
        return tl->input_bytes;
    int child = -1;
    for (uint32_t j = 0; j < i; j++)
        if (cfg->levels[j].part[CFG_OFMAP].held)
            child = (int)j;
    if (child < 0 || tl_mult(tl, m, CFG_OFMAP, (uint32_t)child) > 1)
        return tl->acc_bytes;
    return tl->output_bytes;
}

void tl_level_bits(const tl_layer *tl, const tl_traffic *t, uint32_t i, int op, uint64_t *rbits,
                   uint64_t *wbits)
{
    if (op != CFG_OFMAP) {
        *rbits = t->reads[i][op] * 8 * tl->input_bytes;
        *wbits = t->writes[i][op] * 8 * tl->input_bytes;
        return;
    }
    uint64_t acc = 8 * tl->acc_bytes, out = 8 * tl->output_bytes;
    *rbits = (t->reads[i][op] - t->final_reads[i]) * acc + t->final_reads[i] * out;
    *wbits = (t->writes[i][op] - t->final_writes[i]) * acc + t->final_writes[i] * out;
}

void tl_count(const cfg_accel *cfg, tl_layer *tl, const tl_mapping *m, bool ifmap_on_chip,
              bool ofmap_on_chip, tl_traffic *out)
{
    memset(out, 0, sizeof *out);
    uint32_t L = m->levels;
    for (int op = 0; op < CFG_OPERANDS; op++) {
        for (uint32_t i = 0; i < L; i++) {
            if (!cfg->levels[i].part[op].held)
                continue;
            uint32_t parent = i + 1;
            while (parent < L && !cfg->levels[parent].part[op].held)
                parent++;
            uint64_t sum, max, mult = tl_mult(tl, m, op, i), span = 0;
            tl_grid(tl, m, op, i, &sum, &max);
            out->mult[i][op] = mult;
            out->footprint[i][op] = max;
            int sweep = op == CFG_IFMAP ? tl_ifmap_sweep(tl, m, i, &span) : -1;
            if (sweep >= 0) {
                /* rule 3: a sweep of the innermost relevant loop over P (Q) keeps the rows
                 * (columns) its consecutive tiles share: each sweep fetches the distinct rows
                 * (columns) of its span once */
                const uint64_t *t = m->tile[i];
                uint64_t rs, cs, mx;
                tl_halo(tl, 0, sweep == TL_P ? span : t[TL_P], t[TL_R], &rs, &mx);
                tl_halo(tl, 1, sweep == TL_Q ? span : t[TL_Q], t[TL_S], &cs, &mx);
                sum = tl->dim[TL_N] * tl->dim[TL_G] * tl->dim[TL_C] * rs * cs;
            }
            if (op != CFG_OFMAP) {
                uint64_t fills = mult * sum;
                if (op == CFG_IFMAP && ifmap_on_chip && parent == L)
                    fills = 0; /* already held here */
                out->fills[i][op] = fills;
                out->writes[i][op] += fills;
                out->reads[parent][op] += fills;
                continue;
            }
            /* the final outputs stay in the outermost level: not read out, not sent up */
            bool stays = parent == L && ofmap_on_chip;
            uint64_t drains = mult * sum - (stays ? sum : 0), back = (mult - 1) * sum;
            out->drains[i][op] = drains;
            out->fills[i][op] = back;
            out->reads[i][op] += drains; /* read out to go up */
            out->writes[i][op] += back;  /* partial sums read back */
            out->writes[parent][op] += drains;
            out->reads[parent][op] += back;
            /* rule 7: every output's final value goes up once, in the output format beyond the
             * innermost level holding ofmaps */
            if (!tl_ofmap_innermost(cfg, i) && !stays)
                out->final_reads[i] = sum;
            if (parent < L)
                out->final_writes[parent] = sum;
            if (parent == L) {
                out->dram_read_bytes[CFG_OFMAP] = back * tl->acc_bytes;
                out->dram_write_bytes =
                    back * tl->acc_bytes + (ofmap_on_chip ? 0 : sum * tl->output_bytes);
            }
        }
    }
    out->dram_read_bytes[CFG_IFMAP] = out->reads[L][CFG_IFMAP] * tl->input_bytes;
    out->dram_read_bytes[CFG_FILTER] = out->reads[L][CFG_FILTER] * tl->input_bytes;
}

/* The tile sizes (within and aligned to their parents) and the capacities of a mapping (tl.h):
 * 0, or FW_EXIT_INPUT with the reason in err (err may be NULL: the search's inner loop, where
 * no message is formatted). */
static int tl_check_tiles(const cfg_accel *cfg, tl_layer *tl, const tl_mapping *m, fw_err *err)
{
    for (uint32_t i = 0; i < m->levels; i++)
        for (int d = 0; d < TL_DIMS; d++) {
            uint64_t t = m->tile[i][d], up = tl_tile(tl, m, i + 1, d);
            if (t < 1 || t > up)
                return fw_err_set(err, FW_EXIT_INPUT,
                                  "level %s: tile %s%llu outside [1, %llu]", cfg->levels[i].name,
                                  tl_dim_names[d], (unsigned long long)t,
                                  (unsigned long long)up);
            if (up != tl->dim[d] && up % t != 0)
                return fw_err_set(err, FW_EXIT_INPUT,
                                  "level %s: tile %s%llu does not divide the outer tile %llu",
                                  cfg->levels[i].name, tl_dim_names[d], (unsigned long long)t,
                                  (unsigned long long)up);
        }
    for (uint32_t i = 0; i < m->levels; i++) {
        const cfg_level *lv = &cfg->levels[i];
        uint64_t inst = cfg_level_instances(cfg, lv), shared_bytes = 0;
        for (int op = 0; op < CFG_OPERANDS; op++) {
            const cfg_part *p = &lv->part[op];
            if (!p->held)
                continue;
            uint64_t sum, max;
            tl_grid(tl, m, op, i, &sum, &max);
            uint64_t bytes = max * tl_tile_elem_bytes(cfg, tl, m, op, i);
            uint64_t cap = p->size_bytes * inst;
            if (p->double_buffered)
                cap /= 2;
            if (lv->shared) {
                shared_bytes += bytes;
                if (shared_bytes > cap)
                    return fw_err_set(err, FW_EXIT_INPUT,
                                      "level %s: tiles of %llu bytes exceed its %llu bytes",
                                      lv->name, (unsigned long long)shared_bytes,
                                      (unsigned long long)cap);
            } else if (bytes > cap) {
                return fw_err_set(err, FW_EXIT_INPUT,
                                  "level %s: %s tile of %llu bytes exceeds its %llu bytes",
                                  lv->name, cfg_operand_name((cfg_operand)op),
                                  (unsigned long long)bytes, (unsigned long long)cap);
            }
        }
    }
    return 0;
}

/* tl_legal without the loop orders and the message (the search's inner loop). */
static bool tl_fits(const cfg_accel *cfg, tl_layer *tl, const tl_mapping *m)
{
    return tl_check_tiles(cfg, tl, m, NULL) == 0;
}

int tl_legal(const cfg_accel *cfg, tl_layer *tl, const tl_mapping *m, fw_err *err)
{
    if (m->levels != cfg->level_count)
        return fw_err_set(err, FW_EXIT_INPUT, "mapping has %u levels, the config %u", m->levels,
                          cfg->level_count);
    for (uint32_t l = 1; l <= m->levels; l++) {
        unsigned seen = 0;
        for (int k = 0; k < TL_DIMS; k++)
            seen |= m->order[l][k] < TL_DIMS ? 1u << m->order[l][k] : 0;
        if (seen != (1u << TL_DIMS) - 1)
            return fw_err_set(err, FW_EXIT_INPUT, "loop order of level %u is not a permutation "
                              "of N G K C P Q R S", l);
    }
    return tl_check_tiles(cfg, tl, m, err);
}

void tl_costs_default(const cfg_accel *cfg, tl_costs *out)
{
    memset(out, 0, sizeof *out);
    /* Eyeriss normalised energy per 16-bit access: RF 1, global buffer 6, DRAM 200 */
    for (uint32_t i = 0; i < cfg->level_count; i++)
        out->level_access[i] = cfg->levels[i].kind == CFG_REGFILE ? 1.0 : 6.0;
    out->dram_byte = 200.0 / 2.0;
}

double tl_objective_value(const cfg_accel *cfg, const tl_layer *tl, const tl_traffic *t,
                          const tl_costs *costs, tl_objective obj, uint64_t compute_cycles)
{
    uint32_t L = cfg->level_count;
    double energy = 0, cycles = (double)compute_cycles;
    for (uint32_t i = 0; i < L; i++) {
        const cfg_level *lv = &cfg->levels[i];
        double inst = (double)cfg_level_instances(cfg, lv), rb = 0, wb = 0, rbw = 0, wbw = 0;
        for (int op = 0; op < CFG_OPERANDS; op++) {
            const cfg_part *p = &lv->part[op];
            if (!p->held)
                continue;
            energy += costs->level_access[i] * (double)(t->reads[i][op] + t->writes[i][op]);
            uint64_t rbits, wbits;
            tl_level_bits(tl, t, i, op, &rbits, &wbits);
            double r = (double)rbits, w = (double)wbits;
            double rw = inst * p->banks * p->read_ports * p->word_bits;
            double ww = inst * p->banks * p->write_ports * p->word_bits;
            if (lv->shared) { /* one set of banks for all held operands */
                rb += r, wb += w, rbw = rw, wbw = ww;
            } else {
                cycles = cycles > r / rw ? cycles : r / rw;
                cycles = cycles > w / ww ? cycles : w / ww;
            }
        }
        if (lv->shared) {
            cycles = cycles > rb / rbw ? cycles : rb / rbw;
            cycles = cycles > wb / wbw ? cycles : wb / wbw;
        }
    }
    double dram = 0;
    for (int op = 0; op < CFG_OPERANDS; op++)
        dram += (double)t->dram_read_bytes[op];
    dram += (double)t->dram_write_bytes;
    energy += costs->dram_byte * dram;
    if (cfg->dram.bandwidth_millibytes_per_cycle) {
        double c = dram * 1000.0 / (double)cfg->dram.bandwidth_millibytes_per_cycle;
        cycles = cycles > c ? cycles : c;
    }
    switch (obj) {
    case TL_CYCLES:
        return cycles + energy * 1e-12; /* ties broken by energy */
    case TL_EDP:
        return energy * cycles;
    default:
        return energy + cycles * 1e-12;
    }
}

/* ---- search ---- */

typedef struct tl_search_state {
    const cfg_accel *cfg;
    tl_layer *tl;
    const tl_costs *costs;
    tl_objective obj;
    uint64_t compute_cycles;
    uint64_t evaluated;
} tl_search_state;

/* The objective of a mapping, or a negative value when it is not legal. */
static double tl_eval(tl_search_state *s, const tl_mapping *m)
{
    if (!tl_fits(s->cfg, s->tl, m))
        return -1;
    tl_traffic t;
    tl_count(s->cfg, s->tl, m, false, false, &t);
    s->evaluated++;
    return tl_objective_value(s->cfg, s->tl, &t, s->costs, s->obj, s->compute_cycles);
}

/* Sets the loop orders of every level to the best combination of the canonical orders for
 * the mapping's tiles; returns its objective (negative when illegal). */
static double tl_best_orders(tl_search_state *s, tl_mapping *m)
{
    uint32_t L = m->levels, combos = 1;
    for (uint32_t l = 1; l <= L; l++)
        combos *= TL_ORDER_COUNT;
    tl_mapping cur = *m, best = *m;
    double best_v = -1;
    for (uint32_t c = 0; c < combos; c++) {
        uint32_t x = c;
        for (uint32_t l = 1; l <= L; l++, x /= TL_ORDER_COUNT)
            memcpy(cur.order[l], tl_orders[x % TL_ORDER_COUNT], TL_DIMS);
        double v = tl_eval(s, &cur);
        if (v >= 0 && (best_v < 0 || v < best_v)) {
            best_v = v;
            best = cur;
        }
    }
    *m = best;
    return best_v;
}

/* Tile values level i may take for d: multiples of the inner tile that divide the outer one;
 * when the outer tile is the whole dimension D, also the multiples of the inner tile near
 * D/2, D/3, ..., D/8 (partial last tiles), or every multiple when D <= TL_SMALL_DIM. At most
 * cap, ascending. */
static uint32_t tl_candidates(const tl_layer *tl, const tl_mapping *m, uint32_t i, int d,
                              uint64_t *out, uint32_t cap)
{
    uint64_t D = tl->dim[d], up = tl_tile(tl, m, i + 1, d), lo = i ? m->tile[i - 1][d] : 1;
    uint32_t n = 0;
    for (uint32_t k = 0; k < tl->cand_n[d] && n < cap; k++) {
        uint64_t v = tl->cand[d][k];
        if (v > up)
            break;
        if (v % lo == 0 && (up == D || up % v == 0))
            out[n++] = v;
    }
    if (n < cap && (n == 0 || out[n - 1] != up) && (up == D || up % lo == 0))
        out[n++] = up; /* the outer tile itself */
    return n;
}

/* Permutations of the levels' multi-iteration loops (the only ones whose order matters),
 * tried for the final tiles when there are few enough; keeps the best. */
typedef struct tl_perm_state {
    tl_search_state *s;
    tl_mapping cur, best;
    double best_v;
    int multi[TL_LEVELS][TL_DIMS], nmulti[TL_LEVELS];
} tl_perm_state;

static void tl_perm_level(tl_perm_state *p, uint32_t l)
{
    tl_mapping *m = &p->cur;
    if (l > m->levels) {
        double v = tl_eval(p->s, m);
        if (v >= 0 && v < p->best_v) {
            p->best_v = v;
            p->best = *m;
        }
        return;
    }
    int n = p->nmulti[l], a[TL_DIMS], c[TL_DIMS] = {0}, i = 0, rest = n;
    memcpy(a, p->multi[l], sizeof a);
    uint8_t tail[TL_DIMS] = {0};
    for (int d = 0; d < TL_DIMS; d++) {
        bool in = false;
        for (int k = 0; k < n; k++)
            in |= a[k] == d;
        if (!in)
            tail[rest++ - n] = (uint8_t)d;
    }
    for (;;) { /* Heap's algorithm */
        for (int k = 0; k < n; k++)
            m->order[l][k] = (uint8_t)a[k];
        memcpy(&m->order[l][n], tail, (size_t)(TL_DIMS - n));
        tl_perm_level(p, l + 1);
        while (i < n && c[i] >= i)
            c[i++] = 0;
        if (i >= n)
            break;
        int j = i % 2 ? c[i] : 0, t = a[j];
        a[j] = a[i];
        a[i] = t;
        c[i]++;
        i = 0;
    }
}

static double tl_refine_orders(tl_search_state *s, tl_mapping *m, double v)
{
    tl_perm_state p;
    p.s = s;
    p.cur = *m;
    p.best = *m;
    p.best_v = v;
    uint64_t combos = 1;
    for (uint32_t l = 1; l <= m->levels; l++) {
        p.nmulti[l] = 0;
        for (int d = 0; d < TL_DIMS; d++)
            if (tl_tile(s->tl, m, l, d) > m->tile[l - 1][d])
                p.multi[l][p.nmulti[l]++] = d;
        for (int k = 2; k <= p.nmulti[l]; k++)
            combos *= (uint64_t)k;
    }
    if (combos > TL_MAX_ORDER_PERMS)
        return v;
    tl_perm_level(&p, 1);
    *m = p.best;
    return p.best_v;
}

/* One steepest-descent run from *m (legal, objective v): single-tile moves (one level's tile
 * of one dimension to another candidate), each tried with every combination of the canonical
 * orders; the best improving move is taken, until none improves. */
static double tl_descend(tl_search_state *s, tl_mapping *m, double v)
{
    enum { CAND = TL_MAX_CAND + 1 };
    for (;;) {
        tl_mapping best_move = *m;
        double best_v = v;
        for (int i = (int)m->levels - 1; i >= 0; i--)
            for (int d = 0; d < TL_DIMS; d++) {
                uint64_t cand[CAND];
                uint32_t n = tl_candidates(s->tl, m, (uint32_t)i, d, cand, CAND);
                for (uint32_t c = 0; c < n; c++) {
                    if (cand[c] == m->tile[i][d])
                        continue;
                    tl_mapping t = *m;
                    t.tile[i][d] = cand[c];
                    double tv = tl_best_orders(s, &t);
                    if (tv >= 0 && tv < best_v) {
                        best_v = tv;
                        best_move = t;
                    }
                }
            }
        if (!(best_v < v))
            return v;
        *m = best_move;
        v = best_v;
    }
}

/* Every candidate tiling (outermost level first, inner candidates given the outer tile), each
 * with its best canonical orders; stops counting at `budget` tilings (returns false then). */
typedef struct tl_enum_state {
    tl_search_state *s;
    tl_mapping cur, best;
    double best_v;
    uint64_t tilings, budget;
} tl_enum_state;

static bool tl_enum(tl_enum_state *e, int level, int d, bool count_only)
{
    if (level < 0) {
        if (++e->tilings > e->budget)
            return false;
        if (!count_only) {
            tl_mapping t = e->cur;
            double v = tl_best_orders(e->s, &t);
            if (v >= 0 && (e->best_v < 0 || v < e->best_v)) {
                e->best_v = v;
                e->best = t;
            }
        }
        return true;
    }
    if (d == TL_DIMS)
        return tl_enum(e, level - 1, 0, count_only);
    /* candidates of this level given the outer tile, from the smallest (inner tiles not yet
     * chosen: lo = 1) */
    uint64_t cand[TL_MAX_CAND + 1], saved_lo = level ? e->cur.tile[level - 1][d] : 1;
    if (level)
        e->cur.tile[level - 1][d] = 1;
    uint32_t n = tl_candidates(e->s->tl, &e->cur, (uint32_t)level, d, cand, TL_MAX_CAND + 1);
    if (level)
        e->cur.tile[level - 1][d] = saved_lo;
    for (uint32_t c = 0; c < n; c++) {
        e->cur.tile[level][d] = cand[c];
        if (!tl_enum(e, level, d + 1, count_only))
            return false;
    }
    return true;
}

int tl_search(const cfg_accel *cfg, tl_layer *tl, const tl_costs *costs, tl_objective obj,
              uint64_t compute_cycles, tl_mapping *best, uint64_t *evaluated, fw_err *err)
{
    /* small spaces: every candidate tiling */
    tl_search_state s0 = {cfg, tl, costs, obj, compute_cycles, 0};
    tl_enum_state e;
    memset(&e, 0, sizeof e);
    e.s = &s0;
    e.cur.levels = cfg->level_count;
    e.best_v = -1;
    e.budget = TL_EXHAUSTIVE_TILINGS;
    if (tl_enum(&e, (int)cfg->level_count - 1, 0, true)) {
        e.tilings = 0;
        tl_enum(&e, (int)cfg->level_count - 1, 0, false);
        if (e.best_v >= 0) {
            tl_refine_orders(&s0, &e.best, e.best_v);
            *best = e.best;
            if (evaluated)
                *evaluated = s0.evaluated;
            return 0;
        }
    }
    return tl_search_descent(cfg, tl, costs, obj, compute_cycles, best, evaluated, err);
}

int tl_search_descent(const cfg_accel *cfg, tl_layer *tl, const tl_costs *costs,
                      tl_objective obj, uint64_t compute_cycles, tl_mapping *best,
                      uint64_t *evaluated, fw_err *err)
{
    tl_search_state s = {cfg, tl, costs, obj, compute_cycles, 0};
    tl_mapping m;
    memset(&m, 0, sizeof m);
    m.levels = cfg->level_count;
    for (uint32_t i = 0; i < m.levels; i++)
        for (int d = 0; d < TL_DIMS; d++)
            m.tile[i][d] = 1;
    double v = tl_best_orders(&s, &m);
    if (v < 0) {
        fw_err e2;
        tl_legal(cfg, tl, &m, &e2);
        return fw_err_set(err, FW_EXIT_INPUT, "no legal mapping: the smallest tiles (one "
                          "element of every dimension) do not fit (%s)", e2.msg);
    }
    /* start 0: the smallest tiles; starts 1..4: every level's tile grown as large as fits
     * (outermost level first), one dimension after the other in a fixed priority (filter
     * first, outputs first, inputs first, batch and groups first), then descended */
    static const int grow[4][TL_DIMS] = {
        {TL_R, TL_S, TL_K, TL_C, TL_Q, TL_P, TL_N, TL_G},
        {TL_Q, TL_P, TL_K, TL_N, TL_G, TL_S, TL_R, TL_C},
        {TL_S, TL_R, TL_Q, TL_P, TL_C, TL_N, TL_G, TL_K},
        {TL_N, TL_G, TL_C, TL_K, TL_R, TL_S, TL_P, TL_Q},
    };
    tl_mapping smallest = m;
    v = tl_descend(&s, &m, v);
    for (int g = 0; g < 4; g++) {
        tl_mapping m2 = smallest;
        double v2 = tl_best_orders(&s, &m2);
        for (int lv = (int)m2.levels - 1; lv >= 0; lv--) /* outermost first */
            for (int k = 0; k < TL_DIMS; k++) {
                uint64_t cand[TL_MAX_CAND + 1];
                uint32_t n =
                    tl_candidates(tl, &m2, (uint32_t)lv, grow[g][k], cand, TL_MAX_CAND + 1);
                for (uint32_t c = n; c-- > 0;) {
                    tl_mapping t = m2;
                    t.tile[lv][grow[g][k]] = cand[c];
                    if (!tl_fits(cfg, tl, &t))
                        continue;
                    m2 = t;
                    break;
                }
            }
        v2 = tl_best_orders(&s, &m2);
        v2 = tl_descend(&s, &m2, v2);
        if (v2 < v) {
            m = m2;
            v = v2;
        }
    }
    tl_refine_orders(&s, &m, v);
    *best = m;
    if (evaluated)
        *evaluated = s.evaluated;
    return 0;
}

static void tl_memo_key(const tl_layer *tl, tl_objective obj, uint64_t *key)
{
    size_t n = 0;
    for (int d = 0; d < TL_DIMS; d++)
        key[n++] = tl->dim[d];
    key[n++] = tl->in_h, key[n++] = tl->in_w, key[n++] = tl->stride_h, key[n++] = tl->stride_w;
    key[n++] = tl->dil_h, key[n++] = tl->dil_w, key[n++] = tl->pad_top, key[n++] = tl->pad_left;
    key[n++] = tl->input_bytes, key[n++] = tl->acc_bytes, key[n++] = tl->output_bytes;
    key[n++] = (uint64_t)obj;
}

bool tl_memo_find(const tl_memo *memo, const tl_layer *tl, tl_objective obj, tl_mapping *out)
{
    uint64_t key[TL_DIMS + 12];
    tl_memo_key(tl, obj, key);
    for (size_t i = 0; i < memo->count; i++)
        if (!memcmp(memo->e[i].key, key, sizeof key)) {
            *out = memo->e[i].m;
            return true;
        }
    return false;
}

void tl_memo_put(tl_memo *memo, const tl_layer *tl, tl_objective obj, const tl_mapping *m)
{
    if (memo->count >= TL_MEMO_ENTRIES)
        return;
    tl_memo_key(tl, obj, memo->e[memo->count].key);
    memo->e[memo->count].m = *m;
    memo->count++;
}

void tl_format(const tl_mapping *m, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
#define TL_PUT(...)                                                                                \
    do {                                                                                           \
        int w = snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__);                           \
        if (w > 0)                                                                                 \
            n += (size_t)w;                                                                        \
    } while (0)
    for (int l = (int)m->levels; l >= 0; l--) {
        if (l < (int)m->levels) {
            TL_PUT(" [");
            for (int d = 0; d < TL_DIMS; d++)
                TL_PUT("%s%c%llu", d ? " " : "", tl_dim_letters[d],
                       (unsigned long long)m->tile[l][d]);
            TL_PUT("]");
        }
        if (l >= 1) {
            TL_PUT("%s", l < (int)m->levels ? " " : "");
            for (int k = 0; k < TL_DIMS; k++)
                TL_PUT("%c", tl_dim_letters[m->order[l][k]]);
        }
    }
#undef TL_PUT
    if (n >= size && size)
        buf[size - 1] = '\0';
}

static int tl_letter(char c)
{
    for (int d = 0; d < TL_DIMS; d++)
        if (tl_dim_letters[d] == c)
            return d;
    return -1;
}

int tl_parse(const cfg_accel *cfg, const tl_layer *tl, const char *text, tl_mapping *out,
             fw_err *err)
{
    (void)tl;
    tl_mapping m;
    memset(&m, 0, sizeof m);
    m.levels = cfg->level_count;
    const char *p = text;
    for (int l = (int)m.levels; l >= 0; l--) {
        while (*p == ' ')
            p++;
        if (l < (int)m.levels) {
            if (*p != '[')
                return fw_err_set(err, FW_EXIT_INPUT,
                                  "mapping '%s': expected '[' and the tile of level %s", text,
                                  cfg->levels[l].name);
            p++;
            unsigned seen = 0;
            while (*p && *p != ']') {
                while (*p == ' ')
                    p++;
                int d = tl_letter(*p);
                if (d < 0 || (seen & (1u << d)))
                    return fw_err_set(err, FW_EXIT_INPUT,
                                      "mapping '%s': level %s: expected a dimension letter "
                                      "(N G K C P Q R S, each once)", text, cfg->levels[l].name);
                seen |= 1u << d;
                char *end;
                unsigned long long v = strtoull(p + 1, &end, 10);
                if (end == p + 1 || v == 0)
                    return fw_err_set(err, FW_EXIT_INPUT,
                                      "mapping '%s': level %s: %c needs a tile size >= 1", text,
                                      cfg->levels[l].name, *p);
                m.tile[l][d] = v;
                p = end;
                while (*p == ' ')
                    p++;
            }
            if (*p != ']' || seen != (1u << TL_DIMS) - 1)
                return fw_err_set(err, FW_EXIT_INPUT,
                                  "mapping '%s': level %s: give all of N G K C P Q R S", text,
                                  cfg->levels[l].name);
            p++;
            while (*p == ' ')
                p++;
        }
        if (l >= 1) {
            for (int k = 0; k < TL_DIMS; k++) {
                int d = tl_letter(p[k]);
                if (d < 0)
                    return fw_err_set(err, FW_EXIT_INPUT,
                                      "mapping '%s': expected a loop order of the 8 letters "
                                      "N G K C P Q R S", text);
                m.order[l][k] = (uint8_t)d;
            }
            p += TL_DIMS;
        }
    }
    while (*p == ' ')
        p++;
    if (*p)
        return fw_err_set(err, FW_EXIT_INPUT, "mapping '%s': unexpected '%s'", text, p);
    *out = m;
    return 0;
}
