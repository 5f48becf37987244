/* jr: the project's one strict JSON reader, over cJSON. Every JSON input (accelerator configs,
 * workloads, sweep specs, technology data) is read through it, so every file gets the same
 * rules and the same error messages:
 *   - syntax errors name FILE:LINE:COLUMN; trailing garbage and duplicate keys are errors;
 *   - each value is read by key with its type and range checked; errors name FILE and the JSON
 *     path ("array.rows", "layers[3].stride_h") and the reason;
 *   - jr_obj_done() reports any key that nobody read as unknown.
 * Defaults are given at the call that reads a key, so each default lives in one place.
 * All functions return 0 on success or an FW_EXIT_* status with *err filled.
 */
#ifndef JR_H
#define JR_H

#include "common/fw_err.h"

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JR_PATH_BYTES 192
#define JR_MAX_KEYS 64 /* keys read per object; an object with more known keys must be split */
#define JR_MAX_SETS 64 /* --set overrides remembered per document (for error messages) */

/* A parsed document. Owns its text and tree; free with jr_doc_fini(). */
typedef struct jr_doc {
    char *file;  /* name used in messages (path as given, or "<string>") */
    cJSON *root;
    char *sets[JR_MAX_SETS]; /* "PATH=VALUE" of the --set overrides applied (jr_doc_set_option) */
    size_t set_count;
} jr_doc;

/* A cursor on one JSON object: the node, its path, and the keys read so far. Borrowed from
 * its document: valid while the document lives. */
typedef struct jr_obj {
    const cJSON *node;
    const char *file;
    const jr_doc *doc; /* for --set origins in messages; NULL: none */
    char path[JR_PATH_BYTES]; /* "" for the root */
    const char *read_keys[JR_MAX_KEYS];
    const cJSON *read_nodes[JR_MAX_KEYS]; /* what each read found (NULL: absent) */
    size_t read_count;
} jr_obj;

/* A cursor on one JSON array. */
typedef struct jr_arr {
    const cJSON *node;
    const char *file;
    const jr_doc *doc;
    char path[JR_PATH_BYTES];
    size_t count;
    /* the element read last and its index (NULL: none): reading element i + 1 next steps from
     * it instead of walking cJSON's list from the start, so reading a whole array in order is
     * linear, not quadratic (a 20,000-layer workload took seconds) */
    const cJSON *at;
    size_t at_index;
} jr_arr;

/* Reads and parses a file. On success the caller owns *doc (jr_doc_fini). Fails with
 * FW_EXIT_IO if the file cannot be read, FW_EXIT_INPUT on a syntax error or duplicate key. */
int jr_doc_load(const char *path, jr_doc *doc, fw_err *err);
/* Parses text (not retained); name is used in messages. */
int jr_doc_parse(const char *name, const char *text, jr_doc *doc, fw_err *err);
void jr_doc_fini(jr_doc *doc);

/* Sets the value at a JSON path ("array.rows", "layers[2].groups") in the document before it is
 * validated: implements `--set PATH=VALUE`. value_text is parsed as JSON when it is a number,
 * true, false, null, an object, an array or a quoted string, and taken as a plain string
 * otherwise. Intermediate objects must exist; the last key is created if missing (so an unknown
 * key is reported later by validation, naming the path). */
int jr_doc_set(jr_doc *doc, const char *path, const char *value_text, fw_err *err);

/* jr_doc_set for a command-line `--set PATH=VALUE` (option is that text): later errors about
 * PATH or anything under it name "--set PATH=VALUE" instead of the file. */
int jr_doc_set_option(jr_doc *doc, const char *path, const char *value_text,
                      const char *option, fw_err *err);

/* Opens the root, which must be an object. */
int jr_root(const jr_doc *doc, jr_obj *out, fw_err *err);

/* Does the object have this key? (Marks nothing as read.) */
bool jr_has(const jr_obj *obj, const char *key);

/* Child object / array. With required false and the key absent, *present is set false and 0 is
 * returned (present may be NULL when required is true). */
int jr_obj_get(jr_obj *obj, const char *key, bool required, jr_obj *out, bool *present,
               fw_err *err);
int jr_arr_get(jr_obj *obj, const char *key, bool required, jr_arr *out, bool *present,
               fw_err *err);

/* Scalars by key. When required is false and the key is absent, *out = def. Integers must be
 * integral JSON numbers within [min, max] (at most 2^53); doubles must be finite and within
 * [min, max]. Strings are borrowed from the document. */
int jr_u32(jr_obj *obj, const char *key, bool required, uint32_t def, uint32_t min, uint32_t max,
           uint32_t *out, fw_err *err);
int jr_u64(jr_obj *obj, const char *key, bool required, uint64_t def, uint64_t min, uint64_t max,
           uint64_t *out, fw_err *err);
int jr_f64(jr_obj *obj, const char *key, bool required, double def, double min, double max,
           double *out, fw_err *err);
int jr_bool(jr_obj *obj, const char *key, bool required, bool def, bool *out, fw_err *err);
int jr_str(jr_obj *obj, const char *key, bool required, const char *def, const char **out,
           fw_err *err);
/* A string that must be one of names[0..count-1]; *out is its index. */
int jr_enum(jr_obj *obj, const char *key, bool required, unsigned def,
            const char *const *names, size_t count, unsigned *out, fw_err *err);

/* Errors if the object has a key that was not read: "FILE: path.key: unknown key", with
 * " (did you mean 'K'?)" when a key K the reader asked for is near by edit distance (fw_near).
 * A required key that is missing while the object holds an unread key near its name reports
 * that key as the unknown one instead ("FILE: path.rowz: unknown key (did you mean 'rows'?
 * 'rows' is required and missing)"): the misspelling is named before the missing key. */
int jr_obj_done(const jr_obj *obj, fw_err *err);

/* Array elements. */
int jr_arr_obj(jr_arr *arr, size_t index, jr_obj *out, fw_err *err);
int jr_arr_f64(jr_arr *arr, size_t index, double min, double max, double *out, fw_err *err);
int jr_arr_str(jr_arr *arr, size_t index, const char **out, fw_err *err);

/* Formats an error about a value at obj's path (+ key when not NULL): "FILE: path.key: ...". */
int jr_fail(const jr_obj *obj, const char *key, fw_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes "path.key" (or "key" at the root) into buf. */
void jr_join_path(char *buf, size_t size, const char *path, const char *key);

#endif
