/* jr: strict JSON reading over cJSON (see jr.h). */
#include "common/jr.h"
#include "common/fw_io.h"
#include "common/fw_near.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JR_MAX_EXACT_INT 9007199254740992.0 /* 2^53: integers above lose exactness in a double */

/* cJSON's type tests as cJSON.c defines them (false for NULL; a type is the low byte, a
 * boolean either of two), inlined: each was a call into the shared library, several per value
 * read. */
static inline bool jr_is(const cJSON *v, int type)
{
    return v && (v->type & 0xFF) == type;
}

static inline bool jr_is_bool(const cJSON *v)
{
    return v && (v->type & (cJSON_True | cJSON_False)) != 0;
}

/* Appends src to buf[0..*used) within size (as snprintf truncates: at most size - 1 bytes). */
static void jr_append(char *buf, size_t size, size_t *used, const char *src)
{
    size_t u = *used; /* < size */
    while (*src && u + 1 < size) /* keys and paths are short: a plain copy beats strlen+memcpy */
        buf[u++] = *src++;
    *used = u;
}

/* Every object read builds its path, so this is on the path of every config a sweep validates:
 * plain copies, the same bytes as snprintf "%s", "%s%s" or "%s.%s" would write. */
void jr_join_path(char *buf, size_t size, const char *path, const char *key)
{
    size_t used = 0;
    if (size == 0)
        return;
    if (path && path[0]) {
        jr_append(buf, size, &used, path);
        if (key[0] != '[')
            jr_append(buf, size, &used, ".");
    }
    jr_append(buf, size, &used, key);
    buf[used] = '\0';
}

/* What an error at path blames: the latest --set whose path is path or encloses it, else the
 * file. */
static const char *jr_origin(const char *file, const jr_doc *doc, const char *path)
{
    for (size_t i = doc ? doc->set_count : 0; i-- > 0;) {
        const char *set = doc->sets[i];
        size_t n = strcspn(set, "=");
        if (!strncmp(set, path, n) && (!path[n] || path[n] == '.' || path[n] == '['))
            return set;
    }
    return file;
}

static int jr_fail_path(const char *file, const jr_doc *doc, const char *path, fw_err *err,
                        const char *fmt, va_list ap)
{
    char reason[FW_ERR_MSG_BYTES];
    vsnprintf(reason, sizeof reason, fmt, ap);
    const char *origin = jr_origin(file, doc, path);
    return fw_err_set(err, FW_EXIT_INPUT, "%s%.200s: %s: %.300s", origin == file ? "" : "--set ",
                      origin, path[0] ? path : "(root)", reason);
}

int jr_fail(const jr_obj *obj, const char *key, fw_err *err, const char *fmt, ...)
{
    char path[JR_PATH_BYTES];
    va_list ap;
    if (key)
        jr_join_path(path, sizeof path, obj->path, key);
    else
        snprintf(path, sizeof path, "%s", obj->path);
    va_start(ap, fmt);
    jr_fail_path(obj->file, obj->doc, path, err, fmt, ap);
    va_end(ap);
    return FW_EXIT_INPUT;
}

static int jr_fail_arr(const jr_arr *arr, size_t index, fw_err *err, const char *fmt, ...)
{
    char path[JR_PATH_BYTES];
    char idx[32];
    va_list ap;
    snprintf(idx, sizeof idx, "[%zu]", index);
    jr_join_path(path, sizeof path, arr->path, idx);
    va_start(ap, fmt);
    jr_fail_path(arr->file, arr->doc, path, err, fmt, ap);
    va_end(ap);
    return FW_EXIT_INPUT;
}

/* Finds the first duplicate key anywhere below node and writes its path, relative to node, into
 * buf. The walk formats nothing: a path is built only on the way back from a finding (every
 * parse runs this walk over the whole tree; the fuzzers found it was a tenth of their time). */
static bool jr_find_duplicate(const cJSON *node, char *buf, size_t size)
{
    size_t index = 0;
    for (const cJSON *c = node->child; c; c = c->next, index++) {
        if (jr_is(node, cJSON_Object))
            for (const cJSON *d = node->child; d != c; d = d->next)
                if (!strcmp(d->string, c->string)) {
                    snprintf(buf, size, "%s", c->string);
                    return true;
                }
        if ((jr_is(c, cJSON_Object) || jr_is(c, cJSON_Array)) && jr_find_duplicate(c, buf, size)) {
            char below[JR_PATH_BYTES], idx[32];
            snprintf(below, sizeof below, "%s", buf);
            if (!jr_is(node, cJSON_Object))
                snprintf(idx, sizeof idx, "[%zu]", index);
            jr_join_path(buf, size, jr_is(node, cJSON_Object) ? c->string : idx, below);
            return true;
        }
    }
    return false;
}

static char *jr_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

int jr_doc_parse(const char *name, const char *text, jr_doc *doc, fw_err *err)
{
    const char *end = NULL;
    memset(doc, 0, sizeof *doc);
    doc->file = jr_strdup(name);
    if (!doc->file)
        return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", name);
    doc->root = cJSON_ParseWithOpts(text, &end, 1);
    if (!doc->root) {
        unsigned line = 1, col = 1;
        if (!end)
            end = text;
        for (const char *p = text; p < end && *p; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        fw_err_set(err, FW_EXIT_INPUT, "%s:%u:%u: JSON syntax error", name, line, col);
        jr_doc_fini(doc);
        return FW_EXIT_INPUT;
    }
    char dup[JR_PATH_BYTES];
    if (jr_find_duplicate(doc->root, dup, sizeof dup)) {
        fw_err_set(err, FW_EXIT_INPUT, "%s: %s: duplicate key", name, dup);
        jr_doc_fini(doc);
        return FW_EXIT_INPUT;
    }
    return 0;
}

int jr_doc_load(const char *path, jr_doc *doc, fw_err *err)
{
    char *text;
    memset(doc, 0, sizeof *doc);
    int rc = fw_read_text_file(path, &text, err);
    if (rc)
        return rc;
    rc = jr_doc_parse(path, text, doc, err);
    free(text);
    return rc;
}

void jr_doc_fini(jr_doc *doc)
{
    cJSON_Delete(doc->root);
    free(doc->file);
    for (size_t i = 0; i < doc->set_count; i++)
        free(doc->sets[i]);
    memset(doc, 0, sizeof *doc);
}

int jr_doc_set_option(jr_doc *doc, const char *path, const char *value_text,
                      const char *option, fw_err *err)
{
    int rc = jr_doc_set(doc, path, value_text, err);
    if (rc)
        return rc;
    if (doc->set_count == JR_MAX_SETS)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: more than %d --set options", option,
                          JR_MAX_SETS);
    if (!(doc->sets[doc->set_count] = jr_strdup(option)))
        return fw_err_set(err, FW_EXIT_IO, "--set %s: out of memory", option);
    doc->set_count++;
    return 0;
}

static cJSON *jr_value_from_text(const char *text)
{
    /* A plain integer below 10^15 ("0" or no leading zero: JSON's form) is the number node
     * cJSON's parser makes of it (its strtod gives the integer exactly, below 2^53), without
     * the parse: a sweep worker sets an axis value per point, mostly such integers. */
    uint64_t n = 0;
    size_t digits = 0;
    while (text[digits] >= '0' && text[digits] <= '9' && digits < 16)
        n = n * 10 + (uint64_t)(text[digits++] - '0');
    if (!text[digits] && digits >= 1 && digits <= 15 && (text[0] != '0' || digits == 1))
        return cJSON_CreateNumber((double)n);
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithOpts(text, &end, 1);
    if (v)
        return v;
    return cJSON_CreateString(text);
}

int jr_doc_set(jr_doc *doc, const char *path, const char *value_text, fw_err *err)
{
    char buf[JR_PATH_BYTES];
    size_t path_len = strlen(path);
    if (path_len >= sizeof buf || !path[0])
        return fw_err_set(err, FW_EXIT_INPUT, "%s: --set %s: bad path", doc->file, path);
    memcpy(buf, path, path_len + 1); /* a sweep worker sets every changed axis: no printf */
    cJSON *node = doc->root;
    char *p = buf;
    while (*p) {
        /* One segment: a key up to '.', '[' or end; or an [index]. */
        if (*p == '[') {
            char *close = strchr(p, ']');
            char *endnum = NULL;
            if (!close)
                return fw_err_set(err, FW_EXIT_INPUT, "%s: --set %s: missing ']'", doc->file,
                                  path);
            errno = 0;
            unsigned long idx = strtoul(p + 1, &endnum, 10);
            if (endnum != close || errno || !jr_is(node, cJSON_Array) ||
                idx >= (unsigned long)cJSON_GetArraySize(node))
                return fw_err_set(err, FW_EXIT_INPUT, "%s: --set %s: no such array element",
                                  doc->file, path);
            p = close + 1;
            if (*p == '.')
                p++;
            if (!*p) {
                cJSON *v = jr_value_from_text(value_text);
                if (!v || !cJSON_ReplaceItemInArray(node, (int)idx, v))
                    return fw_err_set(err, FW_EXIT_IO, "%s: --set %s: out of memory",
                                      doc->file, path);
                return 0;
            }
            node = cJSON_GetArrayItem(node, (int)idx);
            continue;
        }
        size_t n = strcspn(p, ".[");
        char saved = p[n];
        p[n] = '\0';
        if (!jr_is(node, cJSON_Object))
            return fw_err_set(err, FW_EXIT_INPUT, "%s: --set %s: '%s' is not inside an object",
                              doc->file, path, p);
        cJSON *child = cJSON_GetObjectItemCaseSensitive(node, p);
        if (!saved) {
            cJSON *v = jr_value_from_text(value_text);
            if (!v)
                return fw_err_set(err, FW_EXIT_IO, "%s: --set %s: out of memory", doc->file,
                                  path);
            if (child)
                cJSON_ReplaceItemInObjectCaseSensitive(node, p, v);
            else
                cJSON_AddItemToObject(node, p, v);
            return 0;
        }
        if (!child)
            return fw_err_set(err, FW_EXIT_INPUT, "%s: --set %s: no key '%s' to descend into",
                              doc->file, path, p);
        node = child;
        p += n;
        *p = saved;
        if (*p == '.')
            p++;
    }
    return fw_err_set(err, FW_EXIT_INPUT, "%s: --set %s: bad path", doc->file, path);
}

/* Starts a cursor with no node, an empty path and no key read. Only the first read_count
 * entries of read_keys and read_nodes are ever read, so they are left as they are: clearing the
 * whole cursor (1.2 KiB) was a tenth of the time of validating a sweep point's config. */
static void jr_obj_start(jr_obj *out, const char *file, const jr_doc *doc)
{
    out->node = NULL;
    out->file = file;
    out->doc = doc;
    out->path[0] = '\0';
    out->read_count = 0;
}

/* The member named key of an object node, or NULL: what cJSON_GetObjectItemCaseSensitive
 * returns (the first member whose name equals key; the walk stops at a nameless child, as
 * cJSON's does), with the first byte compared before calling strcmp. Every key a reader asks
 * for is looked up this way, most of them absent optional keys that visit every member. */
static const cJSON *jr_member(const cJSON *node, const char *key)
{
    for (const cJSON *c = node ? node->child : NULL; c && c->string; c = c->next)
        if (c->string[0] == key[0] && !strcmp(c->string, key))
            return c;
    return NULL;
}

int jr_root(const jr_doc *doc, jr_obj *out, fw_err *err)
{
    jr_obj_start(out, doc->file, doc);
    out->node = doc->root;
    if (!jr_is(doc->root, cJSON_Object))
        return fw_err_set(err, FW_EXIT_INPUT, "%s: (root): expected a JSON object", doc->file);
    return 0;
}

bool jr_has(const jr_obj *obj, const char *key)
{
    return jr_member(obj->node, key) != NULL;
}

static bool jr_was_read(const jr_obj *obj, const char *key)
{
    for (size_t i = 0; i < obj->read_count; i++)
        if (!strcmp(obj->read_keys[i], key))
            return true;
    return false;
}

/* Was this member of the object (a node of obj->node's children) read? A document has no
 * duplicate keys (jr_doc_parse refuses them, jr_doc_set replaces), so a member was read exactly
 * when a read found its node: the same answer as jr_was_read on its key, by pointer. */
static bool jr_node_was_read(const jr_obj *obj, const cJSON *member)
{
    for (size_t i = 0; i < obj->read_count; i++)
        if (obj->read_nodes[i] == member)
            return true;
    return false;
}

/* Finds key, marks it read; returns NULL if absent (error if required). Inlined into every
 * reader: its call and return were ~670 instructions of a sweep point's config validation
 * (cachegrind). */
static inline __attribute__((always_inline)) int
jr_take(jr_obj *obj, const char *key, bool required, const cJSON **out, fw_err *err)
{
    *out = jr_member(obj->node, key);
    if (obj->read_count < JR_MAX_KEYS) {
        obj->read_nodes[obj->read_count] = *out;
        obj->read_keys[obj->read_count++] = key;
    }
    if (!*out && required) {
        /* a key of the object not read yet and near this one is most likely its misspelling */
        for (const cJSON *c = obj->node ? obj->node->child : NULL; c; c = c->next)
            if (!jr_was_read(obj, c->string) && fw_near(c->string, &key, 1))
                return jr_fail(obj, c->string, err,
                               "unknown key (did you mean '%s'? '%s' is required and missing)",
                               key, key);
        return jr_fail(obj, key, err, "missing required key");
    }
    return 0;
}

static const char *jr_type_name(const cJSON *v)
{
    if (jr_is(v, cJSON_Object))
        return "an object";
    if (jr_is(v, cJSON_Array))
        return "an array";
    if (jr_is(v, cJSON_String))
        return "a string";
    if (jr_is(v, cJSON_Number))
        return "a number";
    if (jr_is_bool(v))
        return "a boolean";
    return "null";
}

int jr_obj_get(jr_obj *obj, const char *key, bool required, jr_obj *out, bool *present,
               fw_err *err)
{
    const cJSON *v;
    int rc = jr_take(obj, key, required, &v, err);
    if (present)
        *present = v != NULL;
    jr_obj_start(out, obj->file, obj->doc);
    jr_join_path(out->path, sizeof out->path, obj->path, key);
    if (rc || !v)
        return rc;
    if (!jr_is(v, cJSON_Object))
        return jr_fail(obj, key, err, "expected an object, found %s", jr_type_name(v));
    out->node = v;
    return 0;
}

int jr_arr_get(jr_obj *obj, const char *key, bool required, jr_arr *out, bool *present,
               fw_err *err)
{
    const cJSON *v;
    int rc = jr_take(obj, key, required, &v, err);
    if (present)
        *present = v != NULL;
    memset(out, 0, sizeof *out);
    out->file = obj->file;
    out->doc = obj->doc;
    jr_join_path(out->path, sizeof out->path, obj->path, key);
    if (rc || !v)
        return rc;
    if (!jr_is(v, cJSON_Array))
        return jr_fail(obj, key, err, "expected an array, found %s", jr_type_name(v));
    out->node = v;
    out->count = (size_t)cJSON_GetArraySize(v);
    return 0;
}

static int jr_integer(jr_obj *obj, const char *key, const cJSON *v, uint64_t min, uint64_t max,
                      uint64_t *out, fw_err *err)
{
    if (!jr_is(v, cJSON_Number))
        return jr_fail(obj, key, err, "expected an integer, found %s", jr_type_name(v));
    double d = v->valuedouble;
    /* in [0, 2^53] an integral double converts to uint64_t and back unchanged, and only an
     * integral one does: the same test as d == floor(d) there, without the libm call */
    bool integral = d >= 0 && d <= JR_MAX_EXACT_INT ? (double)(uint64_t)d == d
                                                     : isfinite(d) && d == floor(d);
    if (!integral)
        return jr_fail(obj, key, err, "expected an integer, found %g", d);
    if (d < 0 || d > JR_MAX_EXACT_INT || (uint64_t)d < min || (uint64_t)d > max)
        return jr_fail(obj, key, err, "%.15g is out of range [%llu, %llu]", d,
                       (unsigned long long)min, (unsigned long long)max);
    *out = (uint64_t)d;
    return 0;
}

int jr_u64(jr_obj *obj, const char *key, bool required, uint64_t def, uint64_t min, uint64_t max,
           uint64_t *out, fw_err *err)
{
    const cJSON *v;
    int rc = jr_take(obj, key, required, &v, err);
    if (rc)
        return rc;
    if (!v) {
        *out = def;
        return 0;
    }
    return jr_integer(obj, key, v, min, max, out, err);
}

int jr_u32(jr_obj *obj, const char *key, bool required, uint32_t def, uint32_t min, uint32_t max,
           uint32_t *out, fw_err *err)
{
    uint64_t wide;
    int rc = jr_u64(obj, key, required, def, min, max, &wide, err);
    if (!rc)
        *out = (uint32_t)wide;
    return rc;
}

int jr_f64(jr_obj *obj, const char *key, bool required, double def, double min, double max,
           double *out, fw_err *err)
{
    const cJSON *v;
    int rc = jr_take(obj, key, required, &v, err);
    if (rc)
        return rc;
    if (!v) {
        *out = def;
        return 0;
    }
    if (!jr_is(v, cJSON_Number))
        return jr_fail(obj, key, err, "expected a number, found %s", jr_type_name(v));
    if (!isfinite(v->valuedouble) || v->valuedouble < min || v->valuedouble > max)
        return jr_fail(obj, key, err, "%g is out of range [%g, %g]", v->valuedouble, min, max);
    *out = v->valuedouble;
    return 0;
}

int jr_bool(jr_obj *obj, const char *key, bool required, bool def, bool *out, fw_err *err)
{
    const cJSON *v;
    int rc = jr_take(obj, key, required, &v, err);
    if (rc)
        return rc;
    if (!v) {
        *out = def;
        return 0;
    }
    if (!jr_is_bool(v))
        return jr_fail(obj, key, err, "expected true or false, found %s", jr_type_name(v));
    *out = jr_is(v, cJSON_True);
    return 0;
}

int jr_str(jr_obj *obj, const char *key, bool required, const char *def, const char **out,
           fw_err *err)
{
    const cJSON *v;
    int rc = jr_take(obj, key, required, &v, err);
    if (rc)
        return rc;
    if (!v) {
        *out = def;
        return 0;
    }
    if (!jr_is(v, cJSON_String))
        return jr_fail(obj, key, err, "expected a string, found %s", jr_type_name(v));
    *out = v->valuestring;
    return 0;
}

int jr_enum(jr_obj *obj, const char *key, bool required, unsigned def,
            const char *const *names, size_t count, unsigned *out, fw_err *err)
{
    const char *s;
    int rc = jr_str(obj, key, required, NULL, &s, err);
    if (rc)
        return rc;
    if (!s) {
        *out = def;
        return 0;
    }
    for (size_t i = 0; i < count; i++)
        if (!strcmp(s, names[i])) {
            *out = (unsigned)i;
            return 0;
        }
    char choices[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        int n = snprintf(choices + used, sizeof choices - used, "%s%s", i ? ", " : "", names[i]);
        if (n > 0 && (size_t)n < sizeof choices - used)
            used += (size_t)n;
    }
    return jr_fail(obj, key, err, "'%.60s' is not one of: %s", s, choices);
}

int jr_obj_done(const jr_obj *obj, fw_err *err)
{
    if (!obj->node)
        return 0;
    for (const cJSON *c = obj->node->child; c; c = c->next) {
        if (jr_node_was_read(obj, c))
            continue;
        const char *near = fw_near(c->string, obj->read_keys, obj->read_count);
        if (near)
            return jr_fail(obj, c->string, err, "unknown key (did you mean '%s'?)", near);
        return jr_fail(obj, c->string, err, "unknown key");
    }
    return 0;
}

/* Element index of the array (NULL past its end), stepping from the one read last when it is
 * the next one (jr_arr.at). */
static const cJSON *jr_arr_item(jr_arr *arr, size_t index)
{
    if (arr->at && index == arr->at_index)
        return arr->at;
    if (arr->at && index == arr->at_index + 1)
        arr->at = arr->at->next;
    else
        arr->at = cJSON_GetArrayItem(arr->node, (int)index);
    arr->at_index = index;
    return arr->at;
}

int jr_arr_obj(jr_arr *arr, size_t index, jr_obj *out, fw_err *err)
{
    char idx[32];
    jr_obj_start(out, arr->file, arr->doc);
    snprintf(idx, sizeof idx, "[%zu]", index);
    jr_join_path(out->path, sizeof out->path, arr->path, idx);
    const cJSON *v = jr_arr_item(arr, index);
    if (!jr_is(v, cJSON_Object))
        return jr_fail_arr(arr, index, err, "expected an object, found %s",
                           v ? jr_type_name(v) : "nothing");
    out->node = v;
    return 0;
}

int jr_arr_f64(jr_arr *arr, size_t index, double min, double max, double *out, fw_err *err)
{
    const cJSON *v = jr_arr_item(arr, index);
    if (!jr_is(v, cJSON_Number))
        return jr_fail_arr(arr, index, err, "expected a number, found %s",
                           v ? jr_type_name(v) : "nothing");
    if (!isfinite(v->valuedouble) || v->valuedouble < min || v->valuedouble > max)
        return jr_fail_arr(arr, index, err, "%g is out of range [%g, %g]", v->valuedouble, min,
                           max);
    *out = v->valuedouble;
    return 0;
}

int jr_arr_str(jr_arr *arr, size_t index, const char **out, fw_err *err)
{
    const cJSON *v = jr_arr_item(arr, index);
    if (!jr_is(v, cJSON_String))
        return jr_fail_arr(arr, index, err, "expected a string, found %s",
                           v ? jr_type_name(v) : "nothing");
    *out = v->valuestring;
    return 0;
}
