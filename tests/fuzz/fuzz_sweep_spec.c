/* libFuzzer harness: the sweep spec reader (sw_spec_parse, sim/sweep), then the enumeration of
 * its first and last points. Any input: a spec or an error with a message; never a crash. */
#include "sweep/sw_spec.h"

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
    sw_spec spec;
    fw_err err;
    fw_err_clear(&err);
    if (sw_spec_parse("fuzz/spec.json", text, &spec, &err) == 0) {
        size_t w, v[SW_MAX_AXES];
        if (spec.point_count) {
            sw_spec_point(&spec, 0, &w, v);
            sw_spec_point(&spec, spec.point_count - 1, &w, v);
        }
        sw_spec_fini(&spec);
    } else if (!err.msg[0]) {
        abort();
    }
    free(text);
    return 0;
}
