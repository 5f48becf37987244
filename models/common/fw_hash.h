/* fw_hash: FNV-1a 64-bit, the content hash of inputs named in provenance records (workload
 * files, sweep specs). Not cryptographic: it identifies, it does not authenticate. */
#ifndef FW_HASH_H
#define FW_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FW_FNV64_INIT 0xcbf29ce484222325ULL

/* h updated with data[0..n): start with FW_FNV64_INIT. */
uint64_t fw_fnv64(uint64_t h, const void *data, size_t n);

#endif
