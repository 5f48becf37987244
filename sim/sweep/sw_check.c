/* sw_check: validating every point before a sweep runs, and renumbering a log for an edited
 * spec (see sw_check.h). */
#include "sweep/sw_check.h"
#include "common/fw_io.h"
#include "sweep/sw_log.h"
#include "sweep/sw_out.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "workload=W, path=value, ..." of point index. */
static void sw_check_desc(const sw_spec *spec, uint64_t index, char *buf, size_t size)
{
    size_t w, v[SW_MAX_AXES];
    sw_spec_point(spec, index, &w, v);
    size_t used = (size_t)snprintf(buf, size, "workload=%s", spec->workloads[w]);
    for (size_t a = 0; a < spec->axis_count && used < size; a++)
        used += (size_t)snprintf(buf + used, size - used, ", %s=%s", spec->axes[a].paths[0],
                                 spec->axes[a].csv_values[v[a]]);
}

int sw_check_points(const sw_spec *spec, const sw_eval *ev, uint64_t shard_index,
                    uint64_t shard_count, sw_check_result *out, fw_err *err)
{
    memset(out, 0, sizeof *out);
    jr_doc base;
    int rc = jr_doc_load(spec->base_path, &base, err);
    if (rc)
        return rc;
    for (uint64_t p = shard_index; p < spec->point_count && !rc; p += shard_count) {
        jr_doc cfg;
        size_t w;
        fw_err why;
        fw_err_clear(&why);
        rc = sw_spec_point_config(spec, &base, p, &cfg, &w, err);
        if (!rc && ev->check && ev->check(ev->ctx, &cfg, &why)) {
            if (!out->invalid++) {
                char desc[FW_ERR_MSG_BYTES];
                sw_check_desc(spec, p, desc, sizeof desc);
                out->first_invalid = p;
                out->first = why;
                fw_err_prefix(&out->first, "point %" PRIu64 " (%s)", p, desc);
            }
        }
        cJSON_Delete(cfg.root);
        out->checked += !rc;
    }
    jr_doc_fini(&base);
    return rc;
}

/* The grid index of workload w and axis values v (the inverse of sw_spec_point on a grid). */
static uint64_t sw_check_index(const sw_spec *spec, size_t w, const size_t *v)
{
    uint64_t index = w;
    for (size_t a = 0; a < spec->axis_count; a++)
        index = index * spec->axes[a].value_count + v[a];
    return index;
}

/* Why two specs' logs cannot be matched point by point, or NULL. */
static const char *sw_check_incompatible(const sw_spec *old, const sw_spec *spec)
{
    if (old->sampling == SW_SAMPLE_RANDOM || spec->sampling == SW_SAMPLE_RANDOM)
        return "a randomly sampled sweep is renumbered by its seed, not by its values";
    if (old->axis_count != spec->axis_count)
        return "the axes differ";
    for (size_t a = 0; a < spec->axis_count; a++) {
        if (old->axes[a].path_count != spec->axes[a].path_count)
            return "the axes differ";
        for (size_t p = 0; p < spec->axes[a].path_count; p++)
            if (strcmp(old->axes[a].paths[p], spec->axes[a].paths[p]))
                return "the axes differ";
    }
    return NULL;
}

int sw_rekey_log(const sw_spec *spec, const char *out_dir, const char *new_header,
                 const uint64_t *inputs_ok, size_t n, const sw_eval *ev, uint64_t shard_index,
                 uint64_t shard_count, uint64_t *kept, uint64_t *dropped, fw_err *err)
{
    char path[4096];
    sw_spec old;
    sw_table t = {0};
    char *text = NULL, *out = NULL;
    size_t len, good, used = 0;
    *kept = *dropped = 0;
    snprintf(path, sizeof path, "%s/spec.json", out_dir);
    int rc = sw_spec_load(path, &old, err);
    if (rc)
        return rc;
    const char *why = sw_check_incompatible(&old, spec);
    snprintf(path, sizeof path, "%s/%s", out_dir, SW_LOG_NAME);
    if (!why && !(rc = fw_read_file(path, &text, &len, err)) &&
        !(rc = sw_log_parse(path, text, len, &t, &good, err))) {
        bool inputs = false;
        for (size_t i = 0; i < n; i++)
            inputs |= t.id.inputs_fnv64 == inputs_ok[i];
        bool metrics = t.metric_count == ev->metric_count;
        for (size_t m = 0; metrics && m < t.metric_count; m++)
            metrics = !strcmp(t.metric_names[m], ev->metric_names[m]);
        if (!inputs)
            why = "the base config, workloads or evaluator differ";
        else if (!metrics)
            why = "the metrics differ";
        else if (t.id.shard_index != shard_index || t.id.shard_count != shard_count)
            why = "the shard differs";
    }
    if (!rc && why)
        rc = fw_err_set(err, FW_EXIT_INPUT, "%s", why);
    if (!rc && !(out = malloc(strlen(new_header) + len + 32 * t.row_count + 1)))
        rc = fw_err_set(err, FW_EXIT_IO, "out of memory");
    if (!rc) {
        used = (size_t)sprintf(out, "%s", new_header);
        for (size_t r = 0; r < t.row_count; r++) {
            const sw_row *row = &t.rows[r];
            bool ok = row->point < old.point_count;
            for (size_t m = 0; ok && m < t.metric_count; m++)
                ok = !isnan(row->metrics[m]); /* invalid points run again */
            size_t ow = 0, ov[SW_MAX_AXES], w = 0, v[SW_MAX_AXES];
            if (ok) {
                sw_spec_point(&old, row->point, &ow, ov);
                while (w < spec->workload_count && strcmp(spec->workloads[w], old.workloads[ow]))
                    w++;
                ok = w < spec->workload_count;
            }
            /* each value found again by its label and JSON text */
            for (size_t a = 0; ok && a < spec->axis_count; a++) {
                const sw_axis *na = &spec->axes[a], *oa = &old.axes[a];
                for (v[a] = 0; v[a] < na->value_count; v[a]++)
                    if (!strcmp(na->csv_values[v[a]], oa->csv_values[ov[a]]) &&
                        !strcmp(na->json_values[v[a]], oa->json_values[ov[a]]))
                        break;
                ok = v[a] < na->value_count;
            }
            uint64_t index = ok ? sw_check_index(spec, w, v) : 0;
            if (!ok || index % shard_count != shard_index) {
                (*dropped)++;
                continue;
            }
            used += (size_t)sprintf(out + used, "%" PRIu64 "%s\n", index, strchr(row->line, ','));
            (*kept)++;
        }
        rc = sw_write_atomic(out_dir, SW_LOG_NAME, out, used, err);
    }
    free(out);
    free(text);
    sw_table_fini(&t);
    sw_spec_fini(&old);
    return rc;
}
