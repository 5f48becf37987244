/* en: energy and area accounting (DESIGN.md contract 3). Prices the engine's counters with the
 * technology model at the config's node and supply:
 *   energy = sum over actions (MACs, PE register reads/writes, SRAM reads/writes per operand,
 *            DRAM bytes, SRAM<->array wires) of count x energy per action
 *          + leakage power x time + clock/control energy per cycle;
 *   area   = PE array (multiplier, adder, operand/partial-sum registers per PE) + SRAMs.
 * Two steps: en_costs_init (once per config: every per-action cost, derived from tech_) and
 * en_price (per layer or total: pure arithmetic on the counters, reentrant, no allocation).
 * Stage sim/energy: reads models/tech, sim/config and sim/engine's counters; the report and the
 * CLI show the result.
 *
 * Per-action rules (models/tech/README.md gives the sources):
 *   MAC            tech_mac_pj(input, accumulator): multiply in the input format + add in the
 *                  accumulator format (tech.arith_source datapath, the default); as_built:
 *                  that x the format's as-built factor (published, measured FMA units;
 *                  tech_as_built_factor). tech.process picks the node's hp or lp energy fit.
 *   register       eng counts reads and writes of the PE pipeline registers (flip-flops)
 *                  without widths; a write is priced at the register figure per bit, a read at
 *                  flipflop_read_fraction_of_register (0: a flop spends its energy at capture;
 *                  models/tech/README.md) x that. A read's width is the mean of the reads per
 *                  MAC (two input operands + one partial sum: (2 in + acc)/3 bits), a write's
 *                  (in + acc)/2 bits for ws/is (streamed operand + partial sum) and
 *                  (2 in + acc)/3 bits for os; tree: acc bits (its only registers are the
 *                  column registers).
 *   SRAM element   en_sram_access_pj: the fit's pJ/bit at one bank's capacity (both halves of a
 *                  double-buffered SRAM are two banks) and the word width, x element bits, plus
 *                  the H-tree from the array's centre to the bank (en_htree_mm) carrying the
 *                  element's bits and its share (element / word bits) of the word address
 *                  (ceil log2 of the words: bank select + row) at the wire pJ/bit/mm.
 *   wire           every SRAM element access moves its bits between the buffer and the array
 *                  over en_array_wire_mm (floorplan: a square buffer against a square array).
 *   DRAM byte      8 x pJ/bit of the config's DRAM type (not node scaled); 0 for
 *                  dram.type "none" (no DRAM is priced: the system figures equal the chip's).
 *   zero gating    with array.zero_gating, a MAC with a zero operand (eng zero_macs) does not
 *                  toggle: operand isolation latches hold the multiplier's inputs, so its MAC
 *                  energy and its two operand register reads (input bits each, priced as
 *                  reads; ws/is/os; tree counts none) are not charged. Register writes stay (the systolic operand
 *                  still moves on to the next PE, the partial sum is still forwarded), cycles
 *                  are unchanged, and
 *                  the isolation logic is taken as free (an optimistic bound: no published
 *                  per-gate figure in models/tech; the RTL netlists measure it at 9-15% of a
 *                  PE's energy on dense operands, rtl/README.md "Zero gating").
 *                  en_breakdown.gating_saved_pj says how much.
 *   transforms     Winograd/FFT layers (engine/eng_xform.h): the transform unit's adds and
 *                  constant multiplies at tech_op_pj of their format: input and filter
 *                  transforms in the transformed operands' format (floating: the input
 *                  format; int8: int16), the output transform in the accumulator format
 *                  (int8: int48); shifts are wiring (free). MACs at the widened integer
 *                  precision (eng wide_macs) cost tech_mac_pj(int16, int48) instead of the
 *                  config's MAC. The unit's registers, buffers and area are not priced.
 *   zero skipping  with array.zero_skipping, the skipped MACs (eng skipped_macs, a subset of
 *                  zero_macs) are priced like gated ones (not charged), and the cycles saved
 *                  (eng skip_saved_cycles) cost no leakage or clock (they are not in cycles);
 *                  with gating too, gating saves the other zero_macs - skipped_macs.
 *                  en_breakdown.skipping_saved_pj says how much. The skipping logic (index
 *                  matching, eng.h) is taken as free: an optimistic bound.
 *   N:M metadata   ceil(log2 M) bits read from the filter SRAM with every kept weight, at the
 *                  filter SRAM's read energy per bit (eng nm_metadata_sram_bits); its DRAM bytes
 *                  are in the filter's DRAM traffic. The multiplexers that choose the
 *                  activations are taken as free; the metadata in the PE registers is not
 *                  priced. en_breakdown.nm_metadata_pj (part of sram_pj[filter]).
 *   compression    the compressed tensors' DRAM bytes and SRAM accesses are counted compressed
 *                  (mapping/map.h "Compression") and priced as any; every element the array
 *                  reads through the decompressor (eng cmp_decoded_elems) costs one 16-bit
 *                  integer addition, tech_op_pj(int16, add): the running index of the format
 *                  (a prefix count of the bitmask, the run-length sum, the CSR column step). A
 *                  stated estimate of the decoder's logic, not a published figure; its
 *                  registers and area are not priced. en_breakdown.cmp_pj, in chip_pj.
 *   efficiency     GOPS/W and GOPS/mm2 count 2 ops per dense-equivalent MAC (eng dense_macs:
 *                  with N:M the pruned MACs too, as published sparse figures, e.g. NVIDIA's
 *                  "sparse TOPS", count them); pJ/MAC divides by the MACs performed.
 *   per cycle      leakage and clock: fractions (tech assumptions) of the PE array's dynamic
 *                  energy per cycle at full rate (R*C MACs with their steady-state register
 *                  accesses: the ladder's ws PE; tree: 2 acc bits per R MACs); charged every
 *                  cycle, busy or stalled.
 */
#ifndef EN_H
#define EN_H

#include "common/fw_err.h"
#include "config/cfg.h"
#include "engine/eng.h"
#include "tech/tech.h"

typedef struct en_costs {
    tech_point pt; /* node, supply and scale factors (borrows the tech_lib) */
    double clock_hz;
    double mac_pj;                      /* one MAC */
    double reg_read_pj;                 /* one register read */
    double reg_write_pj;                /* one register write */
    double sram_read_pj[CFG_OPERANDS];  /* one element read */
    double sram_write_pj[CFG_OPERANDS]; /* one element written */
    double wire_pj[CFG_OPERANDS];       /* one element moved between its SRAM and the array */
    /* explicit hierarchy (cfg.hierarchy_given): one element read / written at each level and
     * moved between the level and the array. An `sram` level: en_sram_access_pj over the
     * operand's partition or the whole shared level (one instance), banks x 2 halves when
     * double buffered, at its word width; a `regfile`: write = the register figure per bit,
     * read = regfile_read_fraction_of_register x it. Wire: level_wire_mm per element bit, from
     * the floorplan: a shared instance en_array_wire_mm(its area), per_row / per_col half the
     * array's side, per_pe 0. en_price then prices the per-level counters, SRAM and wires,
     * instead of sram_reads/sram_writes (the array side, a subset of level 0's counts). */
    bool levels;
    double level_read_pj[CFG_MAX_LEVELS][CFG_OPERANDS];
    double level_write_pj[CFG_MAX_LEVELS][CFG_OPERANDS];
    double level_wire_pj[CFG_MAX_LEVELS][CFG_OPERANDS];
    double level_wire_mm[CFG_MAX_LEVELS];
    double wire_mm[CFG_OPERANDS];       /* that distance (en_array_wire_mm) */
    double htree_mm[CFG_OPERANDS];      /* the H-tree inside the SRAM (in sram_*_pj) */
    double dram_pj_per_byte;
    /* transform unit (Winograd/FFT): one add / constant multiply on the input side (input and
     * filter transforms) and on the output side; one MAC at the widened integer precision */
    double xform_in_add_pj, xform_in_mul_pj, xform_out_add_pj, xform_out_mul_pj;
    double wide_mac_pj;
    double zero_mac_pj;  /* saved per gated or skipped MAC: its MAC and two operand reads */
    bool gating;         /* array.zero_gating */
    double nm_meta_pj_per_bit; /* N:M metadata read with a weight: filter SRAM read / input bits */
    double cmp_decode_pj;      /* compression: one element through the decompressor */
    double pe_peak_pj_per_cycle; /* R*C MACs and their register accesses, one cycle */
    double leakage_w;            /* leakage power */
    double leakage_pj_per_cycle; /* leakage_w / clock */
    double clock_pj_per_cycle;   /* clock tree and control */
    /* area */
    double pe_area_um2;    /* one PE: multiplier, adder, 3 input + 1 accumulator regs */
    double array_area_mm2; /* R*C PEs */
    double sram_area_mm2[CFG_OPERANDS];
    double area_mm2; /* total */
} en_costs;

/* Energy of some counters, by component (pJ), and figures derived from it, for the chip and
 * for the system. The chip is everything on the die (arithmetic, registers, SRAM, wires,
 * leakage, clock): what chip papers quote as chip power. The system adds the DRAM. Names say
 * which; nothing here is "the" power. An op is half a MAC: a FLOP for floating formats, an
 * integer operation otherwise (the CLI says GFLOPS or GOPS by the config's input format). */
typedef struct en_breakdown {
    double mac_pj, reg_pj, sram_pj[CFG_OPERANDS], wire_pj, dram_pj, leakage_pj, clock_pj;
    double xform_pj;          /* the transform unit's operations (Winograd/FFT layers) */
    double gating_saved_pj;   /* not spent thanks to zero gating (already out of mac_pj, reg_pj) */
    /* not spent thanks to zero skipping: the skipped MACs as gating prices them, plus leakage
     * and clock of the cycles saved (already out of mac_pj, reg_pj, leakage_pj, clock_pj) */
    double skipping_saved_pj;
    double nm_metadata_pj; /* N:M metadata read from the filter SRAM (inside sram_pj[filter]) */
    double cmp_pj;         /* the decompressor (compression; in chip_pj) */
    double chip_pj;           /* every component but dram_pj (xform_pj included) */
    double system_pj;         /* chip_pj + dram_pj */
    double time_s;            /* cycles / clock */
    double power_chip_w;      /* chip_pj / time (0 when cycles = 0) */
    double power_system_w;    /* system_pj / time (0 when cycles = 0) */
    double pj_per_mac_chip;   /* chip_pj / macs (0 when macs = 0) */
    double pj_per_mac_system; /* system_pj / macs (0 when macs = 0) */
    double gops_per_w_chip;   /* 2 ops per MAC / chip_pj (0 when chip_pj = 0) */
    double gops_per_w_system; /* 2 ops per MAC / system_pj (0 when system_pj = 0) */
    double area_mm2;          /* the config's area (copied from the costs) */
    double gops_per_mm2;      /* achieved G ops per second / area */
} en_breakdown;

/* Computes every per-action cost of a config. Fails (FW_EXIT_INPUT, message starting with the
 * config's JSON path, "tech.node_nm: node 11 nm: unknown node (known: ...)", for the caller to
 * prefix with the file name) when the node is unknown to the technology data or the supply is
 * outside the model's range, or the DRAM type has no energy figure. lib must outlive *out. */
int en_costs_init(const tech_lib *lib, const cfg_accel *cfg, en_costs *out, fw_err *err);

/* en_costs_init in two steps, for a caller that prices many configs (a sweep): the technology
 * side, which is where it fails and a function of tech.node_nm, tech.process, tech.vdd_v and
 * dram.type only (with the same lib), and the costs from it, which cannot fail. So
 * en_costs_init(lib, cfg) = en_tech_init(lib, cfg, &t) then en_costs_init_tech(&t, cfg), and
 * t may be kept for every config that en_tech_same says has the same four keys. */
/* One SRAM's access costs as en_costs_init_tech priced them last, with their inputs. */
typedef struct en_sram_memo {
    bool valid;
    double bytes, banks, word_bits, elem_bits; /* en_sram_access_rw_pj's inputs */
    double read_pj, write_pj, htree_mm;        /* its outputs and en_htree_mm's */
} en_sram_memo;
typedef struct en_tech {
    tech_point pt;         /* the node, process and supply (borrows lib) */
    const tech_dram *dram; /* the DRAM type's figure (borrowed from lib); NULL for "none" */
    /* per operand, the SRAM costs en_costs_init_tech computed last at this point (a pure
     * function of pt and the inputs, so reused while they repeat: a sweep's points mostly
     * change one buffer); emptied by en_tech_init */
    en_sram_memo sram[CFG_OPERANDS];
} en_tech;
/* Fails exactly as en_costs_init, with the same status and message. */
int en_tech_init(const tech_lib *lib, const cfg_accel *cfg, en_tech *out, fw_err *err);
/* Whether a and b have the same tech.node_nm, tech.process, tech.vdd_v and dram.type. */
bool en_tech_same(const cfg_accel *a, const cfg_accel *b);
/* The costs of cfg given en_tech_init's result for it (or for a config en_tech_same as it);
 * updates tech's SRAM memo; tech->pt.lib must outlive *out. */
void en_costs_init_tech(en_tech *tech, const cfg_accel *cfg, en_costs *out);

/* Floorplan distances (mm) and the SRAM access they price (models/tech/README.md, "Storage
 * levels and wires"). An SRAM array of array_bytes (both halves of a double buffer, the whole
 * shared level or one partition, one instance) is a square of tech_sram_area_um2_per_bit area,
 * cut into `banks` equal square banks fed by an H-tree from the array's centre: the Manhattan
 * path from the centre to a bank's centre is side x (1 - 1/sqrt(banks)) (each of the
 * log4(banks) levels of the tree halves the remaining distance; 0 for one bank, whose internal
 * wires the fit already includes). */
double en_htree_mm(const tech_point *pt, double array_bytes, double banks);
/* pJ to read (write) one element of elem_bits from such an array with words of word_bits:
 * fit(array_bytes / banks, word_bits) x elem_bits + wire pJ/bit/mm x en_htree_mm x
 * (elem_bits + elem_bits / word_bits x ceil(log2(array_bytes x 8 / word_bits))). */
double en_sram_access_pj(const tech_point *pt, double array_bytes, double banks, double word_bits,
                         double elem_bits, bool write);
/* Both: *read_pj and *write_pj equal en_sram_access_pj's read and write (the fit, the address
 * bits and the H-tree computed once). */
void en_sram_access_rw_pj(const tech_point *pt, double array_bytes, double banks, double word_bits,
                          double elem_bits, double *read_pj, double *write_pj);
/* Distance an element travels between a buffer and the array: the buffer (a square beside the
 * square array) from its centre to its edge, sqrt(buffer)/2, then along the array's edge to the
 * row or column it enters, on average a quarter of the side from the edge's midpoint (uniform
 * over the edge); the tree dataflow feeds multipliers inside the array: + half a side. */
double en_array_wire_mm(double buffer_area_mm2, double array_area_mm2, bool tree);

/* Prices counters: pure, exact sums of count x cost (no rounding beyond double arithmetic). */
void en_price(const en_costs *costs, const eng_counters *c, en_breakdown *out);

#endif
