/* libFuzzer harness: the SCALE-Sim topology CSV reader (wl_parse_scalesim, sim/workload), with
 * and without a batch override. Any input: a workload or an error with a message; never a crash. */
#include "fuzz_wl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_wl_text(wl_parse_scalesim, "fuzz.csv", data, size);
}
