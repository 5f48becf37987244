/* libFuzzer harness: the accelerator config reader (cfg_parse, sim/config) with --set overrides.
 * Input: the config JSON, then optionally a NUL byte and --set lines "PATH=VALUE" (one per
 * line). Any input must give 0 or an error with a message, never a crash, leak or UB. */
#include "config/cfg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_SETS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *sets[FUZZ_MAX_SETS];
    size_t nsets = 0;
    size_t json_len = strlen(text);
    if (json_len < size) { /* --set lines after the NUL */
        char *p = text + json_len + 1;
        while (*p && nsets < FUZZ_MAX_SETS) {
            char *nl = strchr(p, '\n');
            if (nl)
                *nl = '\0';
            sets[nsets++] = p;
            if (!nl)
                break;
            p = nl + 1;
        }
    }
    cfg_accel cfg;
    fw_err err;
    fw_err_clear(&err);
    if (cfg_parse("fuzz.json", text, sets, nsets, &cfg, &err) != 0 && !err.msg[0])
        abort(); /* an error must say why */
    free(text);
    return 0;
}
