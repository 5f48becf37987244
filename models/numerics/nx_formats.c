/* nx_formats: publishes the one table of number formats (nx_table.h, DESIGN.md contract 1). */
#include "numerics/nx.h"

#include <string.h>

#include "numerics/nx_table.h"

const nx_fmt_info *nx_fmt_get(nx_fmt fmt)
{
    return &nxi_formats[fmt];
}

int nx_fmt_from_name(const char *name, nx_fmt *out)
{
    for (int i = 0; i < NX_FMT_COUNT; i++)
        if (!strcmp(name, nxi_formats[i].name) || !strcmp(name, nxi_formats[i].tf_name)) {
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
