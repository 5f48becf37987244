/* sw_fmt: the sweep's number formatting on the per-point path. sw_fmt_g15 writes exactly the
 * bytes snprintf("%.15g") writes, several times faster for the values a sweep row holds
 * (integers and decimals between 1e-4 and 1e15: exact integer arithmetic on the double's bits);
 * every other value (infinities, NaN, exponent notation) goes through snprintf itself.
 * tests/unit/test_sw_fmt.c compares the two on random doubles of every magnitude. */
#ifndef SW_FMT_H
#define SW_FMT_H

#include <stddef.h>

/* Longest output: "-0.000100000000000000" and the exponent forms fit in 32 bytes. */
#define SW_FMT_G15_BYTES 32

/* Writes v as "%.15g" into out (at least SW_FMT_G15_BYTES), NUL-terminated; returns the length.
 * *parsed = the value strtod (and sw_fmt_parse) reads back from what it wrote, mostly without
 * reading it: a sweep worker hands its rows' metrics over as the log parser would read them. */
size_t sw_fmt_g15(char *out, double v, double *parsed);

/* strtod(s, end), the same value and end, faster for what sw_fmt_g15 writes in fixed notation
 * (an optional '-', digits, an optional fraction: one exact division, Clinger's fast path);
 * anything else goes through strtod itself. tests/unit/test_sw_fmt.c compares the two. */
double sw_fmt_parse(const char *s, char **end);

#endif
