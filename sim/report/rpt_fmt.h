/* rpt_fmt: numbers for people. Counts with thousands separators ("3,857,973,248"), and
 * quantities in engineering units: the SI prefix that puts the value between 1 and 1000
 * ("9.124 mJ", "1.104 ms", "599.3 uJ"; ASCII "u" for micro). Stage sim/report; used by the run
 * summary (rpt.c) and the figures (sim/sweep/sw_plot.c). Machine-readable outputs (JSON, CSV)
 * never go through here: they keep raw numbers with the unit in the key.
 */
#ifndef RPT_FMT_H
#define RPT_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Longest count: "18,446,744,073,709,551,615" (26 characters) and the NUL. */
#define RPT_COUNT_BYTES 27
/* Longest engineering text: sign, 4 significant digits in %g, a space, a prefix and a unit of up
 * to 15 characters. */
#define RPT_ENG_BYTES 40

/* Writes v in decimal with a comma every three digits into buf (RPT_COUNT_BYTES at least);
 * returns buf. */
char *rpt_fmt_count(char *buf, uint64_t v);

/* An SI prefix for a quantity: multiply a value in the base unit by scale to print it with
 * prefix + base unit. */
typedef struct rpt_eng {
    double scale;       /* e.g. 1e3 for milli */
    const char *prefix; /* "p", "n", "u", "m", "", "k", "M", "G", "T" */
} rpt_eng;

/* The prefix that shows magnitude (in the base unit, >= 0) as 1 <= shown < 1000, limited to
 * pico .. tera; 0, NaN and infinities get no prefix. */
rpt_eng rpt_eng_pick(double magnitude);

/* Writes value (in base_unit: "J", "s", "W", "B", ...) with 4 significant digits and the prefix
 * rpt_eng_pick chooses: rpt_fmt_eng(buf, 9.12388e-3, "J") = "9.124 mJ". buf holds RPT_ENG_BYTES;
 * returns buf. */
char *rpt_fmt_eng(char *buf, double value, const char *base_unit);

/* A capacity, exact: in the largest binary unit that divides it (262144 -> "256 KiB",
 * 25165824 -> "24 MiB", 1000 -> "1,000 B"). buf holds RPT_ENG_BYTES; returns buf. */
char *rpt_fmt_bytes(char *buf, uint64_t bytes);

#endif
