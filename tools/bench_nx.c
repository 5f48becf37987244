/* bench_nx: throughput of the nx reference model (Mops/s) for each floating format's mul, add
 * and mulAdd, and the ratio to the host's native operation where one exists (fp32: the CPU's
 * float multiply/add and fmaf; fp16: gcc's _Float16 with each result rounded to binary16) and,
 * built with -DBENCH_SOFTFLOAT against a Berkeley SoftFloat 3e build (SOFTFLOAT_DIR), to
 * SoftFloat's f32_/f16_ mul, add and mulAdd on the same operands in near_even. Times are CPU
 * time of this process (the machine is shared), best of 3 passes per figure.
 * A measurement, not a test: built and run by tools/bench/numerics.sh. */
#include "numerics/nx.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifdef BENCH_SOFTFLOAT
#include "softfloat.h"
#endif

#define N_OPS 4096u        /* operand table size (fits in L1/L2) */
#define REPS_DEFAULT 2000u /* passes over the table */

static double bn_now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t bn_rng(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint64_t a_[N_OPS], b_[N_OPS], c_[N_OPS];

/* Finite operands of magnitude around 1 (no NaN/inf shortcuts). */
static void bn_fill(nx_fmt f, uint64_t seed)
{
    const nx_fmt_info *i = nx_fmt_get(f);
    for (unsigned k = 0; k < N_OPS; k++) {
        uint64_t *v[3] = {&a_[k], &b_[k], &c_[k]};
        for (int j = 0; j < 3; j++) {
            const uint64_t r = bn_rng(&seed);
            const uint64_t e = (uint64_t)i->bias - 2 + r % 5;
            *v[j] = ((r >> 32) & 1) << (i->width_bits - 1) | e << i->man_bits |
                    ((r >> 8) & ((UINT64_C(1) << i->man_bits) - 1));
        }
    }
}

static double bn_nx(nx_fmt f, int op, unsigned reps, uint64_t *sink)
{
    const nx_mode m = {NX_RNE, false, false};
    nx_flags fl = 0;
    uint64_t acc = 0;
    const double t0 = bn_now_s();
    for (unsigned r = 0; r < reps; r++)
        for (unsigned k = 0; k < N_OPS; k++) {
            if (op == 0)
                acc += nx_mul(f, a_[k], b_[k], m, &fl);
            else if (op == 1)
                acc += nx_add(f, a_[k], b_[k], m, &fl);
            else
                acc += nx_fma(f, a_[k], b_[k], c_[k], m, &fl);
        }
    const double dt = bn_now_s() - t0;
    *sink += acc + fl;
    return (double)reps * N_OPS / dt / 1e6;
}

static float fa_[N_OPS], fb_[N_OPS], fc_[N_OPS];
static _Float16 ha_[N_OPS], hb_[N_OPS], hc_[N_OPS];

static double bn_native32(int op, unsigned reps, uint64_t *sink)
{
    for (unsigned k = 0; k < N_OPS; k++) {
        uint32_t u;
        u = (uint32_t)a_[k], memcpy(&fa_[k], &u, 4);
        u = (uint32_t)b_[k], memcpy(&fb_[k], &u, 4);
        u = (uint32_t)c_[k], memcpy(&fc_[k], &u, 4);
    }
    float acc = 0;
    const double t0 = bn_now_s();
    for (unsigned r = 0; r < reps; r++)
        for (unsigned k = 0; k < N_OPS; k++) {
            volatile float x; /* one result per operation, not vectorised away */
            x = op == 0   ? fa_[k] * fb_[k]
                : op == 1 ? fa_[k] + fb_[k]
                          : fmaf(fa_[k], fb_[k], fc_[k]);
            acc += x;
        }
    const double dt = bn_now_s() - t0;
    *sink += (uint64_t)(acc != acc);
    return (double)reps * N_OPS / dt / 1e6;
}

static double bn_native16(int op, unsigned reps, uint64_t *sink)
{
    for (unsigned k = 0; k < N_OPS; k++) {
        uint16_t u;
        u = (uint16_t)a_[k], memcpy(&ha_[k], &u, 2);
        u = (uint16_t)b_[k], memcpy(&hb_[k], &u, 2);
        u = (uint16_t)c_[k], memcpy(&hc_[k], &u, 2);
    }
    float acc = 0;
    const double t0 = bn_now_s();
    for (unsigned r = 0; r < reps; r++)
        for (unsigned k = 0; k < N_OPS; k++) {
            volatile _Float16 x; /* each result rounded to binary16 */
            x = op == 0   ? (_Float16)((float)ha_[k] * (float)hb_[k])
                : op == 1 ? (_Float16)((float)ha_[k] + (float)hb_[k])
                          : (_Float16)fmaf((float)ha_[k], (float)hb_[k], (float)hc_[k]);
            acc += (float)x;
        }
    const double dt = bn_now_s() - t0;
    *sink += (uint64_t)(acc != acc);
    return (double)reps * N_OPS / dt / 1e6;
}

#ifdef BENCH_SOFTFLOAT
static double bn_softfloat(nx_fmt f, int op, unsigned reps, uint64_t *sink)
{
    softfloat_roundingMode = softfloat_round_near_even;
    softfloat_detectTininess = softfloat_tininess_afterRounding;
    uint64_t acc = 0;
    const double t0 = bn_now_s();
    for (unsigned r = 0; r < reps; r++)
        for (unsigned k = 0; k < N_OPS; k++) {
            if (f == NX_FP32) {
                float32_t a = {(uint32_t)a_[k]}, b = {(uint32_t)b_[k]}, c = {(uint32_t)c_[k]};
                acc += op == 0 ? f32_mul(a, b).v : op == 1 ? f32_add(a, b).v : f32_mulAdd(a, b, c).v;
            } else {
                float16_t a = {(uint16_t)a_[k]}, b = {(uint16_t)b_[k]}, c = {(uint16_t)c_[k]};
                acc += op == 0 ? f16_mul(a, b).v : op == 1 ? f16_add(a, b).v : f16_mulAdd(a, b, c).v;
            }
        }
    const double dt = bn_now_s() - t0;
    *sink += acc + softfloat_exceptionFlags;
    return (double)reps * N_OPS / dt / 1e6;
}
#endif

typedef double (*bn_fn)(nx_fmt f, int op, unsigned reps, uint64_t *sink);

static double bn_best(bn_fn fn, nx_fmt f, int op, unsigned reps, uint64_t *sink)
{
    double best = 0;
    for (int i = 0; i < 3; i++) {
        double r = fn(f, op, reps, sink);
        best = r > best ? r : best;
    }
    return best;
}

static double bn_native(nx_fmt f, int op, unsigned reps, uint64_t *sink)
{
    return f == NX_FP32 ? bn_native32(op, reps, sink) : bn_native16(op, reps, sink);
}

int main(int argc, char **argv)
{
    unsigned reps = REPS_DEFAULT;
    if (argc > 1 && sscanf(argv[1], "%u", &reps) != 1)
        return 2;
    static const nx_fmt fmts[] = {NX_FP32, NX_FP16, NX_BF16, NX_FP8E5M2, NX_FP8E4M3};
    static const char *const ops[] = {"mul", "add", "mulAdd"};
    uint64_t sink = 0;
#ifdef BENCH_SOFTFLOAT
    printf("  %-16s %10s %14s %8s %14s %12s\n", "function", "nx Mops/s", "native Mops/s", "ratio",
           "SoftFloat Mops/s", "nx/SoftFloat");
#else
    printf("  %-16s %10s %14s %8s   (SoftFloat column: set SOFTFLOAT_DIR)\n", "function",
           "nx Mops/s", "native Mops/s", "ratio");
#endif
    for (unsigned i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        bn_fill(fmts[i], 0x9E3779B97F4A7C15u + i);
        for (int op = 0; op < 3; op++) {
            const double nx = bn_best(bn_nx, fmts[i], op, reps, &sink);
            char name[32];
            snprintf(name, sizeof name, "%s_%s", nx_fmt_get(fmts[i])->tf_name, ops[op]);
            if (fmts[i] == NX_FP32 || fmts[i] == NX_FP16) {
                const double nat = bn_best(bn_native, fmts[i], op, reps, &sink);
                printf("  %-16s %10.1f %14.1f %6.1fx slower", name, nx, nat, nat / nx);
#ifdef BENCH_SOFTFLOAT
                const double sf = bn_best(bn_softfloat, fmts[i], op, reps, &sink);
                printf(" %14.1f %11.2fx", sf, nx / sf);
#endif
                printf("\n");
            } else {
                printf("  %-16s %10.1f %14s %8s\n", name, nx, "-", "-");
            }
        }
    }
    return sink == 12345 ? 1 : 0; /* keeps sink alive */
}
