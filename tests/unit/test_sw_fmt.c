/* sw_fmt_g15 against the C library's snprintf("%.15g"), byte for byte, and the value
 * it hands over against strtod of that text, bit for bit: random bit patterns
 * (every magnitude, infinities, NaNs, subnormals), log-uniform values around the fast path's
 * range limits, integers, short decimals (k / 10^d, the values a sweep row holds), exact
 * binary fractions (ties at the 15th digit), and the values next to powers of ten. */
#include "sweep/sw_fmt.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fmt_rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double sw_pow10_test(uint64_t d)
{
    double p = 1;
    while (d--)
        p *= 10;
    return p;
}

static unsigned long fmt_checks, fmt_bad;

static void fmt_check(double v)
{
    char want[64], got[SW_FMT_G15_BYTES];
    int wn = snprintf(want, sizeof want, "%.15g", v);
    double parsed, want_parsed = strtod(want, NULL);
    size_t gn = sw_fmt_g15(got, v, &parsed);
    fmt_checks++;
    /* the value handed over with the text: bit for bit what strtod reads back from it */
    if (memcmp(&parsed, &want_parsed, sizeof parsed)) {
        if (fmt_bad++ < 5)
            cr_log_error("%a: sw_fmt_g15 \"%s\" read back as %a, strtod %a", v, got, parsed,
                         want_parsed);
    }
    if ((size_t)wn != gn || strcmp(want, got)) {
        if (fmt_bad++ < 5)
            cr_log_error("%a: snprintf \"%s\", sw_fmt_g15 \"%s\"", v, want, got);
    }
}

Test(sw_fmt, g15_equals_snprintf, .timeout = 600)
{
    const char *l = getenv("FLOPWATT_LONG");
    const unsigned long n = (l && !strcmp(l, "1") ? 100 : 1) * 200000ul;
    uint64_t s = 7;
    for (unsigned long i = 0; i < n; i++) {
        uint64_t r = fmt_rng(&s);
        double v;
        memcpy(&v, &r, sizeof v);
        fmt_check(v);                                                 /* any bits */
        fmt_check((fmt_rng(&s) & 1 ? -1 : 1) *                         /* 1e-6 .. 1e17 */
                  pow(10, -6 + 23 * (double)(fmt_rng(&s) >> 11) * 0x1p-53));
        fmt_check((double)(fmt_rng(&s) >> (11 + fmt_rng(&s) % 50)));  /* integers */
        fmt_check((double)(int64_t)(fmt_rng(&s) % 2000000001) / sw_pow10_test(fmt_rng(&s) % 9));
        fmt_check(ldexp((double)(fmt_rng(&s) >> 40), -(int)(fmt_rng(&s) % 40))); /* ties */
    }
    for (int e = -6; e <= 16; e++) {
        double p = pow(10, e);
        fmt_check(p);
        fmt_check(nextafter(p, 0));
        fmt_check(nextafter(p, INFINITY));
        fmt_check(p * (1 - 5e-16));
        fmt_check(-p * (1 + 5e-16));
        fmt_check(999999999999999.5 * pow(10, e - 14));
    }
    double specials[] = {0.0, -0.0, 1.0, -1.0, 0.5, 0.0001, 0.00009999999999999999, 1e15,
                         999999999999999.0, 999999999999999.4, 999999999999999.6, 0.1, 0.3,
                         2.5, 1e-4 * (1 - 1e-16), 123456789012345.5, 0.125, INFINITY, -INFINITY,
                         NAN};
    for (size_t i = 0; i < sizeof specials / sizeof *specials; i++)
        fmt_check(specials[i]);
    cr_log_info("%lu values, %lu mismatches", fmt_checks, fmt_bad);
    cr_assert_eq(fmt_bad, 0, "%lu of %lu values differ", fmt_bad, fmt_checks);
}

static unsigned long parse_checks, parse_bad;

static void parse_check(const char *text)
{
    char *e1, *e2;
    double a = strtod(text, &e1), b = sw_fmt_parse(text, &e2);
    parse_checks++;
    if (memcmp(&a, &b, sizeof a) || e1 != e2) {
        if (parse_bad++ < 5)
            cr_log_error("\"%s\": strtod %a (end +%td), sw_fmt_parse %a (end +%td)", text, a,
                         e1 - text, b, e2 - text);
    }
}

/* sw_fmt_parse against strtod, value bits and end pointer: every number sw_fmt_g15 writes for
 * the values of fmt_check's families (the log's rows), decimals with up to 25 digits around the
 * fast path's limits (2^53, 22 fraction digits), and strings it must hand to strtod (exponents,
 * hex, inf, nan, signs, spaces, bare points, trailing text). */
Test(sw_fmt, parse_equals_strtod, .timeout = 600)
{
    const char *l = getenv("FLOPWATT_LONG");
    const unsigned long n = (l && !strcmp(l, "1") ? 100 : 1) * 100000ul;
    uint64_t s = 11;
    char buf[96];
    for (unsigned long i = 0; i < n; i++) {
        uint64_t r = fmt_rng(&s);
        double v;
        memcpy(&v, &r, sizeof v);
        double family[] = {
            v,
            (fmt_rng(&s) & 1 ? -1 : 1) * pow(10, -6 + 23 * (double)(fmt_rng(&s) >> 11) * 0x1p-53),
            (double)(fmt_rng(&s) >> (11 + fmt_rng(&s) % 50)),
            (double)(int64_t)(fmt_rng(&s) % 2000000001) / sw_pow10_test(fmt_rng(&s) % 9),
            ldexp((double)(fmt_rng(&s) >> 40), -(int)(fmt_rng(&s) % 40))};
        for (size_t k = 0; k < sizeof family / sizeof family[0]; k++) {
            sw_fmt_g15(buf, family[k], &(double){0});
            parse_check(buf);
            strcat(buf, ",7"); /* as inside a row */
            parse_check(buf);
        }
        /* random digit strings: int part, fraction, around 2^53 and 10^22 */
        int ni = (int)(fmt_rng(&s) % 20), nf = (int)(fmt_rng(&s) % 26);
        size_t w = 0;
        if (fmt_rng(&s) & 1)
            buf[w++] = '-';
        for (int d = 0; d < ni; d++)
            buf[w++] = (char)('0' + fmt_rng(&s) % 10);
        if (nf || fmt_rng(&s) % 4 == 0)
            buf[w++] = '.';
        for (int d = 0; d < nf; d++)
            buf[w++] = (char)('0' + fmt_rng(&s) % 10);
        static const char *const tails[] = {"", ",", "e5", "E-3", "x", ".", " ", "a", "\n"};
        strcpy(buf + w, tails[fmt_rng(&s) % (sizeof tails / sizeof tails[0])]);
        parse_check(buf);
    }
    static const char *const odd[] = {"9007199254740992",   "9007199254740993",
                                      "9007199254740992.5", "90071992547409921",
                                      "0.1",                "1.0000000000000000000001",
                                      "0.0000000000000000000001",
                                      "0.00000000000000000000001",
                                      "-0",                 "-0.0",
                                      "0x10",               "inf",
                                      "-nan",               "+5",
                                      " 5",                 "5.",
                                      ".5",                 "-",
                                      "",                   "1e400",
                                      "123456789012345",    "0.000123456789012345"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
        parse_check(odd[i]);
    cr_assert_eq(parse_bad, 0, "%lu of %lu strings parsed differently", parse_bad, parse_checks);
}
