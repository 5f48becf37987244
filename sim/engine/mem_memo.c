/* mem_memo: memoized fold event model (see mem_memo.h). */
#include "engine/mem_memo.h"

#include "engine/mem.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* The key is every input of mem_timeline's shorthand path (mem_memo.h). A new field in
 * map_layer is a new input of the model until shown otherwise: this assert stops the build so
 * that whoever adds one puts it into mem_memo_key (and updates the size here). */
_Static_assert(sizeof(map_layer) == 208, "map_layer changed: add the new field to mem_memo_key");

enum {
    MEM_MEMO_KEY_WORDS = 36,
    MEM_MEMO_ENTRIES = 1024, /* direct mapped: a sweep point or a network has few mappings */
    MEM_MEMO_COUNTERS = sizeof(eng_counters) / sizeof(uint64_t),
};
_Static_assert(sizeof(eng_counters) % sizeof(uint64_t) == 0, "eng_counters: uint64_t only");

typedef struct mem_memo_entry {
    uint64_t key[MEM_MEMO_KEY_WORDS]; /* key[0] == 0: empty (a real key has folds >= 1 there) */
    uint64_t add[MEM_MEMO_COUNTERS];  /* what mem_timeline added into zeroed counters */
} mem_memo_entry;

struct mem_memo {
    uint64_t hits, misses;
    mem_memo_entry entry[MEM_MEMO_ENTRIES];
};

int mem_memo_create(mem_memo **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : -1;
}

void mem_memo_destroy(mem_memo *memo)
{
    free(memo);
}

void mem_memo_stats(const mem_memo *memo, uint64_t *hits, uint64_t *misses)
{
    *hits = memo ? memo->hits : 0;
    *misses = memo ? memo->misses : 0;
}

/* The inputs of mem_timeline for this map and config, field by field (no struct padding). */
static void mem_memo_key(const cfg_accel *cfg, const map_layer *map, bool ideal,
                         uint64_t key[MEM_MEMO_KEY_WORDS])
{
    uint64_t *k = key;
    *k++ = map->folds; /* first: never 0 (map_layer_init), so 0 marks an empty entry */
    *k++ = (uint64_t)map->dataflow;
    *k++ = map->rows;
    *k++ = map->cols;
    *k++ = map->groups;
    *k++ = map->m;
    *k++ = map->n;
    *k++ = map->k;
    *k++ = map->k_dense; /* N:M: tile bytes (map.h) */
    *k++ = map->meta_bits;
    *k++ = map->cmp_mbits[0]; /* compression: tile bytes (map.h) */
    *k++ = map->cmp_mbits[1];
    *k++ = map->row_dim;
    *k++ = map->col_dim;
    *k++ = map->t;
    *k++ = map->chunk;
    *k++ = map->row_folds;
    *k++ = map->col_folds;
    *k++ = map->chunks;
    *k++ = map->folds_per_group;
    *k++ = map->macs;
    *k++ = map->input_bytes;
    *k++ = map->acc_bytes;
    *k++ = map->output_bytes;
    *k++ = (uint64_t)map->resident[0] | (uint64_t)map->resident[1] << 1 |
           (uint64_t)map->ofmap_fits << 2 | (uint64_t)map->ifmap_on_chip << 3 |
           (uint64_t)map->ofmap_on_chip << 4 | (uint64_t)ideal << 5;
    *k++ = map->ifmap_resident_elems;
    *k++ = cfg->rows;
    *k++ = cfg->cols;
    *k++ = (uint64_t)cfg->dataflow;
    *k++ = (uint64_t)cfg->schedule;
    *k++ = cfg->mac_pipeline_cycles;
    for (int op = 0; op < CFG_OPERANDS; op++)
        *k++ = cfg->sram[op].double_buffered;
    *k++ = cfg->dram.bandwidth_millibytes_per_cycle;
    *k++ = cfg->dram.latency_cycles;
    assert(k == key + MEM_MEMO_KEY_WORDS);
}

static uint64_t mem_memo_hash(const uint64_t key[MEM_MEMO_KEY_WORDS])
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < MEM_MEMO_KEY_WORDS; i++) {
        h ^= key[i];
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    return h;
}

static void mem_memo_add(eng_counters *ctr, const uint64_t add[MEM_MEMO_COUNTERS])
{
    uint64_t c[MEM_MEMO_COUNTERS];
    memcpy(c, ctr, sizeof c);
    for (size_t i = 0; i < MEM_MEMO_COUNTERS; i++)
        c[i] += add[i]; /* as mem_timeline's own += (it checks nothing either) */
    memcpy(ctr, c, sizeof c);
}

void mem_memo_timeline(mem_memo *memo, const cfg_accel *cfg, const map_layer *map, bool ideal,
                       eng_counters *ctr)
{
    if (!memo || map->tiling || map->t_eff) { /* t_eff: per-fold input, not in the key */
        mem_timeline(cfg, map, ideal, NULL, NULL, NULL, ctr);
        return;
    }
    uint64_t key[MEM_MEMO_KEY_WORDS];
    mem_memo_key(cfg, map, ideal, key);
    mem_memo_entry *e = &memo->entry[mem_memo_hash(key) % MEM_MEMO_ENTRIES];
    if (memcmp(e->key, key, sizeof key) != 0) {
        eng_counters fresh;
        memset(&fresh, 0, sizeof fresh);
        mem_timeline(cfg, map, ideal, NULL, NULL, NULL, &fresh);
        memcpy(e->key, key, sizeof key);
        memcpy(e->add, &fresh, sizeof e->add);
        memo->misses++;
    } else {
        memo->hits++;
    }
    mem_memo_add(ctr, e->add);
}
