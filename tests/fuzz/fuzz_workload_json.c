/* libFuzzer harness: the workload JSON reader (wl_parse_json, sim/workload), with and without a
 * batch override. Any input: a workload or an error with a message; never a crash. */
#include "workload/wl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    for (uint32_t batch = 0; batch <= 3; batch += 3) {
        wl_workload *wl = NULL;
        fw_err err;
        fw_err_clear(&err);
        if (wl_parse_json("fuzz.json", text, batch, &wl, &err) == 0) {
            for (size_t i = 0; i < wl->layer_count; i++) /* the totals must not trap */
                (void)(wl_layer_macs(&wl->layers[i]) + wl_layer_weights(&wl->layers[i]) +
                       wl_layer_ifmap_elems(&wl->layers[i]) + wl_layer_ofmap_elems(&wl->layers[i]));
            wl_destroy(wl);
        } else if (!err.msg[0]) {
            abort();
        }
    }
    free(text);
    return 0;
}
