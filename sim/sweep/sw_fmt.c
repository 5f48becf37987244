/* sw_fmt: "%.15g" without stdio on the sweep's per-point path (see sw_fmt.h).
 *
 * For 1e-4 <= |v| < 1e15, v = m * 2^-s exactly (m < 2^53, 3 <= s <= 67 in this range). %.15g
 * rounds v to 15 significant digits: q = round(v * 10^k) with 10^14 <= q < 10^15, k = 14 - X,
 * X the decimal exponent of the rounded value; v * 10^k = m * 10^k / 2^s, with m * 10^k below
 * 2^53 * 10^18 < 2^113, is computed exactly in 128 bits and rounded to nearest, ties to even
 * (glibc's printf in the default rounding mode). %g then prints in fixed notation when
 * -4 <= X < 15 with k digits after the point, trailing zeros and a bare point removed. */
#include "sweep/sw_fmt.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t sw_pow10[19] = {1ull,
                                      10ull,
                                      100ull,
                                      1000ull,
                                      10000ull,
                                      100000ull,
                                      1000000ull,
                                      10000000ull,
                                      100000000ull,
                                      1000000000ull,
                                      10000000000ull,
                                      100000000000ull,
                                      1000000000000ull,
                                      10000000000000ull,
                                      100000000000000ull,
                                      1000000000000000ull,
                                      10000000000000000ull,
                                      100000000000000000ull,
                                      1000000000000000000ull};

/* 10^0 .. 10^22: exact in a double (10^22 = 2^22 * 5^22, 5^22 < 2^53). */
static const double sw_exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                          1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* round(m * 10^k / 2^s), ties to even; *floor_out: the value rounded down. */
static uint64_t sw_round_scaled(uint64_t m, int k, int s, uint64_t *floor_out)
{
    unsigned __int128 p = (unsigned __int128)m * sw_pow10[k];
    unsigned __int128 q = p >> s, rem = p & (((unsigned __int128)1 << s) - 1);
    unsigned __int128 half = (unsigned __int128)1 << (s - 1);
    *floor_out = (uint64_t)q;
    if (rem > half || (rem == half && (q & 1)))
        q++;
    return (uint64_t)q;
}

/* "00" .. "99" */
static const char sw_digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                        "25262728293031323334353637383940414243444546474849"
                                        "50515253545556575859606162636465666768697071727374"
                                        "75767778798081828384858687888990919293949596979899";

/* The 15 decimal digits of q < 10^15, zero-padded, into dig[0..15): two at a time, in 32-bit
 * arithmetic (the per-digit 64-bit division loop was most of the formatting time). */
static void sw_digits15(char dig[15], uint64_t q)
{
    uint32_t hi = (uint32_t)(q / 100000000u), lo = (uint32_t)(q % 100000000u);
    for (int i = 13; i >= 7; i -= 2) {
        memcpy(dig + i, sw_digit_pairs + 2 * (lo % 100), 2);
        lo /= 100;
    }
    for (int i = 5; i >= 1; i -= 2) {
        memcpy(dig + i, sw_digit_pairs + 2 * (hi % 100), 2);
        hi /= 100;
    }
    dig[0] = (char)('0' + hi);
}

/* The decimal digits of q (q < 10^15) into out, no sign; returns their count. */
static size_t sw_fmt_u64(char *out, uint64_t q)
{
    char dig[15];
    sw_digits15(dig, q);
    size_t skip = 0;
    while (skip < 14 && dig[skip] == '0')
        skip++;
    memcpy(out, dig + skip, 15 - skip);
    return 15 - skip;
}

/* snprintf's "%.15g", and the value read back from it. */
static size_t sw_fmt_slow(char *out, double v, double *parsed)
{
    size_t n = (size_t)snprintf(out, SW_FMT_G15_BYTES, "%.15g", v);
    *parsed = strtod(out, NULL);
    return n;
}

/* The values read back: a zero or an integer below 10^15 is printed exactly, so it reads back
 * as itself; a fixed-notation value printed as the digits of q with k digits after the point
 * (trailing zeros dropped: the same number) reads back as the double nearest q / 10^k, which,
 * q < 2^53 and 10^k (k <= 18) being exact doubles, is one correctly rounded division (what
 * strtod gives in the default rounding mode); the rest is read back by strtod. */
size_t sw_fmt_g15(char *out, double v, double *parsed)
{
    const double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e15)) {
        if (v == 0) {
            const char *z = signbit(v) ? "-0" : "0";
            strcpy(out, z);
            *parsed = v;
            return strlen(z);
        }
        return sw_fmt_slow(out, v, parsed);
    }
    /* An integer below 10^15 has at most 15 digits: %.15g prints it exactly, without a point
     * (a sweep row's counts: cycles, MACs, bytes). */
    if (a >= 1 && a == (double)(uint64_t)a) {
        size_t n = 0;
        if (v < 0)
            out[n++] = '-';
        n += sw_fmt_u64(out + n, (uint64_t)a);
        out[n] = '\0';
        *parsed = v;
        return n;
    }
    /* a = m * 2^-s, from the bits (a is a normal double in this range) */
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    const int biased = (int)(bits >> 52);
    const uint64_t m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
    const int s = 1075 - biased;
    /* 2^e <= a < 2^(e+1): floor(log10(a)) is d = floor(e * log10(2)) (78913 / 2^18 is log10(2)
     * rounded up, exact for |e| < 1600; >> of a negative number is arithmetic in GCC and
     * Clang) or d + 1, d + 1 when a >= 10^(d+1) (exact comparisons for 10^0..10^22; for a < 1
     * the rounded 10^-n may be off at the boundary: the loop below moves k to the exact
     * exponent either way) */
    const int e = biased - 1023;
    int d = (e * 78913) >> 18;
    if (d + 1 >= 0 ? a >= sw_exact_pow10[d + 1] : a * sw_exact_pow10[-(d + 1)] >= 1.0)
        d++;
    int k = 14 - d;
    if (k < 0)
        k = 0;
    if (k > 18)
        k = 18;
    /* k such that 10^14 <= v * 10^k < 10^15 (before rounding) */
    uint64_t q, qf;
    for (;;) {
        q = sw_round_scaled(m, k, s, &qf);
        if (qf >= sw_pow10[15] && k > 0)
            k--;
        else if (qf < sw_pow10[14] && k < 18)
            k++;
        else
            break;
    }
    if (q == sw_pow10[15]) { /* rounded up to the next power of ten: one more integer digit */
        q = sw_pow10[14];
        k--;
    }
    const int x = 14 - k; /* decimal exponent of the rounded value */
    if (q < sw_pow10[14] || q >= sw_pow10[15] || x < -4 || x >= 15)
        return sw_fmt_slow(out, v, parsed);
    *parsed = (v < 0 ? -1.0 : 1.0) * ((double)q / sw_exact_pow10[k]);
    char dig[15];
    sw_digits15(dig, q);
    int nd = 15;
    while (nd > 1 && dig[nd - 1] == '0' && nd > x + 1)
        nd--; /* trailing zeros of the fraction */
    size_t n = 0;
    if (v < 0)
        out[n++] = '-';
    if (x >= 0) {
        memcpy(out + n, dig, (size_t)x + 1);
        n += (size_t)x + 1;
        if (nd > x + 1) {
            out[n++] = '.';
            memcpy(out + n, dig + x + 1, (size_t)(nd - x - 1));
            n += (size_t)(nd - x - 1);
        }
    } else {
        out[n++] = '0';
        out[n++] = '.';
        for (int z = 0; z < -x - 1; z++)
            out[n++] = '0';
        memcpy(out + n, dig, (size_t)nd);
        n += (size_t)nd;
    }
    out[n] = '\0';
    return n;
}

double sw_fmt_parse(const char *s, char **end)
{
    /* -?D+(.D+)? with at most 2^53 as the digits' integer and at most 22 fraction digits,
     * not followed by anything strtod would read on (digits, '.', an exponent, hex) */
    const char *p = s;
    bool neg = *p == '-';
    p += neg;
    uint64_t mant = 0;
    int frac = 0;
    const char *digits = p;
    while (*p >= '0' && *p <= '9' && mant <= (1ull << 53))
        mant = mant * 10 + (uint64_t)(*p++ - '0');
    bool ok = p > digits;
    if (ok && *p == '.') {
        const char *f0 = ++p;
        while (*p >= '0' && *p <= '9' && mant <= (1ull << 53)) {
            mant = mant * 10 + (uint64_t)(*p++ - '0');
            frac++;
        }
        ok = p > f0;
    }
    ok = ok && mant <= (1ull << 53) && frac <= 22 && !(*p >= '0' && *p <= '9') && *p != '.' &&
         *p != 'e' && *p != 'E' && *p != 'x' && *p != 'X';
    if (!ok)
        return strtod(s, end);
    /* Clinger's fast path: mant and 10^frac are exact doubles, so one correctly rounded
     * division gives the correctly rounded value of mant / 10^frac, which is what strtod
     * returns (glibc's strtod rounds correctly, to nearest in the default mode). */
    double v = frac ? (double)mant / sw_exact_pow10[frac] : (double)mant;
    *end = (char *)p;
    return neg ? -v : v;
}
