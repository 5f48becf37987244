/* libFuzzer harness: the `flopwatt fp` vector line reader and the operation it applies. The
 * first line names the function (as `flopwatt fp --list` does); each further line is a vector
 * line; the first byte of the name line also picks rounding, tininess, FTZ and overflow modes.
 * Includes sim/cli/cmd_fp.c to reach its line parser (static there). */
#include "../../sim/cli/cmd_fp.c"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text || size == 0) {
        free(text);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    char *nl = strchr(text, '\n');
    fp_func fn;
    if (nl)
        *nl = '\0';
    if (fp_parse_func(text, &fn) != 0) {
        free(text);
        return 0;
    }
    nx_mode mode = {.round = (nx_round)(data[0] % 5), .ftz = (data[0] >> 3) & 1,
                    .tininess_before = (data[0] >> 4) & 1};
    nx_overflow ovf = (data[0] >> 5) & 1 ? NX_SATURATE : NX_WRAP;
    unsigned digits[3];
    for (unsigned k = 0; k < fn.n_ops; k++)
        digits[k] = nx_fmt_get(fn.op_fmt[k])->width_bits / 4;
    char why[160];
    for (char *line = nl ? nl + 1 : NULL; line && *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        uint64_t v[3];
        if (strlen(line) < 256 && fp_parse_line(&fn, digits, line, v, why, sizeof why) == 0) {
            nx_flags fl = 0;
            (void)fp_apply(&fn, v, mode, ovf, (data[0] >> 6) & 1, &fl);
        }
        line = end ? end + 1 : NULL;
    }
    free(text);
    return 0;
}
