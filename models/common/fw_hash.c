/* fw_hash: FNV-1a 64 (see fw_hash.h). */
#include "common/fw_hash.h"

uint64_t fw_fnv64(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL; /* the 64-bit FNV prime */
    }
    return h;
}
