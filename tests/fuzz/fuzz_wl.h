/* The workload harnesses' shared part (fuzz_workload_json.c, fuzz_scalesim.c, fuzz_onnx.c): what
 * a parsed workload must survive, and the run of a text reader with and without a batch
 * override. Header-only: each harness is one translation unit. */
#ifndef FUZZ_WL_H
#define FUZZ_WL_H

#include "workload/wl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The outcome of one parse: a workload whose totals do not trap (UBSan) is destroyed; an error
 * must say why. */
static inline void fuzz_wl_check(int rc, wl_workload *wl, const fw_err *err)
{
    if (rc == 0) {
        for (size_t i = 0; i < wl->layer_count; i++) /* the totals must not trap */
            (void)(wl_layer_macs(&wl->layers[i]) + wl_layer_weights(&wl->layers[i]) +
                   wl_layer_ifmap_elems(&wl->layers[i]) + wl_layer_ofmap_elems(&wl->layers[i]));
        wl_destroy(wl);
    } else if (!err->msg[0]) {
        abort();
    }
}

typedef int (*fuzz_wl_text_reader)(const char *name, const char *text, uint32_t batch_override,
                                   wl_workload **out, fw_err *err);

/* Runs read on the input as a NUL-terminated text, without (0) and with a batch override (3). */
static inline int fuzz_wl_text(fuzz_wl_text_reader read, const char *name, const uint8_t *data,
                               size_t size)
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
        fuzz_wl_check(read(name, text, batch, &wl, &err), wl, &err);
    }
    free(text);
    return 0;
}

#endif
