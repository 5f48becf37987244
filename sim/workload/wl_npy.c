/* wl_npy: a strict reader of NumPy .npy files (format versions 1.0, 2.0 and 3.0) for operand
 * tensors of the pe engine (workload keys ifmap_npy / weight_npy, wl.h). What it accepts, as
 * NumPy writes it (numpy.lib.format):
 *   - the magic "\x93NUMPY", a major version 1, 2 or 3 and minor 0;
 *   - a header length: 2 bytes little-endian (1.0) or 4 (2.0, 3.0), then that many bytes of
 *     ASCII (1.0, 2.0) or UTF-8 (3.0; only ASCII is accepted here), a Python dict literal with
 *     exactly the keys 'descr', 'fortran_order' and 'shape', in any order, padded with spaces
 *     and ending in a newline;
 *   - descr: one of '|b1' (bool), '|i1', '|u1', '<i2', '<u2', '<i4', '<u4', '<i8', '<u8', '<f2',
 *     '<f4', '<f8' ('=' is taken as '<': the reader runs on little-endian hosts only; big-endian
 *     '>' data, structured and object dtypes are refused);
 *   - fortran_order False (C order; True is refused: transpose in NumPy first);
 *   - shape a tuple of 0 to 8 non-negative integers; the data is exactly the product of the
 *     shape times the item size (nothing missing, nothing after).
 * Every value becomes a double (integers above 2^53 are refused: not exactly representable;
 * NaN and infinities are refused). Errors: one line "NAME: reason" (FW_EXIT_INPUT), or
 * FW_EXIT_IO when the file cannot be read. */
#include "workload/wl.h"

#include "common/fw_io.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WL_NPY_MAX_HEADER (1u << 20) /* a header of a MiB is not a header */

void wl_tensor_fini(wl_tensor *t)
{
    free(t->values);
    memset(t, 0, sizeof *t);
}

/* The header's dict literal: a cursor with the file name for errors. */
typedef struct npy_cur {
    const char *p, *end;
    const char *name;
    fw_err *err;
} npy_cur;

static int npy_fail(npy_cur *c, const char *what)
{
    return fw_err_set(c->err, FW_EXIT_INPUT, "%s: .npy header: %s", c->name, what);
}

static void npy_space(npy_cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static bool npy_eat(npy_cur *c, char ch)
{
    npy_space(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

/* A quoted string ('...' or "..."), no escapes, at most size - 1 bytes. */
static bool npy_string(npy_cur *c, char *out, size_t size)
{
    npy_space(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return false;
    char q = *c->p++;
    size_t n = 0;
    while (c->p < c->end && *c->p != q) {
        if (*c->p == '\\' || n + 1 >= size)
            return false;
        out[n++] = *c->p++;
    }
    if (c->p >= c->end)
        return false;
    c->p++;
    out[n] = '\0';
    return true;
}

/* A non-negative decimal integer below 2^62. */
static bool npy_uint(npy_cur *c, uint64_t *out)
{
    npy_space(c);
    uint64_t v = 0;
    const char *start = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        if (v > ((UINT64_C(1) << 62) - 10) / 10)
            return false;
        v = v * 10 + (uint64_t)(*c->p++ - '0');
    }
    if (c->p < c->end && *c->p == 'L') /* Python 2's long suffix, as old NumPy wrote */
        c->p++;
    *out = v;
    return c->p > start;
}

typedef struct npy_dtype {
    const char *descr;
    uint32_t size;
    char kind; /* b bool, i signed, u unsigned, f float */
} npy_dtype;

static const npy_dtype npy_dtypes[] = {
    {"b1", 1, 'b'}, {"i1", 1, 'i'}, {"u1", 1, 'u'}, {"i2", 2, 'i'}, {"u2", 2, 'u'}, {"i4", 4, 'i'},
    {"u4", 4, 'u'}, {"i8", 8, 'i'}, {"u8", 8, 'u'}, {"f2", 2, 'f'}, {"f4", 4, 'f'}, {"f8", 8, 'f'},
};

static const npy_dtype *npy_dtype_of(const char *descr)
{
    /* byte order: '|' (not applicable: one byte), '<' little, '=' native (little here) */
    if (!descr[0] || !strchr("|<=", descr[0]))
        return NULL;
    for (size_t i = 0; i < sizeof npy_dtypes / sizeof npy_dtypes[0]; i++)
        if (!strcmp(descr + 1, npy_dtypes[i].descr))
            return descr[0] != '|' || npy_dtypes[i].size == 1 ? &npy_dtypes[i] : NULL;
    return NULL;
}

/* binary16 to double, exactly */
static double npy_half(uint16_t h)
{
    int e = (h >> 10) & 0x1F;
    double m = h & 0x3FF;
    double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) : ldexp(m + 1024, e - 25);
    return (h & 0x8000) ? -v : v;
}

static uint64_t npy_le(const uint8_t *p, uint32_t n)
{
    uint64_t v = 0;
    for (uint32_t i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static bool npy_value(const npy_dtype *t, const uint8_t *p, double *out)
{
    uint64_t raw = npy_le(p, t->size);
    switch (t->kind) {
    case 'b':
        if (raw > 1)
            return false;
        *out = (double)raw;
        return true;
    case 'u':
        if (raw > (UINT64_C(1) << 53))
            return false;
        *out = (double)raw;
        return true;
    case 'i': {
        uint32_t bits = 8 * t->size;
        int64_t v = bits == 64 ? (int64_t)raw
                               : (int64_t)(raw ^ (UINT64_C(1) << (bits - 1))) -
                                     (int64_t)(UINT64_C(1) << (bits - 1));
        if (v > (INT64_C(1) << 53) || v < -(INT64_C(1) << 53))
            return false;
        *out = (double)v;
        return true;
    }
    default:
        break;
    }
    double d;
    if (t->size == 2) {
        d = npy_half((uint16_t)raw);
    } else if (t->size == 4) {
        float f;
        uint32_t r32 = (uint32_t)raw;
        memcpy(&f, &r32, sizeof f);
        d = f;
    } else {
        memcpy(&d, &raw, sizeof d);
    }
    *out = d;
    return isfinite(d);
}

int wl_npy_parse(const char *name, const uint8_t *bytes, size_t size, wl_tensor *out, fw_err *err)
{
    memset(out, 0, sizeof *out);
    static const uint8_t magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
    if (size < 10 || memcmp(bytes, magic, sizeof magic) != 0)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: not a .npy file (no \\x93NUMPY magic)", name);
    uint8_t major = bytes[6], minor = bytes[7];
    if (major < 1 || major > 3 || minor != 0)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%s: .npy format version %u.%u (1.0, 2.0 and 3.0 are read)", name, major,
                          minor);
    size_t lenbytes = major == 1 ? 2 : 4, start = 8 + lenbytes;
    if (size < start)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: .npy file truncated in its header length", name);
    uint64_t hlen = npy_le(bytes + 8, (uint32_t)lenbytes);
    if (hlen > WL_NPY_MAX_HEADER || hlen > size - start)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%s: .npy header of %llu bytes does not fit the file (%zu bytes)", name,
                          (unsigned long long)hlen, size);
    npy_cur c = {(const char *)bytes + start, (const char *)bytes + start + hlen, name, err};
    for (const char *q = c.p; q < c.end; q++)
        if ((unsigned char)*q >= 0x80 || (*q < 0x20 && *q != '\n' && *q != '\t'))
            return npy_fail(&c, "not printable ASCII");
    if (hlen == 0 || c.end[-1] != '\n')
        return npy_fail(&c, "does not end with a newline");
    if (!npy_eat(&c, '{'))
        return npy_fail(&c, "not a dict literal ('{' expected)");
    char descr[16] = "";
    int fortran = -1;
    bool have_shape = false;
    uint32_t ndim = 0;
    uint64_t shape[WL_TENSOR_MAX_DIMS];
    for (int keys = 0;; keys++) {
        if (npy_eat(&c, '}'))
            break;
        if (keys == 3)
            return npy_fail(&c, "more than the keys 'descr', 'fortran_order', 'shape'");
        char key[32];
        if (!npy_string(&c, key, sizeof key) || !npy_eat(&c, ':'))
            return npy_fail(&c, "a quoted key and ':' expected");
        if (!strcmp(key, "descr") && !descr[0]) {
            if (!npy_string(&c, descr, sizeof descr) || !descr[0])
                return npy_fail(&c,
                                "'descr' is not a dtype string (structured dtypes are not read)");
        } else if (!strcmp(key, "fortran_order") && fortran < 0) {
            npy_space(&c);
            if (c.end - c.p >= 4 && !memcmp(c.p, "True", 4))
                fortran = 1, c.p += 4;
            else if (c.end - c.p >= 5 && !memcmp(c.p, "False", 5))
                fortran = 0, c.p += 5;
            else
                return npy_fail(&c, "'fortran_order' is not True or False");
        } else if (!strcmp(key, "shape") && !have_shape) {
            if (!npy_eat(&c, '('))
                return npy_fail(&c, "'shape' is not a tuple");
            while (!npy_eat(&c, ')')) {
                if (ndim == WL_TENSOR_MAX_DIMS)
                    return npy_fail(&c, "'shape' has more than 8 dimensions");
                if (!npy_uint(&c, &shape[ndim]))
                    return npy_fail(&c, "'shape' holds something other than sizes");
                ndim++;
                if (!npy_eat(&c, ',') && !(npy_space(&c), c.p < c.end && *c.p == ')'))
                    return npy_fail(&c, "'shape': ',' or ')' expected");
            }
            have_shape = true;
        } else {
            return fw_err_set(err, FW_EXIT_INPUT, "%s: .npy header: unknown or repeated key '%s'",
                              name, key);
        }
        if (!npy_eat(&c, ',') && !(npy_space(&c), c.p < c.end && *c.p == '}'))
            return npy_fail(&c, "',' or '}' expected");
    }
    npy_space(&c);
    if (c.p != c.end - 1)
        return npy_fail(&c, "text after the dict");
    if (!descr[0] || fortran < 0 || !have_shape)
        return npy_fail(&c, "needs 'descr', 'fortran_order' and 'shape'");
    if (fortran)
        return npy_fail(&c, "fortran_order True (Fortran order is not read: save a C-ordered "
                            "array, numpy.ascontiguousarray)");
    const npy_dtype *t = npy_dtype_of(descr);
    if (!t)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%s: .npy dtype '%s' is not read (little-endian bool, int8-64, uint8-64, "
                          "float16/32/64 are)",
                          name, descr);
    uint64_t count = 1;
    for (uint32_t i = 0; i < ndim; i++)
        if (__builtin_mul_overflow(count, shape[i], &count) || count > (UINT64_C(1) << 40))
            return npy_fail(&c, "'shape' has more than 2^40 elements");
    size_t data = start + (size_t)hlen;
    if ((size - data) / t->size != count || (size - data) % t->size != 0)
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%s: .npy data is %zu bytes, its shape and dtype need %llu", name,
                          size - data, (unsigned long long)(count * t->size));
    double *v = malloc((size_t)(count ? count : 1) * sizeof *v);
    if (!v)
        return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
    for (uint64_t i = 0; i < count; i++)
        if (!npy_value(t, bytes + data + i * t->size, &v[i])) {
            free(v);
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s: .npy element %llu is not a finite value a double holds exactly",
                              name, (unsigned long long)i);
        }
    out->values = v;
    out->count = count;
    out->ndim = ndim;
    memcpy(out->shape, shape, ndim * sizeof *shape);
    return 0;
}

int wl_npy_load(const char *path, wl_tensor *out, fw_err *err)
{
    char *bytes = NULL;
    size_t size = 0;
    int rc = fw_read_file(path, &bytes, &size, err);
    if (rc)
        return rc;
    rc = wl_npy_parse(path, (const uint8_t *)bytes, size, out, err);
    free(bytes);
    return rc;
}
