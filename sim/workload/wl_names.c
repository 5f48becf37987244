/* wl_names: the layer names of a workload being read, hashed (see wl_names.h). */
#include "workload/wl_names.h"
#include "common/fw_hash.h"

#include <stdlib.h>
#include <string.h>

size_t wl_names_find(const wl_names *t, const wl_layer *layers, const char *name)
{
    size_t mask = t->cap - 1;
    size_t i = (size_t)fw_fnv64(FW_FNV64_INIT, name, strlen(name)) & mask;
    while (t->slot[i].layer_plus1 && strcmp(layers[t->slot[i].layer_plus1 - 1].name, name))
        i = (i + 1) & mask;
    return i;
}

long wl_names_index(const wl_names *t, const wl_layer *layers, const char *name)
{
    if (!t->cap)
        return -1;
    size_t plus1 = t->slot[wl_names_find(t, layers, name)].layer_plus1;
    return plus1 ? (long)(plus1 - 1) : -1;
}

int wl_names_add(wl_names *t, const wl_layer *layers, size_t idx)
{
    if (2 * (idx + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 128;
        while (2 * (idx + 1) > cap)
            cap *= 2;
        wl_names grown = {calloc(cap, sizeof *grown.slot), cap};
        if (!grown.slot)
            return -1;
        for (size_t i = 0; i < t->cap; i++)
            if (t->slot[i].layer_plus1)
                grown.slot[wl_names_find(&grown, layers,
                                         layers[t->slot[i].layer_plus1 - 1].name)] = t->slot[i];
        free(t->slot);
        *t = grown;
    }
    t->slot[wl_names_find(t, layers, layers[idx].name)] = (wl_name_slot){idx + 1, 0};
    return 0;
}

void wl_names_fini(wl_names *t)
{
    free(t->slot);
    *t = (wl_names){NULL, 0};
}
