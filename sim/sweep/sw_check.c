/* sw_check: validating every point before a sweep runs, and renumbering a log for an edited
 * spec (see sw_check.h). */
#include "sweep/sw_check.h"
#include "common/fw_io.h"
#include "sweep/sw_log.h"
#include "sweep/sw_out.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* One checker's findings (a worker's slot in shared memory, or the parent's own). */
typedef struct sw_check_part {
    uint64_t checked, invalid, first_invalid;
    fw_err first;
    int rc; /* a point that could not be built (an axis path missing from the base): the
               first such point of this part stops it */
    uint64_t rc_point;
    fw_err rc_err;
} sw_check_part;

/* Checks the points shard_index + (i * parts + part) * shard_count, i = 0, 1, ...: part `part`
 * of `parts`. Builds each point on one copy of the base config (sw_spec_apply: the base with
 * this point's values, as sw_spec_point_config would build it), through one scratch of the
 * evaluator. */
static void sw_check_part_run(const sw_spec *spec, const sw_eval *ev, const jr_doc *base,
                              uint64_t shard_index, uint64_t shard_count, unsigned part,
                              unsigned parts, sw_check_part *out)
{
    memset(out, 0, sizeof *out);
    jr_doc cfg = {.file = base->file, .root = cJSON_Duplicate(base->root, 1)};
    size_t have[SW_MAX_AXES];
    for (size_t a = 0; a < SW_MAX_AXES; a++)
        have[a] = SIZE_MAX; /* a fresh copy of the base */
    void *scratch = ev->worker_create ? ev->worker_create(ev->ctx, spec, base) : NULL;
    if (!cfg.root || (ev->worker_create && !scratch)) {
        out->rc = fw_err_set(&out->rc_err, FW_EXIT_IO, "out of memory");
        out->rc_point = shard_index;
    }
    uint64_t step = shard_count * parts;
    for (uint64_t p = shard_index + part * shard_count; p < spec->point_count && !out->rc;
         p += step) {
        size_t w, v[SW_MAX_AXES];
        fw_err why;
        fw_err_clear(&why);
        sw_spec_point(spec, p, &w, v);
        out->rc = sw_spec_apply(spec, &cfg, have, v, &out->rc_err);
        if (out->rc) {
            out->rc_point = p;
            break;
        }
        if (ev->check && ev->check(ev->ctx, scratch, &cfg, &why) && !out->invalid++) {
            char desc[FW_ERR_MSG_BYTES];
            sw_check_desc(spec, p, desc, sizeof desc);
            out->first_invalid = p;
            out->first = why;
            fw_err_prefix(&out->first, "point %" PRIu64 " (%s)", p, desc);
        }
        out->checked++;
    }
    if (ev->worker_destroy)
        ev->worker_destroy(scratch);
    cJSON_Delete(cfg.root);
}

/* Below this many points a check runs in the calling process (a fork costs more). */
#define SW_CHECK_FORK_MIN_POINTS 2000u

/* Runs the parts in `parts` forked workers, results in shared memory. Returns 0, or
 * FW_EXIT_IO / FW_EXIT_FAIL (*err) when a worker could not be started or died. */
static int sw_check_forked(const sw_spec *spec, const sw_eval *ev, const jr_doc *base,
                           uint64_t shard_index, uint64_t shard_count, unsigned parts,
                           sw_check_part *out, fw_err *err)
{
    size_t bytes = parts * sizeof(sw_check_part);
    sw_check_part *sh =
        mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return fw_err_set(err, FW_EXIT_IO, "mmap: %s", strerror(errno));
    pid_t parent = getpid();
    pid_t pids[SW_CHECK_MAX_JOBS];
    unsigned started = 0;
    int rc = 0;
    fflush(NULL);
    for (unsigned w = 0; w < parts; w++) {
        pid_t pid = fork();
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL); /* die with the parent */
            if (getppid() != parent)
                _exit(FW_EXIT_FAIL);
            sw_check_part_run(spec, ev, base, shard_index, shard_count, w, parts, &sh[w]);
            _exit(0);
        }
        if (pid < 0) {
            rc = fw_err_set(err, FW_EXIT_IO, "fork: %s", strerror(errno));
            break;
        }
        pids[started++] = pid;
    }
    for (unsigned w = 0; w < started; w++) {
        int status;
        while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR)
            ;
        if (!rc && (!WIFEXITED(status) || WEXITSTATUS(status)))
            rc = WIFSIGNALED(status)
                     ? fw_err_set(err, FW_EXIT_FAIL,
                                  "a worker checking the points died of signal %d",
                                  WTERMSIG(status))
                     : fw_err_set(err, FW_EXIT_FAIL, "a worker checking the points failed");
    }
    if (!rc)
        memcpy(out, sh, bytes);
    munmap(sh, bytes);
    return rc;
}

int sw_check_points(const sw_spec *spec, const sw_eval *ev, uint64_t shard_index,
                    uint64_t shard_count, unsigned jobs, sw_check_result *out, fw_err *err)
{
    memset(out, 0, sizeof *out);
    jr_doc base;
    int rc = jr_doc_load(spec->base_path, &base, err);
    if (rc)
        return rc;
    uint64_t points = sw_shard_points(spec->point_count, shard_index, shard_count);
    unsigned parts = jobs < 1 ? 1 : jobs > SW_CHECK_MAX_JOBS ? SW_CHECK_MAX_JOBS : jobs;
    if (points < SW_CHECK_FORK_MIN_POINTS)
        parts = 1;
    sw_check_part part[SW_CHECK_MAX_JOBS];
    if (parts == 1)
        sw_check_part_run(spec, ev, &base, shard_index, shard_count, 0, 1, &part[0]);
    else
        rc = sw_check_forked(spec, ev, &base, shard_index, shard_count, parts, part, err);
    jr_doc_fini(&base);
    if (rc)
        return rc;
    /* Merged as one pass in point order would find them: the lowest point that could not be
     * built stops the check (the points above it were never reached); the lowest invalid point
     * below it is the first. */
    uint64_t stop = UINT64_MAX;
    for (unsigned w = 0; w < parts; w++)
        if (part[w].rc && part[w].rc_point < stop) {
            stop = part[w].rc_point;
            rc = part[w].rc;
            *err = part[w].rc_err;
        }
    if (rc)
        return rc;
    for (unsigned w = 0; w < parts; w++) {
        out->checked += part[w].checked;
        out->invalid += part[w].invalid;
        if (part[w].invalid && (out->invalid == part[w].invalid ||
                                part[w].first_invalid < out->first_invalid)) {
            out->first_invalid = part[w].first_invalid;
            out->first = part[w].first;
        }
    }
    return 0;
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
