/* sw_buf: a growable string for the sweep's output files (see sw_buf.h). */
#include "sweep/sw_buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw_buf_add(sw_buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sw_buf_reserve(sw_buf *b, size_t n)
{
    if (b->oom || b->len + n + 1 <= b->cap)
        return;
    char *q = realloc(b->p, b->len + n + 1);
    if (!q) {
        b->oom = 1;
        return;
    }
    b->p = q;
    b->cap = b->len + n + 1;
}

void sw_buf_str(sw_buf *b, const char *s)
{
    sw_buf_add(b, s, strlen(s));
}

void sw_buf_printf(sw_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        sw_buf_add(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big) {
        b->oom = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sw_buf_add(b, big, (size_t)n);
    free(big);
}

/* A JSON number, or null for NaN and infinities (JSON has neither). */
void sw_buf_json_num(sw_buf *b, double v)
{
    if (isfinite(v))
        sw_buf_printf(b, "%.15g", v);
    else
        sw_buf_str(b, "null");
}
