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

void mem_timeline(const cfg_accel *cfg, const map_layer *map, bool ideal, uint64_t *x,
                  eng_trace_fn trace, void *trace_ctx, eng_counters *ctr)
{
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
        if (d->t != len_t) {
            len_t = d->t;
            len = arr_fold_cycles(cfg, d->t);
            gap = arr_fold_gap(cfg, d->t);
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
            eng_fold_event ev;
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
            ev.stall_cycles = start - earliest;
            ev.stall_operand = cause;
            for (int op = 0; op < CFG_OPERANDS; op++)
                ev.dram_read_bytes[op] = ctr->dram_read_bytes[op] - rd_before[op];
            ev.dram_write_bytes = ctr->dram_write_bytes[CFG_OFMAP] - wr_before;
            trace(trace_ctx, &ev);
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
    ctr->folds += map->folds;
    /* SRAM side of the DRAM traffic (see mem_state.bytes) */
    ctr->sram_writes[CFG_IFMAP] += s.bytes[MEM_RD_IFMAP] / map->input_bytes;
    ctr->sram_writes[CFG_FILTER] += s.bytes[MEM_RD_FILTER] / map->input_bytes;
    ctr->sram_writes[CFG_OFMAP] += s.bytes[MEM_RD_OFMAP] / map->acc_bytes;
    ctr->sram_reads[CFG_OFMAP] +=
        s.bytes[MEM_WR_OUT] / map->output_bytes + s.bytes[MEM_WR_SPILL] / map->acc_bytes;
}
