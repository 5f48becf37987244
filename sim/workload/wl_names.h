/* wl_names: the layer names of a workload being read, in an open-addressing hash table (linear
 * probing) of layer index + 1 (0: an empty slot), sized to at least twice the names, so that
 * looking a name up costs the same whatever the number of layers before it (the readers' linear
 * scans made 10^4-layer files take seconds). The names themselves stay in the layers. Each slot
 * also keeps a next suffix, for the SCALE-Sim reader's renaming of repeated names. */
#ifndef WL_NAMES_H
#define WL_NAMES_H

#include "workload/wl.h"

#include <stddef.h>

typedef struct wl_name_slot {
    size_t layer_plus1;
    unsigned next_suffix; /* 0: start at 2 (wl_csv.c) */
} wl_name_slot;

typedef struct wl_names {
    wl_name_slot *slot;
    size_t cap; /* a power of two, 0 before the first insertion */
} wl_names;

/* The slot holding name among layers[], or the empty slot where it would go. cap must be > 0. */
size_t wl_names_find(const wl_names *t, const wl_layer *layers, const char *name);

/* The index of name among the layers in the table, or -1. */
long wl_names_index(const wl_names *t, const wl_layer *layers, const char *name);

/* Adds layers[idx] (a name not in the table), growing it first when it would be half full.
 * Returns 0, or -1 when out of memory (the table is unchanged). */
int wl_names_add(wl_names *t, const wl_layer *layers, size_t idx);

void wl_names_fini(wl_names *t);

#endif
