// pe_main.cpp: Verilator driver of rtl/tb/fw_pe_harness.v, built as build/rtl/pe_fp (and the
// same program as build/rtl/pe_int). It speaks the line format of `flopwatt fp` (Berkeley
// TestFloat's testfloat_gen / testfloat_ver): each stdin line holds 1-3 hex operands; each
// output line repeats the operands, then the result and the exception flags in upper-case hex
// (flags as 2 digits). Usage:
//   pe_fp [-rnear_even|-rminMag|-rmin|-rmax|-rnear_maxMag] [-tininessbefore|-tininessafter]
//         [-ftz] [-sat] [-gate] FUNCTION < vectors
// -gate runs the zero-gated copy of the FUNCTION's PE (ZERO_GATE = 1, harness id 64 + its id;
// f16_*, f8e4m3_*, f16_mac_f32, f16_macu_f32, i8_mac_i32 and i16_mac_i48 have one): its output
// must be the ungated PE's, i.e. the C model's.
// Vectors are streamed one per clock cycle through the pipelined PE; results are matched to
// their operands in order. Bad input: "pe_fp: stdin:LINE: reason" on stderr, exit 2.
#include "Vfw_pe_harness.h"
#include "verilated.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

enum { OP_FMA = 0, OP_MUL = 1, OP_ADD = 2 };

// One FUNCTION: which PE instance (harness sel id), which operation, and how the line's
// operands map onto the PE ports a, b, c (index in the line, -1 if unused).
struct PeFunction {
    std::string name;
    int sel;
    int op;
    int n_ops;
    int a_pos, b_pos, c_pos;
    bool negate_c;     // sub: a - b as a + (-b)
    int op_bits[3];    // operand widths in the line order
    int res_bits;
};

struct FmtName {
    const char *tf;    // TestFloat-style prefix
    int bits;
};

const FmtName kFp32 = {"f32", 32}, kFp16 = {"f16", 16}, kBf16 = {"bf16", 16},
              kE5m2 = {"f8e5m2", 8}, kE4m3 = {"f8e4m3", 8};

// Harness instance ids (rtl/tb/fw_pe_harness.v).
std::vector<PeFunction> pe_functions()
{
    std::vector<PeFunction> v;
    const struct { FmtName f; int sel; } same[] = {
        {kFp32, 0}, {kFp16, 1}, {kBf16, 2}, {kE5m2, 3}, {kE4m3, 4}};
    for (const auto &s : same) {
        const std::string p = s.f.tf;
        const int w = s.f.bits;
        v.push_back({p + "_mul", s.sel, OP_MUL, 2, 0, 1, -1, false, {w, w, 0}, w});
        v.push_back({p + "_add", s.sel, OP_ADD, 2, 0, -1, 1, false, {w, w, 0}, w});
        v.push_back({p + "_sub", s.sel, OP_ADD, 2, 0, -1, 1, true, {w, w, 0}, w});
        v.push_back({p + "_mulAdd", s.sel, OP_FMA, 3, 0, 1, 2, false, {w, w, w}, w});
    }
    // Mixed MACs: operands "acc a b", result acc + a*b in the accumulator format.
    const struct { FmtName in, acc; int sel; } mixed[] = {
        {kFp16, kFp32, 6}, {kBf16, kFp32, 8}, {kE4m3, kFp16, 10},
        {kE5m2, kFp16, 12}, {kE4m3, kFp32, 14}, {kE5m2, kFp32, 16},
        {kE4m3, kBf16, 18}, {kE5m2, kBf16, 20}};
    for (const auto &m : mixed) {
        const std::string p = std::string(m.in.tf);
        const std::string acc = m.acc.tf;
        const int wi = m.in.bits, wa = m.acc.bits;
        v.push_back({p + "_mac_" + acc, m.sel, OP_FMA, 3, 1, 2, 0, false, {wa, wi, wi}, wa});
        v.push_back({p + "_macu_" + acc, m.sel + 1, OP_FMA, 3, 1, 2, 0, false, {wa, wi, wi}, wa});
    }
    const struct { const char *name; int sel, wi, wa; } ints[] = {
        {"i8_mac_i32", 32, 8, 32}, {"i16_mac_i32", 33, 16, 32},
        {"i8_mac_i48", 34, 8, 48}, {"i16_mac_i48", 35, 16, 48}};
    for (const auto &i : ints)
        v.push_back({i.name, i.sel, OP_FMA, 3, 1, 2, 0, false, {i.wa, i.wi, i.wi}, i.wa});
    return v;
}

int usage(FILE *out, int rc)
{
    std::fprintf(out,
                 "usage: pe_fp [-rnear_even|-rminMag|-rmin|-rmax|-rnear_maxMag]\n"
                 "             [-tininessbefore|-tininessafter] [-ftz] [-sat] [-gate] FUNCTION\n"
                 "       pe_fp --list\n"
                 "Reads hex operand lines on stdin, writes operands, result and flags (hex).\n");
    return rc;
}

// Parses up to 3 hex operands of a line; returns the count, or -1 with *why set.
int parse_line(const char *s, uint64_t ops[3], int digits[3], const char **why)
{
    int n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0' || *s == '\n' || *s == '\r')
            break;
        if (n == 3) {
            *why = "too many operands";
            return -1;
        }
        uint64_t v = 0;
        int nd = 0;
        for (;; s++, nd++) {
            const char c = *s;
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                break;
            if (nd == 16) {
                *why = "operand too wide";
                return -1;
            }
            v = v << 4 | (uint64_t)d;
        }
        if (nd == 0 || (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\0')) {
            *why = "bad hex operand";
            return -1;
        }
        ops[n] = v;
        digits[n] = nd;
        n++;
    }
    return n;
}

}  // namespace

int main(int argc, char **argv)
{
    const char *prog = "pe_fp";
    int rnd = 0;
    bool ftz = false, tin_before = false, sat = false, gate = false;
    const char *fname = nullptr;
    const std::vector<PeFunction> fns = pe_functions();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!std::strcmp(a, "--help") || !std::strcmp(a, "-h"))
            return usage(stdout, 0);
        if (!std::strcmp(a, "--list")) {
            for (const auto &f : fns)
                std::printf("%s\n", f.name.c_str());
            return 0;
        }
        if (!std::strcmp(a, "-rnear_even")) rnd = 0;
        else if (!std::strcmp(a, "-rminMag")) rnd = 1;
        else if (!std::strcmp(a, "-rmin")) rnd = 2;
        else if (!std::strcmp(a, "-rmax")) rnd = 3;
        else if (!std::strcmp(a, "-rnear_maxMag")) rnd = 4;
        else if (!std::strcmp(a, "-tininessbefore")) tin_before = true;
        else if (!std::strcmp(a, "-tininessafter")) tin_before = false;
        else if (!std::strcmp(a, "-ftz")) ftz = true;
        else if (!std::strcmp(a, "-sat")) sat = true;
        else if (!std::strcmp(a, "-gate")) gate = true;
        else if (a[0] == '-') {
            std::fprintf(stderr, "%s: unknown option '%s'\n", prog, a);
            return usage(stderr, 2);
        } else if (fname) {
            std::fprintf(stderr, "%s: more than one FUNCTION\n", prog);
            return 2;
        } else
            fname = a;
    }
    if (!fname)
        return usage(stderr, 2);
    const PeFunction *fn = nullptr;
    for (const auto &f : fns)
        if (f.name == fname)
            fn = &f;
    if (!fn) {
        std::fprintf(stderr, "%s: unknown FUNCTION '%s' (see --list)\n", prog, fname);
        return 2;
    }

    // Zero-gated copies in rtl/tb/fw_pe_harness.v (id 64 + the ungated id).
    const int kGatedIds[] = {1, 4, 6, 7, 32, 35};
    int sel = fn->sel;
    if (gate) {
        bool found = false;
        for (const int id : kGatedIds)
            found = found || id == sel;
        if (!found) {
            std::fprintf(stderr, "%s: FUNCTION '%s' has no zero-gated PE in the harness\n", prog,
                         fname);
            return 2;
        }
        sel += 64;
    }

    VerilatedContext ctx;
    Vfw_pe_harness top{&ctx};
    top.clk_i = 0;
    top.rst_ni = 0;
    top.valid_i = 0;
    top.eval();
    top.rst_ni = 1;
    top.eval();
    top.sel_i = sel;
    top.op_i = fn->op;
    top.rnd_i = rnd;
    top.ftz_i = ftz;
    top.tininess_before_i = tin_before;
    top.sat_i = sat;

    // In-flight vectors, oldest first (at most PIPE_DEPTH + 1 entries).
    struct Pending { uint64_t ops[3]; };
    std::vector<Pending> fifo;
    size_t head = 0;
    const int res_digits = (fn->res_bits + 3) / 4;
    char line[256];
    unsigned long lineno = 0;
    bool eof = false;
    std::string out;
    out.reserve(1 << 16);

    auto emit = [&](const Pending &p, uint64_t res, unsigned flags) {
        char buf[128];
        int len = 0;
        for (int k = 0; k < fn->n_ops; k++)
            len += std::snprintf(buf + len, sizeof buf - len, "%0*llX ", (fn->op_bits[k] + 3) / 4,
                                 (unsigned long long)p.ops[k]);
        len += std::snprintf(buf + len, sizeof buf - len, "%0*llX %02X\n", res_digits,
                             (unsigned long long)res, flags);
        out.append(buf, len);
        if (out.size() > (1 << 15)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    };

    while (!eof || head < fifo.size()) {
        // Falling edge first with unchanged inputs (cheap), then new inputs and the rising edge
        // in one evaluation: the input logic settles before the registers sample it.
        top.clk_i = 0;
        top.eval();
        top.valid_i = 0;
        if (!eof) {
            if (!std::fgets(line, sizeof line, stdin)) {
                eof = true;
            } else {
                lineno++;
                if (!std::strchr(line, '\n') && !std::feof(stdin)) {
                    std::fprintf(stderr, "%s: stdin:%lu: line too long\n", prog, lineno);
                    return 2;
                }
                Pending p = {{0, 0, 0}};
                int digits[3];
                const char *why = nullptr;
                const int n = parse_line(line, p.ops, digits, &why);
                if (n >= 0 && n != fn->n_ops)
                    why = "wrong number of operands";
                for (int k = 0; !why && k < n; k++)
                    if (fn->op_bits[k] < 64 && (p.ops[k] >> fn->op_bits[k]) != 0)
                        why = "operand too wide";
                if (why) {
                    std::fwrite(out.data(), 1, out.size(), stdout);
                    std::fprintf(stderr, "%s: stdin:%lu: %s\n", prog, lineno, why);
                    return 2;
                }
                const uint64_t sign_c = fn->negate_c ? (1ull << (fn->op_bits[fn->c_pos] - 1)) : 0;
                top.a_i = fn->a_pos >= 0 ? (uint32_t)p.ops[fn->a_pos] : 0;
                top.b_i = fn->b_pos >= 0 ? (uint32_t)p.ops[fn->b_pos] : 0;
                top.c_i = fn->c_pos >= 0 ? (p.ops[fn->c_pos] ^ sign_c) : 0;
                top.valid_i = 1;
                if (head > 64) {
                    fifo.erase(fifo.begin(), fifo.begin() + head);
                    head = 0;
                }
                fifo.push_back(p);
            }
        }
        top.clk_i = 1;
        top.eval();
        if (top.valid_o) {
            if (head >= fifo.size()) {
                std::fprintf(stderr, "%s: internal error: result without operands\n", prog);
                return 1;
            }
            emit(fifo[head++], top.res_o, top.flags_o);
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    top.final();
    return 0;
}
