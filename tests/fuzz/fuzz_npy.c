/* libFuzzer harness: the NumPy .npy reader (wl_npy_parse, sim/workload/wl_npy.c). Any input: a
 * tensor whose element count is its shape's product, or an error with a message; never a
 * crash. */
#include "workload/wl.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wl_tensor t;
    fw_err err;
    fw_err_clear(&err);
    if (wl_npy_parse("fuzz.npy", data, size, &t, &err) == 0) {
        uint64_t n = 1;
        for (uint32_t i = 0; i < t.ndim; i++)
            n *= t.shape[i];
        if (n != t.count || t.ndim > WL_TENSOR_MAX_DIMS)
            abort();
        volatile double sum = 0;
        for (uint64_t i = 0; i < t.count; i++) /* every value readable */
            sum += t.values[i];
        (void)sum;
        wl_tensor_fini(&t);
    } else if (!err.msg[0]) {
        abort();
    }
    return 0;
}
