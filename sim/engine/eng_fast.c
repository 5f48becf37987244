/* eng_fast: the fast engine's compute-side counts: the closed forms of eng.h per fold, summed
 * over the layer's fold grid. */
#include "engine/eng_fast.h"

/* The closed forms of eng.h summed over the layer's folds. The folds form a full grid
 * (groups x row folds x col folds x chunks) in which sr depends on the row fold only, sc on
 * the col fold only and t on the chunk only, so a sum over folds of a product of them is the
 * product of their sums: sum sr = row_dim, sum sc = col_dim, sum t = the streamed length.
 * (Unsigned arithmetic is a ring, so this is exact even modulo 2^64; map_layer_init bounded
 * the layer so that nothing wraps.) test_sim_engine.c compares these with the pe engine,
 * which counts fold by fold. */
void eng_fast_layer(const cfg_accel *cfg, const map_layer *map, eng_counters *c)
{
    uint64_t g = map->groups, rd = map->row_dim, cd = map->col_dim, t = map->t;
    uint64_t rf = map->row_folds, cf = map->col_folds, chunks = map->chunks;
    uint64_t tss = g * t * rd * cd;     /* sum of t*sr*sc */
    uint64_t ss = g * chunks * rd * cd; /* sum of sr*sc */
    uint64_t t_sr = g * cf * t * rd;    /* sum of t*sr */
    uint64_t t_sc = g * rf * t * cd;    /* sum of t*sc */
    c->macs += tss;
    c->pe_slots += g * rf * cf * t * cfg->rows * cfg->cols; /* sum of t*R*C */
    if (map->dataflow == CFG_OS) {
        c->reg_writes += 3 * tss;
        c->reg_reads += 3 * tss;
        c->sram_reads[CFG_IFMAP] += t_sr;
        c->sram_reads[CFG_FILTER] += t_sc;
        c->sram_writes[CFG_OFMAP] += ss;
        return;
    }
    /* ws, is and tree: K on rows, the streamed operand read once per row and step, partial sums
     * accumulated in the ofmap buffer; they differ in the PE registers and the other operand */
    bool is = map->dataflow == CFG_IS;
    if (map->dataflow == CFG_TREE) {
        c->reg_writes += t_sc; /* the column registers */
        c->reg_reads += t_sc;
        c->sram_reads[CFG_FILTER] += tss; /* at every MAC */
    } else {
        c->reg_writes += 2 * tss + 2 * ss;
        c->reg_reads += 3 * tss + ss;
        c->sram_reads[is ? CFG_IFMAP : CFG_FILTER] += ss; /* the stationary tile, once */
    }
    c->sram_reads[is ? CFG_FILTER : CFG_IFMAP] += t_sr;
    c->sram_writes[CFG_OFMAP] += t_sc;
    /* every fold but the first reduction fold (row fold 0) of its output tile */
    c->sram_reads[CFG_OFMAP] += g * (rf - 1) * t * cd;
}
