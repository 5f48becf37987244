/* sw_spec: sweep spec parsing and point enumeration (see sw_spec.h). */
#include "common/fw_hash.h"
#include "sweep/sw_spec.h"
#include "common/fw_io.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SW_RANGE_REL_TOL 1e-9 /* a range's last value may overshoot `to` by this fraction */
#define SW_VALUE_BYTES 64     /* one number formatted with %.15g, with room to spare */

int sw_spec_point_config(const sw_spec *spec, const jr_doc *base, uint64_t index, jr_doc *out,
                         size_t *workload, fw_err *err)
{
    size_t v[SW_MAX_AXES];
    sw_spec_point(spec, index, workload, v);
    *out = (jr_doc){.file = base->file, .root = cJSON_Duplicate(base->root, 1)};
    if (!out->root)
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    return sw_spec_apply(spec, out, NULL, v, err);
}

int sw_spec_apply(const sw_spec *spec, jr_doc *cfg, size_t *have, const size_t *v, fw_err *err)
{
    size_t first = 0;
    while (have && first < spec->axis_count && have[first] == v[first])
        first++;
    int rc = 0;
    for (size_t a = first; a < spec->axis_count && !rc; a++)
        for (size_t p = 0; p < spec->axes[a].path_count && !rc; p++)
            rc = jr_doc_set(cfg, spec->axes[a].paths[p], spec->axes[a].json_values[v[a]], err);
    for (size_t a = 0; have && a < spec->axis_count; a++)
        have[a] = rc ? SIZE_MAX : v[a];
    return rc;
}

uint64_t sw_fnv64(uint64_t h, const void *data, size_t n)
{
    return fw_fnv64(h, data, n);
}

static char *sw_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

/* Resolves path against the directory of spec_name (absolute paths are kept). */
static char *sw_resolve(const char *spec_name, const char *path)
{
    const char *slash = strrchr(spec_name, '/');
    if (path[0] == '/' || !slash)
        return sw_strdup(path);
    size_t dir = (size_t)(slash - spec_name) + 1;
    char *out = malloc(dir + strlen(path) + 1);
    if (out) {
        memcpy(out, spec_name, dir);
        strcpy(out + dir, path);
    }
    return out;
}

/* A CSV field may not hold separators or quotes (fields are never quoted); backslashes and
 * control characters are refused too, so the same text is also a valid JSON string body. */
static bool sw_csv_safe(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20)
            return false;
    return s[0] && !strpbrk(s, ",\"\\");
}

static void sw_format_number(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.15g", v);
}

static int sw_axis_add_value(sw_axis *axis, const char *json, const char *csv)
{
    size_t n = axis->value_count;
    char **j = realloc(axis->json_values, (n + 1) * sizeof *j);
    if (j)
        axis->json_values = j;
    char **c = realloc(axis->csv_values, (n + 1) * sizeof *c);
    if (c)
        axis->csv_values = c;
    if (!j || !c)
        return -1;
    j[n] = sw_strdup(json);
    c[n] = sw_strdup(csv);
    axis->value_count = n + 1;
    return j[n] && c[n] ? 0 : -1;
}

static int sw_oom(const char *file, fw_err *err)
{
    return fw_err_set(err, FW_EXIT_IO, "%s: out of memory", file);
}

/* labels (may be NULL) name each value in the CSV; values that are objects or arrays need one. */
static int sw_parse_values(jr_arr *arr, jr_arr *labels, sw_axis *axis, fw_err *err)
{
    if (labels && labels->count != arr->count)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: %s: expected %zu labels (one per value)",
                          labels->file, labels->path, arr->count);
    for (size_t i = 0; labels && i < labels->count; i++) {
        const char *l;
        int rc = jr_arr_str(labels, i, &l, err);
        if (rc)
            return rc;
        if (!sw_csv_safe(l))
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s: %s[%zu]: a label must be non-empty and hold no comma, quote, "
                              "backslash or control character",
                              labels->file, labels->path, i);
    }
    if (arr->count == 0 || arr->count > SW_MAX_AXIS_VALUES)
        return fw_err_set(err, FW_EXIT_INPUT, "%s: %s: expected 1 to %d values, found %zu",
                          arr->file, arr->path, SW_MAX_AXIS_VALUES, arr->count);
    size_t i = 0;
    for (const cJSON *v = arr->node->child; v; v = v->next, i++) {
        char num[SW_VALUE_BYTES];
        int rc = 0;
        if (cJSON_IsNumber(v)) {
            if (!isfinite(v->valuedouble))
                return fw_err_set(err, FW_EXIT_INPUT, "%s: %s[%zu]: not a finite number", arr->file,
                                  arr->path, i);
            sw_format_number(num, sizeof num, v->valuedouble);
            rc = sw_axis_add_value(axis, num, num);
        } else if (cJSON_IsBool(v)) {
            rc = sw_axis_add_value(axis, cJSON_IsTrue(v) ? "true" : "false",
                                   cJSON_IsTrue(v) ? "true" : "false");
        } else if (cJSON_IsString(v)) {
            if (!sw_csv_safe(v->valuestring))
                return fw_err_set(err, FW_EXIT_INPUT,
                                  "%s: %s[%zu]: a string value must be non-empty and hold no "
                                  "comma, quote, backslash or control character",
                                  arr->file, arr->path, i);
            char *json = cJSON_PrintUnformatted(v);
            if (!json)
                return sw_oom(arr->file, err);
            rc = sw_axis_add_value(axis, json, v->valuestring);
            cJSON_free(json);
        } else if ((cJSON_IsObject(v) || cJSON_IsArray(v)) && labels) {
            char *json = cJSON_PrintUnformatted(v);
            if (!json)
                return sw_oom(arr->file, err);
            rc = sw_axis_add_value(axis, json, "");
            cJSON_free(json);
        } else {
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s: %s[%zu]: expected a number, a string or a boolean (an object "
                              "or array value needs \"labels\")",
                              arr->file, arr->path, i);
        }
        if (rc)
            return sw_oom(arr->file, err);
        if (labels) {
            const char *l;
            jr_arr_str(labels, i, &l, err);
            free(axis->csv_values[i]);
            if (!(axis->csv_values[i] = sw_strdup(l)))
                return sw_oom(arr->file, err);
        }
    }
    return 0;
}

static int sw_parse_range(jr_obj *range, sw_axis *axis, fw_err *err)
{
    double from, to, step = 0, factor = 0;
    int rc;
    bool has_step = jr_has(range, "step"), has_factor = jr_has(range, "factor");
    if ((rc = jr_f64(range, "from", true, 0, -HUGE_VAL, HUGE_VAL, &from, err)) ||
        (rc = jr_f64(range, "to", true, 0, -HUGE_VAL, HUGE_VAL, &to, err)))
        return rc;
    if (has_step == has_factor)
        return jr_fail(range, NULL, err, "give exactly one of \"step\" and \"factor\"");
    if (has_step && (rc = jr_f64(range, "step", true, 0, 0, HUGE_VAL, &step, err)))
        return rc;
    if (has_factor && (rc = jr_f64(range, "factor", true, 0, 1, HUGE_VAL, &factor, err)))
        return rc;
    if ((rc = jr_obj_done(range, err)))
        return rc;
    if (to < from)
        return jr_fail(range, "to", err, "%.15g is below from (%.15g)", to, from);
    if (has_step && step <= 0)
        return jr_fail(range, "step", err, "must be positive");
    if (has_factor && (factor <= 1 || from <= 0))
        return jr_fail(range, "factor", err, "needs factor > 1 and from > 0");
    double limit = to + SW_RANGE_REL_TOL * fmax(fabs(to), fabs(from));
    for (size_t k = 0;; k++) {
        double v = has_step ? from + (double)k * step : from * pow(factor, (double)k);
        if (v > limit)
            break;
        if (k >= SW_MAX_AXIS_VALUES)
            return jr_fail(range, NULL, err, "more than %d values", SW_MAX_AXIS_VALUES);
        char num[SW_VALUE_BYTES];
        sw_format_number(num, sizeof num, v);
        if (sw_axis_add_value(axis, num, num))
            return sw_oom(range->file, err);
    }
    return 0;
}

static int sw_parse_axis(jr_obj *ax, sw_axis *axis, fw_err *err)
{
    int rc;
    bool has_path = jr_has(ax, "path"), has_paths = jr_has(ax, "paths");
    if (has_path == has_paths)
        return jr_fail(ax, NULL, err, "give exactly one of \"path\" and \"paths\"");
    if (has_path) {
        const char *p;
        if ((rc = jr_str(ax, "path", true, NULL, &p, err)))
            return rc;
        if (!sw_csv_safe(p) || strlen(p) >= JR_PATH_BYTES)
            return jr_fail(ax, "path", err, "not a usable JSON path");
        if (!(axis->paths[0] = sw_strdup(p)))
            return sw_oom(ax->file, err);
        axis->path_count = 1;
    } else {
        jr_arr arr;
        if ((rc = jr_arr_get(ax, "paths", true, &arr, NULL, err)))
            return rc;
        if (arr.count == 0 || arr.count > SW_MAX_PATHS)
            return jr_fail(ax, "paths", err, "expected 1 to %d paths", SW_MAX_PATHS);
        for (size_t i = 0; i < arr.count; i++) {
            const char *p;
            if ((rc = jr_arr_str(&arr, i, &p, err)))
                return rc;
            if (!sw_csv_safe(p) || strlen(p) >= JR_PATH_BYTES)
                return fw_err_set(err, FW_EXIT_INPUT, "%s: %s[%zu]: not a usable JSON path",
                                  arr.file, arr.path, i);
            if (!(axis->paths[i] = sw_strdup(p)))
                return sw_oom(ax->file, err);
            axis->path_count = i + 1;
        }
    }
    bool has_values = jr_has(ax, "values"), has_range = jr_has(ax, "range");
    if (has_values == has_range)
        return jr_fail(ax, NULL, err, "give exactly one of \"values\" and \"range\"");
    if (has_values) {
        jr_arr arr, labels;
        bool has_labels;
        if ((rc = jr_arr_get(ax, "values", true, &arr, NULL, err)) ||
            (rc = jr_arr_get(ax, "labels", false, &labels, &has_labels, err)) ||
            (rc = sw_parse_values(&arr, has_labels ? &labels : NULL, axis, err)))
            return rc;
    } else {
        jr_obj range;
        if ((rc = jr_obj_get(ax, "range", true, &range, NULL, err)) ||
            (rc = sw_parse_range(&range, axis, err)))
            return rc;
    }
    return jr_obj_done(ax, err);
}

static int sw_parse_metric_name(jr_obj *o, char *out, fw_err *err)
{
    const char *m;
    int rc = jr_str(o, "metric", true, NULL, &m, err);
    if (rc)
        return rc;
    if (!sw_csv_safe(m) || strlen(m) >= SW_NAME_BYTES)
        return jr_fail(o, "metric", err, "not a metric name");
    strcpy(out, m);
    return 0;
}

/* Open-addressing set of grid indices (random sampling without repeats). */
typedef struct sw_set {
    uint64_t *slots; /* value + 1; 0 is empty */
    size_t mask;
} sw_set;

static bool sw_set_insert(sw_set *s, uint64_t v)
{
    size_t i = (size_t)(sw_fnv64(SW_FNV64_INIT, &v, sizeof v) & s->mask);
    while (s->slots[i]) {
        if (s->slots[i] == v + 1)
            return false;
        i = (i + 1) & s->mask;
    }
    s->slots[i] = v + 1;
    return true;
}

static int sw_sample(sw_spec *spec, fw_err *err)
{
    size_t cap = 16;
    while (cap < 2 * spec->point_count)
        cap *= 2;
    sw_set set = {calloc(cap, sizeof(uint64_t)), cap - 1};
    spec->random_grid = malloc(spec->point_count * sizeof *spec->random_grid);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!set.slots || !spec->random_grid || !rng) {
        free(set.slots);
        if (rng)
            gsl_rng_free(rng);
        return sw_oom(spec->file, err);
    }
    gsl_rng_set(rng, (unsigned long)spec->seed);
    /* Each draw picks the workload, then each axis's value; a grid point drawn before is
     * drawn again. */
    for (uint64_t p = 0; p < spec->point_count;) {
        uint64_t grid = gsl_rng_uniform_int(rng, spec->workload_count);
        for (size_t a = 0; a < spec->axis_count; a++)
            grid = grid * spec->axes[a].value_count +
                   gsl_rng_uniform_int(rng, spec->axes[a].value_count);
        if (sw_set_insert(&set, grid))
            spec->random_grid[p++] = grid;
    }
    gsl_rng_free(rng);
    free(set.slots);
    return 0;
}

static int sw_spec_parse_doc(const jr_doc *doc, sw_spec *spec, fw_err *err)
{
    jr_obj root, o;
    jr_arr arr;
    bool present;
    int rc;
    const char *s;
    if ((rc = jr_root(doc, &root, err)))
        return rc;
    if ((rc = jr_str(&root, "base", true, NULL, &s, err)))
        return rc;
    if (!(spec->base_path = sw_resolve(spec->file, s)))
        return sw_oom(spec->file, err);

    if ((rc = jr_arr_get(&root, "workloads", true, &arr, NULL, err)))
        return rc;
    if (arr.count == 0 || arr.count > SW_MAX_AXIS_VALUES)
        return jr_fail(&root, "workloads", err, "expected 1 to %d workloads", SW_MAX_AXIS_VALUES);
    spec->workloads = calloc(arr.count, sizeof(char *));
    spec->workload_paths = calloc(arr.count, sizeof(char *));
    if (!spec->workloads || !spec->workload_paths)
        return sw_oom(spec->file, err);
    spec->workload_count = arr.count;
    for (size_t i = 0; i < arr.count; i++) {
        if ((rc = jr_arr_str(&arr, i, &s, err)))
            return rc;
        if (!sw_csv_safe(s))
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s: workloads[%zu]: a path must hold no comma, quote, backslash "
                              "or control character",
                              spec->file, i);
        spec->workloads[i] = sw_strdup(s);
        spec->workload_paths[i] = sw_resolve(spec->file, s);
        if (!spec->workloads[i] || !spec->workload_paths[i])
            return sw_oom(spec->file, err);
    }
    if ((rc = jr_u32(&root, "batch", false, 0, 0, 1u << 20, &spec->batch, err)))
        return rc;

    if ((rc = jr_arr_get(&root, "axes", true, &arr, NULL, err)))
        return rc;
    if (arr.count > SW_MAX_AXES)
        return jr_fail(&root, "axes", err, "at most %d axes", SW_MAX_AXES);
    for (size_t i = 0; i < arr.count; i++) {
        if ((rc = jr_arr_obj(&arr, i, &o, err)))
            return rc;
        spec->axis_count = i + 1;
        if ((rc = sw_parse_axis(&o, &spec->axes[i], err)))
            return rc;
        for (size_t p = 0; p < spec->axes[i].path_count; p++)
            for (size_t j = 0; j <= i; j++)
                for (size_t q = 0; q < (j == i ? p : spec->axes[j].path_count); q++)
                    if (!strcmp(spec->axes[i].paths[p], spec->axes[j].paths[q]))
                        return fw_err_set(err, FW_EXIT_INPUT,
                                          "%s: axes[%zu]: path %s is already swept by "
                                          "axes[%zu]",
                                          spec->file, i, spec->axes[i].paths[p], j);
    }

    if ((rc = jr_arr_get(&root, "constraints", false, &arr, &present, err)))
        return rc;
    if (present && arr.count) {
        spec->constraints = calloc(arr.count, sizeof *spec->constraints);
        if (!spec->constraints)
            return sw_oom(spec->file, err);
        for (size_t i = 0; i < arr.count; i++) {
            sw_constraint *c = &spec->constraints[i];
            spec->constraint_count = i + 1;
            if ((rc = jr_arr_obj(&arr, i, &o, err)) ||
                (rc = sw_parse_metric_name(&o, c->metric, err)))
                return rc;
            c->has_min = jr_has(&o, "min");
            c->has_max = jr_has(&o, "max");
            if ((rc = jr_f64(&o, "min", false, 0, -HUGE_VAL, HUGE_VAL, &c->min, err)) ||
                (rc = jr_f64(&o, "max", false, 0, -HUGE_VAL, HUGE_VAL, &c->max, err)) ||
                (rc = jr_obj_done(&o, err)))
                return rc;
            if (!c->has_min && !c->has_max)
                return jr_fail(&o, NULL, err, "give \"min\", \"max\" or both");
            if (c->has_min && c->has_max && c->min > c->max)
                return jr_fail(&o, "max", err, "is below min");
        }
    }

    if ((rc = jr_arr_get(&root, "objectives", true, &arr, NULL, err)))
        return rc;
    if (arr.count == 0 || arr.count > SW_MAX_AXES)
        return jr_fail(&root, "objectives", err, "expected 1 to %d objectives", SW_MAX_AXES);
    spec->objectives = calloc(arr.count, sizeof *spec->objectives);
    if (!spec->objectives)
        return sw_oom(spec->file, err);
    for (size_t i = 0; i < arr.count; i++) {
        static const char *const goals[] = {"minimize", "maximize"};
        unsigned goal;
        sw_objective *ob = &spec->objectives[i];
        spec->objective_count = i + 1;
        if ((rc = jr_arr_obj(&arr, i, &o, err)) ||
            (rc = sw_parse_metric_name(&o, ob->metric, err)) ||
            (rc = jr_enum(&o, "goal", true, 0, goals, 2, &goal, err)) ||
            (rc = jr_obj_done(&o, err)))
            return rc;
        ob->maximize = goal == 1;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(spec->objectives[j].metric, ob->metric))
                return jr_fail(&o, "metric", err, "%s is already objectives[%zu]", ob->metric, j);
    }

    spec->grid_count = spec->workload_count;
    for (size_t a = 0; a < spec->axis_count; a++) {
        if (spec->grid_count > (1ULL << 62) / spec->axes[a].value_count)
            return jr_fail(&root, "axes", err, "the grid has more than 2^62 points");
        spec->grid_count *= spec->axes[a].value_count;
    }

    spec->sampling = SW_SAMPLE_GRID;
    spec->point_count = spec->grid_count;
    if ((rc = jr_obj_get(&root, "sampling", false, &o, &present, err)))
        return rc;
    if (present) {
        static const char *const modes[] = {"grid", "random"};
        unsigned mode;
        if ((rc = jr_enum(&o, "mode", true, 0, modes, 2, &mode, err)))
            return rc;
        spec->sampling = (sw_sampling)mode;
        if (spec->sampling == SW_SAMPLE_RANDOM) {
            uint64_t max = spec->grid_count < SW_MAX_POINTS ? spec->grid_count : SW_MAX_POINTS;
            if ((rc = jr_u64(&o, "points", true, 0, 1, max, &spec->point_count, err)) ||
                (rc = jr_u64(&o, "seed", false, 1, 0, UINT32_MAX, &spec->seed, err)))
                return rc;
        }
        if ((rc = jr_obj_done(&o, err)))
            return rc;
    }
    if (spec->sampling == SW_SAMPLE_GRID && spec->point_count > SW_MAX_POINTS)
        return jr_fail(&root, "axes", err,
                       "the grid has %llu points, more than %llu: use random sampling",
                       (unsigned long long)spec->point_count, (unsigned long long)SW_MAX_POINTS);
    if ((rc = jr_obj_done(&root, err)))
        return rc;
    if (spec->sampling == SW_SAMPLE_RANDOM)
        return sw_sample(spec, err);
    return 0;
}

int sw_spec_parse(const char *name, const char *text, sw_spec *spec, fw_err *err)
{
    jr_doc doc;
    memset(spec, 0, sizeof *spec);
    spec->file = sw_strdup(name);
    spec->text = sw_strdup(text);
    if (!spec->file || !spec->text) {
        sw_spec_fini(spec);
        return sw_oom(name, err);
    }
    spec->fnv64 = sw_fnv64(SW_FNV64_INIT, text, strlen(text));
    int rc = jr_doc_parse(name, text, &doc, err);
    if (rc) {
        sw_spec_fini(spec);
        return rc;
    }
    rc = sw_spec_parse_doc(&doc, spec, err);
    jr_doc_fini(&doc);
    if (rc)
        sw_spec_fini(spec);
    return rc;
}

int sw_spec_load(const char *path, sw_spec *spec, fw_err *err)
{
    char *text;
    int rc = fw_read_text_file(path, &text, err);
    if (rc)
        return rc;
    rc = sw_spec_parse(path, text, spec, err);
    free(text);
    return rc;
}

void sw_spec_fini(sw_spec *spec)
{
    for (size_t a = 0; a < spec->axis_count; a++) {
        sw_axis *ax = &spec->axes[a];
        for (size_t p = 0; p < ax->path_count; p++)
            free(ax->paths[p]);
        for (size_t v = 0; v < ax->value_count; v++) {
            free(ax->json_values[v]);
            free(ax->csv_values[v]);
        }
        free(ax->json_values);
        free(ax->csv_values);
    }
    for (size_t w = 0; w < spec->workload_count; w++) {
        if (spec->workloads)
            free(spec->workloads[w]);
        if (spec->workload_paths)
            free(spec->workload_paths[w]);
    }
    free(spec->workloads);
    free(spec->workload_paths);
    free(spec->constraints);
    free(spec->objectives);
    free(spec->random_grid);
    free(spec->base_path);
    free(spec->text);
    free(spec->file);
    memset(spec, 0, sizeof *spec);
}

void sw_spec_point(const sw_spec *spec, uint64_t index, size_t *workload, size_t *value)
{
    if (spec->sampling == SW_SAMPLE_RANDOM)
        index = spec->random_grid[index];
    for (size_t a = spec->axis_count; a-- > 0;) {
        value[a] = (size_t)(index % spec->axes[a].value_count);
        index /= spec->axes[a].value_count;
    }
    *workload = (size_t)index;
}

static int sw_unknown_metric(const sw_spec *spec, const char *where, size_t i, const char *m,
                             const char *const *names, size_t count, fw_err *err)
{
    char known[FW_ERR_MSG_BYTES] = "";
    size_t used = 0;
    for (size_t k = 0; k < count && used < sizeof known; k++)
        used +=
            (size_t)snprintf(known + used, sizeof known - used, "%s%s", k ? ", " : "", names[k]);
    return fw_err_set(err, FW_EXIT_INPUT, "%s: %s[%zu].metric: unknown metric '%s' (known: %s)",
                      spec->file, where, i, m, known);
}

static bool sw_known(const char *m, const char *const *names, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (!strcmp(m, names[k]))
            return true;
    return false;
}

int sw_spec_check_metrics(const sw_spec *spec, const char *const *names, size_t count, fw_err *err)
{
    for (size_t i = 0; i < spec->constraint_count; i++)
        if (!sw_known(spec->constraints[i].metric, names, count))
            return sw_unknown_metric(spec, "constraints", i, spec->constraints[i].metric, names,
                                     count, err);
    for (size_t i = 0; i < spec->objective_count; i++)
        if (!sw_known(spec->objectives[i].metric, names, count))
            return sw_unknown_metric(spec, "objectives", i, spec->objectives[i].metric, names,
                                     count, err);
    return 0;
}
