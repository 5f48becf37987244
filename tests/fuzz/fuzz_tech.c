/* libFuzzer harness: the technology data reader (models/tech). The first byte picks which of the
 * five data files (in tech_embedded order) the rest of the input replaces; the other four are
 * the embedded ones. Any input: a library or an error with a message; never a crash.
 *
 * What runs is what tech_load_texts runs (tech_load_start, then tech_load_doc per file in load
 * order), without redoing the fixed part: LLVMFuzzerInitialize parses the embedded files once
 * and keeps the library as it stands before each file; an execution starts from the copy before
 * the fuzzed file, parses and reads only that file, then reads the (already parsed) files after
 * it, which check against it. Parsing and reading all five files on every execution had made
 * this the slowest harness (about 1,200 executions/s under ASan, against 10,000-70,000 for the
 * other parsers). */
#include "common/jr.h"
#include "tech/tech.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Load order (tech.h): nodes, arith, memory, assumptions, references. */
static const char *const fz_order[TECH_FILE_COUNT] = {"nodes.json", "arith.json", "memory.json",
                                                      "assumptions.json", "references.json"};

/* Set once by LLVMFuzzerInitialize, read-only after (libFuzzer's setup hook has no context). */
static struct {
    const tech_text *files;           /* tech_embedded(), TECH_FILE_COUNT */
    jr_doc docs[TECH_FILE_COUNT];     /* by load order */
    tech_lib before[TECH_FILE_COUNT]; /* the library before the file of each load position */
    size_t position[TECH_FILE_COUNT]; /* load position of tech_embedded()[i] */
} fz;

static bool fz_ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), m = strlen(end);
    return n >= m && !strcmp(s + n - m, end);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    size_t count;
    fw_err err;
    fz.files = tech_embedded(&count);
    if (count != TECH_FILE_COUNT)
        abort();
    for (size_t p = 0; p < TECH_FILE_COUNT; p++) {
        size_t i = 0;
        while (i < count && !fz_ends_with(fz.files[i].name, fz_order[p]))
            i++;
        if (i == count || jr_doc_parse(fz.files[i].name, fz.files[i].text, &fz.docs[p], &err))
            abort();
        fz.position[i] = p;
    }
    tech_lib lib;
    tech_load_start(&lib);
    for (size_t p = 0; p < TECH_FILE_COUNT; p++) {
        fz.before[p] = lib;
        if (tech_load_doc(&lib, &fz.docs[p], &err))
            abort(); /* the embedded data loads */
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t i = data[0] % TECH_FILE_COUNT, p = fz.position[i];
    char *text = malloc(size);
    tech_lib *lib = malloc(sizeof *lib);
    if (!text || !lib) {
        free(text);
        free(lib);
        return 0;
    }
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    *lib = fz.before[p];
    jr_doc doc;
    fw_err err;
    fw_err_clear(&err);
    int rc = jr_doc_parse(fz.files[i].name, text, &doc, &err);
    if (!rc) {
        rc = tech_load_doc(lib, &doc, &err);
        jr_doc_fini(&doc);
    }
    for (size_t q = p + 1; q < TECH_FILE_COUNT && !rc; q++)
        rc = tech_load_doc(lib, &fz.docs[q], &err);
    if (rc && !err.msg[0])
        abort(); /* an error must say why */
    free(lib);
    free(text);
    return 0;
}
