/* libFuzzer harness: the workload JSON reader (wl_parse_json, sim/workload), with and without a
 * batch override. Any input: a workload or an error with a message; never a crash. */
#include "fuzz_wl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_wl_text(wl_parse_json, "fuzz.json", data, size);
}
