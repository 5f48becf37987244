/* cli_find: shipped configs, networks, sweeps and chips named without a path:
 * `flopwatt run tpu_v1_like resnet50`. An argument that exists as given, is "-" or holds a '/'
 * is used as it is; otherwise NAME and NAME.json (NAME.csv for workloads) are looked up under
 * configs/, configs/workloads/, configs/workloads/scalesim/, configs/sweeps/ and configs/chips/
 * of, in order: the current directory, $FLOPWATT_DATA (the data directory: technology data at
 * its top, as tech_load reads it, shipped inputs under configs/), and the share/flopwatt
 * directory (laid out the same way)
 * installed beside the binary (BIN/../share/flopwatt, found through /proc/self/exe, so an
 * installed tree can be moved). */
#ifndef CLI_FIND_H
#define CLI_FIND_H

#include <stddef.h>

/* The path to open for arg: buf (size bytes) when a shipped file was found, else arg. */
const char *cli_find(const char *arg, char *buf, size_t size);

#endif
