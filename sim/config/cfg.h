/* cfg: the accelerator config (configs/NAME.json, documented key by key in configs/README.md).
 * Read once through the strict JSON reader (common/jr.h), `--set PATH=VALUE` overrides applied
 * to the document before validation, every default in cfg.c (and the README) only, then
 * read-only. Stage sim/config: later stages (mapping, engine, energy, report) read it.
 */
#ifndef CFG_H
#define CFG_H

#include "common/fw_err.h"
#include "common/jr.h"
#include "numerics/nx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CFG_NAME_BYTES 64

/* ws, os, is: systolic (engine/arr.h); tree: inputs broadcast along rows, each column reduced
 * through an adder tree (DianNao's NFU, NVDLA's CMAC), mapped like ws (mapping/map.h) */
typedef enum cfg_dataflow { CFG_WS = 0, CFG_OS, CFG_IS, CFG_TREE } cfg_dataflow;
typedef enum cfg_schedule { CFG_PIPELINED = 0, CFG_SERIAL } cfg_schedule;
/* The three operands, each with its own SRAM. */
typedef enum cfg_operand { CFG_IFMAP = 0, CFG_FILTER, CFG_OFMAP, CFG_OPERANDS } cfg_operand;
/* CFG_DRAM_NONE: no DRAM is priced (the chip's operands cross its boundary at bandwidth_gbps
 * but cost no energy: a chip fed by a host, or a study of the die alone) */
typedef enum cfg_dram_type {
    CFG_DDR3 = 0,
    CFG_DDR4,
    CFG_LPDDR4,
    CFG_HBM2,
    CFG_DRAM_NONE
} cfg_dram_type;

typedef struct cfg_sram {
    uint64_t size_bytes;  /* total capacity (both halves when double buffered) */
    uint32_t word_bits;   /* access width, for the energy model */
    bool double_buffered; /* two halves: one computes while the other is filled/drained */
} cfg_sram;

typedef struct cfg_dram {
    cfg_dram_type type;
    double bandwidth_gbps; /* as configured (10^9 bytes/s); 0 = unlimited */
    /* the same bandwidth in 1/1000 bytes per clock cycle, rounded down (>= 1), or 0 for
     * unlimited: the only form the cycle model uses (integer arithmetic) */
    uint64_t bandwidth_millibytes_per_cycle;
    uint32_t latency_cycles; /* from a read request to its first byte */
} cfg_dram;

/* tech.process: the device flavour of the node's energy fit (default hp) */
typedef enum cfg_process { CFG_PROCESS_HP = 0, CFG_PROCESS_LP } cfg_process;
/* tech.arith_source: what prices one MAC (default datapath): the datapath operator energies
 * (Horowitz) or published, measured FMA/MAC units (models/tech/README.md, "As built") */
typedef enum cfg_arith_source { CFG_ARITH_DATAPATH = 0, CFG_ARITH_AS_BUILT } cfg_arith_source;

/* The storage hierarchy (configs/README.md, "memory.levels"): on-chip levels from the PEs
 * outwards, index 0 nearest the array; DRAM (cfg_dram) is always the last level. Each level
 * holds some of the operands, either sharing one capacity or in partitions of their own. */
#define CFG_MAX_LEVELS 6 /* on-chip levels */
typedef enum cfg_level_kind { CFG_REGFILE = 0, CFG_SRAM_LEVEL } cfg_level_kind;
/* How many copies of the level exist: one shared, one per PE (R*C), per row (R), per column
 * (C). Capacities, banks and ports are per instance. */
typedef enum cfg_instances { CFG_SHARED = 0, CFG_PER_PE, CFG_PER_ROW, CFG_PER_COL } cfg_instances;

/* One operand's place in a level. */
typedef struct cfg_part {
    bool held;            /* the level holds this operand */
    uint64_t size_bytes;  /* partitioned level: this operand's capacity per instance; shared
                             level: the level's whole capacity (shared with the other operands) */
    uint32_t word_bits;   /* access width */
    uint32_t banks;       /* independently accessed banks */
    uint32_t read_ports;  /* words read per cycle per bank */
    uint32_t write_ports; /* words written per cycle per bank */
    bool double_buffered; /* two halves: one serves the array while the other fills/drains */
} cfg_part;

/* memory.objective: what the mapping search minimises (mapping/tl.h) */
typedef enum cfg_objective { CFG_OBJ_ENERGY = 0, CFG_OBJ_CYCLES, CFG_OBJ_EDP } cfg_objective;
#define CFG_MAX_PINS 256    /* memory.mappings entries (a whole ResNet-152) */
#define CFG_PIN_BYTES 256   /* one pinned mapping's text */
typedef struct cfg_pin {
    char layer[CFG_NAME_BYTES];
    char mapping[CFG_PIN_BYTES]; /* tl_parse text, checked when the layer runs */
} cfg_pin;

typedef struct cfg_level {
    char name[CFG_NAME_BYTES];
    cfg_level_kind kind;
    cfg_instances instances;
    bool shared;         /* the held operands share size_bytes (else: partitions) */
    uint64_t size_bytes; /* per instance: the shared capacity or the sum of the partitions */
    cfg_part part[CFG_OPERANDS];
} cfg_level;

typedef struct cfg_tech {
    double node_nm; /* process node, read by the energy model */
    double vdd_v;   /* supply voltage */
    cfg_process process;
    cfg_arith_source arith_source;
} cfg_tech;

/* compression.format: how operand tensors are stored in DRAM and the on-chip buffers
 * (mapping/map.h "Compression") */
typedef enum cfg_cmp_format { CFG_CMP_NONE = 0, CFG_CMP_BITMASK, CFG_CMP_RLE, CFG_CMP_CSR } cfg_cmp_format;
/* Eyeriss's run-length coding: 5-bit runs of zeros (Chen et al., JSSC 2017, Sec. V-B) */
#define CFG_DEFAULT_RLE_RUN_BITS 5

typedef struct cfg_accel {
    char name[CFG_NAME_BYTES];
    uint32_t rows, cols; /* PE array R x C */
    cfg_dataflow dataflow;
    cfg_schedule schedule;
    uint32_t mac_pipeline_cycles; /* PE MAC latency in cycles (1..16; os: 1) */
    bool zero_gating; /* array.zero_gating: a MAC with a zero operand does not toggle (energy
                         model: its MAC energy is not charged; cycles unchanged) */
    /* array.transform_ops_per_cycle: adds and constant multiplies per cycle of the transform
     * unit of Winograd/FFT layers (engine/eng_xform.h); default (0 in the file) rows + cols */
    uint32_t transform_ops_per_cycle;
    bool zero_skipping; /* array.zero_skipping: zeros of the streamed operand take no slot
                           (engine/eng.h "Zero skipping") */
    /* array.nm_sparsity "N:M": the array takes weights compressed to N of every M along the
     * reduction, with ceil(log2 M) bits of metadata per kept weight (mapping/map.h "N:M");
     * 0:0 ("none", the default): weights are stored and multiplied dense */
    uint32_t nm_n, nm_m;
    cfg_cmp_format cmp_format;         /* compression.format; CFG_CMP_NONE without the block */
    uint32_t cmp_rle_run_bits;         /* compression.rle_run_bits */
    bool cmp_operand[CFG_OPERANDS];    /* compression.operands (ifmap, filter; never ofmap) */
    uint64_t max_stream; /* ws/is: streamed dimension cut into chunks of this length; 0 = whole;
                            os ignores it (its streamed dimension is the reduction) */
    nx_mac_cfg mac;      /* precision: formats, fused, rounding, subnormals, overflow */
    nx_fmt output;       /* format of the outputs written back to DRAM (default: the accumulator) */
    double clock_mhz;
    /* Per operand: the outermost on-chip level holding it (for an explicit hierarchy: its
     * partition, or the whole shared level, times its instances). The shorthand `sram` form
     * sets these directly; the energy model and the report read them. */
    cfg_sram sram[CFG_OPERANDS];
    /* The storage hierarchy. The shorthand `sram` form expands to one level "sram" of three
     * partitions (hierarchy_given false), which the engine runs with the per-operand SRAM model
     * of engine/mem.h exactly as before; `memory.levels` (hierarchy_given true) runs the tiled
     * model of mapping/tl.h. */
    uint32_t level_count;
    cfg_level levels[CFG_MAX_LEVELS];
    bool hierarchy_given;
    cfg_objective objective; /* memory.objective */
    uint32_t pin_count;      /* memory.mappings: layers whose mapping is pinned */
    cfg_pin pins[CFG_MAX_PINS];
    cfg_dram dram; /* the last level */
    cfg_tech tech;
} cfg_accel;

/* Loads and validates a config file, applying each "PATH=VALUE" of sets[0..set_count-1] to the
 * JSON document first (validated like the file). Errors name the file and JSON path
 * (FW_EXIT_INPUT) or the unreadable file (FW_EXIT_IO). *out is filled by value: no ownership. */
int cfg_load(const char *path, const char *const *sets, size_t set_count, cfg_accel *out,
             fw_err *err);
/* cfg_load that also returns the config as validated, after the overrides, as one line of JSON
 * (*resolved, the caller's to free): the provenance record of a run. */
int cfg_load_resolved(const char *path, const char *const *sets, size_t set_count,
                      cfg_accel *out, char **resolved, fw_err *err);
/* The same from JSON text; name is used in messages. */
int cfg_parse(const char *name, const char *text, const char *const *sets, size_t set_count,
              cfg_accel *out, fw_err *err);

/* The same from a parsed document, without overrides: validates doc (not changed, still owned
 * by the caller) exactly as cfg_parse validates its text. *out is built in place: on failure it
 * holds a partial config (not to be used). */
int cfg_from_json(const jr_doc *doc, cfg_accel *out, fw_err *err);

/* Incremental validation, for many variants of one document that differ only in a few values
 * (a sweep: the base config with each point's axis values). The config's top-level keys are
 * its sections; cfg_from_json reads them in this order: */
typedef unsigned cfg_sections;
enum {
    CFG_SEC_NAME = 1u << 0,      /* name */
    CFG_SEC_CLOCK = 1u << 1,     /* clock_mhz */
    CFG_SEC_ARRAY = 1u << 2,     /* array */
    CFG_SEC_PRECISION = 1u << 3, /* precision */
    CFG_SEC_STORAGE = 1u << 4,   /* sram or memory */
    CFG_SEC_DRAM = 1u << 5,      /* dram */
    CFG_SEC_TECH = 1u << 6,      /* tech */
    CFG_SEC_COMPRESSION = 1u << 7, /* compression */
    CFG_SEC_ALL = (1u << 8) - 1
};
/* The sections to read again when the value at a JSON path ("array.rows",
 * "memory.levels[1].size_bytes") changes: the path's top-level section and those that read it
 * (dram reads clock_mhz, memory levels the array's shape). 0 when the path's top-level key is not
 * a section or not in base's root object: then only cfg_from_json validates. */
cfg_sections cfg_sections_of(const jr_doc *base, const char *path);
/* cfg_from_json(doc, out, err) given base, the config cfg_from_json validated from a document
 * that differs from doc only under the top-level keys of `sections` (present in both): the other
 * sections are base's (they are equal), the listed ones are read from doc in cfg_from_json's
 * order, the root's keys are not checked again (they are the same). So the status, the message
 * and *out equal cfg_from_json's (tests/unit/test_sim_config.c checks on random edits). */
int cfg_from_json_sections(const jr_doc *doc, const cfg_accel *base, cfg_sections sections,
                           cfg_accel *out, fw_err *err);

/* Storage bytes of one element of the input format / the accumulator format. */
/* Largest M of array.nm_sparsity and of a layer's N:M weights (<= 8 metadata bits). */
#define CFG_NM_MAX 256
/* Parses "N:M" (spaces around the numbers allowed) with 1 <= N <= M <= CFG_NM_MAX into *n,
 * *m; returns false (leaving them unspecified) otherwise. The one N:M parser (the workload
 * reader calls it through wl_parse_nm). */
bool cfg_parse_nm(const char *text, uint32_t *n, uint32_t *m);
/* Metadata bits per kept weight of N:M compression: ceil(log2 M) (0 for M = 1). */
uint32_t cfg_nm_meta_bits(uint32_t m);

uint32_t cfg_input_bytes(const cfg_accel *cfg);
uint32_t cfg_acc_bytes(const cfg_accel *cfg);
uint32_t cfg_output_bytes(const cfg_accel *cfg);

/* The outermost on-chip level holding op (where a tensor can stay between layers), or -1 when
 * none does. *capacity_bytes (when not NULL) receives what that level can give the operand:
 * its partition or the shared capacity, times instances, halved when double buffered. */
int cfg_outer_level(const cfg_accel *cfg, cfg_operand op, uint64_t *capacity_bytes);
/* The pinned mapping text of a layer (memory.mappings), or NULL. */
const char *cfg_pinned_mapping(const cfg_accel *cfg, const char *layer);
/* Instances of a level on this array (1, R*C, R or C). */
uint64_t cfg_level_instances(const cfg_accel *cfg, const cfg_level *lv);

/* Names for messages and reports. */
const char *cfg_level_kind_name(cfg_level_kind k);
const char *cfg_instances_name(cfg_instances i);
const char *cfg_dataflow_name(cfg_dataflow df);
const char *cfg_schedule_name(cfg_schedule s);
const char *cfg_operand_name(cfg_operand op);
const char *cfg_dram_type_name(cfg_dram_type t);

#endif
