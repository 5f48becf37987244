/* sw_buf: a growable NUL-terminated string, used to build the sweep log header and the finished
 * result files in memory before they are written. Out of memory is sticky: after a failed
 * growth every call does nothing and oom stays set; the caller checks oom once at the end and
 * frees p in any case. */
#ifndef SW_BUF_H
#define SW_BUF_H

#include <stddef.h>

typedef struct sw_buf {
    char *p; /* owned by the caller once built: free(p) */
    size_t len, cap;
    int oom;
} sw_buf;

void sw_buf_add(sw_buf *b, const char *s, size_t n);
/* Makes room for n more bytes at once (a file built row by row grows once, not by doubling). */
void sw_buf_reserve(sw_buf *b, size_t n);
void sw_buf_str(sw_buf *b, const char *s);
__attribute__((format(printf, 2, 3))) void sw_buf_printf(sw_buf *b, const char *fmt, ...);
/* A JSON number (%.15g), or null for NaN and infinities (JSON has neither). */
void sw_buf_json_num(sw_buf *b, double v);

#endif
