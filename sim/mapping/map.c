/* map: folds, fold order, tiles and residency of a layer on the array (see map.h). */
#include "mapping/map.h"

#include <math.h>
#include <string.h>

/* ceil(log2 x) for x >= 1 */
static double map_log2_ceil(uint64_t x)
{
    unsigned b = 0;
    while (b < 64 && (b == 64 ? 0 : (1ull << b)) < x)
        b++;
    return b;
}

static uint64_t map_ceil_div(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

uint64_t map_buffer_bytes(const cfg_accel *cfg, cfg_operand op)
{
    const cfg_sram *s = &cfg->sram[op];
    return s->double_buffered ? s->size_bytes / 2 : s->size_bytes;
}

/* a*b*c with overflow detection: returns false on overflow. */
static bool map_mul3(uint64_t a, uint64_t b, uint64_t c, uint64_t *out)
{
    uint64_t ab;
    return !__builtin_mul_overflow(a, b, &ab) && !__builtin_mul_overflow(ab, c, out);
}

bool map_nm_active(const cfg_accel *cfg, const wl_layer *layer)
{
    uint32_t N = cfg->nm_n, M = cfg->nm_m, n = layer->sparsity_n, m = layer->sparsity_m;
    if (!M || !m || layer->kind == WL_MATMUL || layer->kind == WL_NOMAC)
        return false;
    return (m % M == 0 && n <= N) || (M % m == 0 && (uint64_t)n * (M / m) <= N);
}

/* Bytes of e elements of operand op as stored: compressed (map.h "Compression") or not. */
static uint64_t map_stored_bytes(const map_layer *map, int op, uint64_t e)
{
    if (map->cmp_mbits[op])
        return (uint64_t)(((unsigned __int128)e * map->cmp_mbits[op] + 7999) / 8000);
    return e * map->input_bytes;
}

/* Bytes of a tile of e elements of operand op (map.h: N:M metadata and dense activations). */
static uint64_t map_tile_bytes(const map_layer *map, int op, uint64_t e)
{
    if (op == 1)
        return map_stored_bytes(map, 1, e) + (e * map->meta_bits + 7) / 8;
    if (map->k_dense != map->k)
        e = (uint64_t)(((unsigned __int128)e * map->k_dense + map->k - 1) / map->k);
    return map_stored_bytes(map, 0, e);
}

uint64_t map_cmp_millibits(cfg_cmp_format format, double density, uint32_t elem_bits,
                           uint64_t rows, uint64_t cols, uint32_t run_bits)
{
    double d = density < 0 ? 0 : density > 1 ? 1 : density, q = 1 - d, w = elem_bits, bits = w;
    switch (format) {
    case CFG_CMP_NONE:
        bits = w;
        break;
    case CFG_CMP_BITMASK: /* one mask bit per element, the non-zeros */
        bits = 1 + d * w;
        break;
    case CFG_CMP_RLE: { /* entries (run, value): one per non-zero, plus one per full run */
        double full = pow(q, (double)(1u << run_bits)); /* P(a gap reaches 2^r zeros) */
        double extra = full < 1 ? d * full / (1 - full) : 1.0 / (double)(1u << run_bits);
        bits = (d + extra) * (run_bits + w);
        break;
    }
    case CFG_CMP_CSR: { /* values + column indices, row pointers */
        double n = (double)rows * (double)cols;
        bits = d * (w + map_log2_ceil(cols)) + ((double)rows + 1) * map_log2_ceil(rows * cols + 1) / n;
        break;
    }
    }
    return (uint64_t)llround(bits * 1000);
}

int map_layer_init(const cfg_accel *cfg, const wl_layer *layer, map_layer *out, fw_err *err)
{
    return map_layer_init_as(cfg, layer, 0, out, err);
}

int map_layer_init_as(const cfg_accel *cfg, const wl_layer *layer, unsigned without,
                      map_layer *out, fw_err *err)
{
    bool nm = !(without & MAP_DENSE_WEIGHTS);
    map_layer m;
    memset(&m, 0, sizeof m);
    m.dataflow = cfg->dataflow;
    m.rows = cfg->rows;
    m.cols = cfg->cols;
    m.groups = layer->groups ? layer->groups : 1;
    m.m = layer->gemm_m;
    m.n = layer->gemm_n;
    m.k = m.k_dense = layer->gemm_k;
    if (nm && map_nm_active(cfg, layer)) {
        uint64_t M = cfg->nm_m, N = cfg->nm_n, r = m.k % M;
        m.k = m.k / M * N + (r < N ? r : N);
        m.meta_bits = cfg_nm_meta_bits(cfg->nm_m);
    }
    m.input_bytes = cfg_input_bytes(cfg);
    m.acc_bytes = cfg_acc_bytes(cfg);
    m.output_bytes = cfg_output_bytes(cfg);
    if (!m.m || !m.n || !m.k)
        return fw_err_set(err, FW_EXIT_INPUT, "layer %s: empty GEMM (M %llu, N %llu, K %llu)",
                          layer->name, (unsigned long long)m.m, (unsigned long long)m.n,
                          (unsigned long long)m.k);
    switch (m.dataflow) {
    case CFG_WS:
    case CFG_TREE:
        m.row_dim = m.k, m.col_dim = m.n, m.t = m.m;
        break;
    case CFG_IS:
        m.row_dim = m.k, m.col_dim = m.m, m.t = m.n;
        break;
    case CFG_OS:
        m.row_dim = m.m, m.col_dim = m.n, m.t = m.k;
        break;
    }
    m.row_folds = map_ceil_div(m.row_dim, m.rows);
    m.col_folds = map_ceil_div(m.col_dim, m.cols);
    /* os streams the reduction: never cut (chunks would need partial sums saved from PEs) */
    m.chunk =
        cfg->max_stream && cfg->max_stream < m.t && m.dataflow != CFG_OS ? cfg->max_stream : m.t;
    m.chunks = map_ceil_div(m.t, m.chunk);
    uint64_t ifmap_all, filter_all, out_tile, max_tile, mem_bound, lat_bound;
    uint64_t sr = m.row_dim < m.rows ? m.row_dim : m.rows;
    uint64_t sc = m.col_dim < m.cols ? m.col_dim : m.cols;
    if (!map_mul3(m.row_folds, m.col_folds, m.groups, &m.folds) ||
        __builtin_mul_overflow(m.folds, m.chunks, &m.folds) || !map_mul3(m.m, m.n, m.k, &m.macs) ||
        __builtin_mul_overflow(m.macs, m.groups, &m.macs) ||
        !map_mul3(m.m, m.k, m.input_bytes, &ifmap_all) ||
        !map_mul3(m.k, m.n, m.input_bytes, &filter_all) ||
        !map_mul3(m.t, m.rows > m.cols ? m.rows : m.cols, m.acc_bytes, &max_tile) ||
        /* cycles of a layer are below folds * (T + 2R + C): keep them countable too */
        !map_mul3(m.folds, m.t + 2ull * m.rows + m.cols, 4, &max_tile) ||
        /* memory time: each fold moves at most 4 tiles of at most T * max(R, C) * 8 bytes, at
         * worst 1000 cycles per byte (1/1000 byte per cycle), plus one latency per request */
        !map_mul3(m.t * (m.rows > m.cols ? m.rows : m.cols), 8 * 4 * 1000ull, m.folds,
                  &mem_bound) ||
        !map_mul3(m.folds, 4, (uint64_t)cfg->dram.latency_cycles + 1, &lat_bound) ||
        __builtin_add_overflow(mem_bound, lat_bound, &mem_bound) || mem_bound > (UINT64_MAX >> 2))
        return fw_err_set(err, FW_EXIT_INPUT,
                          "layer %s: too large to count in 64 bits (M %llu, N %llu, K %llu, "
                          "groups %llu)",
                          layer->name, (unsigned long long)m.m, (unsigned long long)m.n,
                          (unsigned long long)m.k, (unsigned long long)m.groups);
    m.folds_per_group = m.row_folds * m.col_folds * m.chunks;
    out_tile = (m.dataflow == CFG_OS ? sr * sc : m.chunk * sc) * m.acc_bytes;
    uint64_t tensor = m.m * m.k_dense; /* GEMM: the matrix itself */
    if (layer->kind != WL_GEMM &&
        (!map_mul3(layer->batch, layer->in_h, layer->in_w, &tensor) ||
         __builtin_mul_overflow(tensor, (uint64_t)layer->in_c / m.groups, &tensor)))
        tensor = UINT64_MAX;
    m.ifmap_resident_elems = tensor < m.m * m.k_dense ? tensor : m.m * m.k_dense;
    if (cfg->cmp_format != CFG_CMP_NONE && !(without & MAP_UNCOMPRESSED)) { /* map.h */
        uint32_t w = m.input_bytes * 8;
        bool gemm = layer->kind == WL_GEMM || layer->kind == WL_FC;
        uint64_t cg = gemm ? m.k : layer->in_c / m.groups;
        if (cfg->cmp_operand[CFG_IFMAP])
            m.cmp_mbits[0] = map_cmp_millibits(cfg->cmp_format, 1 - layer->ifmap_zero_frac, w,
                                               (gemm ? m.m : tensor / cg) * m.groups, cg,
                                               cfg->cmp_rle_run_bits);
        if (cfg->cmp_operand[CFG_FILTER] && m.k == m.k_dense)
            m.cmp_mbits[1] = map_cmp_millibits(cfg->cmp_format, 1 - layer->weight_zero_frac, w,
                                               m.n * m.groups, m.k, cfg->cmp_rle_run_bits);
    }
    m.resident[0] = map_stored_bytes(&m, 0, m.ifmap_resident_elems) <=
                    map_buffer_bytes(cfg, CFG_IFMAP);
    m.resident[1] = map_tile_bytes(&m, 1, m.k * m.n) <= map_buffer_bytes(cfg, CFG_FILTER);
    m.ofmap_fits = out_tile <= map_buffer_bytes(cfg, CFG_OFMAP);
    *out = m;
    return 0;
}

/* What a tile identity depends on: a set of fold coordinates. */
enum { MAP_KEY_ROW = 1, MAP_KEY_COL = 2, MAP_KEY_CHUNK = 4 };

static unsigned map_tile_key_of(cfg_dataflow df, int op)
{
    switch (df) {
    case CFG_WS:
    case CFG_TREE:
        return op == 0 ? MAP_KEY_CHUNK | MAP_KEY_ROW : MAP_KEY_ROW | MAP_KEY_COL;
    case CFG_IS:
        return op == 0 ? MAP_KEY_ROW | MAP_KEY_COL : MAP_KEY_CHUNK | MAP_KEY_ROW;
    case CFG_OS:
        break;
    }
    return op == 0 ? MAP_KEY_ROW : MAP_KEY_COL;
}

/* Row fold, col fold and chunk of the in-group fold index (fold order of map.h). */
static void map_fold_pos(const map_layer *map, uint64_t in_group, uint64_t pos[3])
{
    uint64_t *row = &pos[0], *col = &pos[1], *chunk = &pos[2];
    if (map->dataflow == CFG_OS) {
        *row = in_group / map->col_folds;
        *col = in_group % map->col_folds;
        *chunk = 0;
    } else {
        *row = in_group % map->row_folds;
        *chunk = (in_group / map->row_folds) % map->chunks;
        *col = in_group / (map->row_folds * map->chunks);
    }
}

/* floor(e * x / area) without overflow (x <= area). */
static uint64_t map_share(uint64_t e, uint64_t x, uint64_t area)
{
    uint64_t ex;
    if (!__builtin_mul_overflow(e, x, &ex)) /* same quotient, without a 128-bit division */
        return ex / area;
    return (uint64_t)((unsigned __int128)e * x / area);
}

/* Tile identity of a fold at pos (row, col, chunk): the key coordinates packed mixed-radix. */
static void map_tile_ids(const map_layer *map, const uint64_t pos[3], uint64_t ids[2])
{
    for (int op = 0; op < 2; op++) {
        unsigned key = map_tile_key_of(map->dataflow, op);
        uint64_t id = 0;
        if (key & MAP_KEY_ROW)
            id = pos[0];
        if (key & MAP_KEY_COL)
            id = id * map->col_folds + pos[1];
        if (key & MAP_KEY_CHUNK)
            id = id * map->chunks + pos[2];
        ids[op] = id;
    }
}

/* Describes fold f of group `group`, at in-group index in_group and position pos (row fold,
 * col fold, chunk); prev_ids are the tile ids of fold f - 1 when in_group > 0 (unused
 * otherwise). Shared by map_fold_get (positions by division) and the iterator (positions
 * stepped), so both describe a fold the same way. */
static void map_fold_fill(const map_layer *map, uint64_t f, uint64_t group, uint64_t in_group,
                          const uint64_t pos[3], const uint64_t prev_ids[2], map_fold *out)
{
    /* every field is assigned below, straight into *out (no zeroing, no copy: this runs once
     * per fold) */
    map_fold *d = out;
    d->index = f;
    d->group = group;
    d->row_fold = pos[0];
    d->col_fold = pos[1];
    d->chunk = pos[2];
    d->row0 = d->row_fold * map->rows;
    d->col0 = d->col_fold * map->cols;
    uint64_t rem_r = map->row_dim - d->row0, rem_c = map->col_dim - d->col0;
    d->sr = (uint32_t)(rem_r < map->rows ? rem_r : map->rows);
    d->sc = (uint32_t)(rem_c < map->cols ? rem_c : map->cols);
    d->t0 = d->chunk * map->chunk;
    d->t = map->t - d->t0 < map->chunk ? map->t - d->t0 : map->chunk;
    map_tile_ids(map, pos, d->tile_id);
    switch (map->dataflow) {
    case CFG_WS:
    case CFG_IS:
    case CFG_TREE:
        d->first_reduction = d->row_fold == 0;
        d->last_reduction = d->row_fold == map->row_folds - 1;
        d->out_tile = (d->group * map->col_folds + d->col_fold) * map->chunks + d->chunk;
        d->tile_bytes[map->dataflow == CFG_IS ? 1 : 0] =
            map_tile_bytes(map, map->dataflow == CFG_IS, d->t * d->sr); /* streamed */
        d->tile_bytes[map->dataflow == CFG_IS ? 0 : 1] =
            map_tile_bytes(map, map->dataflow != CFG_IS, (uint64_t)d->sr * d->sc);
        d->tile_bytes[2] = d->t * d->sc * map->acc_bytes;
        break;
    case CFG_OS:
        d->first_reduction = true;
        d->last_reduction = true;
        d->out_tile = f;
        d->tile_bytes[0] = map_tile_bytes(map, 0, d->t * d->sr);
        d->tile_bytes[1] = map_tile_bytes(map, 1, d->t * d->sc);
        d->tile_bytes[2] = (uint64_t)d->sr * d->sc * map->acc_bytes;
        break;
    }
    /* Fetch decision: the first fold of a group always fetches; a tile equal to the previous
     * fold's is kept; a resident operand fetches a tile only on its first use in the group,
     * the fold where every coordinate outside the tile's key is 0. */
    for (int op = 0; op < 2; op++) {
        bool fetch = true;
        if (in_group > 0) {
            fetch = prev_ids[op] != d->tile_id[op];
            if (fetch && map->resident[op]) {
                unsigned key = map_tile_key_of(map->dataflow, op);
                fetch = ((key & MAP_KEY_ROW) || d->row_fold == 0) &&
                        ((key & MAP_KEY_COL) || d->col_fold == 0) &&
                        ((key & MAP_KEY_CHUNK) || d->chunk == 0);
            }
        }
        d->fetch[op] = fetch;
        d->fetch_bytes[op] = fetch ? d->tile_bytes[op] : 0;
    }
    /* tile_bytes[2] / acc_bytes, exactly: the output tile's elements */
    d->out_bytes =
        (map->dataflow == CFG_OS ? (uint64_t)d->sr * d->sc : d->t * d->sc) * map->output_bytes;
    if (d->fetch[0] && map->resident[0]) {
        /* the share of the resident ifmap this tile is the first to cover (map.h) */
        uint64_t area = map->m * map->k, a, b;
        switch (map->dataflow) {
        case CFG_WS: /* chunks (M rows) outer, row folds (K) inner */
        case CFG_TREE:
            a = d->t0 * map->k + d->row0 * d->t;
            b = a + (uint64_t)d->sr * d->t;
            break;
        case CFG_OS: /* M range, all K */
            a = d->row0 * map->k;
            b = a + (uint64_t)d->sr * map->k;
            break;
        default: /* is: col folds (M) outer, row folds (K) inner */
            a = d->col0 * map->k + d->row0 * d->sc;
            b = a + (uint64_t)d->sr * d->sc;
            break;
        }
        d->fetch_bytes[0] = map_stored_bytes(map, 0,
                                             map_share(map->ifmap_resident_elems, b, area) -
                                                 map_share(map->ifmap_resident_elems, a, area));
    }
    if (map->ifmap_on_chip) {
        d->fetch[0] = false;
        d->fetch_bytes[0] = 0;
    }
    if (map->ofmap_on_chip)
        d->out_bytes = 0;
}

void map_layer_residency(map_layer *map, bool ifmap_on_chip, bool ofmap_on_chip)
{
    map->ifmap_on_chip = ifmap_on_chip;
    map->ofmap_on_chip = ofmap_on_chip;
}

void map_fold_get(const map_layer *map, uint64_t f, map_fold *out)
{
    uint64_t in_group = f % map->folds_per_group;
    uint64_t pos[3], prev_pos[3], prev_ids[2] = {0, 0};
    map_fold_pos(map, in_group, pos);
    if (in_group > 0) {
        map_fold_pos(map, in_group - 1, prev_pos);
        map_tile_ids(map, prev_pos, prev_ids);
    }
    map_fold_fill(map, f, f / map->folds_per_group, in_group, pos, prev_ids, out);
}

void map_fold_iter_start(const map_layer *map, map_fold_iter *it)
{
    it->map = map;
    it->in_group = 0;
    it->pos[0] = it->pos[1] = it->pos[2] = 0;
    map_fold_fill(map, 0, 0, 0, it->pos, NULL, &it->fold);
}

void map_fold_iter_next(map_fold_iter *it)
{
    const map_layer *map = it->map;
    uint64_t f = it->fold.index + 1, group = it->fold.group, prev_ids[2];
    uint64_t *row = &it->pos[0], *col = &it->pos[1], *chunk = &it->pos[2];
    prev_ids[0] = it->fold.tile_id[0];
    prev_ids[1] = it->fold.tile_id[1];
    /* the next position in the fold order of map.h (innermost coordinate first) */
    bool wrapped = false;
    if (map->dataflow == CFG_OS) {
        if (++*col == map->col_folds) {
            *col = 0;
            if (++*row == map->row_folds) {
                *row = 0;
                wrapped = true;
            }
        }
    } else if (++*row == map->row_folds) {
        *row = 0;
        if (++*chunk == map->chunks) {
            *chunk = 0;
            if (++*col == map->col_folds) {
                *col = 0;
                wrapped = true;
            }
        }
    }
    if (wrapped) {
        group++;
        it->in_group = 0;
    } else {
        it->in_group++;
    }
    map_fold_fill(map, f, group, it->in_group, it->pos, prev_ids, &it->fold);
}
