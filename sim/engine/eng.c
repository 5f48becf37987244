/* eng: engine entry point: dispatch to the fast engine (eng_fast.c) or the pe engine
 * (eng_pe.c), random operand data and counter sums. */
#include "engine/eng.h"

#include "engine/eng_fast.h"
#include "engine/eng_pe.h"
#include "engine/eng_xform.h"
#include "engine/mem.h"
#include "engine/mem_memo.h"
#include "numerics/nx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t eng_output_count(const wl_layer *layer)
{
    if (layer->kind == WL_GEMM)
        return layer->gemm_m * layer->gemm_n;
    return (uint64_t)layer->batch * layer->out_h * layer->out_w * layer->filters;
}

static uint64_t eng_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t eng_random_value(const cfg_accel *cfg, uint64_t r)
{
    const nx_fmt_info *fi = nx_fmt_get(cfg->mac.input);
    if (!fi->is_float)
        return fi->width_bits >= 64 ? r : r & ((1ull << fi->width_bits) - 1);
    double d = (double)(r >> 11) * 0x1p-53 * 4.0 - 2.0;
    nx_mode mode = {NX_RNE, false, false};
    nx_flags fl = 0;
    return nx_from_double(cfg->mac.input, d, mode, &fl);
}

/* n elements of one tensor (arr.h "Operand data"): zeros with probability zero_frac from the
 * mask stream, the others non-zero values from the data stream. */
static void eng_random_tensor(const cfg_accel *cfg, uint64_t *t, uint64_t n, double zero_frac,
                              uint64_t *state, uint64_t *mask_state)
{
    const nx_fmt_info *fi = nx_fmt_get(cfg->mac.input);
    uint64_t mag = fi->width_bits >= 64 ? ~0ull : (1ull << fi->width_bits) - 1;
    if (fi->is_float)
        mag >>= 1; /* without the sign: +0 and -0 are zeros */
    uint64_t zero = nx_zero(cfg->mac.input);
    for (uint64_t i = 0; i < n; i++) {
        if (zero_frac > 0) {
            if ((double)(eng_splitmix64(mask_state) >> 11) * 0x1p-53 < zero_frac) {
                t[i] = zero;
                continue;
            }
            do
                t[i] = eng_random_value(cfg, eng_splitmix64(state));
            while ((t[i] & mag) == 0);
        } else {
            t[i] = eng_random_value(cfg, eng_splitmix64(state));
        }
    }
}

int eng_operands_random(const cfg_accel *cfg, const wl_layer *layer, uint64_t seed,
                        eng_operands *out, fw_err *err)
{
    uint64_t ni, nf;
    if (layer->kind == WL_GEMM) {
        ni = layer->gemm_m * layer->gemm_k;
        nf = layer->gemm_n * layer->gemm_k;
    } else {
        ni = (uint64_t)layer->batch * layer->in_h * layer->in_w * layer->in_c;
        nf = (uint64_t)layer->filters * layer->filt_r * layer->filt_s *
             (layer->in_c / (layer->groups ? layer->groups : 1));
    }
    if (ni > ENG_PE_MAX_ELEMENTS || nf > ENG_PE_MAX_ELEMENTS)
        return fw_err_set(err, FW_EXIT_INPUT, "layer %s: tensors too large for the pe engine",
                          layer->name);
    memset(out, 0, sizeof *out);
    out->ifmap = malloc((ni ? ni : 1) * sizeof *out->ifmap);
    out->filter = malloc((nf ? nf : 1) * sizeof *out->filter);
    if (!out->ifmap || !out->filter) {
        eng_operands_fini(out);
        return fw_err_set(err, FW_EXIT_INPUT, "layer %s: out of memory", layer->name);
    }
    out->ifmap_count = ni;
    out->filter_count = nf;
    uint64_t state = seed, mask_state = seed ^ 0x5a5a5a5a5a5a5a5aull;
    eng_random_tensor(cfg, out->ifmap, ni, layer->ifmap_zero_frac, &state, &mask_state);
    eng_random_tensor(cfg, out->filter, nf, layer->weight_zero_frac, &state, &mask_state);
    return 0;
}

/* The operand tensors a layer takes from files (wl_layer *_values), each value rounded to the
 * input format (near_even; integer formats round to the nearest integer and saturate: give
 * quantized values). */
static void eng_operands_from_values(const cfg_accel *cfg, const wl_layer *layer,
                                     eng_operands *ops)
{
    nx_mode mode = {NX_RNE, false, false};
    nx_flags fl = 0;
    if (layer->ifmap_values)
        for (size_t i = 0; i < ops->ifmap_count; i++)
            ops->ifmap[i] = nx_from_double(cfg->mac.input, layer->ifmap_values[i], mode, &fl);
    if (layer->weight_values)
        for (size_t i = 0; i < ops->filter_count; i++)
            ops->filter[i] = nx_from_double(cfg->mac.input, layer->weight_values[i], mode, &fl);
}

/* The (output, tap) pairs of one axis that read inside the input: the number of (o, k) with
 * o < out, k < taps and 0 <= o * stride + k * dil - pad < in. For one tap k the outputs that
 * read inside are an interval, o >= ceil((pad - k dil) / stride) and
 * o <= floor((in - 1 + pad - k dil) / stride), clipped to [0, out): the sum of its lengths, in
 * exact integers, equals the count of the pairs one by one (which was a tenth of a sweep point's
 * evaluation: out x taps steps per axis; tests/unit/test_sim_skip.c compares the two). */
static uint64_t eng_inbounds_pairs(uint64_t out, uint64_t taps, uint64_t stride, uint64_t dil,
                                   uint64_t pad, uint64_t in)
{
    uint64_t n = 0;
    for (uint64_t k = 0; k < taps && out > 0; k++) {
        int64_t first = (int64_t)pad - (int64_t)(k * dil); /* o * stride >= first */
        int64_t last = first + (int64_t)in - 1;            /* o * stride <= last */
        if (last < 0)
            continue;
        if (stride == 0) { /* every o reads the same position, k * dil - pad */
            n += first <= 0 ? out : 0;
            continue;
        }
        uint64_t lo = first > 0 ? ((uint64_t)first + stride - 1) / stride : 0;
        uint64_t hi = (uint64_t)last / stride;
        if (hi > out - 1)
            hi = out - 1;
        n += hi >= lo ? hi - lo + 1 : 0;
    }
    return n;
}

/* batch * Y * X * in_c * filters / groups (eng_expected_zero_macs), as a double. */
static double eng_inbounds_macs(const wl_layer *l)
{
    uint64_t y = eng_inbounds_pairs(l->out_h, l->filt_r, l->stride_h, l->dil_h, l->pad_top,
                                    l->in_h);
    uint64_t x = eng_inbounds_pairs(l->out_w, l->filt_s, l->stride_w, l->dil_w, l->pad_left,
                                    l->in_w);
    return (double)l->batch * (double)y * (double)x * (double)l->in_c *
           (double)(l->filters / l->groups);
}

double eng_expected_zero_macs(const wl_layer *l)
{
    double macs = (double)wl_layer_macs(l);
    return macs - (1.0 - l->ifmap_zero_frac) * (1.0 - l->weight_zero_frac) * eng_inbounds_macs(l);
}

double eng_inbounds_fraction(const wl_layer *l)
{
    double macs = (double)wl_layer_macs(l);
    if (macs <= 0)
        return 1.0;
    /* eng_expected_zero_macs of the layer without zeros: (1 - 0) (1 - 0) inbounds is inbounds
     * exactly, so this is the same double as through a dense copy of the layer */
    return 1.0 - (macs - eng_inbounds_macs(l)) / macs;
}

void eng_operands_fini(eng_operands *ops)
{
    free(ops->ifmap);
    free(ops->filter);
    memset(ops, 0, sizeof *ops);
}

/* Explicit hierarchy: the layer's mapping (pinned or searched, mapping/tl.h) and its traffic. */
static int eng_map_hierarchy(const cfg_accel *cfg, const wl_layer *layer, const eng_options *opt,
                             eng_result *out, tl_traffic *traffic, fw_err *err)
{
    tl_layer tl;
    int rc = tl_layer_init(cfg, layer, &tl, err);
    if (rc)
        return rc;
    /* the caller's, the config's (memory.mappings) or the workload's pin, in that order */
    const char *pin = opt->mapping ? opt->mapping : cfg_pinned_mapping(cfg, layer->name);
    if (!pin && layer->mapping[0])
        pin = layer->mapping;
    tl_objective obj = (tl_objective)cfg->objective;
    if (pin) {
        if (!(rc = tl_parse(cfg, &tl, pin, &out->mapping, err)))
            rc = tl_legal(cfg, &tl, &out->mapping, err);
    } else if (!opt->memo || !tl_memo_find(opt->memo, &tl, obj, &out->mapping)) {
        tl_costs costs;
        tl_costs_default(cfg, &costs);
        rc = tl_search(cfg, &tl, &costs, obj, 0, &out->mapping, &out->mappings_evaluated, err);
        if (!rc && opt->memo)
            tl_memo_put(opt->memo, &tl, obj, &out->mapping);
    }
    if (rc) {
        tl_layer_fini(&tl);
        return fw_err_prefix(err, "layer %s", layer->name);
    }
    out->mapped = true;
    tl_count(cfg, &tl, &out->mapping, opt->ifmap_on_chip, opt->ofmap_on_chip, traffic);
    tl_layer_fini(&tl);
    return 0;
}

/* The array side of the per-level counters: the shorthand's one level serves everything the
 * SRAM counters hold; in a hierarchy the innermost level holding an operand serves the array. */
static void eng_level_array_side(const cfg_accel *cfg, eng_counters *c)
{
    for (int op = 0; op < CFG_OPERANDS; op++) {
        uint32_t i = 0;
        while (i + 1 < cfg->level_count && !cfg->levels[i].part[op].held)
            i++;
        c->level_reads[i][op] += c->sram_reads[op];
        c->level_writes[i][op] += c->sram_writes[op];
    }
}

/* A baseline of the same layer without a compute reduction (map_layer_init_as `without`): its
 * cycles and DRAM bytes (read + written) on the fast engine's timeline, with the folds' t_eff
 * (skipping) when not NULL. N:M: dense weights, no skipping (eng.h nm_dense_*); compression:
 * uncompressed, the same skipping (cmp_dense_*). */
static int eng_baseline(const cfg_accel *cfg, const wl_layer *layer, const eng_options *opt,
                        unsigned without, const uint64_t *t_eff, uint64_t *cycles,
                        uint64_t *dram_bytes, fw_err *err)
{
    map_layer map;
    int rc = map_layer_init_as(cfg, layer, without, &map, err);
    if (rc)
        return rc;
    map_layer_residency(&map, opt->ifmap_on_chip, opt->ofmap_on_chip);
    map.t_eff = t_eff; /* compression changes bytes, not the fold grid */
    eng_counters d;
    memset(&d, 0, sizeof d);
    mem_memo_timeline(opt->timeline_memo, cfg, &map, opt->ideal_memory, &d);
    *cycles = d.cycles;
    for (int op = 0; op < CFG_OPERANDS; op++)
        *dram_bytes += d.dram_read_bytes[op] + d.dram_write_bytes[op];
    return 0;
}

/* What every run adds after its engine: dense MACs, the N:M and compression figures, the
 * per-level side. t_eff: the skipping timeline's fold lengths, or NULL. */
static int eng_finish(const cfg_accel *cfg, const wl_layer *layer, const eng_options *opt,
                      const map_layer *map, const uint64_t *t_eff, eng_counters *c, fw_err *err)
{
    c->dense_macs = wl_layer_macs(layer);
    if (map->k != map->k_dense) {
        /* the multiplexers choose among the dense activations: k_dense / k of the stream reads */
        c->sram_reads[CFG_IFMAP] = (uint64_t)(((unsigned __int128)c->sram_reads[CFG_IFMAP] *
                                                   map->k_dense +
                                               map->k - 1) /
                                              map->k);
        c->nm_metadata_bytes = (map->k * map->n * map->groups * map->meta_bits + 7) / 8;
        c->nm_metadata_sram_bits = c->sram_reads[CFG_FILTER] * map->meta_bits;
        int rc = eng_baseline(cfg, layer, opt, MAP_DENSE_WEIGHTS, NULL, &c->nm_dense_cycles,
                              &c->nm_dense_dram_bytes, err);
        if (rc)
            return rc;
    } else {
        c->nm_dense_cycles = c->cycles + c->skip_saved_cycles;
        for (int op = 0; op < CFG_OPERANDS; op++)
            c->nm_dense_dram_bytes += c->dram_read_bytes[op] + c->dram_write_bytes[op];
    }
    /* compression: the array reads compressed words from the buffer, cmp_mbits / (1000 w) of
     * the elements it gets; every element it gets passes the decompressor (map.h) */
    uint64_t w_milli = 8000ull * map->input_bytes;
    for (int op = 0; op < 2; op++)
        if (map->cmp_mbits[op]) {
            c->cmp_decoded_elems += c->sram_reads[op];
            c->sram_reads[op] = (uint64_t)(((unsigned __int128)c->sram_reads[op] *
                                                map->cmp_mbits[op] +
                                            w_milli - 1) /
                                           w_milli);
        }
    if (map->cmp_mbits[0] || map->cmp_mbits[1]) {
        int rc = eng_baseline(cfg, layer, opt, MAP_UNCOMPRESSED, t_eff, &c->cmp_dense_cycles,
                              &c->cmp_dense_dram_bytes, err);
        if (rc)
            return rc;
    } else {
        c->cmp_dense_cycles = c->cycles;
        for (int op = 0; op < CFG_OPERANDS; op++)
            c->cmp_dense_dram_bytes += c->dram_read_bytes[op] + c->dram_write_bytes[op];
    }
    eng_level_array_side(cfg, c);
    return 0;
}

int eng_run_layer(const cfg_accel *cfg, const wl_layer *layer, const eng_options *opt,
                  eng_result *out, fw_err *err)
{
    memset(out, 0, sizeof *out);
    if (layer->kind == WL_CONV && layer->algorithm != WL_ALGO_DIRECT)
        return eng_xform_run(cfg, layer, opt, out, err);
    map_layer map;
    int rc = map_layer_init(cfg, layer, &map, err);
    if (rc)
        return rc;
    map_layer_residency(&map, opt->ifmap_on_chip, opt->ofmap_on_chip);
    tl_traffic traffic;
    if (cfg->hierarchy_given) {
        if ((rc = eng_map_hierarchy(cfg, layer, opt, out, &traffic, err)))
            return rc;
        map.tiling = &traffic;
    }
    /* zero skipping: the dense timeline (the pe engine's schedule, and the cycles saved) */
    uint64_t *t_eff = NULL;
    eng_counters dense;
    memset(&dense, 0, sizeof dense);
    if (cfg->zero_skipping && !(t_eff = malloc((map.folds ? map.folds : 1) * sizeof *t_eff)))
        return fw_err_set(err, FW_EXIT_INPUT, "layer %s: out of memory", layer->name);
    if (opt->kind == ENG_FAST) {
        if (t_eff) { /* the dense timeline, then the one with each fold's t_eff */
            mem_timeline(cfg, &map, opt->ideal_memory, NULL, NULL, NULL, &dense);
            eng_skip_expected(cfg, layer, &map, t_eff, &out->c.skipped_macs);
            map.t_eff = t_eff;
            mem_timeline(cfg, &map, opt->ideal_memory, NULL, opt->trace, opt->trace_ctx,
                         &out->c);
            map.t_eff = NULL;
        } else if (opt->timeline_memo && !opt->trace) {
            mem_memo_timeline(opt->timeline_memo, cfg, &map, opt->ideal_memory, &out->c);
        } else {
            mem_timeline(cfg, &map, opt->ideal_memory, NULL, opt->trace, opt->trace_ctx, &out->c);
        }
        eng_fast_layer(cfg, &map, &out->c);
        if (cfg->zero_skipping)
            out->c.skip_saved_cycles = dense.cycles - out->c.cycles;
        /* the MACs the array runs: with N:M the kept weights' zeros, not the pruned ones */
        double f_in = eng_inbounds_fraction(layer);
        double nz = (1.0 - layer->ifmap_zero_frac) * (1.0 - eng_stored_weight_zero_frac(layer, &map));
        out->c.zero_macs = (uint64_t)llround((double)map.macs * (1.0 - nz * f_in));
        rc = eng_finish(cfg, layer, opt, &map, t_eff, &out->c, err);
        free(t_eff);
        return rc;
    }
    eng_operands own;
    memset(&own, 0, sizeof own);
    const eng_operands *ops = opt->operands;
    if (!ops) {
        wl_layer stored = *layer; /* N:M: the kept weights' density */
        stored.weight_zero_frac = eng_stored_weight_zero_frac(layer, &map);
        if ((rc = eng_operands_random(cfg, &stored, opt->seed, &own, err))) {
            free(t_eff);
            return rc;
        }
        eng_operands_from_values(cfg, layer, &own); /* .npy tensors replace random data */
        ops = &own;
    }
    uint64_t *x = malloc(map.folds * sizeof *x);
    uint64_t nout = eng_output_count(layer);
    uint64_t *outputs = opt->keep_outputs ? malloc((nout ? nout : 1) * sizeof *outputs) : NULL;
    if (!x || (opt->keep_outputs && !outputs)) {
        rc = fw_err_set(err, FW_EXIT_INPUT, "layer %s: out of memory", layer->name);
    } else if (t_eff) {
        mem_timeline(cfg, &map, opt->ideal_memory, x, NULL, NULL, &dense);
        rc = eng_pe_run(cfg, layer, &map, x, ops, outputs, &out->c, err);
        if (!rc)
            rc = eng_skip_count(cfg, layer, &map, ops, t_eff, &out->c.skipped_macs, err);
        if (!rc) {
            map.t_eff = t_eff;
            mem_timeline(cfg, &map, opt->ideal_memory, NULL, opt->trace, opt->trace_ctx,
                         &out->c);
            map.t_eff = NULL;
            out->c.skip_saved_cycles = dense.cycles - out->c.cycles;
        }
    } else {
        mem_timeline(cfg, &map, opt->ideal_memory, x, opt->trace, opt->trace_ctx, &out->c);
        rc = eng_pe_run(cfg, layer, &map, x, ops, outputs, &out->c, err);
    }
    free(x);
    eng_operands_fini(&own);
    if (!rc)
        rc = eng_finish(cfg, layer, opt, &map, t_eff, &out->c, err);
    free(t_eff);
    if (rc) {
        free(outputs);
        memset(out, 0, sizeof *out);
        return rc;
    }
    out->outputs = outputs;
    out->output_count = outputs ? nout : 0;
    return 0;
}

void eng_result_fini(eng_result *res)
{
    free(res->outputs);
    res->outputs = NULL;
    res->output_count = 0;
}

int eng_counters_add(eng_counters *acc, const eng_counters *add, fw_err *err)
{
    /* eng_counters is all uint64_t: add field by field as an array */
    enum { N = sizeof(eng_counters) / sizeof(uint64_t) };
    _Static_assert(sizeof(eng_counters) % sizeof(uint64_t) == 0, "eng_counters: uint64_t only");
    uint64_t a[N], b[N];
    memcpy(a, acc, sizeof a);
    memcpy(b, add, sizeof b);
    for (size_t i = 0; i < N; i++)
        if (__builtin_add_overflow(a[i], b[i], &a[i]))
            return fw_err_set(err, FW_EXIT_INPUT, "totals too large to count in 64 bits");
    memcpy(acc, a, sizeof a);
    return 0;
}
