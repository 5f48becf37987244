/* fw_version: the flopwatt version baked in at build time: VERSION plus "+g<commit>" (and
 * "-dirty" with uncommitted changes) from `git describe` when built in a git checkout, VERSION
 * alone otherwise (Makefile: $(BUILD)/gen/version.c). Every provenance record carries it. */
#ifndef FW_VERSION_H
#define FW_VERSION_H

/* A static string, e.g. "0.1+g580937f" or "0.1". */
const char *fw_version(void);

#endif
