/* nx_table: THE table of number formats (DESIGN.md contract 1), as a header so that the
 * per-format fast paths (nx_core.h, instantiated in nx_fma.c, nx_mul.c, nx_add.c, nx_mac.c) see
 * every field as a compile-time constant; nx_formats.c publishes it (nx_fmt_get). Every other
 * description of a format (rtl/fw_formats.vh, the CLI's operand widths, the docs) derives from
 * it. Not a public header. */
#ifndef NX_TABLE_H
#define NX_TABLE_H

#include "numerics/nx.h"

static const nx_fmt_info nxi_formats[NX_FMT_COUNT] = {
    /* name, tf_name, width, float, exp, man, bias, inf, ieee NaN, canonical NaN */
    [NX_FP32] = {"fp32", "f32", 32, true, 8, 23, 127, true, true, UINT64_C(0x7FC00000)},
    [NX_FP16] = {"fp16", "f16", 16, true, 5, 10, 15, true, true, UINT64_C(0x7E00)},
    [NX_BF16] = {"bf16", "bf16", 16, true, 8, 7, 127, true, true, UINT64_C(0x7FC0)},
    [NX_FP8E5M2] = {"fp8e5m2", "f8e5m2", 8, true, 5, 2, 15, true, true, UINT64_C(0x7E)},
    /* OCP E4M3: exponent field 1111 holds normal numbers except S.1111.111, the only NaN. */
    [NX_FP8E4M3] = {"fp8e4m3", "f8e4m3", 8, true, 4, 3, 7, false, false, UINT64_C(0x7F)},
    [NX_INT8] = {"int8", "i8", 8, false, 0, 0, 0, false, false, 0},
    [NX_INT16] = {"int16", "i16", 16, false, 0, 0, 0, false, false, 0},
    [NX_INT32] = {"int32", "i32", 32, false, 0, 0, 0, false, false, 0},
    [NX_INT48] = {"int48", "i48", 48, false, 0, 0, 0, false, false, 0},
};

/* The floating formats of the table, for instantiating per-format code (X(format) each);
 * test_nx_fast.c checks that it lists exactly the table's floating formats. */
#define NX_FLOAT_FORMATS(X) X(NX_FP32) X(NX_FP16) X(NX_BF16) X(NX_FP8E5M2) X(NX_FP8E4M3)
/* The same list as X(arg, format) each, for pairs (a macro cannot expand inside itself). */
#define NX_FLOAT_FORMATS_WITH(X, A)                                                                \
    X(A, NX_FP32) X(A, NX_FP16) X(A, NX_BF16) X(A, NX_FP8E5M2) X(A, NX_FP8E4M3)

#endif
