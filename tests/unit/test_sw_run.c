/* Tests of sim/sweep/sw_run + sw_log/sw_table/sw_out: determinism (-j1 and -j2 give
 * byte-identical files),
 * shard + merge equals the unsharded run, resume after a torn log line gives every point once,
 * refusal of foreign logs, evaluation errors naming the point, and the front/feasibility columns
 * of points.csv checked against a brute-force recomputation from the CSV itself.
 * The point evaluator is defined here: a closed form of the config values the axes set, read
 * back through the strict reader (so a wrongly applied axis fails). Files go under build/. */
#include "common/fw_io.h"
#include "common/jr.h"
#include "sweep/sw_run.h"
#include "sweep/sw_log.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ROOT "build/tests/tmp/sw_run"

static const char *const test_metrics[] = {"latency_cycles", "energy_pj", "area_mm2"};

typedef struct test_ctx {
    long fail_point_rows; /* fail when array.rows equals this (0: never) */
} test_ctx;

static int test_eval(void *vctx, void *scratch, const jr_doc *config, const wl_workload *wl,
                     double *values, fw_err *err)
{
    (void)scratch;
    const test_ctx *ctx = vctx;
    jr_obj root, array;
    uint32_t rows, cols;
    double clock_mhz;
    int rc;
    if ((rc = jr_root(config, &root, err)) ||
        (rc = jr_obj_get(&root, "array", true, &array, NULL, err)) ||
        (rc = jr_u32(&array, "rows", true, 0, 1, 1024, &rows, err)) ||
        (rc = jr_u32(&array, "cols", true, 0, 1, 1024, &cols, err)) ||
        (rc = jr_obj_done(&array, err)) ||
        (rc = jr_f64(&root, "clock_mhz", true, 0, 1, 1e5, &clock_mhz, err)) ||
        (rc = jr_obj_done(&root, err)))
        return rc;
    if (ctx && ctx->fail_point_rows == (long)rows)
        return jr_fail(&array, "rows", err, "test failure at %u rows", rows);
    double macs = (double)wl_total_macs(wl);
    values[0] = ceil(macs / (rows * cols)) + rows + cols; /* fill/drain */
    values[1] = macs * (1.0 + 0.01 * rows * cols) + 1000.0 * clock_mhz / 100.0;
    values[2] = rows * cols * 0.25;
    return 0;
}

static sw_eval test_evaluator(test_ctx *ctx)
{
    return (sw_eval){"unit-test", test_metrics, 3, ctx, test_eval, NULL, NULL, NULL};
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static char *slurp(const char *path)
{
    char *text;
    fw_err err;
    cr_assert_eq(fw_read_file(path, &text, NULL, &err), 0, "%s", err.msg);
    return text;
}

static void same_file(const char *a, const char *b)
{
    char *x = slurp(a), *y = slurp(b);
    cr_assert_str_eq(x, y, "%s and %s differ", a, b);
    free(x);
    free(y);
}

/* 2 workloads x 4 rows x 4 cols x 3 clocks = 96 points. */
static const char *const spec_text =
    "{\"base\": \"base.json\", \"workloads\": [\"w1.json\", \"w2.json\"],\n"
    " \"axes\": [{\"path\": \"array.rows\", \"values\": [2, 4, 8, 16]},\n"
    "          {\"path\": \"array.cols\", \"range\": {\"from\": 2, \"to\": 16, \"factor\": 2}},\n"
    "          {\"path\": \"clock_mhz\", \"range\": {\"from\": 100, \"to\": 300, \"step\": "
    "100}}],\n"
    " \"constraints\": [{\"metric\": \"area_mm2\", \"max\": 32}],\n"
    " \"objectives\": [{\"metric\": \"latency_cycles\", \"goal\": \"minimize\"},\n"
    "                {\"metric\": \"energy_pj\", \"goal\": \"minimize\"}]}\n";

static void setup_dir(const char *name, const char *spec)
{
    char path[256];
    mkdir("build/tests", 0755);
    mkdir("build/tests/tmp", 0755);
    mkdir(ROOT, 0755);
    snprintf(path, sizeof path, "rm -rf %s/%s && mkdir -p %s/%s", ROOT, name, ROOT, name);
    cr_assert_eq(system(path), 0);
    snprintf(path, sizeof path, "%s/%s/base.json", ROOT, name);
    write_text(path, "{\"array\": {\"rows\": 1, \"cols\": 1}, \"clock_mhz\": 50}\n");
    snprintf(path, sizeof path, "%s/%s/w1.json", ROOT, name);
    write_text(path, "{\"name\": \"w1\", \"batch\": 1, \"layers\": [{\"name\": \"g\", \"type\": "
                     "\"gemm\", \"m\": 8, \"n\": 12, \"k\": 16}]}\n");
    snprintf(path, sizeof path, "%s/%s/w2.json", ROOT, name);
    write_text(path, "{\"name\": \"w2\", \"batch\": 1, \"layers\": [{\"name\": \"g\", \"type\": "
                     "\"gemm\", \"m\": 64, \"n\": 30, \"k\": 20}, {\"name\": \"f\", \"type\": "
                     "\"fc\", \"in_features\": 100, \"out_features\": 10}]}\n");
    snprintf(path, sizeof path, "%s/%s/spec.src.json", ROOT, name);
    write_text(path, spec);
}

static void load_spec(const char *name, sw_spec *spec)
{
    char path[256];
    fw_err err;
    snprintf(path, sizeof path, "%s/%s/spec.src.json", ROOT, name);
    cr_assert_eq(sw_spec_load(path, spec, &err), 0, "%s", err.msg);
}

static bool read_log_back; /* run(): the finished files from the log read back */

static int run(const char *name, const char *out, unsigned jobs, uint64_t si, uint64_t sk,
               bool resume, test_ctx *ctx, sw_run_stats *stats, fw_err *err)
{
    sw_spec spec;
    char dir[256];
    load_spec(name, &spec);
    snprintf(dir, sizeof dir, "%s/%s/%s", ROOT, name, out);
    sw_eval ev = test_evaluator(ctx);
    sw_run_opts opts = {.jobs = jobs,
                        .out_dir = dir,
                        .resume = resume,
                        .shard_index = si,
                        .shard_count = sk,
                        .read_log_back = read_log_back};
    int rc = sw_run(&spec, &ev, &opts, stats, err);
    sw_spec_fini(&spec);
    return rc;
}

static void run_ok(const char *name, const char *out, unsigned jobs, uint64_t si, uint64_t sk,
                   bool resume, sw_run_stats *stats)
{
    fw_err err;
    cr_assert_eq(run(name, out, jobs, si, sk, resume, NULL, stats, &err), 0, "%s", err.msg);
}

static void same_outputs(const char *name, const char *a, const char *b)
{
    static const char *const files[] = {"points.csv", "pareto.csv", "summary.json"};
    for (size_t i = 0; i < 3; i++) {
        char pa[256], pb[256];
        snprintf(pa, sizeof pa, "%s/%s/%s/%s", ROOT, name, a, files[i]);
        snprintf(pb, sizeof pb, "%s/%s/%s/%s", ROOT, name, b, files[i]);
        same_file(pa, pb);
    }
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* One timeout for the whole binary (a timeout per test leaks inside libcriterion under
 * LeakSanitizer). */
TestSuite(sw_run, .timeout = 120);

Test(sw_run, jobs_do_not_change_the_bytes)
{
    sw_run_stats st;
    setup_dir("jobs", spec_text);
    run_ok("jobs", "j1", 1, 0, 1, false, &st);
    cr_assert_eq(st.points_shard, 96);
    cr_assert_eq(st.points_run, 96);
    run_ok("jobs", "j2", 2, 0, 1, false, &st);
    run_ok("jobs", "j3", 3, 0, 1, false, &st);
    same_outputs("jobs", "j1", "j2");
    same_outputs("jobs", "j1", "j3");
    char *csv = slurp(ROOT "/jobs/j1/points.csv");
    cr_assert_eq(count_lines(csv), 97);
    cr_assert(!strncmp(csv,
                       "point,workload,array.rows,array.cols,clock_mhz,latency_cycles,"
                       "energy_pj,area_mm2,feasible,pareto\n0,w1.json,2,2,100,",
                       strlen("point,workload,array.rows,array.cols,clock_mhz,latency_cycles,"
                              "energy_pj,area_mm2,feasible,pareto\n0,w1.json,2,2,100,")));
    free(csv);
}

/* The rows the workers hand over in memory give the files that reading the log back gives, for
 * any -j, fresh and resumed. */
Test(sw_run, rows_in_memory_equal_the_log_read_back)
{
    sw_run_stats st;
    setup_dir("rows", spec_text);
    for (unsigned jobs = 1; jobs <= 3; jobs++) {
        char mem[16], back[16];
        snprintf(mem, sizeof mem, "mem%u", jobs);
        snprintf(back, sizeof back, "back%u", jobs);
        read_log_back = false;
        run_ok("rows", mem, jobs, 0, 1, false, &st);
        read_log_back = true;
        run_ok("rows", back, jobs, 0, 1, false, &st);
        same_outputs("rows", mem, back);
    }
    /* a resume: half the log kept, the other half run again */
    read_log_back = false;
    run_ok("rows", "half", 2, 0, 1, false, &st);
    char *log = slurp(ROOT "/rows/half/points.log");
    char *cut = log;
    for (int line = 0; line < 2 + 48; line++)
        cut = strchr(cut, '\n') + 1;
    *cut = '\0';
    write_text(ROOT "/rows/half/points.log", log);
    free(log);
    run_ok("rows", "half", 3, 0, 1, true, &st);
    cr_assert_eq(st.points_resumed, 48);
    cr_assert_eq(st.points_run, 48);
    same_outputs("rows", "mem1", "half");
}

Test(sw_run, shards_merge_to_the_unsharded_run)
{
    sw_run_stats st;
    fw_err err;
    uint64_t missing;
    setup_dir("shard", spec_text);
    run_ok("shard", "all", 1, 0, 1, false, &st);
    run_ok("shard", "s0", 2, 0, 3, false, &st);
    cr_assert_eq(st.points_shard, 32);
    run_ok("shard", "s1", 1, 1, 3, false, &st);
    run_ok("shard", "s2", 2, 2, 3, false, &st);
    const char *two[] = {ROOT "/shard/s0", ROOT "/shard/s2"};
    cr_assert_eq(sw_merge(two, 2, ROOT "/shard/partial", &missing, &err), 0, "%s", err.msg);
    cr_assert_eq(missing, 32);
    const char *dirs[] = {ROOT "/shard/s2", ROOT "/shard/s0", ROOT "/shard/s1",
                          ROOT "/shard/s1"}; /* a shard given twice is kept once */
    cr_assert_eq(sw_merge(dirs, 4, ROOT "/shard/merged", &missing, &err), 0, "%s", err.msg);
    cr_assert_eq(missing, 0);
    same_outputs("shard", "all", "merged");
    /* -j1 writes its log in point order, as merge does. */
    same_file(ROOT "/shard/all/points.log", ROOT "/shard/merged/points.log");
    /* Merging a merge (with the partial one) changes nothing. */
    const char *again[] = {ROOT "/shard/merged", ROOT "/shard/partial"};
    cr_assert_eq(sw_merge(again, 2, ROOT "/shard/merged2", &missing, &err), 0, "%s", err.msg);
    same_outputs("shard", "all", "merged2");
}

Test(sw_run, resume_after_a_torn_line_gives_every_point_once)
{
    sw_run_stats st;
    fw_err err;
    setup_dir("resume", spec_text);
    run_ok("resume", "full", 2, 0, 1, false, &st);
    /* Simulate a kill: the header, 10 rows and half of the 11th row. */
    char *log = slurp(ROOT "/resume/full/points.log");
    char *p = log;
    for (int lines = 0; lines < 12; lines++)
        p = strchr(p, '\n') + 1;
    p += strcspn(p, "\n") / 2;
    *p = '\0';
    mkdir(ROOT "/resume/cut", 0755);
    write_text(ROOT "/resume/cut/points.log", log);
    free(log);
    cr_assert_eq(run("resume", "cut", 2, 0, 1, false, NULL, &st, &err), FW_EXIT_INPUT);
    cr_assert(strstr(err.msg, "already holds results: add --resume"), "%s", err.msg);
    run_ok("resume", "cut", 2, 0, 1, true, &st);
    cr_assert_eq(st.points_resumed, 10);
    cr_assert_eq(st.points_run, 86);
    cr_assert_gt(st.bytes_dropped, 0);
    same_outputs("resume", "full", "cut");
    char *after = slurp(ROOT "/resume/cut/points.log");
    cr_assert_eq(count_lines(after), 2 + 96);
    free(after);
    /* Resuming a finished sweep runs nothing and rewrites the same files. */
    run_ok("resume", "cut", 1, 0, 1, true, &st);
    cr_assert_eq(st.points_run, 0);
    same_outputs("resume", "full", "cut");
    /* A log of another shard, or of another spec, is refused. */
    cr_assert_eq(run("resume", "cut", 1, 1, 2, true, NULL, &st, &err), FW_EXIT_INPUT);
    cr_assert(strstr(err.msg, "belongs to another sweep"), "%s", err.msg);
}

Test(sw_run, evaluation_errors_name_the_point_and_keep_finished_rows)
{
    sw_run_stats st;
    fw_err err;
    test_ctx ctx = {8};
    setup_dir("fail", spec_text);
    cr_assert_eq(run("fail", "out", 1, 0, 1, false, &ctx, &st, &err), FW_EXIT_INPUT);
    /* Point 24 is the first with rows = 8: workload 0, rows index 2, cols 0, clock 0. */
    cr_assert_str_eq(err.msg, "point 24 (workload=w1.json, array.rows=8, array.cols=2, "
                              "clock_mhz=100): " ROOT "/fail/base.json: array.rows: test "
                              "failure at 8 rows");
    char *log = slurp(ROOT "/fail/out/points.log");
    cr_assert_eq(count_lines(log), 2 + 24);
    free(log);
    run_ok("fail", "out", 2, 0, 1, true, &st);
    cr_assert_eq(st.points_resumed, 24);
    run_ok("fail", "ref", 1, 0, 1, false, &st);
    same_outputs("fail", "ref", "out");
}

Test(sw_run, feasible_and_front_columns_match_a_recomputation)
{
    sw_run_stats st;
    setup_dir("front", spec_text);
    run_ok("front", "out", 2, 0, 1, false, &st);
    char *csv = slurp(ROOT "/front/out/points.csv");
    double lat[96], en[96], area[96];
    int feas[96], front[96];
    char *line = strchr(csv, '\n') + 1;
    for (int i = 0; i < 96; i++) {
        int point;
        char wl[32];
        double r, c, clk;
        cr_assert_eq(sscanf(line, "%d,%31[^,],%lf,%lf,%lf,%lf,%lf,%lf,%d,%d", &point, wl, &r, &c,
                            &clk, &lat[i], &en[i], &area[i], &feas[i], &front[i]),
                     10);
        cr_assert_eq(point, i);
        line = strchr(line, '\n') + 1;
    }
    free(csv);
    size_t on_front = 0, infeasible = 0;
    for (int i = 0; i < 96; i++) {
        cr_assert_eq(feas[i], area[i] <= 32, "point %d", i);
        bool dominated = false;
        for (int j = 0; j < 96; j++) /* the same workload only: points 0-47 and 48-95 */
            if (feas[j] && j / 48 == i / 48 && lat[j] <= lat[i] && en[j] <= en[i] &&
                (lat[j] < lat[i] || en[j] < en[i]))
                dominated = true;
        cr_assert_eq(front[i], feas[i] && !dominated, "point %d", i);
        on_front += front[i];
        infeasible += !feas[i];
    }
    cr_assert_gt(on_front, 2);
    cr_assert_gt(infeasible, 0);
    char *par = slurp(ROOT "/front/out/pareto.csv");
    cr_assert_eq(count_lines(par), 1 + on_front);
    free(par);
}

Test(sw_run, random_sampling_shards_merge_and_nul_tail_resume)
{
    /* The grid spec with 40 random points: shards and merge agree with the unsharded run. */
    char spec[2048];
    snprintf(spec, sizeof spec,
             "%.*s,\n \"sampling\": {\"mode\": \"random\", \"points\": 40, "
             "\"seed\": 5}}\n",
             (int)(strrchr(spec_text, '}') - spec_text), spec_text);
    sw_run_stats st;
    fw_err err;
    uint64_t missing;
    setup_dir("random", spec);
    run_ok("random", "all", 2, 0, 1, false, &st);
    cr_assert_eq(st.points_shard, 40);
    run_ok("random", "s0", 1, 0, 2, false, &st);
    run_ok("random", "s1", 2, 1, 2, false, &st);
    const char *dirs[] = {ROOT "/random/s1", ROOT "/random/s0"};
    cr_assert_eq(sw_merge(dirs, 2, ROOT "/random/merged", &missing, &err), 0, "%s", err.msg);
    cr_assert_eq(missing, 0);
    same_outputs("random", "all", "merged");
    /* A crash that leaves zero bytes after the last row (file size grown, data not written):
     * resume drops them and adds nothing. */
    FILE *f = fopen(ROOT "/random/all/points.log", "ab");
    cr_assert(f);
    fwrite("\0\0\0\0\0\0\0\0", 1, 8, f);
    fclose(f);
    run_ok("random", "all", 1, 0, 1, true, &st);
    cr_assert_eq(st.bytes_dropped, 8);
    cr_assert_eq(st.points_run, 0);
    same_outputs("random", "all", "merged");
}

/* An evaluator that crashes the worker on one point (abort: SIGABRT). */
static int crash_eval(void *ctx, void *scratch, const jr_doc *config, const wl_workload *wl,
                      double *values, fw_err *err)
{
    const test_ctx *c = ctx;
    jr_obj root, array;
    uint32_t rows = 0;
    jr_root(config, &root, err);
    jr_obj_get(&root, "array", true, &array, NULL, err);
    jr_u32(&array, "rows", true, 0, 1, 1024, &rows, err);
    if ((long)rows == c->fail_point_rows)
        abort();
    return test_eval(NULL, scratch, config, wl, values, err);
}

Test(sw_run, a_crashing_worker_names_signal_and_point)
{
    sw_run_stats st;
    fw_err err;
    sw_spec spec;
    test_ctx ctx = {16};
    setup_dir("crash", spec_text);
    load_spec("crash", &spec);
    sw_eval ev = {"unit-test", test_metrics, 3, &ctx, crash_eval, NULL, NULL, NULL};
    sw_run_opts opts = {.jobs = 1, .out_dir = ROOT "/crash/out", .shard_count = 1};
    cr_assert_eq(sw_run(&spec, &ev, &opts, &st, &err), FW_EXIT_FAIL);
    /* Point 36 is the first with rows = 16 (workload 0, rows index 3). */
    cr_assert_str_eq(err.msg, "a worker died of signal 6 while evaluating point 36");
    char *log = slurp(ROOT "/crash/out/points.log");
    cr_assert_eq(count_lines(log), 2 + 36);
    free(log);
    sw_spec_fini(&spec);
}

/* sw_write_atomic_all: a file given as pieces (more than one writev's worth, empty pieces among
 * them) holds their concatenation; the plain files and the extra fd's sync come along; a failure
 * (a directory that does not exist) names the file. */
Test(sw_run, write_atomic_all_pieces_are_concatenated)
{
    mkdir("build/tests", 0755);
    mkdir("build/tests/tmp", 0755);
    mkdir(ROOT, 0755);
    enum { PIECES = 2500 };
    static struct iovec iov[PIECES];
    static char text[PIECES * 8 + 1];
    size_t len = 0;
    for (size_t i = 0; i < PIECES; i++) {
        char *p = text + len;
        size_t n = i % 7 == 3 ? 0 : (size_t)snprintf(p, 8, "%zu;", i);
        iov[i] = (struct iovec){p, n};
        len += n;
    }
    const sw_file files[] = {{"pieces.txt", NULL, 0, iov, PIECES}, {"plain.txt", "abc\n", 4, NULL, 0}};
    FILE *extra = fopen(ROOT "/extra.txt", "w");
    cr_assert(extra);
    fw_err err;
    cr_assert_eq(sw_write_atomic_all(ROOT, files, 2, fileno(extra), "extra.txt", &err), 0, "%s",
                 err.msg);
    fclose(extra);
    char *got;
    size_t got_len;
    cr_assert_eq(fw_read_file(ROOT "/pieces.txt", &got, &got_len, &err), 0);
    cr_assert_eq(got_len, len);
    cr_assert(!memcmp(got, text, len));
    free(got);
    cr_assert_eq(fw_read_file(ROOT "/plain.txt", &got, &got_len, &err), 0);
    cr_assert_str_eq(got, "abc\n");
    free(got);
    cr_assert_eq(sw_write_atomic_all(ROOT "/missing", files, 2, -1, NULL, &err), FW_EXIT_IO);
    cr_assert(strstr(err.msg, ROOT "/missing/pieces.txt.tmp: cannot create"), "%s", err.msg);
}
