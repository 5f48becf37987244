/* Tests of the .npy reader (sim/workload/wl_npy.c): files laid out here byte by byte as
 * numpy.lib.format writes them (magic, version, header length, dict literal, data), read back
 * value for value for every dtype; and every malformed case with its one-line message. */
#include "workload/wl.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A version-1.0 file: the header text (a newline appended, no padding needed by the reader)
 * then n data bytes. Returns its size. */
static size_t npy(uint8_t *out, const char *header, const void *data, size_t n)
{
    size_t h = strlen(header) + 1;
    memcpy(out, "\x93NUMPY\x01\x00", 8);
    out[8] = (uint8_t)(h & 0xFF);
    out[9] = (uint8_t)(h >> 8);
    memcpy(out + 10, header, h - 1);
    out[10 + h - 1] = '\n';
    memcpy(out + 10 + h, data, n);
    return 10 + h + n;
}

static wl_tensor ok(const uint8_t *b, size_t n)
{
    wl_tensor t;
    fw_err err;
    cr_assert_eq(wl_npy_parse("t.npy", b, n, &t, &err), 0, "%s", err.msg);
    return t;
}

static void bad(const uint8_t *b, size_t n, const char *msg)
{
    wl_tensor t;
    fw_err err;
    cr_assert_neq(wl_npy_parse("t.npy", b, n, &t, &err), 0, "accepted, wanted '%s'", msg);
    cr_expect_str_eq(err.msg, msg);
}

Test(wl_npy, every_dtype)
{
    uint8_t b[512];
    /* float32 2x3 in C order */
    float f[6] = {0, 1.5f, -2, 0, 3.25f, 4};
    wl_tensor t =
        ok(b, npy(b, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f, sizeof f));
    cr_expect_eq(t.ndim, 2);
    cr_expect_eq(t.shape[0], 2);
    cr_expect_eq(t.shape[1], 3);
    cr_expect_eq(t.count, 6);
    for (int i = 0; i < 6; i++)
        cr_expect_eq(t.values[i], f[i]);
    wl_tensor_fini(&t);
    /* int8, keys in another order, double quotes, no trailing comma */
    int8_t i8[4] = {-128, 0, 5, 127};
    t = ok(b, npy(b, "{\"shape\": (4,), \"fortran_order\": False, \"descr\": \"|i1\"}", i8, 4));
    cr_expect_eq(t.values[0], -128);
    cr_expect_eq(t.values[3], 127);
    wl_tensor_fini(&t);
    /* uint16, int16, int32, int64, uint8, bool, float16 (1.0 = 0x3C00, -0.5 = 0xB800), float64 */
    uint16_t u16[2] = {65535, 7};
    t = ok(b, npy(b, "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }", u16, 4));
    cr_expect_eq(t.values[0], 65535);
    wl_tensor_fini(&t);
    int16_t i16[2] = {-32768, 300};
    t = ok(b, npy(b, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", i16, 4));
    cr_expect_eq(t.values[0], -32768);
    cr_expect_eq(t.values[1], 300);
    wl_tensor_fini(&t);
    int32_t i32[1] = {-70000};
    t = ok(b, npy(b, "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 1), }", i32, 4));
    cr_expect_eq(t.values[0], -70000);
    wl_tensor_fini(&t);
    int64_t i64[1] = {-(INT64_C(1) << 53)};
    t = ok(b, npy(b, "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", i64, 8));
    cr_expect_eq(t.values[0], -9007199254740992.0);
    wl_tensor_fini(&t);
    uint8_t b1[3] = {1, 0, 1};
    t = ok(b, npy(b, "{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", b1, 3));
    cr_expect_eq(t.values[2], 1);
    wl_tensor_fini(&t);
    uint16_t h[3] = {0x3C00, 0xB800, 0x0001}; /* 1, -0.5, 2^-24 */
    t = ok(b, npy(b, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", h, 6));
    cr_expect_eq(t.values[0], 1.0);
    cr_expect_eq(t.values[1], -0.5);
    cr_expect_eq(t.values[2], ldexp(1, -24));
    wl_tensor_fini(&t);
    double d[1] = {-0.0};
    t = ok(b, npy(b, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", d, 8));
    cr_expect_eq(t.ndim, 0);
    cr_expect_eq(t.count, 1);
    cr_expect_eq(t.values[0], 0);
    wl_tensor_fini(&t);
    /* an empty array */
    t = ok(b, npy(b, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", f, 0));
    cr_expect_eq(t.count, 0);
    wl_tensor_fini(&t);
}

Test(wl_npy, versions_2_and_3)
{
    uint8_t b[256];
    const char *hdr = "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }\n";
    size_t h = strlen(hdr);
    for (uint8_t v = 2; v <= 3; v++) {
        memcpy(b, "\x93NUMPY", 6);
        b[6] = v;
        b[7] = 0;
        b[8] = (uint8_t)h, b[9] = b[10] = b[11] = 0;
        memcpy(b + 12, hdr, h);
        b[12 + h] = 9, b[13 + h] = 200;
        wl_tensor t = ok(b, 14 + h);
        cr_expect_eq(t.values[1], 200);
        wl_tensor_fini(&t);
    }
}

Test(wl_npy, malformed_one_line_each)
{
    uint8_t b[512];
    float f[2] = {1, 2};
    const char *h2 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    size_t n = npy(b, h2, f, sizeof f);
    bad((const uint8_t *)"PK\x03\x04 not npy", 14, "t.npy: not a .npy file (no \\x93NUMPY magic)");
    uint8_t v[512];
    memcpy(v, b, n);
    v[6] = 4;
    bad(v, n, "t.npy: .npy format version 4.0 (1.0, 2.0 and 3.0 are read)");
    bad(b, 9, "t.npy: not a .npy file (no \\x93NUMPY magic)");
    bad(b, n - 1, "t.npy: .npy data is 7 bytes, its shape and dtype need 8");
    memcpy(v, b, n);
    v[8] = 0xFF, v[9] = 0x7F;
    bad(v, n, "t.npy: .npy header of 32767 bytes does not fit the file (76 bytes)");
    bad(b, npy(b, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", f, 8),
        "t.npy: .npy dtype '>f4' is not read (little-endian bool, int8-64, uint8-64, "
        "float16/32/64 are)");
    bad(b, npy(b, "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", f, 8),
        "t.npy: .npy header: fortran_order True (Fortran order is not read: save a C-ordered "
        "array, numpy.ascontiguousarray)");
    bad(b, npy(b, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", f, 8),
        "t.npy: .npy header: 'descr' is not a dtype string (structured dtypes are not read)");
    bad(b, npy(b, "{'descr': '<f4', 'shape': (2,), }", f, 8),
        "t.npy: .npy header: needs 'descr', 'fortran_order' and 'shape'");
    bad(b, npy(b, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", f, 8),
        "t.npy: .npy header: more than the keys 'descr', 'fortran_order', 'shape'");
    bad(b, npy(b, "{'descr': '<f4', 'descr': '<f4', 'shape': (2,)}", f, 8),
        "t.npy: .npy header: unknown or repeated key 'descr'");
    bad(b, npy(b, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }", f, 8),
        "t.npy: .npy header: 'shape' holds something other than sizes");
    bad(b, npy(b, "{'descr': '<f4', 'fortran_order': False, 'shape': [2], }", f, 8),
        "t.npy: .npy header: 'shape' is not a tuple");
    bad(b, npy(b, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x", f, 8),
        "t.npy: .npy header: text after the dict");
    bad(b, npy(b, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1), }", f, 4),
        "t.npy: .npy header: 'shape' has more than 8 dimensions");
    float inf[2] = {1, INFINITY};
    bad(b, npy(b, h2, inf, 8),
        "t.npy: .npy element 1 is not a finite value a double holds exactly");
    uint64_t big = (UINT64_C(1) << 53) + 1;
    bad(b, npy(b, "{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", &big, 8),
        "t.npy: .npy element 0 is not a finite value a double holds exactly");
    uint8_t two = 2;
    bad(b, npy(b, "{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", &two, 1),
        "t.npy: .npy element 0 is not a finite value a double holds exactly");
    /* the header must end with a newline and be ASCII */
    n = npy(b, h2, f, 8);
    b[10 + strlen(h2)] = ' ';
    bad(b, n, "t.npy: .npy header: does not end with a newline");
    n = npy(b, h2, f, 8);
    b[12] = (uint8_t)0xC3;
    bad(b, n, "t.npy: .npy header: not printable ASCII");
}
