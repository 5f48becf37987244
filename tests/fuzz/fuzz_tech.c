/* libFuzzer harness: the technology data reader (tech_load_texts, models/tech). The first byte
 * picks which of the five data files the rest of the input replaces; the other four are the
 * embedded ones. Any input: a library or an error with a message; never a crash. */
#include "tech/tech.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t count;
    const tech_text *embedded = tech_embedded(&count);
    if (count != TECH_FILE_COUNT)
        abort();
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    tech_text files[TECH_FILE_COUNT];
    memcpy(files, embedded, sizeof files);
    files[data[0] % TECH_FILE_COUNT].text = text;
    tech_lib *lib = NULL;
    fw_err err;
    fw_err_clear(&err);
    if (tech_load_texts(files, count, &lib, &err) == 0)
        tech_destroy(lib);
    else if (!err.msg[0])
        abort();
    free(text);
    return 0;
}
