/* tech: the technology model of flopwatt (DESIGN.md contract 3). Loads the technology data
 * (models/tech/data/NAME.json: every constant with a unit in its key and a source), validates it
 * through the strict JSON reader, derives what has no published figure, and answers energy and
 * area questions at a (node, supply) point:
 *   - arithmetic: add / multiply per number format at 45 nm, 0.9 V (Horowitz 2014), formats
 *     without a row derived (multiplier ~ significand width^2, adder ~ width), marked derived;
 *   - node and supply: Stillmaker-Baas E_N(V) = a V^2 + b V + c, relative to 45 nm at 0.9 V;
 *     nodes outside the fit (40, 28, 22 nm) interpolated in log-log and marked interpolated;
 *   - SRAM: energy per bit = exp(k0) * capacity^k1 * word^k2, least-squares fit (GSL) to the
 *     published points moved to 45 nm / 0.9 V; registers, wires, DRAM per bit;
 *   - assumptions (ladder access counts, leakage and clock fractions) and references (GPUs,
 *     published chips), all with sources.
 * Data location: the JSON text is embedded in the binary at build time (tests/tech.mk
 * generates build/gen/tech_data.c), so the installed command needs no data files; the
 * environment variable FLOPWATT_DATA=DIR makes the command read DIR/<name>.json instead
 * (tech_load_dir). Stage models/tech: reads numerics (format widths) and common.
 * No globals: a loaded tech_lib is read-only and may be shared by threads. Loading and the
 * supply solver turn GSL's abort-on-error handler off (process-wide, idempotent) and check
 * every GSL return code instead.
 */
#ifndef TECH_H
#define TECH_H

#include "common/fw_err.h"
#include "numerics/nx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TECH_TEXT_BYTES 400
#define TECH_NAME_BYTES 64
#define TECH_MAX_NODES 24
#define TECH_MAX_SRAM_POINTS 16
#define TECH_MAX_DRAM 8
#define TECH_MAX_REFS 16
#define TECH_FILE_COUNT 5
#define TECH_MAX_UNITS 8

/* One data file: its name ("arith.json") and text. */
typedef struct tech_text {
    const char *name;
    const char *text;
} tech_text;

/* The data files embedded at build time (TECH_FILE_COUNT entries, static storage). */
const tech_text *tech_embedded(size_t *count);
/* The inputs of flopwatt validate (configs/validate/NAME.json and the workloads the chips of
 * references.json name), embedded the same way, named by repository path. */
const tech_text *tech_embedded_inputs(size_t *count);
/* The text of an embedded input by repository path, or NULL. */
const char *tech_embedded_input(const char *path);

typedef enum tech_op { TECH_ADD = 0, TECH_MUL, TECH_OPS } tech_op;

/* One operation of one format at 45 nm / 0.9 V. */
typedef struct tech_arith {
    double energy_pj;
    double area_um2;
    bool derived; /* no published row: derived by the width rule */
    char source[TECH_TEXT_BYTES];
} tech_arith;

/* Process flavour: high performance or low power (Stillmaker-Baas fit both for 45 nm and below;
 * the bulk nodes 130-65 nm have one row, repeated as their LP entry). */
typedef enum tech_process { TECH_HP = 0, TECH_LP, TECH_PROCESSES } tech_process;

/* What prices one MAC: the datapath operator energies (Horowitz: the lower bound) or published,
 * measured FMA/MAC units (as built: their pipeline registers, rounding, local clock included). */
typedef enum tech_arith_source { TECH_ARITH_DATAPATH = 0, TECH_ARITH_AS_BUILT } tech_arith_source;

/* A published, measured FMA/MAC unit (arith.json "as_built"): its efficiency at its node, process
 * and supply, moved to 45 nm / 0.9 V and compared with the datapath figure of its formats. */
typedef struct tech_unit {
    char name[TECH_NAME_BYTES];
    nx_fmt format, accumulator;
    double node_nm, vdd_v;
    tech_process process;
    double gflops_per_w;   /* as published: 2 FLOPs (ops) per FMA (MAC) */
    double fma_pj;         /* 2000 / gflops_per_w, at the unit's node and supply */
    double fma_pj_45;      /* moved to 45 nm / 0.9 V (HP) */
    double datapath_pj_45; /* multiply (format) + add (accumulator) at 45 nm / 0.9 V */
    double factor;         /* fma_pj_45 / datapath_pj_45 (>= 1) */
    char source[TECH_TEXT_BYTES];
} tech_unit;

typedef enum tech_node_method {
    TECH_NODE_FIT = 0,
    TECH_NODE_INTERPOLATED,
    TECH_NODE_EXCLUDED
} tech_node_method;

typedef struct tech_node {
    double node_nm;
    tech_process process;
    tech_node_method method;
    double a_per_v2, b_per_v, c_rel; /* fit nodes only */
    size_t lo, hi; /* interpolated: indices of the fitted neighbours (same process's list) */
    double nominal_vdd_v;
    double area_rel_45; /* area relative to 45 nm (interpolated ones filled at load) */
    bool area_derived;
    char source[TECH_TEXT_BYTES];
    char note[TECH_TEXT_BYTES];
} tech_node;

typedef struct tech_sram_point {
    double node_nm, vdd_v, capacity_bytes, word_bits;
    double read_pj_per_bit, write_pj_per_bit; /* as published (write 0 when absent) */
    double read_pj_per_bit_45;                /* moved to 45 nm / 0.9 V */
    char source[TECH_TEXT_BYTES];
} tech_sram_point;

typedef struct tech_dram {
    char type[TECH_NAME_BYTES];
    double low_pj_per_bit, high_pj_per_bit, pj_per_bit; /* pj_per_bit = midpoint */
    char source[TECH_TEXT_BYTES];
} tech_dram;

/* Access counts behind the ceiling ladder's non-arithmetic rungs (assumptions.json). */
typedef struct tech_ladder {
    double reg_input_reads_per_mac, reg_acc_reads_per_mac;
    double reg_input_writes_per_mac, reg_acc_writes_per_mac;
    double sram_input_reads_per_mac, sram_acc_writes_per_mac;
    double sram_capacity_bytes, sram_word_bits;
    double dram_input_elements_per_mac;
    char dram_type[TECH_NAME_BYTES];
    char reg_source[TECH_TEXT_BYTES], sram_source[TECH_TEXT_BYTES],
        sram_size_source[TECH_TEXT_BYTES], dram_source[TECH_TEXT_BYTES];
} tech_ladder;

typedef struct tech_gpu {
    char name[TECH_NAME_BYTES];
    double node_nm;
    nx_fmt precision;
    double peak_tflops, tdp_w;
    char source[TECH_TEXT_BYTES];
} tech_gpu;

typedef struct tech_chip {
    char name[TECH_NAME_BYTES];
    char config[TECH_NAME_BYTES]; /* repository path of the flopwatt config modelling it */
    uint32_t batch;               /* images per run of the workload */
    char batch_source[TECH_TEXT_BYTES];
    char workload[TECH_NAME_BYTES];      /* repository path of the workload it is validated on */
    double peak_gops, power_w, area_mm2; /* area 0 = not published */
    char source[TECH_TEXT_BYTES];
} tech_chip;

/* The energy classes a calibration overlay scales (tech_overlay_apply), in this order. */
typedef enum tech_class {
    TECH_CLASS_ARITH = 0,   /* tech_op_pj, tech_mac_pj */
    TECH_CLASS_REG,         /* tech_reg_pj_per_bit */
    TECH_CLASS_SRAM,        /* tech_sram_read/write_pj_per_bit */
    TECH_CLASS_WIRE,        /* tech_wire_pj_per_bit_mm */
    TECH_CLASS_LEAK_CLOCK,  /* leak_fraction and clock_fraction */
    TECH_CLASS_COUNT
} tech_class;

typedef struct tech_lib {
    tech_arith arith[NX_FMT_COUNT][TECH_OPS];
    tech_unit units[TECH_MAX_UNITS];
    size_t unit_count;
    /* as built / datapath MAC energy per input format, from the units (see tech_as_built_factor) */
    double as_built_factor[NX_FMT_COUNT];
    char as_built_source[NX_FMT_COUNT][TECH_TEXT_BYTES];
    tech_node nodes[TECH_MAX_NODES]; /* HP (and the single-row bulk nodes), largest first */
    size_t node_count;
    tech_node lp_nodes[TECH_MAX_NODES]; /* LP, largest first; areas copied from the HP list */
    size_t lp_node_count;
    double ref_node_nm, ref_vdd_v;   /* 45 nm, 0.9 V: where arith and the SRAM fit live */
    double vdd_min_rel, vdd_max_rel; /* plausible supply range, relative to nominal */
    char vdd_range_source[TECH_TEXT_BYTES];
    tech_sram_point sram[TECH_MAX_SRAM_POINTS];
    size_t sram_count;
    double sram_k0, sram_k_cap, sram_k_word; /* ln E_bit = k0 + k_cap ln C + k_word ln W (45 nm) */
    double sram_fit_rms_ln;                  /* rms residual of the fit in ln units */
    double sram_write_read_ratio;            /* geometric mean over points with both */
    double sram_area_um2_per_bit_45;
    double reg_pj_per_bit_45, reg_area_um2_per_bit_45;
    char reg_source[TECH_TEXT_BYTES];
    double wire_pj_per_bit_mm_45;
    char wire_source[TECH_TEXT_BYTES];
    tech_dram dram[TECH_MAX_DRAM];
    size_t dram_count;
    tech_ladder ladder;
    double leak_fraction, clock_fraction;
    /* register read = fraction x the register figure per bit; a write is the figure: flip-flops
     * (PE pipeline registers, charged at capture) and multi-entry register files */
    double ff_read_fraction, rf_read_fraction;
    char leak_source[TECH_TEXT_BYTES], clock_source[TECH_TEXT_BYTES],
        ff_read_source[TECH_TEXT_BYTES], rf_read_source[TECH_TEXT_BYTES];
    nx_fmt default_acc[NX_FMT_COUNT]; /* accumulator per input format; NX_FMT_COUNT = none */
    tech_gpu gpus[TECH_MAX_REFS];
    size_t gpu_count;
    double quoted_gflops_per_w, quoted_node_nm;
    nx_fmt quoted_precision;
    char quoted_source[TECH_TEXT_BYTES];
    tech_chip chips[TECH_MAX_REFS];
    size_t chip_count;
    /* Calibration: every energy of a class is multiplied by class_scale[class] (1 = the generic
     * model; leak_fraction and clock_fraction already include theirs). overlay names the overlay
     * file applied ("" = none) and fitted_on the chips it was fitted on. */
    double class_scale[TECH_CLASS_COUNT];
    char overlay[TECH_TEXT_BYTES];
    char fitted_on[TECH_TEXT_BYTES];
} tech_lib;

/* Loads and validates the data files files[0..count-1] (each of arith.json, nodes.json,
 * memory.json, assumptions.json, references.json exactly once). On success the caller owns
 * *out (tech_destroy). Errors (FW_EXIT_INPUT) name the file and the JSON path: syntax, missing
 * or unknown key, value out of range (energies must be > 0), unknown source id, unknown
 * format or node, a fit that does not grow with capacity. */
int tech_load_texts(const tech_text *files, size_t count, tech_lib **out, fw_err *err);
/* Loading in steps, for a caller that holds parsed documents (tech_load_texts is these steps):
 * tech_load_start zeroes a library, then tech_load_doc reads one data file into it, recognised
 * by its name (doc->file ends in arith.json, ...), in the load order nodes, arith, memory,
 * assumptions, references (a file may check against the ones before it). tech_lib holds no
 * pointers: a library between steps may be copied by value (tests/fuzz/fuzz_tech.c keeps the
 * library before each file and reads only the fuzzed file and those after it). Fails as
 * tech_load_texts does. */
void tech_load_start(tech_lib *lib);
struct jr_doc; /* common/jr.h */
int tech_load_doc(tech_lib *lib, const struct jr_doc *doc, fw_err *err);
/* The embedded data (dir NULL) or DIR/<name>.json for each file name (FW_EXIT_IO if a file
 * cannot be read). */
int tech_load(const char *dir, tech_lib **out, fw_err *err);
void tech_destroy(tech_lib *lib);

/* Short name of an energy class ("arithmetic", "registers", "sram", "wires",
 * "leakage_clock"): the keys of an overlay's "scale" object. */
const char *tech_class_name(tech_class c);
/* Multiplies the energies of each class by scale[class] (> 0): class_scale for arithmetic,
 * registers, SRAM and wires, the leakage and clock fractions for TECH_CLASS_LEAK_CLOCK. */
void tech_scale_classes(tech_lib *lib, const double scale[TECH_CLASS_COUNT]);
/* Reads a calibration overlay (written by flopwatt calibrate; models/tech/README.md):
 *   {"about": "...", "fitted_on": ["chip", ...], "scale": {"arithmetic": F, "registers": F,
 *    "sram": F, "wires": F, "leakage_clock": F}}
 * every factor in [1e-3, 1e3] (absent = 1), and applies it with tech_scale_classes. Errors
 * (FW_EXIT_INPUT, FW_EXIT_IO) name the file and JSON path. At most one overlay per lib. */
int tech_overlay_apply(tech_lib *lib, const char *path, fw_err *err);
/* The same from text (name used in messages). */
int tech_overlay_apply_text(tech_lib *lib, const char *name, const char *text, fw_err *err);

/* A (node, supply) operating point: scale factors from 45 nm / 0.9 V. Plain data; borrows lib. */
typedef struct tech_point {
    const tech_lib *lib;
    const tech_node *node;
    double vdd_v;
    double energy_scale; /* E_node(vdd) / E_45(0.9 V) */
    double area_scale;   /* area relative to 45 nm */
} tech_point;

/* Finds a node (exact match in nm) of the HP list. Unknown or excluded nodes fail
 * (FW_EXIT_INPUT) with a message listing the known nodes or the exclusion note. */
int tech_node_find(const tech_lib *lib, double node_nm, const tech_node **out, fw_err *err);
/* The same in the list of a process flavour. */
int tech_node_find_process(const tech_lib *lib, double node_nm, tech_process process,
                           const tech_node **out, fw_err *err);
/* "hp" or "lp". */
const char *tech_process_name(tech_process p);
/* Relative energy E_N(V) of a node (dimensionless, the fit's units); interpolated nodes: the
 * log-log interpolation between their fitted neighbours at the same V. */
double tech_node_energy_rel(const tech_lib *lib, const tech_node *node, double vdd_v);
/* The supply where dE/dV = 0 for the node's polynomial (V); below it the fit is not monotonic
 * and not used. 0 when the polynomial is monotonic for all V > 0. */
double tech_node_vdd_floor_v(const tech_lib *lib, const tech_node *node);

/* Sets up a point of the HP flavour. vdd_v <= 0 selects the node's nominal supply. Fails
 * (FW_EXIT_INPUT) for an unknown node or a supply outside (floor, 3 x nominal]. */
int tech_point_init(const tech_lib *lib, double node_nm, double vdd_v, tech_point *out,
                    fw_err *err);
/* The same for a process flavour (energies relative to the HP 45 nm / 0.9 V reference). */
int tech_point_init_process(const tech_lib *lib, double node_nm, tech_process process,
                            double vdd_v, tech_point *out, fw_err *err);

/* Energy (pJ) and area (um2) of one operation of format fmt at the point. */
double tech_op_pj(const tech_point *pt, nx_fmt fmt, tech_op op);
double tech_op_area_um2(const tech_point *pt, nx_fmt fmt, tech_op op);
/* One MAC: multiply in `in` + add in `acc` (no published fused row; derived as the sum). */
double tech_mac_pj(const tech_point *pt, nx_fmt in, nx_fmt acc);
/* As built / datapath ratio for MACs with `in` inputs (>= 1): the ratio of the published unit of
 * the same kind (floating or integer) whose significand width (with the hidden bit; integers:
 * the width) equals the format's; between two units, log-log interpolation in that width;
 * outside them, the nearest unit's; 1 when no unit of the kind is published (the as-built figure
 * is then the datapath figure, and as_built_source[in] says so). */
double tech_as_built_factor(const tech_lib *lib, nx_fmt in);
/* One MAC priced by a source: tech_mac_pj, or tech_mac_pj x tech_as_built_factor(in). */
double tech_mac_pj_src(const tech_point *pt, nx_fmt in, nx_fmt acc, tech_arith_source src);
/* "datapath" or "as built". */
const char *tech_arith_source_name(tech_arith_source s);
/* Register access energy (pJ per bit per read or write) and area (um2 per bit). */
double tech_reg_pj_per_bit(const tech_point *pt);
double tech_reg_area_um2_per_bit(const tech_point *pt);
/* SRAM read / write energy (pJ per bit of an access) for a capacity (bytes) and access width
 * (bits); area (um2 per bit of capacity). */
double tech_sram_read_pj_per_bit(const tech_point *pt, double capacity_bytes, double word_bits);
double tech_sram_write_pj_per_bit(const tech_point *pt, double capacity_bytes, double word_bits);
/* Both at once (the same two values; the fit, an exp and two logs, evaluated once). */
void tech_sram_rw_pj_per_bit(const tech_point *pt, double capacity_bytes, double word_bits,
                             double *read_pj_per_bit, double *write_pj_per_bit);
double tech_sram_area_um2_per_bit(const tech_point *pt);
/* On-chip wire energy, pJ per bit per mm. */
double tech_wire_pj_per_bit_mm(const tech_point *pt);
/* DRAM energy per bit of an interface type ("ddr3", ...); NULL if unknown. Not node scaled
 * (the DRAM is a separate chip). */
const tech_dram *tech_dram_find(const tech_lib *lib, const char *type);

/* Solves (GSL Brent) for the supply at which the node's energy scale (relative to 45 nm / 0.9 V)
 * equals energy_scale, searching (floor, 3 x nominal] where E_N(V) rises monotonically.
 * Returns 0 and *vdd_v; FW_EXIT_FAIL with a message when the target lies outside that range
 * (*vdd_v is then the nearer end: the floor when even the floor costs more, 3 x nominal when
 * even that costs less). */
int tech_vdd_for_scale(const tech_lib *lib, const tech_node *node, double energy_scale,
                       double *vdd_v, fw_err *err);

/* Short label of a node's method: "fit", "interpolated", "excluded". */
const char *tech_node_method_name(tech_node_method m);

#endif
