/* rpt_fmt: counts with separators and engineering units (see rpt_fmt.h). */
#include "report/rpt_fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

char *rpt_fmt_count(char *buf, uint64_t v)
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

rpt_eng rpt_eng_pick(double magnitude)
{
    static const rpt_eng prefixes[] = {{1e12, "p"}, {1e9, "n"},   {1e6, "u"},   {1e3, "m"}, {1, ""},
                                       {1e-3, "k"}, {1e-6, "M"}, {1e-9, "G"}, {1e-12, "T"}};
    const size_t count = sizeof prefixes / sizeof prefixes[0];
    if (!(magnitude > 0) || isinf(magnitude))
        return prefixes[4];
    size_t i = 0;
    /* the largest prefix whose shown value is still >= 1; a value that would print as 1000
     * after rounding to 4 digits moves up one prefix */
    while (i + 1 < count && magnitude * prefixes[i + 1].scale >= 1)
        i++;
    if (i + 1 < count && magnitude * prefixes[i].scale >= 999.95)
        i++;
    return prefixes[i];
}

char *rpt_fmt_eng(char *buf, double value, const char *base_unit)
{
    rpt_eng e = rpt_eng_pick(fabs(value));
    /* '#' keeps trailing zeros (1.880 mJ, aligned with 1.904 mJ); a bare trailing point goes */
    int n = snprintf(buf, RPT_ENG_BYTES, "%#.4g", value * e.scale);
    if (n > 0 && n < RPT_ENG_BYTES && buf[n - 1] == '.')
        buf[--n] = '\0';
    if (n > 0 && n < RPT_ENG_BYTES)
        snprintf(buf + n, RPT_ENG_BYTES - (size_t)n, " %s%s", e.prefix, base_unit);
    return buf;
}

char *rpt_fmt_bytes(char *buf, uint64_t bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t u = 0;
    uint64_t v = bytes;
    while (v && v % 1024 == 0 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024;
        u++;
    }
    char count[RPT_COUNT_BYTES];
    snprintf(buf, RPT_ENG_BYTES, "%s %s", rpt_fmt_count(count, v), units[u]);
    return buf;
}
