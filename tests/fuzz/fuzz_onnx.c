/* libFuzzer harness: the ONNX reader (wl_parse_onnx, sim/workload/wl_onnx.c), with and without
 * a batch override (the leading dimension of the graph inputs). Any input: a workload or an
 * error with a message; never a crash. */
#include "fuzz_wl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (uint32_t batch = 0; batch <= 3; batch += 3) {
        wl_opts opts = {.batch_override = batch};
        wl_workload *wl = NULL;
        fw_err err;
        fw_err_clear(&err);
        fuzz_wl_check(wl_parse_onnx("fuzz.onnx", data, size, &opts, &wl, &err), wl, &err);
    }
    return 0;
}
