/* nx_formats: the one table of number formats (DESIGN.md contract 1). Every other description of
 * a format (the RTL's rtl/fw_formats.vh, the CLI's operand widths, the docs) derives from it. */
#include "numerics/nx.h"

#include <string.h>

static const nx_fmt_info nx_formats[NX_FMT_COUNT] = {
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

const nx_fmt_info *nx_fmt_get(nx_fmt fmt)
{
    return &nx_formats[fmt];
}

int nx_fmt_from_name(const char *name, nx_fmt *out)
{
    for (int i = 0; i < NX_FMT_COUNT; i++)
        if (!strcmp(name, nx_formats[i].name) || !strcmp(name, nx_formats[i].tf_name)) {
            *out = (nx_fmt)i;
            return 0;
        }
    return -1;
}

uint64_t nx_zero(nx_fmt fmt)
{
    (void)fmt; /* +0 and integer 0 are all-zero bits in every format */
    return 0;
}
