/* sw_run: parallel, resumable, sharded sweep runs and shard merging (see sw_run.h). */
#include "common/fw_io.h"
#include "sweep/sw_fmt.h"
#include "sweep/sw_run.h"
#include "sweep/sw_check.h"
#include "sweep/sw_log.h"
#include "sweep/sw_out.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SW_POLL_NS 2000000L      /* parent's wait/progress period: 2 ms */
#define SW_PROGRESS_PERIOD_S 0.1 /* progress bar redraw period */
#define SW_PROGRESS_BAR_CELLS 28
/* Rows are written by the workers with one write() each, at once, so a killed sweep loses no
 * finished row; the parent fdatasyncs the log this often and at the end, so an OS crash or power
 * loss loses at most the rows of about the last period. --sync-every-point makes each worker
 * sync after every row. */
#define SW_SYNC_PERIOD_S 0.1
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14; older kernels refuse it (EINVAL), harmlessly */
#endif

/* A worker's own part of the shared state (written by that worker only; no locks). */
typedef struct sw_slot {
    _Atomic uint64_t current; /* point being evaluated + 1, or 0 */
    uint64_t skipped;         /* points skipped as invalid (skip_invalid) */
    uint64_t skipped_first;   /* the lowest such point (UINT64_MAX: none) */
    fw_err skipped_err;       /* its reason */
} sw_slot;

/* State shared between the parent and its workers (an anonymous shared mapping). */
typedef struct sw_shared {
    _Atomic uint64_t next; /* next index into the to-do list */
    _Atomic uint64_t done; /* points finished by this run */
    _Atomic int stop;      /* set on the first failure: workers take no new point */
    _Atomic int claimed;   /* the first failing worker owns `err` */
    fw_err err;
    sw_slot slot[]; /* one per worker */
} sw_shared;

/* The rows of this run, handed to the parent in shared memory so that it need not read the log
 * back and parse it after the run (that serial pass was the largest part of the parent's work,
 * which limits the -j scaling). Workers append records at an atomic offset:
 *   [uint64 point][uint64 line bytes][metric_count doubles][the line's bytes, a NUL, padded to 8]
 * the line exactly as written to the log (without its newline), the metrics as reading the log
 * parses them from that text (sw_fmt_g15): the rows equal the log's.
 * The parent's table rows point into the records (borrowed: the mapping outlives the table).
 * The mapping is MAP_NORESERVE (pages are used only as rows arrive); when it cannot be mapped,
 * or would be larger than SW_ROWS_MAX_BYTES, or fills up, the parent reads the log back. */
#define SW_ROWS_MAX_BYTES (4ull << 30)
typedef struct sw_rows {
    _Atomic uint64_t used;
    _Atomic int overflow;
    uint64_t size; /* bytes of data */
    char data[];
} sw_rows;

typedef struct sw_job {
    const sw_spec *spec;
    const sw_eval *ev;
    const jr_doc *base;
    wl_workload *const *workloads;
    const uint64_t *todo;
    uint64_t todo_count;
    int log_fd;
    bool skip_invalid;
    bool sync_every_point;
    sw_shared *shared;
    sw_rows *rows; /* NULL: the parent reads the log back */
} sw_job;

static double sw_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *sw_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* "workload=W, path=value, ..." for error messages. */
static void sw_point_desc(const sw_spec *spec, size_t w, const size_t *v, char *buf, size_t size)
{
    size_t used = (size_t)snprintf(buf, size, "workload=%s", spec->workloads[w]);
    for (size_t a = 0; a < spec->axis_count && used < size; a++)
        used += (size_t)snprintf(buf + used, size - used, ", %s=%s", spec->axes[a].paths[0],
                                 spec->axes[a].csv_values[v[a]]);
}

static uint64_t sw_rows_record_bytes(size_t metric_count, size_t line_bytes)
{
    return 16 + 8 * (uint64_t)metric_count + ((line_bytes + 1 + 7) & ~(uint64_t)7);
}

/* Appends a row (line: its text, NUL-terminated; metrics: its metric fields as the log parser
 * reads them back) to the shared rows; on overflow marks them unusable (the parent then reads
 * the log). */
static void sw_rows_put(const sw_job *job, uint64_t point, const char *line, size_t len,
                        const double *metrics)
{
    sw_rows *r = job->rows;
    size_t mc = job->ev->metric_count;
    uint64_t bytes = sw_rows_record_bytes(mc, len);
    uint64_t at = atomic_fetch_add(&r->used, bytes);
    if (at + bytes > r->size) {
        atomic_store(&r->overflow, 1);
        return;
    }
    char *rec = r->data + at;
    uint64_t head[2] = {point, len};
    memcpy(rec, head, sizeof head);
    memcpy(rec + 16, metrics, mc * sizeof *metrics);
    memcpy(rec + 16 + 8 * mc, line, len + 1);
}

/* Adds the rows of this run to t (the rows read from the log before it), borrowed from r (which
 * must outlive t's use). Returns 0, -1 when out of memory. */
static int sw_rows_take(sw_rows *r, size_t metric_count, sw_table *t)
{
    uint64_t used = atomic_load(&r->used), n = 0;
    /* map the rows' pages into this process at once rather than one read fault at a time
     * (advisory: without it the reads below fault them in) */
    {
        uintptr_t from = (uintptr_t)r & ~(uintptr_t)4095, to = (uintptr_t)(r->data + used);
        (void)madvise((void *)from, to - from, MADV_POPULATE_READ);
    }
    for (uint64_t at = 0; at < used; n++) {
        uint64_t head[2];
        memcpy(head, r->data + at, sizeof head);
        at += sw_rows_record_bytes(metric_count, head[1]);
    }
    sw_row *rows = realloc(t->rows, (t->row_count + n + 1) * sizeof *rows);
    if (!rows)
        return -1;
    t->rows = rows;
    for (uint64_t at = 0; at < used;) {
        uint64_t head[2];
        memcpy(head, r->data + at, sizeof head);
        char *rec = r->data + at;
        /* the metrics are 8-byte aligned doubles (records are multiples of 8 bytes, the data
         * starts 8-aligned), written by memcpy from doubles */
        t->rows[t->row_count++] =
            (sw_row){head[0], rec + 16 + 8 * metric_count, head[1], (double *)(void *)(rec + 16),
                     true};
        at += sw_rows_record_bytes(metric_count, head[1]);
    }
    return 0;
}

/* Evaluates one point and appends its row to the log. cfg: the worker's copy of the base config
 * with the axis values have[] written (sw_spec_apply: one copy per worker instead of one per
 * point, and only the axes that changed since the worker's previous point written again). */
static int sw_point(const sw_job *job, sw_slot *slot, void *scratch, jr_doc *cfg, size_t *have,
                    uint64_t point, char *line, size_t line_size, double *values, fw_err *err)
{
    const sw_spec *spec = job->spec;
    size_t w, v[SW_MAX_AXES];
    sw_spec_point(spec, point, &w, v);
    int rc = sw_spec_apply(spec, cfg, have, v, err);
    if (!rc) {
        rc = job->ev->eval(job->ev->ctx, scratch, cfg, job->workloads[w], values, err);
        if (rc == FW_EXIT_INPUT && job->skip_invalid) {
            for (size_t m = 0; m < job->ev->metric_count; m++)
                values[m] = NAN;
            rc = 0;
            /* Keep the first reason (by point number) for the user: all NaN rows could also
             * come from a typo in an axis path. */
            if (point < slot->skipped_first) {
                char desc[FW_ERR_MSG_BYTES];
                sw_point_desc(spec, w, v, desc, sizeof desc);
                fw_err_prefix(err, "point %" PRIu64 " (%s)", point, desc);
                slot->skipped_first = point;
                slot->skipped_err = *err;
            }
            slot->skipped++;
        }
    }
    if (rc) {
        char desc[FW_ERR_MSG_BYTES];
        sw_point_desc(spec, w, v, desc, sizeof desc);
        return fw_err_prefix(err, "point %" PRIu64 " (%s)", point, desc);
    }
    /* the row without stdio formatting in the loop (sw_fmt_g15 writes what "%.15g" would):
     * "point,workload" (line_size holds the longest workload name and 20 digits) */
    char digits[20];
    size_t nd = 0, used = 0;
    for (uint64_t p = point; nd == 0 || p; p /= 10)
        digits[nd++] = (char)('0' + p % 10);
    while (nd)
        line[used++] = digits[--nd];
    line[used++] = ',';
    size_t wn = strlen(spec->workloads[w]);
    memcpy(line + used, spec->workloads[w], wn);
    used += wn;
    for (size_t a = 0; a < spec->axis_count && used < line_size; a++) {
        const char *cv = spec->axes[a].csv_values[v[a]];
        size_t n = strlen(cv);
        if (used + 1 + n >= line_size) {
            used = line_size;
            break;
        }
        line[used++] = ',';
        memcpy(line + used, cv, n);
        used += n;
    }
    for (size_t m = 0; m < job->ev->metric_count && used < line_size; m++) {
        if (used + 1 + SW_FMT_G15_BYTES >= line_size) {
            used = line_size;
            break;
        }
        line[used++] = ',';
        /* values[m] becomes what the log parser reads back from its text */
        used += sw_fmt_g15(line + used, values[m], &values[m]);
    }
    if (used + 1 >= line_size)
        return fw_err_set(err, FW_EXIT_IO, "point %" PRIu64 ": row too long", point);
    line[used] = '\0';
    if (job->rows)
        sw_rows_put(job, point, line, used, values);
    line[used++] = '\n';
    /* One write() of the whole line: O_APPEND places it atomically after every earlier row. */
    ssize_t n = write(job->log_fd, line, used);
    if (n != (ssize_t)used)
        return fw_err_set(err, FW_EXIT_IO, "%s: write error: %s", SW_LOG_NAME,
                          n < 0 ? strerror(errno) : "short write");
    return 0;
}

/* Forces the log to disk (the rows are already in the kernel: a killed process loses none). */
static int sw_sync(const sw_job *job, fw_err *err)
{
    if (fdatasync(job->log_fd))
        return fw_err_set(err, FW_EXIT_IO, "%s: fdatasync: %s", SW_LOG_NAME, strerror(errno));
    return 0;
}

/* Bytes of the longest row of a spec and evaluator, with its newline and NUL. */
static size_t sw_line_size(const sw_spec *spec, const sw_eval *ev)
{
    size_t line_size = 256 + 32 * ev->metric_count;
    for (size_t w = 0; w < spec->workload_count; w++)
        line_size += strlen(spec->workloads[w]);
    for (size_t a = 0; a < spec->axis_count; a++) {
        size_t longest = 0;
        for (size_t k = 0; k < spec->axes[a].value_count; k++) {
            size_t n = strlen(spec->axes[a].csv_values[k]);
            longest = n > longest ? n : longest;
        }
        line_size += longest + 1;
    }
    return line_size;
}

/* A worker's loop: returns its exit status. */
static int sw_worker(const sw_job *job, unsigned slot)
{
    sw_shared *sh = job->shared;
    size_t line_size = sw_line_size(job->spec, job->ev);
    char *line = malloc(line_size);
    double *values = malloc((job->ev->metric_count + 1) * sizeof *values);
    jr_doc cfg = {.file = job->base->file, .root = cJSON_Duplicate(job->base->root, 1)};
    void *scratch =
        job->ev->worker_create ? job->ev->worker_create(job->ev->ctx, job->spec, job->base) : NULL;
    size_t have[SW_MAX_AXES];
    for (size_t a = 0; a < SW_MAX_AXES; a++)
        have[a] = SIZE_MAX; /* a fresh copy of the base */
    fw_err err;
    int rc = 0;
    fw_err_clear(&err);
    if (!line || !values || !cfg.root || (job->ev->worker_create && !scratch))
        rc = fw_err_set(&err, FW_EXIT_IO, "out of memory");
    while (!rc && !atomic_load(&sh->stop)) {
        uint64_t k = atomic_fetch_add(&sh->next, 1);
        if (k >= job->todo_count)
            break;
        atomic_store(&sh->slot[slot].current, job->todo[k] + 1);
        rc = sw_point(job, &sh->slot[slot], scratch, &cfg, have, job->todo[k], line, line_size,
                      values, &err);
        atomic_store(&sh->slot[slot].current, 0);
        if (!rc && job->sync_every_point)
            rc = sw_sync(job, &err);
        if (!rc)
            atomic_fetch_add(&sh->done, 1);
    }
    if (rc) {
        atomic_store(&sh->stop, 1);
        if (atomic_exchange(&sh->claimed, 1) == 0)
            sh->err = err;
    }
    if (job->ev->worker_destroy)
        job->ev->worker_destroy(scratch);
    cJSON_Delete(cfg.root);
    free(line);
    free(values);
    return rc;
}

static void sw_progress(FILE *f, uint64_t done, uint64_t total, uint64_t run, double elapsed_s,
                        bool final)
{
    char bar[SW_PROGRESS_BAR_CELLS + 1];
    size_t fill = total ? (size_t)(done * SW_PROGRESS_BAR_CELLS / total) : SW_PROGRESS_BAR_CELLS;
    for (size_t i = 0; i < SW_PROGRESS_BAR_CELLS; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[SW_PROGRESS_BAR_CELLS] = '\0';
    double rate = elapsed_s > 0 ? (double)run / elapsed_s : 0;
    fprintf(f, "\r[%s] %" PRIu64 "/%" PRIu64 " points  %.1f points/s  ", bar, done, total, rate);
    if (final)
        fprintf(f, "%.1f s\033[K\n", elapsed_s);
    else if (rate > 0) {
        uint64_t eta = (uint64_t)((double)(total - done) / rate + 0.5);
        fprintf(f, "ETA %" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "  ", eta / 3600, eta / 60 % 60,
                eta % 60);
    } else
        fprintf(f, "ETA --:--:--  ");
    fflush(f);
}

/* Forks the workers and waits for them, drawing the progress bar. */
static int sw_run_workers(sw_job *job, const sw_run_opts *opts, uint64_t resumed, uint64_t total,
                          double *seconds, uint64_t *skipped, fw_err *skipped_err, fw_err *err)
{
    unsigned jobs = opts->jobs;
    if (jobs > job->todo_count)
        jobs = (unsigned)job->todo_count;
    size_t shared_bytes = sizeof(sw_shared) + (jobs + 1) * sizeof(sw_slot);
    sw_shared *sh =
        mmap(NULL, shared_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return fw_err_set(err, FW_EXIT_IO, "mmap: %s", strerror(errno));
    memset(sh, 0, shared_bytes);
    for (unsigned w = 0; w <= jobs; w++)
        sh->slot[w].skipped_first = UINT64_MAX;
    job->shared = sh;
    pid_t parent = getpid();
    pid_t *pids = calloc(jobs + 1, sizeof *pids);
    int rc = 0;
    double start = sw_now_s(), last_draw = 0, last_sync = start;
    if (!pids) {
        munmap(sh, shared_bytes);
        return fw_err_set(err, FW_EXIT_IO, "out of memory");
    }
    fflush(NULL);
    /* SIGCHLD blocked, to wait for it: the parent wakes when a worker ends instead of at the
     * next poll (the last worker's end is on the sweep's critical path) */
    sigset_t chld, old_mask;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old_mask);
    unsigned alive = 0;
    for (unsigned w = 0; w < jobs; w++) {
        pid_t pid = fork();
        if (pid == 0) {
            /* Die with the parent: a killed sweep must leave no writer behind. */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent)
                _exit(FW_EXIT_FAIL);
            _exit(sw_worker(job, w));
        }
        if (pid < 0) {
            rc = fw_err_set(err, FW_EXIT_IO, "fork: %s", strerror(errno));
            atomic_store(&sh->stop, 1);
            break;
        }
        pids[w] = pid;
        alive++;
    }
    int crash_signal = 0;
    uint64_t crash_point = 0;
    while (alive > 0) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno != EINTR)
            break;
        if (pid > 0) {
            for (unsigned w = 0; w < jobs; w++)
                if (pids[w] == pid) {
                    pids[w] = 0;
                    alive--;
                    if (WIFSIGNALED(status) && !crash_signal) {
                        crash_signal = WTERMSIG(status);
                        crash_point = atomic_load(&sh->slot[w].current);
                        atomic_store(&sh->stop, 1);
                    } else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
                        atomic_store(&sh->stop, 1);
                    }
                }
            continue;
        }
        double now = sw_now_s();
        /* The parent makes the workers' rows durable: every row older than about one period
         * is on disk, and the workers never wait for the disk. */
        if (now - last_sync >= SW_SYNC_PERIOD_S) {
            if (fdatasync(job->log_fd) && !rc)
                rc = fw_err_set(err, FW_EXIT_IO, "%s: fdatasync: %s", SW_LOG_NAME, strerror(errno));
            last_sync = now;
        }
        if (opts->progress && now - last_draw >= SW_PROGRESS_PERIOD_S) {
            sw_progress(opts->progress, resumed + atomic_load(&sh->done), total,
                        atomic_load(&sh->done), now - start, false);
            last_draw = now;
        }
        struct timespec pause = {0, SW_POLL_NS};
        sigtimedwait(&chld, NULL, &pause);
    }
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    *seconds = sw_now_s() - start;
    if (opts->progress)
        sw_progress(opts->progress, resumed + atomic_load(&sh->done), total, atomic_load(&sh->done),
                    *seconds, true);
    if (!rc && atomic_load(&sh->claimed)) {
        *err = sh->err;
        rc = err->status ? err->status : FW_EXIT_FAIL;
    } else if (!rc && crash_signal) {
        if (crash_point)
            rc = fw_err_set(err, FW_EXIT_FAIL,
                            "a worker died of signal %d while evaluating point %" PRIu64,
                            crash_signal, crash_point - 1);
        else
            rc = fw_err_set(err, FW_EXIT_FAIL, "a worker died of signal %d", crash_signal);
    } else if (!rc && atomic_load(&sh->stop)) {
        rc = fw_err_set(err, FW_EXIT_FAIL, "a worker failed");
    }
    *skipped = 0;
    uint64_t first = UINT64_MAX;
    for (unsigned w = 0; w < jobs; w++) {
        *skipped += sh->slot[w].skipped;
        if (sh->slot[w].skipped_first < first) {
            first = sh->slot[w].skipped_first;
            *skipped_err = sh->slot[w].skipped_err;
        }
    }
    free(pids);
    munmap(sh, shared_bytes);
    job->shared = NULL;
    return rc;
}

static int sw_make_dir(const char *dir, fw_err *err)
{
    if (mkdir(dir, 0755) && errno != EEXIST)
        return fw_err_set(err, FW_EXIT_IO, "%s: cannot create directory: %s", dir, strerror(errno));
    struct stat st;
    if (stat(dir, &st) || !S_ISDIR(st.st_mode))
        return fw_err_set(err, FW_EXIT_IO, "%s: not a directory", dir);
    return 0;
}

/* Hash of everything a point's result depends on besides the spec: evaluator, base config,
 * workload files. */
static int sw_inputs_hash(const sw_spec *spec, const sw_eval *ev, bool skip_invalid, uint64_t *hash,
                          fw_err *err)
{
    uint64_t h = sw_fnv64(SW_FNV64_INIT, ev->name, strlen(ev->name) + 1);
    if (skip_invalid)
        h = sw_fnv64(h, "skip_invalid", 12);
    for (size_t i = 0; i <= spec->workload_count; i++) {
        const char *path = i == 0 ? spec->base_path : spec->workload_paths[i - 1];
        char *text;
        size_t len;
        int rc = fw_read_file(path, &text, &len, err);
        if (rc)
            return rc;
        h = sw_fnv64(h, &len, sizeof len);
        h = sw_fnv64(h, text, len);
        free(text);
    }
    *hash = h;
    return 0;
}

/* Reads the log at fd into a table; truncates a torn tail. */
static int sw_read_log(int fd, const char *path, sw_table *t, uint64_t *dropped, fw_err *err)
{
    char *text;
    size_t len, good;
    int rc = fw_read_file(path, &text, &len, err);
    if (rc)
        return rc;
    rc = sw_log_parse(path, text, len, t, &good, err);
    free(text);
    if (rc)
        return rc;
    if (good < len) {
        if (ftruncate(fd, (off_t)good)) {
            sw_table_fini(t);
            return fw_err_set(err, FW_EXIT_IO, "%s: cannot truncate: %s", path, strerror(errno));
        }
        *dropped += len - good;
    }
    return 0;
}

static int sw_open_log(const sw_spec *spec, const sw_run_opts *opts, const char *header,
                       const char *log_path, int *fd_out, fw_err *err)
{
    int fd = open(log_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return fw_err_set(err, FW_EXIT_IO, "%s: cannot open: %s", log_path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB)) {
        close(fd);
        return fw_err_set(err, FW_EXIT_IO, "%s: another sweep is running in %s", log_path,
                          opts->out_dir);
    }
    struct stat st;
    if (fstat(fd, &st)) {
        close(fd);
        return fw_err_set(err, FW_EXIT_IO, "%s: %s", log_path, strerror(errno));
    }
    size_t hlen = strlen(header);
    if (st.st_size == 0) {
        /* made durable with spec.json (sw_run), before any row is written */
        if (write(fd, header, hlen) != (ssize_t)hlen) {
            close(fd);
            return fw_err_set(err, FW_EXIT_IO, "%s: write error: %s", log_path, strerror(errno));
        }
    } else {
        if (!opts->resume) {
            close(fd);
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s already holds results: add --resume to continue that sweep, "
                              "or choose another --out",
                              log_path);
        }
        char *have = calloc(1, hlen + 1);
        ssize_t n = have ? pread(fd, have, hlen, 0) : -1;
        int same = n == (ssize_t)hlen && !memcmp(have, header, hlen);
        free(have);
        if (!same) {
            close(fd);
            return fw_err_set(err, FW_EXIT_INPUT,
                              "%s: belongs to another sweep (the spec %s, its base config, "
                              "workloads, evaluator or shard differ): use another --out",
                              log_path, spec->file);
        }
    }
    *fd_out = fd;
    return 0;
}

/* --resume with a log whose header differs (the spec was edited): renumber its rows for this
 * spec when the two are compatible (sw_rekey_log), else leave it for sw_open_log to refuse. */
static int sw_resume_edited(const sw_spec *spec, const sw_eval *ev, const sw_run_opts *opts,
                            const char *header, const char *log_path, sw_run_stats *stats,
                            fw_err *err)
{
    FILE *f = fopen(log_path, "r");
    if (!f)
        return 0; /* no log yet: a fresh start */
    size_t hlen = strlen(header);
    char *have = calloc(1, hlen + 1);
    size_t n = have ? fread(have, 1, hlen, f) : 0;
    fclose(f);
    bool same = n == 0 || (n == hlen && !memcmp(have, header, hlen));
    free(have);
    if (same)
        return 0;
    uint64_t ok[2];
    fw_err why;
    int rc;
    if ((rc = sw_inputs_hash(spec, ev, false, &ok[0], err)) ||
        (rc = sw_inputs_hash(spec, ev, true, &ok[1], err)))
        return rc;
    rc = sw_rekey_log(spec, opts->out_dir, header, ok, 2, ev, opts->shard_index,
                      opts->shard_count, &stats->rows_renumbered, &stats->rows_dropped, &why);
    if (rc == FW_EXIT_IO) {
        *err = why;
        return rc;
    }
    if (rc) /* incompatible: say why */
        return fw_err_set(err, FW_EXIT_INPUT,
                          "%s: belongs to another sweep (%s): use another --out", log_path,
                          why.msg);
    return 0;
}

int sw_run(const sw_spec *spec, const sw_eval *ev, const sw_run_opts *opts, sw_run_stats *stats,
           fw_err *err)
{
    sw_run_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (opts->jobs < 1 || opts->shard_count < 1 || opts->shard_index >= opts->shard_count)
        return fw_err_set(err, FW_EXIT_INPUT, "bad -j or --shard");
    int rc = sw_spec_check_metrics(spec, ev->metric_names, ev->metric_count, err);
    if (rc)
        return rc;
    sw_log_id id = {spec->fnv64,      0, spec->point_count, ev->metric_count, opts->shard_index,
                    opts->shard_count};
    if ((rc = sw_inputs_hash(spec, ev, opts->skip_invalid, &id.inputs_fnv64, err)))
        return rc;

    jr_doc base = {0};
    wl_workload **wls = calloc(spec->workload_count, sizeof *wls);
    char *header = sw_log_header(spec, &id, ev->metric_names, ev->metric_count);
    char *log_path = sw_path_join(opts->out_dir, SW_LOG_NAME);
    uint64_t *todo = NULL;
    uint8_t *done = NULL;
    sw_table table = {0};
    int fd = -1;
    uint64_t todo_count = 0;
    sw_rows *rows = NULL;
    size_t rows_bytes = 0;
    bool log_unsynced = false; /* rows were written and no flush of the log runs */
    sw_flush log_flush = {.fd = -1};
    if (!wls || !header || !log_path) {
        rc = fw_err_set(err, FW_EXIT_IO, "out of memory");
        goto out;
    }
    if ((rc = jr_doc_load(spec->base_path, &base, err)))
        goto out;
    for (size_t w = 0; w < spec->workload_count; w++)
        if ((rc = wl_load(spec->workload_paths[w], spec->batch, &wls[w], err)))
            goto out;
    if ((rc = sw_make_dir(opts->out_dir, err)) ||
        (opts->resume && (rc = sw_resume_edited(spec, ev, opts, header, log_path, stats, err))) ||
        (rc = sw_open_log(spec, opts, header, log_path, &fd, err)) ||
        (rc = sw_write_atomic_all(opts->out_dir,
                                  &(const sw_file){"spec.json", spec->text, strlen(spec->text),
                                                   NULL, 0},
                                  1, fd, SW_LOG_NAME, err)))
        goto out;

    /* Points already in the log are done; the rest of this shard is the to-do list. */
    done = calloc(spec->point_count / 8 + 1, 1);
    stats->points_shard = sw_shard_points(spec->point_count, opts->shard_index, opts->shard_count);
    todo = malloc((stats->points_shard + 1) * sizeof *todo);
    if (!done || !todo) {
        rc = fw_err_set(err, FW_EXIT_IO, "out of memory");
        goto out;
    }
    if ((rc = sw_read_log(fd, log_path, &table, &stats->bytes_dropped, err)))
        goto out;
    for (size_t i = 0; i < table.row_count; i++)
        done[table.rows[i].point / 8] |= (uint8_t)(1u << (table.rows[i].point % 8));
    stats->points_resumed = table.row_count;
    for (uint64_t p = opts->shard_index; p < spec->point_count; p += opts->shard_count)
        if (!(done[p / 8] & (1u << (p % 8))))
            todo[todo_count++] = p;

    if (todo_count) {
        /* the shared rows (sw_rows), when they fit the bound */
        uint64_t per_row = sw_rows_record_bytes(ev->metric_count, sw_line_size(spec, ev));
        if (!opts->read_log_back &&
            todo_count <= (SW_ROWS_MAX_BYTES - sizeof(sw_rows)) / per_row) {
            rows_bytes = sizeof(sw_rows) + todo_count * per_row;
            rows = mmap(NULL, rows_bytes, PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            if (rows == MAP_FAILED)
                rows = NULL;
            else
                rows->size = todo_count * per_row;
        }
        sw_job job = {spec,
                      ev,
                      &base,
                      wls,
                      todo,
                      todo_count,
                      fd,
                      opts->skip_invalid,
                      opts->sync_every_point,
                      NULL,
                      rows};
        rc = sw_run_workers(&job, opts, stats->points_resumed, stats->points_shard, &stats->seconds,
                            &stats->points_skipped, &stats->first_skipped, err);
        log_unsynced = true;
        if (rc)
            goto out;
        /* the log's fdatasync while the parent builds the finished files (the disk's latency
         * overlaps that work instead of following it) */
        sw_flush_start(&log_flush, fd, true);
        log_unsynced = false;
    }
    stats->points_run = todo_count;
    /* The rows of the log: those read before the run plus this run's (sw_rows), or the log
     * read back */
    if (!todo_count || (rows && !atomic_load(&rows->overflow))) {
        if ((rows && sw_rows_take(rows, ev->metric_count, &table))) {
            rc = fw_err_set(err, FW_EXIT_IO, "out of memory");
            goto out;
        }
        if ((rc = sw_table_dedupe(&table, log_path, err)))
            goto out;
    } else {
        sw_table_fini(&table);
        if ((rc = sw_read_log(fd, log_path, &table, &stats->bytes_dropped, err)))
            goto out;
    }
    if (table.row_count != stats->points_shard) {
        rc = fw_err_set(err, FW_EXIT_FAIL, "%s: %zu of %" PRIu64 " points after the run", log_path,
                        table.row_count, stats->points_shard);
        goto out;
    }
    rc = sw_table_finish(spec, &table, stats->points_shard, opts->out_dir, &stats->counts, err);
out:
    {
        int e = sw_flush_wait(&log_flush);
        if (e && !rc)
            rc = fw_err_set(err, FW_EXIT_IO, "%s: fdatasync: %s", SW_LOG_NAME, strerror(e));
    }
    /* a failed run's finished rows are made durable too */
    if (log_unsynced && fdatasync(fd) && !rc)
        rc = fw_err_set(err, FW_EXIT_IO, "%s: fdatasync: %s", SW_LOG_NAME, strerror(errno));
    sw_table_fini(&table);
    if (rows)
        munmap(rows, rows_bytes);
    if (fd >= 0)
        close(fd);
    free(todo);
    free(done);
    free(log_path);
    free(header);
    if (wls)
        for (size_t w = 0; w < spec->workload_count; w++)
            wl_destroy(wls[w]);
    free(wls);
    if (base.root || base.file)
        jr_doc_fini(&base);
    return rc;
}

int sw_merge(const char *const *dirs, size_t dir_count, const char *out_dir, uint64_t *missing,
             fw_err *err)
{
    sw_table all = {0};
    sw_spec spec = {0};
    bool have_spec = false;
    char *header = NULL, *merged;
    size_t merged_len, used;
    int rc = 0;
    for (size_t d = 0; d < dir_count && !rc; d++) {
        char *log_path = sw_path_join(dirs[d], SW_LOG_NAME);
        char *spec_path = sw_path_join(dirs[d], "spec.json");
        char *text = NULL;
        size_t len, good;
        sw_table t = {0};
        if (!log_path || !spec_path)
            rc = fw_err_set(err, FW_EXIT_IO, "out of memory");
        if (!rc)
            rc = fw_read_file(log_path, &text, &len, err);
        if (!rc)
            rc = sw_log_parse(log_path, text, len, &t, &good, err);
        if (!rc && !have_spec) {
            rc = sw_spec_load(spec_path, &spec, err);
            have_spec = rc == 0;
            if (!rc && spec.fnv64 != t.id.spec_fnv64)
                rc = fw_err_set(err, FW_EXIT_INPUT, "%s: does not match %s", spec_path, log_path);
            if (!rc) {
                all = t;
                memset(&t, 0, sizeof t);
            }
        } else if (!rc) {
            rc = sw_table_absorb(&all, &t, log_path, err);
        }
        sw_table_fini(&t);
        free(text);
        free(log_path);
        free(spec_path);
    }
    if (rc)
        goto out;
    all.id.shard_index = 0;
    all.id.shard_count = 1;
    header = sw_log_header(&spec, &all.id, (const char *const *)all.metric_names, all.metric_count);
    if (!header) {
        rc = fw_err_set(err, FW_EXIT_IO, "out of memory");
        goto out;
    }
    if ((rc = sw_make_dir(out_dir, err)))
        goto out;
    /* The merged log: as an unsharded run's log, rows in point order. */
    merged_len = strlen(header);
    for (size_t i = 0; i < all.row_count; i++)
        merged_len += strlen(all.rows[i].line) + 1;
    merged = malloc(merged_len + 1);
    if (!merged) {
        rc = fw_err_set(err, FW_EXIT_IO, "out of memory");
        goto out;
    }
    used = (size_t)sprintf(merged, "%s", header);
    for (size_t i = 0; i < all.row_count; i++)
        used += (size_t)sprintf(merged + used, "%s\n", all.rows[i].line);
    rc = sw_write_atomic(out_dir, SW_LOG_NAME, merged, used, err);
    free(merged);
    if (!rc)
        rc = sw_write_atomic(out_dir, "spec.json", spec.text, strlen(spec.text), err);
    if (!rc)
        rc = sw_table_finish(&spec, &all, spec.point_count, out_dir, NULL, err);
    *missing = spec.point_count - all.row_count;
out:
    free(header);
    sw_table_fini(&all);
    if (have_spec)
        sw_spec_fini(&spec);
    return rc;
}
