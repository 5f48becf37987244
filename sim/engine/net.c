/* net: the network loop and inter-layer residency (see net.h). */
#include "engine/net.h"

#include "engine/mem.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NET_NO_READER SIZE_MAX

const char *net_place_name(const net_result *res, net_place p)
{
    return p == NET_CHIP && res->chip_level ? res->chip_level : "dram";
}

void net_derive(const cfg_accel *cfg, const eng_counters *c, net_derived *out)
{
    memset(out, 0, sizeof *out);
    for (int op = 0; op < CFG_OPERANDS; op++)
        out->dram_bytes += c->dram_read_bytes[op] + c->dram_write_bytes[op];
    if (c->cycles == 0)
        return;
    double cyc = (double)c->cycles, macs = (double)c->macs;
    out->utilization = macs / ((double)cfg->rows * cfg->cols * cyc);
    out->mapping_efficiency = c->pe_slots ? macs / (double)c->pe_slots : 0;
    out->time_s = cyc / (cfg->clock_mhz * 1e6);
    out->gmacs_per_s = macs / out->time_s / 1e9;
    double dense = c->dense_macs ? (double)c->dense_macs : macs; /* hand-made counters: macs */
    out->gops = 2 * dense / out->time_s / 1e9;
    out->gops_nonzero =
        c->zero_macs <= c->macs ? 2 * (macs - (double)c->zero_macs) / out->time_s / 1e9 : 0;
    out->dram_gbps = (double)out->dram_bytes / out->time_s / 1e9;
}

int net_activation_level(const cfg_accel *cfg)
{
    int i = cfg_outer_level(cfg, CFG_IFMAP, NULL);
    if (i < 0 || i != cfg_outer_level(cfg, CFG_OFMAP, NULL) || !cfg->levels[i].shared)
        return -1;
    return i;
}

/* Residency bookkeeping over the workload's tensors (one per layer: its output). */
typedef struct net_tensors {
    size_t *last_reader; /* index of the last layer reading tensor t, or NET_NO_READER */
    bool *pinned_dram;   /* read by a matmul: always through the DRAM (net.h) */
    bool *on_chip;       /* tensor t is in the activation buffer */
    uint64_t *bytes;     /* its size in the output format */
    uint64_t live_bytes; /* on chip and still to be read */
    uint64_t capacity_bytes;
} net_tensors;

static void net_tensors_fini(net_tensors *t)
{
    free(t->last_reader);
    free(t->pinned_dram);
    free(t->on_chip);
    free(t->bytes);
}

static int net_tensors_init(const cfg_accel *cfg, const wl_workload *wl, int level,
                            net_tensors *t, fw_err *err)
{
    size_t n = wl->layer_count ? wl->layer_count : 1;
    memset(t, 0, sizeof *t);
    t->last_reader = malloc(n * sizeof *t->last_reader);
    t->pinned_dram = calloc(n, sizeof *t->pinned_dram);
    t->on_chip = calloc(n, sizeof *t->on_chip);
    t->bytes = malloc(n * sizeof *t->bytes);
    if (!t->last_reader || !t->pinned_dram || !t->on_chip || !t->bytes) {
        net_tensors_fini(t);
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    }
    const cfg_level *lv = &cfg->levels[level];
    uint64_t inst = cfg_level_instances(cfg, lv);
    t->capacity_bytes = lv->size_bytes > UINT64_MAX / inst ? UINT64_MAX : lv->size_bytes * inst;
    uint64_t out_bytes = cfg_output_bytes(cfg);
    for (size_t i = 0; i < wl->layer_count; i++) {
        t->last_reader[i] = NET_NO_READER;
        uint64_t e = wl_layer_ofmap_elems(&wl->layers[i]);
        /* a tensor too large to count never fits */
        t->bytes[i] = e > UINT64_MAX / out_bytes ? UINT64_MAX : e * out_bytes;
    }
    for (size_t i = 0; i < wl->layer_count; i++)
        for (uint32_t j = 0; j < wl_layer_input_count(wl, i); j++) {
            uint32_t p = wl_layer_input(wl, i, j);
            if (p == WL_INPUT_NETWORK)
                continue;
            t->last_reader[p] = i; /* readers come later than their tensors: the last wins */
            if (wl->layers[i].kind == WL_MATMUL)
                t->pinned_dram[p] = true;
        }
    return 0;
}

/* a + b, saturating (sizes only compared with the capacity). */
static uint64_t net_sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Decides where layer i reads from and writes to (net.h rules). */
static void net_place_layer(const wl_workload *wl, size_t i, const net_tensors *t,
                            eng_options *res)
{
    bool all_chip = true;
    for (uint32_t j = 0; j < wl_layer_input_count(wl, i); j++) {
        uint32_t p = wl_layer_input(wl, i, j);
        all_chip = all_chip && p != WL_INPUT_NETWORK && t->on_chip[p];
    }
    res->ifmap_on_chip = all_chip;
    /* an element-wise layer (not a pooling: its output pixel reads a window) may write its
     * output over an on-chip input of at least its size that it is the last reader of */
    const wl_layer *l = &wl->layers[i];
    uint64_t reuse = 0;
    if (l->kind == WL_NOMAC && l->nomac != WL_NOMAC_POOL)
        for (uint32_t j = 0; j < wl_layer_input_count(wl, i); j++) {
            uint32_t p = wl_layer_input(wl, i, j);
            if (p != WL_INPUT_NETWORK && t->on_chip[p] && t->last_reader[p] == i &&
                t->bytes[p] >= t->bytes[i])
                reuse = t->bytes[i];
        }
    uint64_t need = net_sat_add(t->live_bytes - reuse, t->bytes[i]);
    res->ofmap_on_chip =
        t->last_reader[i] != NET_NO_READER && !t->pinned_dram[i] && need <= t->capacity_bytes;
}

/* After layer i: its output joins the chip when it stays; tensors it read last leave. */
static void net_after_layer(const wl_workload *wl, size_t i, const eng_options *res,
                            net_tensors *t)
{
    if (res->ofmap_on_chip) {
        t->on_chip[i] = true;
        t->live_bytes += t->bytes[i];
    }
    for (uint32_t j = 0; j < wl_layer_input_count(wl, i); j++) {
        uint32_t p = wl_layer_input(wl, i, j);
        if (p != WL_INPUT_NETWORK && t->on_chip[p] && t->last_reader[p] == i) {
            t->on_chip[p] = false;
            t->live_bytes -= t->bytes[p];
        }
    }
}

/* The DRAM traffic of layer i without MACs under residency (net.h): its inputs not on chip are
 * read, its output is written when it does not stay. Fills *c (zero when nothing moves) and
 * returns whether anything moved. */
static bool net_nomac_traffic(const cfg_accel *cfg, const wl_workload *wl, size_t i,
                              const net_tensors *t, const eng_options *res, eng_counters *c)
{
    memset(c, 0, sizeof *c);
    uint64_t rd = 0, wr = 0;
    for (uint32_t j = 0; j < wl_layer_input_count(wl, i); j++) {
        uint32_t p = wl_layer_input(wl, i, j);
        if (p == WL_INPUT_NETWORK) {
            uint64_t e = wl_layer_ifmap_elems(&wl->layers[i]), b = cfg_input_bytes(cfg);
            rd = net_sat_add(rd, e > UINT64_MAX / b ? UINT64_MAX : e * b);
        } else if (!t->on_chip[p]) {
            rd = net_sat_add(rd, t->bytes[p]);
        }
    }
    if (!res->ofmap_on_chip)
        wr = t->bytes[i];
    if (!rd && !wr)
        return false;
    c->dram_read_bytes[CFG_IFMAP] = rd;
    c->dram_write_bytes[CFG_OFMAP] = wr;
    if (res->ideal_memory) /* traffic counted, no time (as mem.h) */
        return true;
    /* reads and writes on their own queues (mem.h), the reads' latency once */
    uint64_t rd_cycles = rd ? mem_transfer_cycles(cfg, rd) + cfg->dram.latency_cycles : 0;
    uint64_t wr_cycles = mem_transfer_cycles(cfg, wr);
    c->cycles = c->stall_cycles = rd_cycles > wr_cycles ? rd_cycles : wr_cycles;
    c->stall_cycles_by[rd_cycles >= wr_cycles ? CFG_IFMAP : CFG_OFMAP] = c->cycles;
    c->stall_cycles_level[CFG_MAX_LEVELS] = c->cycles; /* waiting for DRAM */
    return true;
}

/* Jobs (net_options.jobs > 1). The placement of tensors and each layer's options depend on
 * sizes only, never on a layer's results, so net_run walks the workload twice with the same
 * code (net_walk): the first walk (planning) records each MAC layer's options as a job instead
 * of running it; worker threads take the jobs in workload order, each with a mapping memo of
 * its own (tl.h: one per thread; a memo only saves searches) and the layer's fold trace
 * recorded; the second walk takes the results in workload order (waiting for each), replaying
 * the trace between on_start and on_done. Jobs behind a failed layer are dropped. */
typedef struct net_job {
    size_t index;   /* workload layer */
    eng_options eo; /* as the walk set them */
    int rc;
    fw_err err;
    eng_result r;
    eng_fold_event *ev; /* the recorded trace (when eo.trace) */
    size_t ev_count, ev_cap;
    bool ev_oom;
    bool done;
} net_job;

typedef struct net_pool {
    const cfg_accel *cfg;
    const wl_workload *wl;
    bool planning;
    net_job *jobs;
    size_t count, cap;
    size_t next_job;    /* the next job a worker takes (under mu) */
    size_t next_result; /* the next job the second walk takes */
    bool cancel;        /* under mu */
    pthread_mutex_t mu;
    pthread_cond_t cv; /* a job is done */
} net_pool;

static int net_pool_add(net_pool *p, size_t index, const eng_options *eo, fw_err *err)
{
    if (p->count == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        net_job *j = realloc(p->jobs, cap * sizeof *j);
        if (!j)
            return fw_err_set(err, FW_EXIT_IO, "out of memory");
        p->jobs = j;
        p->cap = cap;
    }
    net_job *j = &p->jobs[p->count++];
    memset(j, 0, sizeof *j);
    j->index = index;
    j->eo = *eo;
    return 0;
}

static void net_job_trace(void *ctx, const eng_fold_event *ev)
{
    net_job *j = ctx;
    if (j->ev_oom)
        return;
    if (j->ev_count == j->ev_cap) {
        size_t cap = j->ev_cap ? 2 * j->ev_cap : 256;
        eng_fold_event *e = realloc(j->ev, cap * sizeof *e);
        if (!e) {
            j->ev_oom = true;
            return;
        }
        j->ev = e;
        j->ev_cap = cap;
    }
    j->ev[j->ev_count++] = *ev;
}

static void *net_worker(void *arg)
{
    net_pool *p = arg;
    tl_memo *memo = calloc(1, sizeof *memo); /* NULL: no memo, every shape searched */
    pthread_mutex_lock(&p->mu);
    while (!p->cancel && p->next_job < p->count) {
        net_job *j = &p->jobs[p->next_job++];
        pthread_mutex_unlock(&p->mu);
        eng_options eo = j->eo;
        if (eo.memo)
            eo.memo = memo;
        if (eo.trace) {
            eo.trace = net_job_trace;
            eo.trace_ctx = j;
        }
        j->rc = eng_run_layer(p->cfg, &p->wl->layers[j->index], &eo, &j->r, &j->err);
        pthread_mutex_lock(&p->mu);
        j->done = true;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    free(memo);
    return NULL;
}

/* The second walk: the result of the next job (layer `index`), as eng_run_layer gives it, its
 * trace replayed to opt->eng.trace. */
static int net_pool_take(net_pool *p, size_t index, const net_options *opt, eng_result *r,
                         fw_err *err)
{
    net_job *j = &p->jobs[p->next_result++];
    assert(j->index == index);
    pthread_mutex_lock(&p->mu);
    while (!j->done)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
    memset(r, 0, sizeof *r);
    if (j->rc) { /* the walk stops here: the jobs behind it are not needed */
        pthread_mutex_lock(&p->mu);
        p->cancel = true;
        pthread_mutex_unlock(&p->mu);
        *err = j->err;
        return j->rc;
    }
    if (j->ev_oom)
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    for (size_t e = 0; e < j->ev_count; e++)
        opt->eng.trace(opt->eng.trace_ctx, &j->ev[e]);
    *r = j->r;
    memset(&j->r, 0, sizeof j->r);
    return 0;
}

static int net_walk(const cfg_accel *cfg, const wl_workload *wl, const wl_workload *named,
                    const net_options *opt, int level, net_result *out, net_pool *pool,
                    fw_err *err);

/* One run of the whole workload wl (the batch as it is in wl: the whole batch or one
 * sub-batch, net.h), at activation level `level` (-1: no residency), on opt->jobs threads. The
 * callbacks receive the layers of `named` (the caller's workload, of which wl may be a
 * re-batched copy with the same layers). */
static int net_run_whole(const cfg_accel *cfg, const wl_workload *wl, const wl_workload *named,
                         const net_options *opt, int level, net_result *out, fw_err *err)
{
    if (opt->jobs <= 1)
        return net_walk(cfg, wl, named, opt, level, out, NULL, err);
    net_pool pool;
    memset(&pool, 0, sizeof pool);
    pool.cfg = cfg;
    pool.wl = wl;
    pool.planning = true;
    net_result plan;
    fw_err plan_err;
    const bool planned = !net_walk(cfg, wl, named, opt, level, &plan, &pool, &plan_err);
    net_result_fini(&plan);
    pthread_t tid[NET_MAX_JOBS];
    size_t threads = 0;
    if (planned) {
        pthread_mutex_init(&pool.mu, NULL);
        pthread_cond_init(&pool.cv, NULL);
        size_t want = opt->jobs < NET_MAX_JOBS ? opt->jobs : NET_MAX_JOBS;
        want = want < pool.count ? want : pool.count;
        while (threads < want && !pthread_create(&tid[threads], NULL, net_worker, &pool))
            threads++;
    }
    pool.planning = false;
    /* a failed plan (its error is the walk's own) or no thread: one walk as with -j1 */
    int rc = net_walk(cfg, wl, named, opt, level, out, threads ? &pool : NULL, err);
    if (planned) {
        pthread_mutex_lock(&pool.mu);
        pool.cancel = true;
        pthread_mutex_unlock(&pool.mu);
        for (size_t i = 0; i < threads; i++)
            pthread_join(tid[i], NULL);
        pthread_cond_destroy(&pool.cv);
        pthread_mutex_destroy(&pool.mu);
    }
    for (size_t i = 0; i < pool.count; i++) {
        eng_result_fini(&pool.jobs[i].r);
        free(pool.jobs[i].ev);
    }
    free(pool.jobs);
    return rc;
}

static int net_walk(const cfg_accel *cfg, const wl_workload *wl, const wl_workload *named,
                    const net_options *opt, int level, net_result *out, net_pool *pool,
                    fw_err *err)
{
    memset(out, 0, sizeof *out);
    out->residency = level >= 0;
    out->chip_level = out->residency ? cfg->levels[level].name : NULL;
    net_tensors t;
    memset(&t, 0, sizeof t);
    int rc = 0;
    if (out->residency && (rc = net_tensors_init(cfg, wl, level, &t, err)))
        return rc;
    out->layers = calloc(wl->layer_count ? wl->layer_count : 1, sizeof *out->layers);
    if (!out->layers) {
        net_tensors_fini(&t);
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    }
    eng_options eo = opt->eng;
    /* an explicit hierarchy: repeated layer shapes are searched once (tl.h) */
    tl_memo *memo = NULL;
    if (cfg->hierarchy_given && !eo.memo && !eo.mapping) {
        memo = calloc(1, sizeof *memo);
        eo.memo = memo;
    }
    for (size_t i = 0; i < wl->layer_count; i++) {
        const wl_layer *l = &wl->layers[i];
        if (opt->only_layer && strcmp(l->name, opt->only_layer))
            continue;
        eo.ifmap_on_chip = eo.ofmap_on_chip = false;
        if (out->residency) {
            net_place_layer(wl, i, &t, &eo);
            if (!eo.ofmap_on_chip && t.last_reader[i] != NET_NO_READER && !t.pinned_dram[i])
                out->spilled_bytes = net_sat_add(out->spilled_bytes, t.bytes[i]);
        }
        if (l->kind == WL_NOMAC) {
            if (!out->residency)
                continue;
            eng_counters nc;
            if (net_nomac_traffic(cfg, wl, i, &t, &eo, &nc)) {
                out->failed = i;
                if ((rc = eng_counters_add(&out->total, &nc, err)))
                    break;
                net_layer *nl = &out->layers[out->layer_count++];
                nl->index = i;
                nl->c = nc;
                nl->input_from = eo.ifmap_on_chip ? NET_CHIP : NET_DRAM;
                nl->output_to = eo.ofmap_on_chip ? NET_CHIP : NET_DRAM;
            }
            net_after_layer(wl, i, &eo, &t);
            continue;
        }
        eo.seed = opt->eng.seed + i;
        if (pool && pool->planning) { /* jobs: recorded now, taken by the second walk */
            if ((rc = net_pool_add(pool, i, &eo, err)))
                break;
            if (out->residency)
                net_after_layer(wl, i, &eo, &t);
            continue;
        }
        if (opt->on_start)
            opt->on_start(opt->ctx, &named->layers[i]);
        eng_result r;
        out->failed = i;
        if ((rc =
                 pool ? net_pool_take(pool, i, opt, &r, err) : eng_run_layer(cfg, l, &eo, &r, err)))
            break;
        if (out->layer_count == 0) { /* total still zero: 0 + c is c, without the 84 checks */
            out->total = r.c;
        } else if ((rc = eng_counters_add(&out->total, &r.c, err))) {
            eng_result_fini(&r);
            break;
        }
        if (opt->on_done && (rc = opt->on_done(opt->ctx, &named->layers[i], &r, eo.seed))) {
            eng_result_fini(&r);
            break;
        }
        net_layer *nl = &out->layers[out->layer_count++];
        nl->index = i;
        nl->c = r.c;
        nl->input_from = eo.ifmap_on_chip ? NET_CHIP : NET_DRAM;
        nl->output_to = eo.ofmap_on_chip ? NET_CHIP : NET_DRAM;
        eng_result_fini(&r);
        if (out->residency)
            net_after_layer(wl, i, &eo, &t);
    }
    net_tensors_fini(&t);
    free(memo);
    if (rc) {
        size_t failed = out->failed;
        net_result_fini(out);
        out->failed = failed;
    }
    return rc;
}

/* ---- sub-batches (net.h) ---- */

/* Whether wl's batch can be split: every layer runs the workload's batch (a matmul: images a
 * multiple of it). */
static bool net_splittable(const wl_workload *wl)
{
    uint32_t n = wl->batch;
    if (n <= 1)
        return false;
    for (size_t i = 0; i < wl->layer_count; i++) {
        const wl_layer *l = &wl->layers[i];
        if (l->kind == WL_MATMUL ? l->images % n != 0 : l->batch != n)
            return false;
    }
    return true;
}

/* *out = wl with a batch of b images (b <= wl->batch, net_splittable): layers copied and
 * finished again. The caller frees out->layers. FW_EXIT_IO when out of memory. */
static int net_rebatch(const wl_workload *wl, uint32_t b, wl_workload *out, fw_err *err)
{
    *out = *wl;
    out->notes = NULL;
    out->note_count = 0;
    out->batch = b;
    out->layers = malloc((wl->layer_count ? wl->layer_count : 1) * sizeof *out->layers);
    if (!out->layers)
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    for (size_t i = 0; i < wl->layer_count; i++) {
        wl_layer *l = &out->layers[i];
        *l = wl->layers[i];
        if (l->kind == WL_MATMUL)
            l->images = l->images / wl->batch * b;
        else
            l->batch = b;
        int rc = wl_layer_finish(l, err); /* a smaller batch of a valid layer stays valid */
        if (rc) {
            free(out->layers);
            out->layers = NULL;
            return rc;
        }
    }
    return 0;
}

/* acc += k x add (k >= 0), by doubling; FW_EXIT_INPUT on overflow. */
static int net_counters_add_times(eng_counters *acc, const eng_counters *add, uint64_t k,
                                  fw_err *err)
{
    eng_counters p = *add;
    int rc;
    while (k) {
        if ((k & 1) && (rc = eng_counters_add(acc, &p, err)))
            return rc;
        k >>= 1;
        if (k && (rc = eng_counters_add(&p, &p, err)))
            return rc;
    }
    return 0;
}

/* The runs of one sub-batch size, remembered while the size is chosen. */
typedef struct net_size_run {
    uint32_t b;
    net_result r;
} net_size_run;

typedef struct net_split {
    const cfg_accel *cfg;
    const wl_workload *wl;
    int level;
    net_size_run runs[NET_SUB_BATCH_CANDIDATES * 2];
    size_t run_count;
} net_split;

/* The run of the workload at b images (from the cache, or run now with the fast engine, no
 * callbacks, no trace). */
static int net_split_run(net_split *s, const net_options *opt, uint32_t b,
                         const net_result **out, fw_err *err)
{
    for (size_t i = 0; i < s->run_count; i++)
        if (s->runs[i].b == b) {
            *out = &s->runs[i].r;
            return 0;
        }
    assert(s->run_count < sizeof s->runs / sizeof s->runs[0]);
    net_options o = {.eng = opt->eng, .jobs = opt->jobs};
    o.eng.kind = ENG_FAST; /* pe == fast in every counter (sim/README.md) */
    o.eng.trace = NULL;
    o.eng.trace_ctx = NULL;
    o.eng.keep_outputs = false;
    wl_workload w;
    int rc = net_rebatch(s->wl, b, &w, err);
    if (rc)
        return rc;
    net_size_run *r = &s->runs[s->run_count];
    rc = net_run_whole(s->cfg, &w, s->wl, &o, s->level, &r->r, err);
    free(w.layers);
    if (rc)
        return rc;
    r->b = b;
    s->run_count++;
    *out = &r->r;
    return 0;
}

static void net_split_fini(net_split *s)
{
    for (size_t i = 0; i < s->run_count; i++)
        net_result_fini(&s->runs[i].r);
}

/* The search's relative energy of counters (mapping/tl.h costs: each level's accesses, array
 * side included, and the DRAM bytes). */
static double net_energy_units(const cfg_accel *cfg, const eng_counters *c)
{
    tl_costs k;
    tl_costs_default(cfg, &k);
    double e = 0;
    for (uint32_t i = 0; i < cfg->level_count; i++)
        for (int op = 0; op < CFG_OPERANDS; op++)
            e += k.level_access[i] * (double)(c->level_reads[i][op] + c->level_writes[i][op]);
    for (int op = 0; op < CFG_OPERANDS; op++)
        e += k.dram_byte * (double)(c->dram_read_bytes[op] + c->dram_write_bytes[op]);
    return e;
}

double net_objective_value(const cfg_accel *cfg, const eng_counters *c)
{
    switch (cfg->objective) {
    case CFG_OBJ_CYCLES:
        return (double)c->cycles;
    case CFG_OBJ_EDP:
        return net_energy_units(cfg, c) * (double)c->cycles;
    default:
        return net_energy_units(cfg, c);
    }
}

/* Totals of N images run as sub-batches of b: N / b runs of b and one of N mod b. */
static int net_split_total(net_split *s, const net_options *opt, uint32_t b, eng_counters *tot,
                           bool *spills, fw_err *err)
{
    uint32_t n = s->wl->batch, rem = n % b;
    const net_result *full, *part = NULL;
    int rc = net_split_run(s, opt, b, &full, err);
    if (!rc && rem)
        rc = net_split_run(s, opt, rem, &part, err);
    if (rc)
        return rc;
    memset(tot, 0, sizeof *tot);
    if ((rc = net_counters_add_times(tot, &full->total, n / b, err)) ||
        (part && (rc = eng_counters_add(tot, &part->total, err))))
        return rc;
    *spills = full->spilled_bytes || (part && part->spilled_bytes);
    return 0;
}

/* Chooses the sub-batch size (net.h): candidates ceil(N / k), k = 1, 2, ..., largest first,
 * until one moves no tensor to DRAM that a later layer reads (a smaller one only fetches the
 * weights more often) or NET_SUB_BATCH_CANDIDATES were tried; the best objective wins, ties to
 * the larger size. */
static int net_choose_sub_batch(net_split *s, const net_options *opt, uint32_t *best,
                                fw_err *err)
{
    uint32_t n = s->wl->batch, prev = 0, tried = 0;
    double best_v = 0;
    *best = n;
    for (uint32_t k = 1; k <= n && tried < NET_SUB_BATCH_CANDIDATES; k++) {
        uint32_t b = n / k + (n % k != 0);
        if (b == prev)
            continue;
        prev = b;
        tried++;
        eng_counters tot;
        bool spills;
        int rc = net_split_total(s, opt, b, &tot, &spills, err);
        if (rc)
            return rc;
        double v = net_objective_value(s->cfg, &tot);
        if (k == 1 || v < best_v) {
            best_v = v;
            *best = b;
        }
        if (!spills)
            break;
    }
    return 0;
}

/* out (the whole batch's result) from the runs of sub-batch size b and its remainder: each
 * layer's counters k x its counters in a full sub-batch + those in the remainder; its input
 * (output) on chip only when it was in every sub-batch. Takes over nothing: copies. */
static int net_merge(const wl_workload *wl, uint32_t b, const net_result *full,
                     const net_result *part, net_result *out, fw_err *err)
{
    uint32_t n = wl->batch, k = n / b;
    memset(out, 0, sizeof *out);
    out->layers = calloc(wl->layer_count ? wl->layer_count : 1, sizeof *out->layers);
    if (!out->layers)
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    out->residency = full->residency;
    out->chip_level = full->chip_level;
    out->sub_batch = b;
    size_t a = 0, c = 0;
    int rc = 0;
    while (!rc && (a < full->layer_count || (part && c < part->layer_count))) {
        size_t ia = a < full->layer_count ? full->layers[a].index : SIZE_MAX;
        size_t ic = part && c < part->layer_count ? part->layers[c].index : SIZE_MAX;
        size_t idx = ia < ic ? ia : ic;
        net_layer *nl = &out->layers[out->layer_count++];
        nl->index = idx;
        nl->input_from = nl->output_to = NET_CHIP;
        if (ia == idx) {
            const net_layer *x = &full->layers[a++];
            rc = net_counters_add_times(&nl->c, &x->c, k, err);
            if (x->input_from == NET_DRAM)
                nl->input_from = NET_DRAM;
            if (x->output_to == NET_DRAM)
                nl->output_to = NET_DRAM;
        }
        if (!rc && ic == idx) {
            const net_layer *x = &part->layers[c++];
            rc = eng_counters_add(&nl->c, &x->c, err);
            if (x->input_from == NET_DRAM)
                nl->input_from = NET_DRAM;
            if (x->output_to == NET_DRAM)
                nl->output_to = NET_DRAM;
        }
    }
    if (!rc)
        rc = net_counters_add_times(&out->total, &full->total, k, err);
    if (!rc && part)
        rc = eng_counters_add(&out->total, &part->total, err);
    out->spilled_bytes = full->spilled_bytes; /* per sub-batch of b */
    if (rc)
        net_result_fini(out);
    return rc;
}

int net_run(const cfg_accel *cfg, const wl_workload *wl, const net_options *opt, net_result *out,
            fw_err *err)
{
    memset(out, 0, sizeof *out);
    for (uint32_t p = 0; p < cfg->pin_count; p++) { /* a pin must name a layer */
        size_t i = 0;
        while (i < wl->layer_count && strcmp(wl->layers[i].name, cfg->pins[p].layer))
            i++;
        if (i == wl->layer_count)
            return fw_err_set(err, FW_EXIT_INPUT,
                              "memory.mappings.%s: the workload has no layer of that name",
                              cfg->pins[p].layer);
    }
    int level = opt->only_layer ? -1 : net_activation_level(cfg);
    uint32_t n = wl->batch, b = n;
    bool split = !opt->only_layer && net_splittable(wl);
    if (split && opt->sub_batch)
        b = opt->sub_batch < n ? opt->sub_batch : n;
    /* only runs[0..run_count) are ever read: the table (23 KiB) is not cleared, which was a
     * tenth of the time of a sweep point's evaluation */
    net_split s;
    s.cfg = cfg;
    s.wl = wl;
    s.level = level;
    s.run_count = 0;
    int rc = 0;
    bool pinned = cfg->pin_count > 0; /* pins name tiles of the whole batch */
    for (size_t i = 0; i < wl->layer_count && !pinned; i++)
        pinned = wl->layers[i].mapping[0] != '\0';
    if (split && !opt->sub_batch && level >= 0 && !pinned)
        rc = net_choose_sub_batch(&s, opt, &b, err);
    if (!rc && b == n) { /* the whole batch at once */
        rc = net_run_whole(cfg, wl, wl, opt, level, out, err);
        out->sub_batch = n;
    } else if (!rc) {
        /* the chosen size again with the caller's engine, callbacks and trace: one sub-batch
         * of each size (full sub-batches are identical runs) */
        net_result full, part;
        memset(&part, 0, sizeof part);
        wl_workload w;
        uint32_t rem = n % b;
        size_t failed = 0;
        if (!(rc = net_rebatch(wl, b, &w, err))) {
            rc = net_run_whole(cfg, &w, wl, opt, level, &full, err);
            failed = full.failed;
            free(w.layers);
        }
        if (!rc && rem) {
            if (!(rc = net_rebatch(wl, rem, &w, err))) {
                rc = net_run_whole(cfg, &w, wl, opt, level, &part, err);
                failed = part.failed;
                free(w.layers);
            }
            if (rc)
                net_result_fini(&full);
        }
        if (!rc) {
            rc = net_merge(wl, b, &full, rem ? &part : NULL, out, err);
            net_result_fini(&full);
            net_result_fini(&part);
        }
        out->failed = failed;
    }
    net_split_fini(&s);
    return rc;
}

void net_result_fini(net_result *res)
{
    free(res->layers);
    memset(res, 0, sizeof *res);
}
