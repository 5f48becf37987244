/* en_chip: the chip database (configs/chips/NAME.json, one file per published design; format in
 * configs/README.md "Chip database"). A chip file names the flopwatt config that models the
 * design and the workload and batch its figures were measured on, gives the published figures
 * (each with a citation id and where in the paper it is stated), whether they are measured on
 * silicon or estimated after layout, how the published efficiency is defined (at peak rate, or
 * on the workload), the citations in full and the modelling approximations as notes.
 * Read through the strict JSON reader: every error names the file and the JSON path.
 * Stage sim/energy: reads models/tech (the copies built into the binary) and common.
 */
#ifndef EN_CHIP_H
#define EN_CHIP_H

#include "common/fw_err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EN_CHIP_NAME_BYTES 64
#define EN_CHIP_PATH_BYTES 256
#define EN_CHIP_TEXT_BYTES 512
#define EN_CHIP_NOTES_BYTES 4096
#define EN_CHIP_MAX_CITES 8
#define EN_CHIP_MAX 64 /* chips in one database */

typedef enum en_measure { EN_SILICON = 0, EN_POST_LAYOUT, EN_MEASURES } en_measure;

/* How the published efficiency is defined, and so how it is modelled (en_validate.h). */
typedef enum en_basis {
    EN_BASIS_PEAK = 0, /* peak ops / chip power at full rate */
    EN_BASIS_WORKLOAD  /* ops done on the workload / chip energy spent on it */
} en_basis;

/* The published figures a chip file may give (keys of its "published" object). */
typedef enum en_fig {
    EN_FIG_GOPS = 0,   /* "throughput_gops": peak (basis peak) or on the workload, 10^9 ops/s */
    EN_FIG_FPS,        /* "frames_per_s": images per second on the workload (basis workload) */
    EN_FIG_POWER,      /* "power_w": chip power (no DRAM), W */
    EN_FIG_GOPS_PER_W, /* "gops_per_w": efficiency as published, 10^9 ops per J */
    EN_FIG_AREA,       /* "area_mm2": die or core area as published, mm2 */
    EN_FIGS
} en_fig;

typedef struct en_figure {
    bool present;
    double value;
    char source[EN_CHIP_NAME_BYTES]; /* a key of the chip's citations */
    char where[EN_CHIP_TEXT_BYTES];  /* table, figure or section of the source */
} en_figure;

typedef struct en_citation {
    char id[EN_CHIP_NAME_BYTES];
    char authors[EN_CHIP_TEXT_BYTES], title[EN_CHIP_TEXT_BYTES], venue[EN_CHIP_TEXT_BYTES];
    uint32_t year;
} en_citation;

typedef struct en_chip {
    char file[EN_CHIP_PATH_BYTES]; /* where it was read from */
    char name[EN_CHIP_NAME_BYTES];
    char config[EN_CHIP_PATH_BYTES];   /* flopwatt config, repository path */
    char workload[EN_CHIP_PATH_BYTES]; /* workload, repository path */
    uint32_t batch;
    char batch_source[EN_CHIP_TEXT_BYTES];
    en_measure measurement;
    en_basis basis;
    en_figure fig[EN_FIGS];
    en_citation cites[EN_CHIP_MAX_CITES];
    size_t cite_count;
    char notes[EN_CHIP_NOTES_BYTES]; /* the approximations, joined with " | " */
} en_chip;

/* Parses one chip file's text (name = its path, used in messages). Checks: every key known and
 * typed, figures > 0, every figure's source a citation id, an efficiency derivable (gops_per_w,
 * or power_w with throughput_gops or frames_per_s), frames_per_s only with basis workload. */
int en_chip_parse(const char *name, const char *text, en_chip *out, fw_err *err);
int en_chip_load(const char *path, en_chip *out, fw_err *err);

/* Loads every DIR/ *.json (sorted by name) into out[0..*count-1] (at most EN_CHIP_MAX); dir NULL:
 * the database built into the binary (configs/chips/ *.json). Chip names must be unique. */
int en_chip_db_load(const char *dir, en_chip *out, size_t *count, fw_err *err);

const char *en_measure_name(en_measure m);
const char *en_basis_name(en_basis b);
const char *en_fig_key(en_fig f);
/* The citation of a figure's source id, or NULL. */
const en_citation *en_chip_cite(const en_chip *chip, const char *id);

#endif
