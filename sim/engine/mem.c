/* mem: fold event model of SRAM double buffers and DRAM (see mem.h). */
#include "engine/mem.h"

#include "engine/arr.h"

#include <string.h>

uint64_t mem_transfer_cycles(const cfg_accel *cfg, uint64_t bytes)
{
    uint64_t bw = cfg->dram.bandwidth_millibytes_per_cycle;
    if (bw == 0 || bytes == 0)
        return 0;
    if (bytes <= UINT64_MAX / 1000u) /* same quotient, without a 128-bit division */
        return (bytes * 1000u + bw - 1) / bw;
    unsigned __int128 n = (unsigned __int128)bytes * 1000u;
    return (uint64_t)((n + bw - 1) / bw);
}

static uint64_t mem_max(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* Request kinds, each with its own memo of the last transfer time (mem_transfer_cycles is a
 * pure function of the bytes, and a kind mostly repeats the same tile size). */
enum {
    MEM_RD_IFMAP = CFG_IFMAP,
    MEM_RD_FILTER = CFG_FILTER,
    MEM_RD_OFMAP = CFG_OFMAP,
    MEM_WR_OUT,
    MEM_WR_SPILL,
    MEM_KINDS
};

typedef struct mem_state {
    const cfg_accel *cfg;
    bool ideal;
    uint64_t rd_free, wr_free; /* DRAM queues free from this cycle */
    uint64_t psum_ready;       /* previous fold's spill write done */
    uint64_t ofmap_free[2];    /* ofmap buffer (half) free from this cycle */
    uint64_t last_write_done;
    /* Bytes moved per request kind in this layer. Every request is a whole number of elements
     * of its kind's format (input for ifmap/filter reads, accumulator for partial sums and
     * spills, output for write-backs: map_fold_fill), so the SRAM element counts are these sums
     * divided once at the end: the same as dividing each request. */
    uint64_t bytes[MEM_KINDS];
    uint64_t memo_bytes[MEM_KINDS], memo_cycles[MEM_KINDS]; /* last transfer of each kind */
} mem_state;

static uint64_t mem_transfer_memo(mem_state *s, int kind, uint64_t bytes)
{
    if (bytes != s->memo_bytes[kind]) {
        s->memo_bytes[kind] = bytes;
        s->memo_cycles[kind] = mem_transfer_cycles(s->cfg, bytes);
    }
    return s->memo_cycles[kind];
}

/* Issues a read of `bytes` at or after `allowed`; returns the cycle the data is in SRAM. */
static uint64_t mem_read(mem_state *s, cfg_operand op, uint64_t bytes, uint64_t allowed,
                         eng_counters *ctr)
{
    ctr->dram_read_bytes[op] += bytes;
    s->bytes[op] += bytes;
    if (s->ideal)
        return 0;
    uint64_t issue = mem_max(allowed, s->rd_free);
    s->rd_free = issue + mem_transfer_memo(s, (int)op, bytes);
    return s->rd_free + s->cfg->dram.latency_cycles;
}

/* Issues a write (MEM_WR_OUT or MEM_WR_SPILL) of `bytes` at or after `allowed`; returns the
 * cycle it is done. */
static uint64_t mem_write(mem_state *s, int kind, uint64_t bytes, uint64_t allowed,
                          eng_counters *ctr)
{
    ctr->dram_write_bytes[CFG_OFMAP] += bytes;
    s->bytes[kind] += bytes;
    if (s->ideal)
        return 0;
    uint64_t issue = mem_max(allowed, s->wr_free);
    s->wr_free = issue + mem_transfer_memo(s, kind, bytes);
    s->last_write_done = mem_max(s->last_write_done, s->wr_free);
    return s->wr_free;
}

/* Array-side element accesses of one fold per operand (the closed forms of eng.h). */
static void mem_array_side(const map_layer *map, const map_fold *d, uint64_t rd[CFG_OPERANDS],
                           uint64_t wr[CFG_OPERANDS])
{
    uint64_t t = d->t, sr = d->sr, sc = d->sc;
    memset(rd, 0, CFG_OPERANDS * sizeof *rd);
    memset(wr, 0, CFG_OPERANDS * sizeof *wr);
    if (map->dataflow == CFG_OS) {
        rd[CFG_IFMAP] = t * sr;
        rd[CFG_FILTER] = t * sc;
        wr[CFG_OFMAP] = sr * sc;
        return;
    }
    bool is = map->dataflow == CFG_IS;
    rd[is ? CFG_FILTER : CFG_IFMAP] = t * sr;
    rd[is ? CFG_IFMAP : CFG_FILTER] = map->dataflow == CFG_TREE ? t * sr * sc : sr * sc;
    rd[CFG_OFMAP] = d->first_reduction ? 0 : t * sc;
    wr[CFG_OFMAP] = t * sc;
}

/* The share of `total` that each fold carries in proportion to its MACs: fold f with MACs in
 * the layer's range [a, b) gets floor(total * b / macs) - floor(total * a / macs). Computed
 * without a division per fold: carries the remainder of total * done / macs and remembers
 * total * m / macs for the last fold size m (a layer has few). */
typedef struct mem_acc {
    uint64_t total, r;
    uint64_t memo_m, memo_q, memo_r;
} mem_acc;

static uint64_t mem_acc_step(mem_acc *a, uint64_t m, uint64_t macs)
{
    if (a->total == 0)
        return 0;
    if (m != a->memo_m) {
        unsigned __int128 x = (unsigned __int128)a->total * m;
        a->memo_m = m;
        a->memo_q = (uint64_t)(x / macs);
        a->memo_r = (uint64_t)(x % macs);
    }
    uint64_t q = a->memo_q;
    a->r += a->memo_r;
    if (a->r >= macs) {
        a->r -= macs;
        q++;
    }
    return q;
}

static uint32_t mem_elem_bits(const map_layer *map, int op)
{
    return 8 * (op == CFG_OFMAP ? map->acc_bytes : map->input_bytes);
}

/* bits > per * cycles, without overflow (a product beyond 64 bits exceeds any bits). */
static bool mem_exceeds(uint64_t bits, uint64_t per, uint64_t cycles)
{
    uint64_t p;
    return !__builtin_mul_overflow(per, cycles, &p) && bits > p;
}

/* Reports one fold to the trace callback (both timelines). */
static void mem_trace_fold(eng_trace_fn trace, void *trace_ctx, uint64_t f, const map_fold *d,
                           uint64_t start, uint64_t end, uint64_t stall, int cause,
                           const uint64_t rd_bytes[CFG_OPERANDS], uint64_t wr_bytes,
                           eng_fold_event *levels)
{
    eng_fold_event ev;
    if (levels) /* the level bits filled by the caller */
        ev = *levels;
    else
        memset(&ev, 0, sizeof ev);
    ev.fold = f;
    ev.group = d->group;
    ev.row_fold = d->row_fold;
    ev.col_fold = d->col_fold;
    ev.sr = d->sr;
    ev.sc = d->sc;
    ev.t = d->t;
    ev.start_cycle = start;
    ev.end_cycle = end;
    ev.stall_cycles = stall;
    ev.stall_operand = cause;
    for (int op = 0; op < CFG_OPERANDS; op++)
        ev.dram_read_bytes[op] = rd_bytes[op];
    ev.dram_write_bytes = wr_bytes;
    trace(trace_ctx, &ev);
}

/* The explicit hierarchy (sim/README.md, "Timing through the hierarchy"): the tiled traffic of
 * map->tiling, spread over the folds in proportion to their MACs. */
static void mem_hier_timeline(const cfg_accel *cfg, const map_layer *map, bool ideal, uint64_t *x,
                              eng_trace_fn trace, void *trace_ctx, eng_counters *ctr)
{
    const tl_traffic *tt = map->tiling;
    uint32_t L = cfg->level_count;
    mem_state s;
    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.ideal = ideal;
    /* per operand: the innermost level (array side) and the outermost one (DRAM side) */
    int inner[CFG_OPERANDS], outer[CFG_OPERANDS];
    for (int op = 0; op < CFG_OPERANDS; op++) {
        inner[op] = outer[op] = -1;
        for (uint32_t i = 0; i < L; i++)
            if (cfg->levels[i].part[op].held) {
                if (inner[op] < 0)
                    inner[op] = (int)i;
                outer[op] = (int)i;
            }
    }
    uint64_t x_prev = 0, end_prev = 0, earliest = 0, compute_end = 0, stall = 0;
    uint64_t stall_by[CFG_OPERANDS] = {0, 0, 0}, stall_lv[CFG_MAX_LEVELS + 1] = {0};
    uint64_t len_t = 0, len = arr_fold_cycles(cfg, 0), gap = arr_fold_gap(cfg, 0);
    uint64_t level_free = 0; /* the on-chip levels have served the previous fold's share */
    int level_cause = -1, level_op = -1;
    /* the traffic's accumulators (mem_acc) and each level's bits per cycle */
    mem_acc acc_rd[CFG_OPERANDS], acc_wr, acc_lr[CFG_MAX_LEVELS][CFG_OPERANDS],
        acc_lw[CFG_MAX_LEVELS][CFG_OPERANDS];
    memset(acc_rd, 0, sizeof acc_rd);
    memset(&acc_wr, 0, sizeof acc_wr);
    memset(acc_lr, 0, sizeof acc_lr);
    memset(acc_lw, 0, sizeof acc_lw);
    acc_wr.total = tt->dram_write_bytes;
    uint64_t per_r[CFG_MAX_LEVELS][CFG_OPERANDS], per_w[CFG_MAX_LEVELS][CFG_OPERANDS];
    for (int op = 0; op < CFG_OPERANDS; op++) {
        acc_rd[op].total = tt->dram_read_bytes[op];
        for (uint32_t i = 0; i < L; i++) {
            /* in bits: the final outputs beyond the innermost level are in the output format
             * (tl.h rule 7) */
            uint64_t fr = op == CFG_OFMAP ? tt->final_reads[i] : 0;
            uint64_t fw = op == CFG_OFMAP ? tt->final_writes[i] : 0;
            uint64_t eb = mem_elem_bits(map, op), ob = 8 * map->output_bytes;
            acc_lr[i][op].total = (tt->reads[i][op] - fr) * eb + fr * ob;
            acc_lw[i][op].total = (tt->writes[i][op] - fw) * eb + fw * ob;
            const cfg_part *p = &cfg->levels[i].part[op];
            uint64_t inst = cfg_level_instances(cfg, &cfg->levels[i]);
            per_r[i][op] = inst * p->banks * p->read_ports * p->word_bits;
            per_w[i][op] = inst * p->banks * p->write_ports * p->word_bits;
        }
    }
    eng_fold_event lev; /* the trace's level bits of a fold */
    map_fold_iter it;
    map_fold_iter_start(map, &it);
    for (uint64_t f = 0; f < map->folds; f++) {
        if (f > 0)
            map_fold_iter_next(&it);
        const map_fold *d = &it.fold;
        uint64_t tf = map->t_eff ? map->t_eff[f] : d->t; /* zero skipping: eng.h */
        if (tf != len_t) {
            len_t = tf;
            len = arr_fold_cycles(cfg, tf);
            gap = arr_fold_gap(cfg, tf);
        }
        uint64_t macs_f = d->t * d->sr * d->sc;
        uint64_t ready[CFG_OPERANDS] = {0, 0, 0}, rd_bytes[CFG_OPERANDS];
        for (int op = 0; op < CFG_OPERANDS; op++) {
            rd_bytes[op] = mem_acc_step(&acc_rd[op], macs_f, map->macs);
            if (!rd_bytes[op])
                continue;
            bool db = cfg->levels[outer[op]].part[op].double_buffered;
            uint64_t allowed = db ? (f >= 2 ? x_prev : 0) : (f >= 1 ? end_prev : 0);
            ready[op] = mem_read(&s, (cfg_operand)op, rd_bytes[op], allowed, ctr);
        }
        uint64_t start = earliest;
        int cause = -1, cause_level = -1;
        for (int op = 0; op < CFG_OPERANDS; op++)
            if (ready[op] > start) {
                start = ready[op];
                cause = op;
                cause_level = CFG_MAX_LEVELS;
            }
        if (!ideal && level_free > start) {
            start = level_free;
            cause = level_op;
            cause_level = level_cause;
        }
        if (cause >= 0) {
            stall += start - earliest;
            stall_by[cause] += start - earliest;
            stall_lv[cause_level] += start - earliest;
        }
        if (x)
            x[f] = start;
        uint64_t end = start + len;
        /* this fold's share of every level's traffic, served from its start: the next fold
         * waits for the slowest level, ceil(bits / (banks x ports x width x instances)) cycles.
         * A level done within the gap to the next fold's earliest start delays nothing (and
         * L >= gap: nor the layer's end), so the search for the slowest starts at the gap and
         * divides only beyond it. */
        uint64_t ar[CFG_OPERANDS], aw[CFG_OPERANDS], need = gap;
        mem_array_side(map, d, ar, aw);
        if (trace)
            memset(&lev, 0, sizeof lev);
        level_cause = level_op = -1;
        for (uint32_t i = 0; i < L; i++) {
            const cfg_level *lv = &cfg->levels[i];
            uint64_t rbits = 0, wbits = 0, top_bits = 0;
            int top_op = -1;
            for (int op = 0; op < CFG_OPERANDS; op++) {
                if (!lv->part[op].held)
                    continue;
                uint64_t rb = mem_acc_step(&acc_lr[i][op], macs_f, map->macs);
                uint64_t wb = mem_acc_step(&acc_lw[i][op], macs_f, map->macs);
                if ((int)i == inner[op]) { /* the array side, in the accumulator format */
                    uint64_t eb = mem_elem_bits(map, op);
                    rb += ar[op] * eb, wb += aw[op] * eb;
                }
                lev.level_read_bits[i][op] = rb;
                lev.level_write_bits[i][op] = wb;
                if (rb + wb > top_bits) {
                    top_bits = rb + wb;
                    top_op = op;
                }
                if (lv->shared) {
                    rbits += rb;
                    wbits += wb;
                    continue;
                }
                uint64_t c = 0;
                if (mem_exceeds(rb, per_r[i][op], need))
                    c = (rb + per_r[i][op] - 1) / per_r[i][op];
                if (mem_exceeds(wb, per_w[i][op], c > need ? c : need)) {
                    uint64_t cw = (wb + per_w[i][op] - 1) / per_w[i][op];
                    c = c > cw ? c : cw;
                }
                if (c > need) {
                    need = c;
                    level_cause = (int)i;
                    level_op = op;
                }
            }
            if (lv->shared && top_op >= 0) {
                uint64_t c = 0, pr = per_r[i][top_op], pw = per_w[i][top_op];
                if (mem_exceeds(rbits, pr, need))
                    c = (rbits + pr - 1) / pr;
                if (mem_exceeds(wbits, pw, c > need ? c : need)) {
                    uint64_t cw = (wbits + pw - 1) / pw;
                    c = c > cw ? c : cw;
                }
                if (c > need) {
                    need = c;
                    level_cause = (int)i;
                    level_op = top_op;
                }
            }
        }
        level_free = start + need;
        uint64_t wr_bytes = mem_acc_step(&acc_wr, macs_f, map->macs);
        if (wr_bytes)
            mem_write(&s, MEM_WR_OUT, wr_bytes, end, ctr);
        if (trace)
            mem_trace_fold(trace, trace_ctx, f, d, start, end, start - earliest, cause, rd_bytes,
                           wr_bytes, &lev);
        x_prev = start;
        end_prev = end;
        earliest = start + gap;
        compute_end = end;
    }
    uint64_t total = mem_max(compute_end, s.last_write_done);
    int tail_level = CFG_MAX_LEVELS;
    if (!ideal && level_free > total) {
        total = level_free;
        tail_level = level_cause;
    }
    stall += total - compute_end;
    stall_by[CFG_OFMAP] += total - compute_end;
    stall_lv[tail_level] += total - compute_end;
    ctr->cycles += total;
    ctr->stall_cycles += stall;
    ctr->compute_cycles += total - stall;
    for (int op = 0; op < CFG_OPERANDS; op++)
        ctr->stall_cycles_by[op] += stall_by[op];
    for (int i = 0; i <= CFG_MAX_LEVELS; i++)
        ctr->stall_cycles_level[i] += stall_lv[i];
    ctr->folds += map->folds;
    /* the level-to-level traffic; the array side is added by the engine (eng.c) */
    for (uint32_t i = 0; i < L; i++)
        for (int op = 0; op < CFG_OPERANDS; op++) {
            ctr->level_reads[i][op] += tt->reads[i][op];
            ctr->level_writes[i][op] += tt->writes[i][op];
        }
}

void mem_timeline(const cfg_accel *cfg, const map_layer *map, bool ideal, uint64_t *x,
                  eng_trace_fn trace, void *trace_ctx, eng_counters *ctr)
{
    if (map->tiling) {
        mem_hier_timeline(cfg, map, ideal, x, trace, trace_ctx, ctr);
        return;
    }
    mem_state s;
    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.ideal = ideal;
    uint64_t x_prev = 0, end_prev = 0, earliest = 0, compute_end = 0, stall = 0;
    uint64_t stall_by[CFG_OPERANDS] = {0, 0, 0};
    bool ofmap_db = cfg->sram[CFG_OFMAP].double_buffered;
    /* L and the gap depend on the streamed length only, which takes at most two values in a
     * layer (a whole chunk, the last one): computed again only when it changes. */
    uint64_t len_t = 0, len = arr_fold_cycles(cfg, 0), gap = arr_fold_gap(cfg, 0);
    map_fold_iter it;
    map_fold_iter_start(map, &it);
    for (uint64_t f = 0; f < map->folds; f++) {
        if (f > 0)
            map_fold_iter_next(&it);
        const map_fold *d = &it.fold;
        uint64_t tf = map->t_eff ? map->t_eff[f] : d->t; /* zero skipping: eng.h */
        if (tf != len_t) {
            len_t = tf;
            len = arr_fold_cycles(cfg, tf);
            gap = arr_fold_gap(cfg, tf);
        }
        uint64_t ready[CFG_OPERANDS] = {0, 0, 0};
        uint64_t rd_before[CFG_OPERANDS], wr_before = ctr->dram_write_bytes[CFG_OFMAP];
        if (trace)
            memcpy(rd_before, ctr->dram_read_bytes, sizeof rd_before);
        /* spilled partial sums first, then ifmap, then filter (mem.h) */
        if (!map->ofmap_fits && !d->first_reduction)
            ready[CFG_OFMAP] = mem_read(&s, CFG_OFMAP, d->tile_bytes[2], s.psum_ready, ctr);
        for (int op = 0; op < 2; op++) {
            if (!d->fetch_bytes[op])
                continue;
            uint64_t allowed;
            if (cfg->sram[op].double_buffered)
                allowed = f >= 2 ? x_prev : 0;
            else
                allowed = f >= 1 ? end_prev : 0;
            ready[op] = mem_read(&s, (cfg_operand)op, d->fetch_bytes[op], allowed, ctr);
        }
        if (map->ofmap_fits && d->first_reduction && !ideal) {
            /* the tile may refill the half while its previous tile drains, as long as the
             * drain is done by the time this fold ends (mem.h) */
            uint64_t free_at = s.ofmap_free[ofmap_db ? d->out_tile % 2 : 0];
            ready[CFG_OFMAP] = mem_max(ready[CFG_OFMAP], free_at > len ? free_at - len : 0);
        }
        uint64_t start = earliest;
        int cause = -1;
        for (int op = 0; op < CFG_OPERANDS; op++)
            if (ready[op] > start) {
                start = ready[op];
                cause = op;
            }
        if (cause >= 0) {
            stall += start - earliest;
            stall_by[cause] += start - earliest;
        }
        if (x)
            x[f] = start;
        uint64_t end = start + len;
        if (d->last_reduction) {
            uint64_t done = mem_write(&s, MEM_WR_OUT, d->out_bytes, end, ctr);
            if (map->ofmap_fits)
                s.ofmap_free[ofmap_db ? d->out_tile % 2 : 0] = done;
        } else if (!map->ofmap_fits) {
            s.psum_ready = mem_write(&s, MEM_WR_SPILL, d->tile_bytes[2], end, ctr);
        }
        if (trace) {
            uint64_t rd[CFG_OPERANDS];
            for (int op = 0; op < CFG_OPERANDS; op++)
                rd[op] = ctr->dram_read_bytes[op] - rd_before[op];
            mem_trace_fold(trace, trace_ctx, f, d, start, end, start - earliest, cause, rd,
                           ctr->dram_write_bytes[CFG_OFMAP] - wr_before, NULL);
        }
        x_prev = start;
        end_prev = end;
        earliest = start + gap;
        compute_end = end;
    }
    uint64_t total = mem_max(compute_end, s.last_write_done);
    stall += total - compute_end;
    stall_by[CFG_OFMAP] += total - compute_end;
    ctr->cycles += total;
    ctr->stall_cycles += stall;
    ctr->compute_cycles += total - stall;
    for (int op = 0; op < CFG_OPERANDS; op++)
        ctr->stall_cycles_by[op] += stall_by[op];
    ctr->stall_cycles_level[CFG_MAX_LEVELS] += stall; /* every stall waits for DRAM */
    ctr->folds += map->folds;
    /* SRAM side of the DRAM traffic (see mem_state.bytes) */
    ctr->sram_writes[CFG_IFMAP] += s.bytes[MEM_RD_IFMAP] / map->input_bytes;
    ctr->sram_writes[CFG_FILTER] += s.bytes[MEM_RD_FILTER] / map->input_bytes;
    ctr->sram_writes[CFG_OFMAP] += s.bytes[MEM_RD_OFMAP] / map->acc_bytes;
    ctr->sram_reads[CFG_OFMAP] +=
        s.bytes[MEM_WR_OUT] / map->output_bytes + s.bytes[MEM_WR_SPILL] / map->acc_bytes;
}
