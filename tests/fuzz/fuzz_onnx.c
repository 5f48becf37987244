/* libFuzzer harness: the ONNX reader (wl_parse_onnx, sim/workload/wl_onnx.c), with and without
 * a batch override (the leading dimension of the graph inputs). Any input: a workload or an
 * error with a message; never a crash. */
#include "workload/wl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (uint32_t batch = 0; batch <= 3; batch += 3) {
        wl_opts opts = {.batch_override = batch};
        wl_workload *wl = NULL;
        fw_err err;
        fw_err_clear(&err);
        if (wl_parse_onnx("fuzz.onnx", data, size, &opts, &wl, &err) == 0) {
            for (size_t i = 0; i < wl->layer_count; i++) /* the totals must not trap */
                (void)(wl_layer_macs(&wl->layers[i]) + wl_layer_weights(&wl->layers[i]) +
                       wl_layer_ifmap_elems(&wl->layers[i]) + wl_layer_ofmap_elems(&wl->layers[i]));
            wl_destroy(wl);
        } else if (!err.msg[0]) {
            abort();
        }
    }
    return 0;
}
