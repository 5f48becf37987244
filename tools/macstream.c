/* macstream: a MAC operand stream with the C model's results, for the gate-level activity
 * simulation of a PE netlist (tools/gates_energy.py, `make gates-energy`).
 *   macstream IN ACC FUSED COUNT ZERO_PERCENT SEED [CHAIN]
 * IN, ACC: format names of the C model (int8, int16, int32, int48, fp32, fp16, bf16, fp8e5m2,
 * fp8e4m3); FUSED 1 or 0 (floating only). Writes COUNT lines "c a b res" in upper-case hex, the
 * operands one MAC per line as a PE sees them in an output-stationary accumulation: a (the
 * activation) is zero with probability ZERO_PERCENT/100, otherwise, like b (the weight), drawn as
 * the pe engine draws operand data (sim/engine/arr.h "Operand data": integers the low width bits
 * of a 64-bit random word, full range; floats uniform in [-2, 2) rounded by nx_from_double);
 * c is the running accumulator, zero at the start of each chain of CHAIN MACs (default 16) and
 * the previous line's res otherwise; res = nx_mac(c, a, b) (near_even, no FTZ, integer wrap).
 * ZERO_PERCENT -100 makes every a and b zero (the all-zero stream). Exit 0; 2 with one line on stderr for a bad argument. Built by rtl/rtl.mk. */
#include "numerics/nx.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t ms_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* One operand as the pe engine draws it. */
static uint64_t ms_operand(nx_fmt fmt, uint64_t r)
{
    const nx_fmt_info *info = nx_fmt_get(fmt);
    if (!info->is_float)
        return info->width_bits >= 64 ? r : (r & ((1ULL << info->width_bits) - 1));
    double d = (double)(r >> 11) * 0x1p-53 * 4.0 - 2.0;
    nx_mode mode = {NX_RNE, false, false};
    nx_flags flags = 0;
    return nx_from_double(fmt, d, mode, &flags);
}

static int ms_usage(const char *why)
{
    fprintf(stderr, "macstream: %s\n"
                    "usage: macstream IN ACC FUSED COUNT ZERO_PERCENT SEED [CHAIN]\n",
            why);
    return 2;
}

static int ms_number(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 7 && argc != 8)
        return ms_usage("wrong number of arguments");
    nx_mac_cfg cfg = {0};
    if (nx_fmt_from_name(argv[1], &cfg.input) != 0)
        return ms_usage("unknown input format");
    if (nx_fmt_from_name(argv[2], &cfg.accumulator) != 0)
        return ms_usage("unknown accumulator format");
    long fused, count, zero_pct, seed, chain = 16;
    if (ms_number(argv[3], 0, 1, &fused) != 0)
        return ms_usage("FUSED must be 0 or 1");
    if (ms_number(argv[4], 1, 100000000, &count) != 0)
        return ms_usage("COUNT must be 1..1e8");
    if (ms_number(argv[5], -100, 100, &zero_pct) != 0 || (zero_pct < 0 && zero_pct != -100))
        return ms_usage("ZERO_PERCENT must be 0..100 or -100");
    if (ms_number(argv[6], 0, 1000000000, &seed) != 0)
        return ms_usage("SEED must be 0..1e9");
    if (argc == 8 && ms_number(argv[7], 1, 1000000, &chain) != 0)
        return ms_usage("CHAIN must be 1..1e6");
    bool in_float = nx_fmt_get(cfg.input)->is_float;
    if (in_float != nx_fmt_get(cfg.accumulator)->is_float)
        return ms_usage("IN and ACC must both be integer or both floating");
    cfg.fused = fused != 0;
    cfg.mode = (nx_mode){NX_RNE, false, false};
    cfg.overflow = NX_WRAP;

    unsigned in_hex = (nx_fmt_get(cfg.input)->width_bits + 3) / 4;
    unsigned acc_hex = (nx_fmt_get(cfg.accumulator)->width_bits + 3) / 4;
    uint64_t state = (uint64_t)seed;
    uint64_t acc = nx_zero(cfg.accumulator);
    for (long i = 0; i < count; i++) {
        if (i % chain == 0)
            acc = nx_zero(cfg.accumulator);
        uint64_t r_a = ms_splitmix64(&state), r_b = ms_splitmix64(&state);
        uint64_t r_z = ms_splitmix64(&state);
        uint64_t a = ms_operand(cfg.input, r_a), b = ms_operand(cfg.input, r_b);
        if (zero_pct == -100) {
            a = nx_zero(cfg.input);
            b = nx_zero(cfg.input);
        } else if ((long)(r_z % 100) < zero_pct) {
            a = nx_zero(cfg.input);
        }
        nx_flags flags = 0;
        uint64_t res = nx_mac(&cfg, acc, a, b, &flags);
        printf("%0*" PRIX64 " %0*" PRIX64 " %0*" PRIX64 " %0*" PRIX64 "\n", (int)acc_hex, acc,
               (int)in_hex, a, (int)in_hex, b, (int)acc_hex, res);
        acc = res;
    }
    return 0;
}
