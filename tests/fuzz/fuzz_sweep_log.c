/* libFuzzer harness: the sweep log reader used by `sweep --resume` and `merge`
 * (sw_log_parse, sim/sweep/sw_log). Any input: a table (whose accepted length is within the
 * input) or an error with a message; never a crash. */
#include "sweep/sw_log.h"

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
    sw_table t;
    size_t good = 0;
    fw_err err;
    fw_err_clear(&err);
    if (sw_log_parse("fuzz.log", text, size, &t, &good, &err) == 0) {
        if (good > size)
            abort();
        sw_table_sort(&t);
        sw_table_fini(&t);
    } else if (!err.msg[0]) {
        abort();
    }
    free(text);
    return 0;
}
