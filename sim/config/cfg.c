/* cfg: reads and validates the accelerator config (see cfg.h, configs/README.md).
 * Every default lives in this file only (the CFG_DEFAULT_* constants and the def arguments of
 * the jr_* calls below) and is listed in configs/README.md. */
#include "config/cfg.h"

#include "common/jr.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Defaults (mirrored in configs/README.md, "Accelerator config"). */
#define CFG_DEFAULT_NAME "accelerator"
#define CFG_DEFAULT_SCHEDULE CFG_PIPELINED
#define CFG_DEFAULT_MAC_PIPELINE_CYCLES 1u
#define CFG_DEFAULT_MAX_STREAM 0u /* whole streamed dimension (SCALE-Sim) */
#define CFG_DEFAULT_FUSED true
#define CFG_DEFAULT_ROUNDING 0u     /* near_even */
#define CFG_DEFAULT_SUBNORMALS 0u   /* ieee */
#define CFG_DEFAULT_INT_OVERFLOW 0u /* wrap */
#define CFG_DEFAULT_WORD_BITS 64u
#define CFG_DEFAULT_DOUBLE_BUFFERED true
#define CFG_DEFAULT_DRAM_LATENCY_CYCLES 100u
#define CFG_DEFAULT_BANKS 1u
#define CFG_DEFAULT_PORTS 1u /* read and write ports: words per cycle per bank */
#define CFG_DEFAULT_INSTANCES CFG_SHARED
#define CFG_SHORTHAND_LEVEL "sram" /* the level the `sram` shorthand expands to */

/* Ranges. */
#define CFG_MAX_DIM 4096u /* array rows/cols */
#define CFG_MAX_SRAM_BYTES (1ull << 40)
#define CFG_MAX_GBPS 1.0e5

static const char *const cfg_dataflow_names[] = {"ws", "os", "is", "tree"};
static const char *const cfg_schedule_names[] = {"pipelined", "serial"};
static const char *const cfg_operand_names[] = {"ifmap", "filter", "ofmap"};
static const char *const cfg_dram_names[] = {"ddr3", "ddr4", "lpddr4", "hbm2", "none"};
static const char *const cfg_level_kind_names[] = {"regfile", "sram"};
static const char *const cfg_objective_names[] = {"energy", "cycles", "edp"};
static const char *const cfg_instances_names[] = {"shared", "per_pe", "per_row", "per_col"};
static const char *const cfg_round_names[] = {"near_even", "minMag", "min", "max", "near_maxMag"};
static const char *const cfg_subnormal_names[] = {"ieee", "ftz"};
static const char *const cfg_overflow_names[] = {"wrap", "saturate"};

#define CFG_COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *cfg_dataflow_name(cfg_dataflow df)
{
    return cfg_dataflow_names[df];
}
const char *cfg_schedule_name(cfg_schedule s)
{
    return cfg_schedule_names[s];
}
const char *cfg_operand_name(cfg_operand op)
{
    return cfg_operand_names[op];
}
const char *cfg_dram_type_name(cfg_dram_type t)
{
    return cfg_dram_names[t];
}
const char *cfg_level_kind_name(cfg_level_kind k)
{
    return cfg_level_kind_names[k];
}
const char *cfg_instances_name(cfg_instances i)
{
    return cfg_instances_names[i];
}

uint64_t cfg_level_instances(const cfg_accel *cfg, const cfg_level *lv)
{
    switch (lv->instances) {
    case CFG_PER_PE:
        return (uint64_t)cfg->rows * cfg->cols;
    case CFG_PER_ROW:
        return cfg->rows;
    case CFG_PER_COL:
        return cfg->cols;
    default:
        return 1;
    }
}

const char *cfg_pinned_mapping(const cfg_accel *cfg, const char *layer)
{
    for (uint32_t i = 0; i < cfg->pin_count; i++)
        if (!strcmp(cfg->pins[i].layer, layer))
            return cfg->pins[i].mapping;
    return NULL;
}

int cfg_outer_level(const cfg_accel *cfg, cfg_operand op, uint64_t *capacity_bytes)
{
    for (int i = (int)cfg->level_count - 1; i >= 0; i--) {
        const cfg_part *p = &cfg->levels[i].part[op];
        if (!p->held)
            continue;
        if (capacity_bytes) {
            uint64_t b = p->size_bytes * cfg_level_instances(cfg, &cfg->levels[i]);
            *capacity_bytes = p->double_buffered ? b / 2 : b;
        }
        return i;
    }
    return -1;
}

uint32_t cfg_input_bytes(const cfg_accel *cfg)
{
    return (nx_fmt_get(cfg->mac.input)->width_bits + 7) / 8;
}

uint32_t cfg_acc_bytes(const cfg_accel *cfg)
{
    return (nx_fmt_get(cfg->mac.accumulator)->width_bits + 7) / 8;
}

uint32_t cfg_output_bytes(const cfg_accel *cfg)
{
    return (nx_fmt_get(cfg->output)->width_bits + 7) / 8;
}

static int cfg_fmt(jr_obj *obj, const char *key, nx_fmt *out, fw_err *err)
{
    const char *s;
    int rc = jr_str(obj, key, true, NULL, &s, err);
    if (rc)
        return rc;
    if (nx_fmt_from_name(s, out) != 0)
        return jr_fail(obj, key, err, "unknown format '%s'", s);
    return 0;
}

/* One decimal number of at most 9 digits at *p, spaces around it skipped. */
static bool cfg_nm_num(const char **p, uint32_t *out)
{
    const char *s = *p;
    while (*s == ' ')
        s++;
    uint32_t v = 0;
    int digits = 0;
    while (*s >= '0' && *s <= '9' && digits < 10) {
        v = v * 10 + (uint32_t)(*s++ - '0');
        digits++;
    }
    while (*s == ' ')
        s++;
    *p = s;
    *out = v;
    return digits > 0 && digits < 10;
}

bool cfg_parse_nm(const char *text, uint32_t *n, uint32_t *m)
{
    const char *p = text;
    if (!cfg_nm_num(&p, n) || *p++ != ':' || !cfg_nm_num(&p, m) || *p)
        return false;
    return *n >= 1 && *n <= *m && *m <= CFG_NM_MAX;
}

uint32_t cfg_nm_meta_bits(uint32_t m)
{
    uint32_t b = 0;
    while (b < 32 && (1ull << b) < m)
        b++;
    return b;
}

static int cfg_read_array(jr_obj *root, cfg_accel *c, fw_err *err)
{
    jr_obj a;
    unsigned df, sch;
    const char *nm;
    int rc;
    if ((rc = jr_obj_get(root, "array", true, &a, NULL, err)) ||
        (rc = jr_u32(&a, "rows", true, 0, 1, CFG_MAX_DIM, &c->rows, err)) ||
        (rc = jr_u32(&a, "cols", true, 0, 1, CFG_MAX_DIM, &c->cols, err)) ||
        (rc = jr_enum(&a, "dataflow", true, 0, cfg_dataflow_names, CFG_COUNT(cfg_dataflow_names),
                      &df, err)) ||
        (rc = jr_enum(&a, "schedule", false, CFG_DEFAULT_SCHEDULE, cfg_schedule_names,
                      CFG_COUNT(cfg_schedule_names), &sch, err)) ||
        (rc = jr_u32(&a, "mac_pipeline_cycles", false, CFG_DEFAULT_MAC_PIPELINE_CYCLES, 1, 16,
                     &c->mac_pipeline_cycles, err)) ||
        (rc = jr_u64(&a, "max_stream", false, CFG_DEFAULT_MAX_STREAM, 0, 1ull << 40, &c->max_stream,
                     err)) ||
        (rc = jr_bool(&a, "zero_gating", false, false, &c->zero_gating, err)) ||
        (rc = jr_u32(&a, "transform_ops_per_cycle", false, 0, 0, CFG_MAX_DIM * 2,
                     &c->transform_ops_per_cycle, err)) ||
        (rc = jr_bool(&a, "zero_skipping", false, false, &c->zero_skipping, err)) ||
        (rc = jr_str(&a, "nm_sparsity", false, "none", &nm, err)))
        return rc;
    /* default: one lane per array edge port (rows in, columns out; configs/README.md) */
    if (!c->transform_ops_per_cycle)
        c->transform_ops_per_cycle = c->rows + c->cols;
    c->nm_n = c->nm_m = 0;
    if (strcmp(nm, "none") && !cfg_parse_nm(nm, &c->nm_n, &c->nm_m))
        return jr_fail(&a, "nm_sparsity", err,
                       "'%.40s' is neither \"none\" nor N:M with 1 <= N < M <= %u (e.g. \"2:4\")",
                       nm, CFG_NM_MAX);
    if (c->nm_m && c->nm_n == c->nm_m)
        return jr_fail(&a, "nm_sparsity", err, "'%.40s' keeps every weight (N < M needed)", nm);
    c->dataflow = (cfg_dataflow)df;
    if (c->mac_pipeline_cycles != 1 && c->dataflow == CFG_OS)
        return jr_fail(&a, "mac_pipeline_cycles", err,
                       "output stationary needs a single-cycle accumulate loop (1), got %u",
                       c->mac_pipeline_cycles);
    if (c->mac_pipeline_cycles != 1 && c->dataflow == CFG_TREE)
        return jr_fail(&a, "mac_pipeline_cycles", err,
                       "tree reduces a column in one cycle (engine/arr.h): needs 1, got %u",
                       c->mac_pipeline_cycles);
    c->schedule = (cfg_schedule)sch;
    return jr_obj_done(&a, err);
}

static int cfg_read_precision(jr_obj *root, cfg_accel *c, fw_err *err)
{
    jr_obj p;
    unsigned rnd, sub, ovf;
    int rc;
    if ((rc = jr_obj_get(root, "precision", true, &p, NULL, err)) ||
        (rc = cfg_fmt(&p, "input", &c->mac.input, err)) ||
        (rc = cfg_fmt(&p, "accumulator", &c->mac.accumulator, err)) ||
        (rc = jr_bool(&p, "fused", false, CFG_DEFAULT_FUSED, &c->mac.fused, err)) ||
        (rc = jr_enum(&p, "rounding", false, CFG_DEFAULT_ROUNDING, cfg_round_names,
                      CFG_COUNT(cfg_round_names), &rnd, err)) ||
        (rc = jr_enum(&p, "subnormals", false, CFG_DEFAULT_SUBNORMALS, cfg_subnormal_names,
                      CFG_COUNT(cfg_subnormal_names), &sub, err)) ||
        (rc = jr_enum(&p, "int_overflow", false, CFG_DEFAULT_INT_OVERFLOW, cfg_overflow_names,
                      CFG_COUNT(cfg_overflow_names), &ovf, err)))
        return rc;
    c->mac.mode.round = (nx_round)rnd;
    c->mac.mode.ftz = sub == 1;
    c->mac.mode.tininess_before = false;
    c->mac.overflow = (nx_overflow)ovf;
    const nx_fmt_info *in = nx_fmt_get(c->mac.input);
    const nx_fmt_info *acc = nx_fmt_get(c->mac.accumulator);
    if (!in->is_float) {
        if (c->mac.input != NX_INT8 && c->mac.input != NX_INT16)
            return jr_fail(&p, "input", err, "'%s' is an accumulator format, not an input format",
                           in->name);
        if (acc->is_float || (c->mac.accumulator != NX_INT32 && c->mac.accumulator != NX_INT48))
            return jr_fail(&p, "accumulator", err,
                           "integer input '%s' needs an int32 or int48 accumulator, got '%s'",
                           in->name, acc->name);
    } else if (!acc->is_float || acc->exp_bits < in->exp_bits || acc->man_bits < in->man_bits) {
        return jr_fail(&p, "accumulator", err,
                       "'%s' cannot accumulate '%s' (needs a float format at least as wide in "
                       "exponent and fraction)",
                       acc->name, in->name);
    }
    /* output: written back in this format (default: the accumulator's); integer outputs of an
     * integer accumulator no wider than it, float outputs of a float accumulator */
    c->output = c->mac.accumulator;
    if (jr_has(&p, "output")) {
        if ((rc = cfg_fmt(&p, "output", &c->output, err)))
            return rc;
        const nx_fmt_info *o = nx_fmt_get(c->output);
        if (o->is_float != acc->is_float || o->width_bits > acc->width_bits)
            return jr_fail(&p, "output", err,
                           "'%s' is not an output format of a '%s' accumulator (same kind, no "
                           "wider)",
                           o->name, acc->name);
    }
    return jr_obj_done(&p, err);
}

static int cfg_read_sram(jr_obj *root, cfg_accel *c, fw_err *err)
{
    jr_obj s;
    int rc;
    if ((rc = jr_obj_get(root, "sram", true, &s, NULL, err)))
        return rc;
    for (unsigned op = 0; op < CFG_OPERANDS; op++) {
        jr_obj o;
        cfg_sram *m = &c->sram[op];
        if ((rc = jr_obj_get(&s, cfg_operand_names[op], true, &o, NULL, err)) ||
            (rc = jr_u64(&o, "size_bytes", true, 0, 1, CFG_MAX_SRAM_BYTES, &m->size_bytes, err)) ||
            (rc = jr_u32(&o, "word_bits", false, CFG_DEFAULT_WORD_BITS, 8, 65536, &m->word_bits,
                         err)) ||
            (rc = jr_bool(&o, "double_buffered", false, CFG_DEFAULT_DOUBLE_BUFFERED,
                          &m->double_buffered, err)) ||
            (rc = jr_obj_done(&o, err)))
            return rc;
    }
    /* the equivalent hierarchy: one shared-instance level of three partitions, one port */
    cfg_level *lv = &c->levels[0];
    memset(lv, 0, sizeof *lv);
    snprintf(lv->name, sizeof lv->name, "%s", CFG_SHORTHAND_LEVEL);
    lv->kind = CFG_SRAM_LEVEL;
    lv->instances = CFG_SHARED;
    for (unsigned op = 0; op < CFG_OPERANDS; op++) {
        lv->part[op] = (cfg_part){true,
                                  c->sram[op].size_bytes,
                                  c->sram[op].word_bits,
                                  CFG_DEFAULT_BANKS,
                                  CFG_DEFAULT_PORTS,
                                  CFG_DEFAULT_PORTS,
                                  c->sram[op].double_buffered};
        lv->size_bytes += c->sram[op].size_bytes;
    }
    c->level_count = 1;
    c->hierarchy_given = false;
    return jr_obj_done(&s, err);
}

/* Reads the per-operand access keys of a level or a partition: the level's values are the
 * defaults of its partitions. */
static int cfg_read_access(jr_obj *o, const cfg_part *def, cfg_part *p, fw_err *err)
{
    int rc;
    if ((rc = jr_u32(o, "word_bits", false, def->word_bits, 1, 65536, &p->word_bits, err)) ||
        (rc = jr_u32(o, "banks", false, def->banks, 1, 1u << 20, &p->banks, err)) ||
        (rc = jr_u32(o, "read_ports", false, def->read_ports, 1, 1024, &p->read_ports, err)) ||
        (rc = jr_u32(o, "write_ports", false, def->write_ports, 1, 1024, &p->write_ports, err)) ||
        (rc = jr_bool(o, "double_buffered", false, def->double_buffered, &p->double_buffered,
                      err)))
        return rc;
    return 0;
}

static int cfg_read_level(jr_obj *o, cfg_level *lv, fw_err *err)
{
    const char *name;
    unsigned kind, inst;
    int rc;
    memset(lv, 0, sizeof *lv);
    if ((rc = jr_str(o, "name", true, NULL, &name, err)) ||
        (rc = jr_enum(o, "kind", true, 0, cfg_level_kind_names, CFG_COUNT(cfg_level_kind_names),
                      &kind, err)) ||
        (rc = jr_enum(o, "instances", false, CFG_DEFAULT_INSTANCES, cfg_instances_names,
                      CFG_COUNT(cfg_instances_names), &inst, err)))
        return rc;
    if (!name[0] || strlen(name) >= sizeof lv->name)
        return jr_fail(o, "name", err, "must be 1 to %d bytes", CFG_NAME_BYTES - 1);
    snprintf(lv->name, sizeof lv->name, "%s", name);
    lv->kind = (cfg_level_kind)kind;
    lv->instances = (cfg_instances)inst;
    cfg_part def = {false,           0, CFG_DEFAULT_WORD_BITS, CFG_DEFAULT_BANKS,
                    CFG_DEFAULT_PORTS, CFG_DEFAULT_PORTS,      CFG_DEFAULT_DOUBLE_BUFFERED};
    cfg_part level_acc;
    if ((rc = cfg_read_access(o, &def, &level_acc, err)))
        return rc;
    bool has_holds = jr_has(o, "holds"), has_parts = jr_has(o, "partitions");
    if (has_holds == has_parts)
        return jr_fail(o, NULL, err,
                       "give either \"holds\" with \"size_bytes\" (operands share the level) or "
                       "\"partitions\" (a size per operand)");
    if (has_holds) {
        jr_arr a;
        lv->shared = true;
        if ((rc = jr_arr_get(o, "holds", true, &a, NULL, err)) ||
            (rc = jr_u64(o, "size_bytes", true, 0, 1, CFG_MAX_SRAM_BYTES, &lv->size_bytes, err)))
            return rc;
        if (a.count == 0)
            return jr_fail(o, "holds", err, "must name at least one operand");
        for (size_t i = 0; i < a.count; i++) {
            const char *opname;
            if ((rc = jr_arr_str(&a, i, &opname, err)))
                return rc;
            unsigned op = 0;
            while (op < CFG_OPERANDS && strcmp(opname, cfg_operand_names[op]) != 0)
                op++;
            if (op == CFG_OPERANDS)
                return jr_fail(o, "holds", err,
                               "unknown operand '%s' (expected ifmap, filter or ofmap)", opname);
            if (lv->part[op].held)
                return jr_fail(o, "holds", err, "'%s' listed twice", opname);
            lv->part[op] = level_acc;
            lv->part[op].held = true;
            lv->part[op].size_bytes = lv->size_bytes;
        }
    } else {
        jr_obj ps;
        if ((rc = jr_obj_get(o, "partitions", true, &ps, NULL, err)))
            return rc;
        for (unsigned op = 0; op < CFG_OPERANDS; op++) {
            jr_obj po;
            bool present;
            if ((rc = jr_obj_get(&ps, cfg_operand_names[op], false, &po, &present, err)))
                return rc;
            if (!present)
                continue;
            cfg_part *p = &lv->part[op];
            if ((rc = jr_u64(&po, "size_bytes", true, 0, 1, CFG_MAX_SRAM_BYTES, &p->size_bytes,
                             err)) ||
                (rc = cfg_read_access(&po, &level_acc, p, err)) || (rc = jr_obj_done(&po, err)))
                return rc;
            p->held = true;
            lv->size_bytes += p->size_bytes;
        }
        if ((rc = jr_obj_done(&ps, err)))
            return rc;
        if (lv->size_bytes == 0)
            return jr_fail(o, "partitions", err, "must give at least one operand");
    }
    return jr_obj_done(o, err);
}

/* memory.levels: the explicit hierarchy (configs/README.md). */
static int cfg_read_memory(jr_obj *root, cfg_accel *c, fw_err *err)
{
    jr_obj m;
    jr_arr a;
    int rc;
    if ((rc = jr_obj_get(root, "memory", true, &m, NULL, err)) ||
        (rc = jr_arr_get(&m, "levels", true, &a, NULL, err)))
        return rc;
    if (a.count < 1 || a.count > CFG_MAX_LEVELS)
        return jr_fail(&m, "levels", err, "%zu levels: expected 1 to %d on-chip levels (DRAM is "
                       "the \"dram\" object)", a.count, CFG_MAX_LEVELS);
    for (size_t i = 0; i < a.count; i++) {
        jr_obj o;
        if ((rc = jr_arr_obj(&a, i, &o, err)) || (rc = cfg_read_level(&o, &c->levels[i], err)))
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(c->levels[j].name, c->levels[i].name) == 0)
                return jr_fail(&o, "name", err, "'%s' names two levels", c->levels[i].name);
    }
    c->level_count = (uint32_t)a.count;
    c->hierarchy_given = true;
    unsigned obj;
    if ((rc = jr_enum(&m, "objective", false, CFG_OBJ_ENERGY, cfg_objective_names,
                      CFG_COUNT(cfg_objective_names), &obj, err)))
        return rc;
    c->objective = (cfg_objective)obj;
    jr_obj pins;
    bool has_pins;
    if ((rc = jr_obj_get(&m, "mappings", false, &pins, &has_pins, err)))
        return rc;
    for (const cJSON *e = has_pins ? pins.node->child : NULL; e; e = e->next) {
        const char *text;
        if (c->pin_count == CFG_MAX_PINS)
            return jr_fail(&pins, e->string, err, "more than %d pinned mappings", CFG_MAX_PINS);
        if ((rc = jr_str(&pins, e->string, true, NULL, &text, err)))
            return rc;
        if (strlen(e->string) >= CFG_NAME_BYTES || strlen(text) >= CFG_PIN_BYTES)
            return jr_fail(&pins, e->string, err, "layer name or mapping too long (%d, %d bytes)",
                           CFG_NAME_BYTES - 1, CFG_PIN_BYTES - 1);
        cfg_pin *p = &c->pins[c->pin_count++];
        memset(p, 0, sizeof *p); /* a used entry is fully defined (cfg_clear skips the table) */
        snprintf(p->layer, sizeof p->layer, "%s", e->string);
        snprintf(p->mapping, sizeof p->mapping, "%s", text);
    }
    for (unsigned op = 0; op < CFG_OPERANDS; op++) {
        uint64_t cap;
        int i = cfg_outer_level(c, (cfg_operand)op, &cap);
        if (i < 0)
            return jr_fail(&m, "levels", err,
                           "no level holds '%s' (the array reads every operand from a level)",
                           cfg_operand_names[op]);
        const cfg_part *p = &c->levels[i].part[op];
        c->sram[op].size_bytes = p->size_bytes * cfg_level_instances(c, &c->levels[i]);
        c->sram[op].word_bits = p->word_bits < 8 ? 8 : p->word_bits;
        c->sram[op].double_buffered = p->double_buffered;
    }
    return jr_obj_done(&m, err);
}

static int cfg_read_dram(jr_obj *root, cfg_accel *c, fw_err *err)
{
    jr_obj d;
    unsigned type;
    int rc;
    if ((rc = jr_obj_get(root, "dram", true, &d, NULL, err)) ||
        (rc =
             jr_enum(&d, "type", true, 0, cfg_dram_names, CFG_COUNT(cfg_dram_names), &type, err)) ||
        (rc = jr_f64(&d, "bandwidth_gbps", true, 0, 0, CFG_MAX_GBPS, &c->dram.bandwidth_gbps,
                     err)) ||
        (rc = jr_u32(&d, "latency_cycles", false, CFG_DEFAULT_DRAM_LATENCY_CYCLES, 0, 1000000,
                     &c->dram.latency_cycles, err)))
        return rc;
    c->dram.type = (cfg_dram_type)type;
    /* GB/s -> 1/1000 bytes per cycle: gbps * 1e9 B/s / (clock_mhz * 1e6 cycles/s) * 1000 */
    if (c->dram.bandwidth_gbps == 0) {
        c->dram.bandwidth_millibytes_per_cycle = 0;
    } else {
        double mb = c->dram.bandwidth_gbps * 1.0e6 / c->clock_mhz;
        if (mb < 1)
            return jr_fail(&d, "bandwidth_gbps", err,
                           "%g GB/s is below 0.001 bytes per cycle at %g MHz",
                           c->dram.bandwidth_gbps, c->clock_mhz);
        c->dram.bandwidth_millibytes_per_cycle = (uint64_t)mb;
    }
    return jr_obj_done(&d, err);
}

/* Exactly one of `sram` (shorthand) and `memory` (hierarchy). */
static int cfg_read_storage(jr_obj *root, cfg_accel *c, fw_err *err)
{
    bool has_sram = jr_has(root, "sram"), has_mem = jr_has(root, "memory");
    if (has_sram && has_mem)
        return jr_fail(root, "memory", err, "give either \"sram\" (shorthand) or \"memory\", "
                       "not both");
    return has_mem ? cfg_read_memory(root, c, err) : cfg_read_sram(root, c, err);
}

/* compression (optional): the format of compressed operand tensors (mapping/map.h
 * "Compression"). Absent: none. */
static int cfg_read_compression(jr_obj *root, cfg_accel *c, fw_err *err)
{
    static const char *const formats[] = {"none", "bitmask", "rle", "csr"};
    jr_obj o;
    jr_arr a;
    bool present, ops_given;
    unsigned fmt;
    int rc;
    c->cmp_format = CFG_CMP_NONE;
    if ((rc = jr_obj_get(root, "compression", false, &o, &present, err)) || !present)
        return rc;
    if ((rc = jr_enum(&o, "format", true, 0, formats, CFG_COUNT(formats), &fmt, err)) ||
        (rc = jr_u32(&o, "rle_run_bits", false, CFG_DEFAULT_RLE_RUN_BITS, 1, 16,
                     &c->cmp_rle_run_bits, err)) ||
        (rc = jr_arr_get(&o, "operands", false, &a, &ops_given, err)))
        return rc;
    c->cmp_format = (cfg_cmp_format)fmt;
    c->cmp_operand[CFG_IFMAP] = c->cmp_operand[CFG_FILTER] = !ops_given;
    for (size_t i = 0; ops_given && i < a.count; i++) {
        const char *name;
        if ((rc = jr_arr_str(&a, i, &name, err)))
            return rc;
        if (strcmp(name, "ifmap") && strcmp(name, "filter"))
            return jr_fail(&o, "operands", err,
                           "'%.40s' is not a compressible operand (ifmap, filter)", name);
        c->cmp_operand[strcmp(name, "ifmap") ? CFG_FILTER : CFG_IFMAP] = true;
    }
    return jr_obj_done(&o, err);
}

static int cfg_read_tech(jr_obj *root, cfg_accel *c, fw_err *err)
{
    jr_obj t;
    int rc;
    if ((rc = jr_obj_get(root, "tech", true, &t, NULL, err)) ||
        (rc = jr_f64(&t, "node_nm", true, 0, 1, 1000, &c->tech.node_nm, err)) ||
        (rc = jr_f64(&t, "vdd_v", true, 0, 0.1, 5.0, &c->tech.vdd_v, err)))
        return rc;
    static const char *const processes[] = {"hp", "lp"};
    static const char *const sources[] = {"datapath", "as_built"};
    unsigned process, source;
    if ((rc = jr_enum(&t, "process", false, CFG_PROCESS_HP, processes, 2, &process, err)) ||
        (rc = jr_enum(&t, "arith_source", false, CFG_ARITH_DATAPATH, sources, 2, &source, err)))
        return rc;
    c->tech.process = (cfg_process)process;
    c->tech.arith_source = (cfg_arith_source)source;
    return jr_obj_done(&t, err);
}

static int cfg_from_doc(jr_doc *doc, const char *const *sets, size_t set_count, cfg_accel *out,
                        fw_err *err)
{
    int rc;
    for (size_t i = 0; i < set_count; i++) {
        const char *eq = strchr(sets[i], '=');
        char path[JR_PATH_BYTES];
        if (!eq || eq == sets[i] || (size_t)(eq - sets[i]) >= sizeof path)
            return fw_err_set(err, FW_EXIT_INPUT, "--set %s: expected PATH=VALUE", sets[i]);
        memcpy(path, sets[i], (size_t)(eq - sets[i]));
        path[eq - sets[i]] = '\0';
        if ((rc = jr_doc_set_option(doc, path, eq + 1, sets[i], err)))
            return rc;
    }
    return cfg_from_json(doc, out, err);
}

/* Zeroes every field of c except the contents of the pins table (memory.mappings): the table
 * is 80 KiB, and only its first pin_count entries are ever read. Zeroing and copying all of it
 * was a quarter of the time of a sweep point, which validates one config. */
static void cfg_clear(cfg_accel *c)
{
    size_t pins = offsetof(cfg_accel, pins), after = pins + sizeof c->pins;
    memset(c, 0, pins);
    memset((char *)c + after, 0, sizeof *c - after);
}

/* *c = *base, the pins table only up to pin_count (cfg_clear). */
static void cfg_copy(cfg_accel *c, const cfg_accel *base)
{
    size_t pins = offsetof(cfg_accel, pins), after = pins + sizeof c->pins;
    memcpy(c, base, pins);
    memcpy(c->pins, base->pins, base->pin_count * sizeof c->pins[0]);
    memcpy((char *)c + after, (const char *)base + after, sizeof *c - after);
}

/* The top-level keys and what reads them. A reader that reads a field another section sets
 * (cfg_read_dram: clock_mhz; cfg_read_memory: rows and cols, for the instances of a level)
 * makes that section's bit imply its own in cfg_sections_of. */
static const struct {
    const char *key;
    cfg_sections sections;
} cfg_section_keys[] = {
    {"name", CFG_SEC_NAME},
    {"clock_mhz", CFG_SEC_CLOCK | CFG_SEC_DRAM},
    {"array", CFG_SEC_ARRAY | CFG_SEC_STORAGE},
    {"precision", CFG_SEC_PRECISION},
    {"sram", CFG_SEC_STORAGE},
    {"memory", CFG_SEC_STORAGE},
    {"compression", CFG_SEC_COMPRESSION},
    {"dram", CFG_SEC_DRAM},
    {"tech", CFG_SEC_TECH},
};

cfg_sections cfg_sections_of(const jr_doc *base, const char *path)
{
    size_t n = strcspn(path, ".[");
    for (size_t i = 0; i < CFG_COUNT(cfg_section_keys); i++) {
        const char *key = cfg_section_keys[i].key;
        if (strlen(key) != n || strncmp(path, key, n) != 0)
            continue;
        return base && cJSON_IsObject(base->root) &&
                       cJSON_GetObjectItemCaseSensitive(base->root, key)
                   ? cfg_section_keys[i].sections
                   : 0;
    }
    return 0;
}

/* cfg_from_json and cfg_from_json_sections: one reader. Without base every section is read
 * into a cleared config and the root is checked for unknown keys; with base, the config starts
 * as base and only the sections in `sections` are cleared and read again, in the same order. */
static int cfg_read(const jr_doc *doc, const cfg_accel *base, cfg_sections sections,
                    cfg_accel *out, fw_err *err)
{
    int rc;
    cfg_accel *c = out; /* built in place (cfg_clear) */
    if (base)
        cfg_copy(c, base);
    else
        cfg_clear(c);
    jr_obj root;
    const char *name = NULL;
    if ((rc = jr_root(doc, &root, err)))
        return rc;
    if (sections & CFG_SEC_NAME) {
        memset(c->name, 0, sizeof c->name);
        if ((rc = jr_str(&root, "name", false, CFG_DEFAULT_NAME, &name, err)))
            return rc;
    }
    if (sections & CFG_SEC_CLOCK) {
        c->clock_mhz = 0;
        if ((rc = jr_f64(&root, "clock_mhz", true, 0, 1, 100000, &c->clock_mhz, err)))
            return rc;
    }
    if (sections & CFG_SEC_ARRAY) {
        c->rows = c->cols = c->mac_pipeline_cycles = 0;
        c->dataflow = CFG_WS;
        c->schedule = CFG_PIPELINED;
        c->zero_gating = false;
        c->max_stream = 0;
        if ((rc = cfg_read_array(&root, c, err)))
            return rc;
    }
    if (sections & CFG_SEC_PRECISION) {
        memset(&c->mac, 0, sizeof c->mac);
        memset(&c->output, 0, sizeof c->output);
        if ((rc = cfg_read_precision(&root, c, err)))
            return rc;
    }
    if (sections & CFG_SEC_STORAGE) {
        memset(c->sram, 0, sizeof c->sram);
        memset(c->levels, 0, sizeof c->levels);
        c->level_count = c->pin_count = 0;
        c->hierarchy_given = false;
        c->objective = CFG_OBJ_ENERGY;
        if ((rc = cfg_read_storage(&root, c, err)))
            return rc;
    }
    if (sections & CFG_SEC_DRAM) {
        memset(&c->dram, 0, sizeof c->dram);
        if ((rc = cfg_read_dram(&root, c, err)))
            return rc;
    }
    if (sections & CFG_SEC_TECH) {
        memset(&c->tech, 0, sizeof c->tech);
        if ((rc = cfg_read_tech(&root, c, err)))
            return rc;
    }
    if (sections & CFG_SEC_COMPRESSION) {
        c->cmp_format = CFG_CMP_NONE;
        c->cmp_rle_run_bits = 0;
        memset(c->cmp_operand, 0, sizeof c->cmp_operand);
        if ((rc = cfg_read_compression(&root, c, err)))
            return rc;
    }
    if (!base && (rc = jr_obj_done(&root, err)))
        return rc;
    if (name) {
        if (strlen(name) >= sizeof c->name)
            return jr_fail(&root, "name", err, "longer than %d bytes", CFG_NAME_BYTES - 1);
        snprintf(c->name, sizeof c->name, "%s", name);
    }
    if (c->nm_m && c->hierarchy_given) /* across sections: checked after any of them */
        return jr_fail(&root, "array", err,
                       "nm_sparsity with memory.levels is not modelled (the tiled model has no "
                       "compressed weights yet; use the sram form)");
    if (c->cmp_format != CFG_CMP_NONE && c->hierarchy_given)
        return jr_fail(&root, "compression", err,
                       "compression with memory.levels is not modelled (use the sram form)");
    return 0;
}

int cfg_from_json(const jr_doc *doc, cfg_accel *out, fw_err *err)
{
    return cfg_read(doc, NULL, CFG_SEC_ALL, out, err);
}

int cfg_from_json_sections(const jr_doc *doc, const cfg_accel *base, cfg_sections sections,
                           cfg_accel *out, fw_err *err)
{
    return cfg_read(doc, base, sections, out, err);
}

int cfg_load(const char *path, const char *const *sets, size_t set_count, cfg_accel *out,
             fw_err *err)
{
    jr_doc doc;
    int rc = jr_doc_load(path, &doc, err);
    if (rc)
        return rc;
    rc = cfg_from_doc(&doc, sets, set_count, out, err);
    jr_doc_fini(&doc);
    return rc;
}

int cfg_load_resolved(const char *path, const char *const *sets, size_t set_count,
                      cfg_accel *out, char **resolved, fw_err *err)
{
    jr_doc doc;
    *resolved = NULL;
    int rc = jr_doc_load(path, &doc, err);
    if (rc)
        return rc;
    rc = cfg_from_doc(&doc, sets, set_count, out, err);
    if (!rc && !(*resolved = cJSON_PrintUnformatted(doc.root)))
        rc = fw_err_set(err, FW_EXIT_IO, "%s: out of memory", path);
    jr_doc_fini(&doc);
    return rc;
}

int cfg_parse(const char *name, const char *text, const char *const *sets, size_t set_count,
              cfg_accel *out, fw_err *err)
{
    jr_doc doc;
    int rc = jr_doc_parse(name, text, &doc, err);
    if (rc)
        return rc;
    rc = cfg_from_doc(&doc, sets, set_count, out, err);
    jr_doc_fini(&doc);
    return rc;
}
