// array_main.cpp: co-simulation driver of rtl/tb/fw_array_harness.v (build/rtl/array).
// For each precision (int8->int32, fp16, bf16, fp32, fp16->fp32) and dataflow (ws, os, tree) it
// runs random fold sequences on the RTL array: 1-3 folds of random used size sr x sc <= ROWS x
// COLS and streamed length T, started back to back per the pipelined (x_{f+1} = x_f + max(T, R);
// tree: max(T, 2)) or the serial (x_{f+1} = x_f + L) fold schedule of sim/engine/arr.h, with
// random stall cycles (en_i = 0, random junk on every input meanwhile). Each input is presented
// at the cycle the documented schedule names (tree: unused rows, multipliers and columns get
// junk with their valid bits low); every result must appear at the documented cycle (counted in
// enabled cycles) with the bits of the C model's chain acc = nx_mac(acc, x, w), k ascending.
// Outputs are read as the ofmap buffer would, during an enabled cycle before its clock edge
// (after any stall cycles in between): ws, os, the results written at the end of documented
// cycle c, during the next enabled cycle (one extra enabled cycle after the last); tree, the
// column registers, during the documented write cycle. Any valid output the schedule does not
// announce (also before a sequence's first cycle and in the idle cycles after it) is a mismatch,
// and across every stall cycle the valid bits, and the value and row of each valid result, must
// not change. So a result register that moves during a stall is caught even when the next
// enabled edge would set it right again.
// Usage: array [-seed N] [-seqs N] [-stall PERCENT]. Prints counts per configuration (with the
// (stall cycle, column) pairs in which a result on the outputs had to hold); on a mismatch names
// the configuration, fold, element, cycle and both values (or the column and stall cycle and
// the outputs before and after it), and exits 1.
// Layer mode (-layer NAME ...): runs one GEMM layer with the fold starts of the simulator's
// trace and compares outputs and fold ends with `flopwatt run --engine pe` (run_layer below);
// ws, os and is only (the tree dataflow is covered by the fold sequences, not by layers).
// Zero gating: the fold sequences also run zero-gated arrays (tree int8->int32, ws and os fp16)
// on operands and partial sums with 40% zeros; -layer ... -gate runs the zero-gated fp16 array,
// -zeros ZI,ZW draws the operands as the pe engine does for the layer's ifmap_density = 1 - ZI and
// weight_density = 1 - ZW (arr.h "Operand data").
#include "Vfw_array_harness.h"
#include "verilated.h"

extern "C" {
#include "numerics/nx.h"
}

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace {

// The harness's ROWS x COLS (its defaults 4 x 3; the bench model is verilated with -GROWS and
// -GCOLS and compiled with the same FW_ROWS, FW_COLS).
#ifndef FW_ROWS
#define FW_ROWS 4
#define FW_COLS 3
#endif
// FW_ONLY_PREC = p: the model holds only precision p's arrays (the harness's ONLY_PREC;
// build/rtl/array_<precision>); -1: all of them.
#ifndef FW_ONLY_PREC
#define FW_ONLY_PREC -1
#endif
constexpr int kRows = FW_ROWS;
constexpr int kCols = FW_COLS;
static_assert(kRows <= 32 && kCols <= 32, "valid bits are held in 32-bit words");
constexpr int clog2(int n) { return n <= 1 ? 0 : 1 + clog2((n + 1) / 2); }
constexpr int kRowW = clog2(kRows + 1);  // the harness's ROW_W
// Dataflow ids of the fold sequences (0 ws, 1 os, 2 tree).
constexpr int kTree = 2;
const char *const kDfName[] = {"ws", "os", "tree"};

struct Rng {
    uint64_t s;
    uint64_t next()
    {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545F4914F6CDD1DULL;
    }
    int below(int n) { return (int)(next() % (uint64_t)n); }
};

struct Precision {
    const char *name;
    nx_fmt in, acc;
};
const Precision kPrecisions[] = {{"int8->int32", NX_INT8, NX_INT32},
                                 {"fp16", NX_FP16, NX_FP16},
                                 {"bf16", NX_BF16, NX_BF16},
                                 {"fp32", NX_FP32, NX_FP32},
                                 {"fp16->fp32", NX_FP16, NX_FP32}};

uint64_t mask(unsigned bits) { return bits >= 64 ? ~0ULL : (1ULL << bits) - 1; }

// A random operand: mostly values of moderate magnitude, sometimes raw bits (specials too);
// with zero_pct > 0 (the zero-gated arrays) a zero of random sign in zero_pct% of the draws.
uint64_t rand_value(Rng &r, nx_fmt fmt, int zero_pct = 0)
{
    const nx_fmt_info *fi = nx_fmt_get(fmt);
    if (zero_pct > 0 && r.below(100) < zero_pct)
        return fi->is_float ? (uint64_t)r.below(2) << (fi->width_bits - 1) : 0;
    if (!fi->is_float || r.below(16) == 0)
        return r.next() & mask(fi->width_bits);
    const uint64_t sign = (uint64_t)r.below(2) << (fi->width_bits - 1);
    const uint64_t e = (uint64_t)(fi->bias - 3 + r.below(6));
    return sign | e << fi->man_bits | (r.next() & mask(fi->man_bits));
}

struct Fold {
    int sr, sc;
    uint64_t x0;                            // start cycle x_f
    std::vector<std::vector<uint64_t>> st;  // stationary / streamed operands (see below)
    std::vector<std::vector<uint64_t>> sm;
    std::vector<std::vector<uint64_t>> p0;  // ws: initial partial sums [t][j]
};

struct Expect {
    int fold, a, b;  // ws: (t, j); os: (i, j)
    uint64_t value;
    bool seen;
};

struct Inputs {
    uint32_t ld_valid = 0, ld_last = 0, x_valid = 0, x_first = 0, x_last = 0, ps_valid = 0,
             w_valid = 0;
    uint32_t ld[kCols] = {}, x[kRows] = {}, ps[kCols] = {}, w[kCols] = {};
    uint32_t wt[kRows * kCols] = {};  // tree: filter operand of multiplier (i, j), lane i*C + j
};

// Bits [lsb, lsb + width) of an output port (width <= 32): a plain integer for narrow ports,
// 32-bit words for wide ones (VlWide).
uint64_t field(uint64_t port, int lsb, int width) { return (port >> lsb) & mask(width); }
template <std::size_t N>
uint64_t field(const VlWide<N> &port, int lsb, int width)
{
    const uint64_t lo = port[lsb / 32], hi = lsb / 32 + 1 < (int)N ? port[lsb / 32 + 1] : 0;
    return ((lo | hi << 32) >> (lsb % 32)) & mask(width);
}

template <typename W>
void set_lanes(W &port, const uint32_t *v, int n)
{
    for (int k = 0; k < n; k++)
        port[k] = v[k];
}

void apply(Vfw_array_harness &top, const Inputs &in)
{
    top.ld_valid_i = in.ld_valid;
    top.ld_last_i = in.ld_last;
    top.x_valid_i = in.x_valid;
    top.x_first_i = in.x_first;
    top.x_last_i = in.x_last;
    top.ps_valid_i = in.ps_valid;
    top.w_valid_i = in.w_valid;
    set_lanes(top.ld_i, in.ld, kCols);
    set_lanes(top.x_i, in.x, kRows);
    set_lanes(top.ps_i, in.ps, kCols);
    set_lanes(top.w_i, in.w, kCols);
    set_lanes(top.wt_i, in.wt, kRows * kCols);
}

Inputs junk(Rng &r)
{
    Inputs in;
    in.ld_valid = (uint32_t)r.next();
    in.ld_last = (uint32_t)r.next();
    in.x_valid = (uint32_t)r.next();
    in.x_first = (uint32_t)r.next();
    in.x_last = (uint32_t)r.next();
    in.ps_valid = (uint32_t)r.next();
    in.w_valid = (uint32_t)r.next();
    in.ld_valid &= mask(kCols);
    in.ld_last &= mask(kCols);
    in.ps_valid &= mask(kCols);
    in.w_valid &= mask(kCols);
    in.x_valid &= mask(kRows);
    in.x_first &= mask(kRows);
    in.x_last &= mask(kRows);
    for (auto &v : in.ld) v = (uint32_t)r.next();
    for (auto &v : in.x) v = (uint32_t)r.next();
    for (auto &v : in.ps) v = (uint32_t)r.next();
    for (auto &v : in.w) v = (uint32_t)r.next();
    return in;
}

struct Stats {
    // held: (stall cycle, column) pairs with a result on the outputs that had to hold
    uint64_t seqs = 0, folds = 0, outputs = 0, cycles = 0, stalls = 0, held = 0;
};

// What the array shows on its result outputs: the valid bits, and per column the value and the
// row (os; 0 for the others) -- meaningful only where the valid bit is set.
struct Outputs {
    uint32_t valid = 0;
    uint64_t value[kCols] = {}, row[kCols] = {};
};

Outputs sample(const Vfw_array_harness &top, unsigned acc_bits)
{
    Outputs o;
    o.valid = top.out_valid_o & (uint32_t)mask(kCols);
    for (int j = 0; j < kCols; j++) {
        o.value[j] = top.out_o[j] & mask(acc_bits);
        o.row[j] = field(top.out_row_o, kRowW * j, kRowW);
    }
    return o;
}

// Runs one fold sequence; returns false (after printing the first difference) on a mismatch.
// Harness id of the array for a precision, dataflow (0 ws, 1 os, 2 tree), MAC pipeline depth P
// (P > 1: ws only, int8->int32 with P = 3 and fp16->fp32 with P = 2) and zero gating (gate:
// tree int8->int32, ws and os fp16, P = 1); -1 if not in the harness.
int array_sel(const Precision &pr, int df, int P, bool gate = false)
{
    const int p = (int)(&pr - kPrecisions);
    if (gate) {
        if (P != 1) return -1;
        if (df == kTree) return p == 0 ? 17 : -1;
        return p == 1 ? 18 + df : -1;
    }
    if (df == kTree) return P == 1 ? 12 + p : -1;
    if (P == 1) return 2 * p + df;
    if (df == 0 && p == 0 && P == 3) return 10;
    if (df == 0 && p == 4 && P == 2) return 11;
    return -1;
}

bool run_sequence(Vfw_array_harness &top, const Precision &pr, int df, int P, bool gate,
                  int zero_pct, Rng &rng, int stall_pct, Stats &st)
{
    const int R = kRows, C = kCols;
    const int T = 1 + rng.below(9);
    const int nf = 1 + rng.below(3);
    const bool pipelined = rng.below(2) != 0;
    // arr.h: ws L = R + R*P + C + T - 2, gap max(T, R*P); os (P = 1) L = T + R + C - 2, gap
    // max(T, R); tree (P = 1) L = T + 1, gap max(T, 2)
    const uint64_t L = df == 0       ? (uint64_t)(R + R * P + C + T - 2)
                       : df == kTree ? (uint64_t)(T + 1)
                                     : (uint64_t)(T + R + C - 2);
    const uint64_t RP = (uint64_t)(R * P);
    const uint64_t gap =
        pipelined ? std::max<uint64_t>((uint64_t)T, df == kTree ? 2 : RP) : L;
    nx_mac_cfg cfg = {};
    cfg.input = pr.in;
    cfg.accumulator = pr.acc;
    cfg.fused = true;
    cfg.mode.round = NX_RNE;
    cfg.overflow = NX_WRAP;

    std::vector<Fold> folds(nf);
    // (cycle, column) -> expected result. ws, os: the documented cycle at whose end the array's
    // output register is written; the result is read (checked) during the next enabled cycle,
    // before its edge, so it must hold through any stall cycles in between. Tree: the cycle that
    // writes the result into the ofmap buffer (the column register, written at the end of the
    // cycle before, is read during it).
    std::map<std::pair<uint64_t, int>, Expect> expect;
    for (int f = 0; f < nf; f++) {
        Fold &fo = folds[f];
        fo.sr = 1 + rng.below(R);
        fo.sc = 1 + rng.below(C);
        fo.x0 = (uint64_t)f * gap;
        if (df == 0 || df == kTree) {
            // st[i][j]: filter (k = i, n = j); sm[t][i]: ifmap (m = t, k = i); p0[t][j]
            fo.st.assign(R, std::vector<uint64_t>(C));
            fo.sm.assign(T, std::vector<uint64_t>(R));
            fo.p0.assign(T, std::vector<uint64_t>(C));
            for (auto &row : fo.st) for (auto &v : row) v = rand_value(rng, pr.in, zero_pct);
            for (auto &row : fo.sm) for (auto &v : row) v = rand_value(rng, pr.in, zero_pct);
            const bool zero = rng.below(2) != 0;  // first reduction fold, or a later one
            for (auto &row : fo.p0)
                for (auto &v : row)
                    v = zero ? nx_zero(pr.acc) : rand_value(rng, pr.acc, zero_pct);
            for (int t = 0; t < T; t++)
                for (int j = 0; j < fo.sc; j++) {
                    nx_flags fl = 0;
                    uint64_t acc = fo.p0[t][j];
                    for (int i = 0; i < fo.sr; i++)
                        acc = nx_mac(&cfg, acc, fo.sm[t][i], fo.st[i][j], &fl);
                    // ws: leaves the bottom row at x_f + R + t + R*P - 1 + j; tree: computed at
                    // x_f + t, written into the ofmap buffer at x_f + t + 1
                    const uint64_t at = df == kTree ? fo.x0 + (uint64_t)t + 1
                                                    : fo.x0 + R + t + RP - 1 + j;
                    expect[{at, j}] = {f, t, j, acc, false};
                }
        } else {
            // sm[i][k]: ifmap (m = i, k); st[k][j]: filter (k, n = j)
            fo.sm.assign(R, std::vector<uint64_t>(T));
            fo.st.assign(T, std::vector<uint64_t>(C));
            for (auto &row : fo.sm) for (auto &v : row) v = rand_value(rng, pr.in, zero_pct);
            for (auto &row : fo.st) for (auto &v : row) v = rand_value(rng, pr.in, zero_pct);
            for (int i = 0; i < fo.sr; i++)
                for (int j = 0; j < fo.sc; j++) {
                    nx_flags fl = 0;
                    uint64_t acc = nx_zero(pr.acc);
                    for (int k = 0; k < T; k++)
                        acc = nx_mac(&cfg, acc, fo.sm[i][k], fo.st[k][j], &fl);
                    expect[{fo.x0 + (uint64_t)(T - 1 + i + j), j}] = {f, i, j, acc, false};
                }
        }
    }
    const uint64_t total = folds.back().x0 + L;  // schedule cycles of the sequence

    top.sel_i = array_sel(pr, df, P, gate);
    const unsigned acc_bits = nx_fmt_get(pr.acc)->width_bits;
    // Compares the results on the outputs now with those the schedule writes at cycle wc.
    auto check_outputs = [&](uint64_t wc) {
        for (int j = 0; j < C; j++) {
            if (!((top.out_valid_o >> j) & 1)) continue;
            const uint64_t got = top.out_o[j] & mask(nx_fmt_get(pr.acc)->width_bits);
            const int row = (int)field(top.out_row_o, kRowW * j, kRowW);
            auto it = expect.find({wc, j});
            if (it == expect.end()) {
                std::printf("MISMATCH %s %s: unexpected result %llX on column %d at cycle %llu\n",
                            pr.name, kDfName[df], (unsigned long long)got, j,
                            (unsigned long long)wc);
                return false;
            }
            Expect &e = it->second;
            e.seen = true;
            if (got != e.value || (df == 1 && row != e.a)) {
                std::printf("MISMATCH %s %s fold %d: %s (%d, %d) at cycle %llu: RTL %llX "
                            "(row %d), C model %llX\n",
                            pr.name, kDfName[df], e.fold,
                            df == 1 ? "output (i, j)" : "output (t, j)", e.a, e.b,
                            (unsigned long long)wc, (unsigned long long)got, row,
                            (unsigned long long)e.value);
                return false;
            }
            st.outputs++;
        }
        return true;
    };
    // ws, os read the results of the last schedule cycle (total - 1) during one more enabled
    // cycle (no operands), as the ofmap buffer would.
    const uint64_t last = df == kTree ? total : total + 1;
    uint64_t c = 0, stalls = 0;
    while (c < last) {
        const bool stall = stall_pct > 0 && rng.below(100) < stall_pct;
        Inputs in;
        if (stall) {
            in = junk(rng);
            if (df == kTree)
                for (auto &v : in.wt) v = (uint32_t)rng.next();
        } else {
            if (df == kTree) {
                // Junk on every operand lane; only the active fold's valid lanes carry data.
                in = junk(rng);
                for (auto &v : in.wt) v = (uint32_t)rng.next();
                in.x_valid = in.ps_valid = 0;
            }
            for (const Fold &fo : folds) {
                if (c < fo.x0) continue;
                const uint64_t d = c - fo.x0;
                if (df == kTree) {
                    if (d >= (uint64_t)T) continue;  // stream step t = d
                    for (int i = 0; i < fo.sr; i++) {
                        in.x_valid |= 1u << i;
                        in.x[i] = (uint32_t)fo.sm[d][i];
                        for (int j = 0; j < fo.sc; j++)
                            in.wt[i * C + j] = (uint32_t)fo.st[i][j];
                    }
                    for (int j = 0; j < fo.sc; j++) {
                        in.ps_valid |= 1u << j;
                        in.ps[j] = (uint32_t)fo.p0[d][j];
                    }
                } else if (df == 0) {
                    for (int j = 0; j < fo.sc; j++) {
                        if (d >= (uint64_t)j && d < (uint64_t)(j + R)) {  // load chain
                            const int r = R - 1 - (int)(d - j);
                            in.ld_valid |= 1u << j;
                            in.ld[j] = r < fo.sr ? (uint32_t)fo.st[r][j] : 0;
                            if (d == (uint64_t)(j + R - 1)) in.ld_last |= 1u << j;
                        }
                        const int64_t t = (int64_t)d - R - j;  // partial sum into row 0
                        if (t >= 0 && t < T) {
                            in.ps_valid |= 1u << j;
                            in.ps[j] = (uint32_t)fo.p0[t][j];
                        }
                    }
                    for (int i = 0; i < fo.sr; i++) {
                        const int64_t t = (int64_t)d - R - i * P;
                        if (t >= 0 && t < T) {
                            in.x_valid |= 1u << i;
                            if (t == 0) in.x_first |= 1u << i;
                            in.x[i] = (uint32_t)fo.sm[t][i];
                        }
                    }
                } else {
                    for (int i = 0; i < fo.sr; i++) {
                        const int64_t k = (int64_t)d - i;
                        if (k >= 0 && k < T) {
                            in.x_valid |= 1u << i;
                            if (k == 0) in.x_first |= 1u << i;
                            if (k == T - 1) in.x_last |= 1u << i;
                            in.x[i] = (uint32_t)fo.sm[i][k];
                        }
                    }
                    for (int j = 0; j < fo.sc; j++) {
                        const int64_t k = (int64_t)d - j;
                        if (k >= 0 && k < T) {
                            in.w_valid |= 1u << j;
                            in.w[j] = (uint32_t)fo.st[k][j];
                        }
                    }
                }
            }
        }
        apply(top, in);
        top.en_i = !stall;
        top.clk_i = 0;
        top.eval();
        if (stall) {
            // Nothing may change during a stall: the valid bits, and the value and row of every
            // result on the outputs, must be the same after the clock edge as before it.
            const Outputs before = sample(top, acc_bits);
            top.clk_i = 1;
            top.eval();
            const Outputs after = sample(top, acc_bits);
            stalls++;
            for (int j = 0; j < C; j++) {
                const bool vb = (before.valid >> j) & 1, va = (after.valid >> j) & 1;
                if (vb) st.held++;
                if (vb == va && (!vb || (before.value[j] == after.value[j] &&
                                         before.row[j] == after.row[j])))
                    continue;
                std::printf("MISMATCH %s %s: column %d changed during a stall cycle before "
                            "schedule cycle %llu: valid %d value %llX row %llu before its edge, "
                            "valid %d value %llX row %llu after it\n",
                            pr.name, kDfName[df], j, (unsigned long long)c, (int)vb,
                            (unsigned long long)before.value[j],
                            (unsigned long long)before.row[j], (int)va,
                            (unsigned long long)after.value[j],
                            (unsigned long long)after.row[j]);
                return false;
            }
            continue;
        }
        // During this enabled cycle c, before its edge, the ofmap buffer reads the outputs (after
        // any stall cycles in between): tree, the column registers written at the end of the
        // enabled cycle before, keyed by c; ws, os, the output registers written at the end of
        // schedule cycle c - 1 (none before the sequence's first cycle).
        if (df == kTree || c > 0) {
            if (!check_outputs(df == kTree ? c : c - 1)) return false;
        } else if (top.out_valid_o) {
            std::printf("MISMATCH %s %s: result on the outputs before the sequence's first "
                        "cycle\n", pr.name, kDfName[df]);
            return false;
        }
        top.clk_i = 1;
        top.eval();
        c++;
    }
    for (const auto &kv : expect)
        if (!kv.second.seen) {
            std::printf("MISMATCH %s %s fold %d: output (%d, %d) expected at cycle %llu never "
                        "appeared\n",
                        pr.name, kDfName[df], kv.second.fold, kv.second.a, kv.second.b,
                        (unsigned long long)kv.first.first);
            return false;
        }
    st.seqs++;
    st.folds += (uint64_t)nf;
    st.cycles += total;
    st.stalls += stalls;
    // Drain: a few idle cycles so nothing of this sequence is left in flight; no result may be
    // on the outputs during any of them (from the edge that ended the sequence's last enabled
    // cycle on) or after the last.
    Inputs idle;
    apply(top, idle);
    top.en_i = 1;
    for (int k = 0; k <= 2 * (R + C); k++) {
        top.clk_i = 0;
        top.eval();
        if (k > 0) {
            top.clk_i = 1;
            top.eval();
        }
        if (top.out_valid_o) {
            std::printf("MISMATCH %s %s: result after the end of the sequence\n", pr.name,
                        kDfName[df]);
            return false;
        }
    }
    return true;
}


// ---- layer mode: one GEMM layer against `flopwatt run --engine pe` (its --trace and
// --dump-outputs files), with the fold order and tiles of sim/mapping/map.h and the operand
// data of sim/engine/arr.h ("Operand data"), both re-derived here from their documentation.

struct TraceFold {
    uint64_t row_fold, col_fold, sr, sc, t, start, end;
};

uint64_t splitmix64(uint64_t &state)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t operand_value(nx_fmt in, uint64_t r)
{
    const nx_fmt_info *fi = nx_fmt_get(in);
    if (!fi->is_float)
        return r & mask(fi->width_bits);
    const double d = (double)(r >> 11) * 0x1p-53 * 4.0 - 2.0;
    nx_mode mode = {NX_RNE, false, false};
    nx_flags fl = 0;
    return nx_from_double(in, d, mode, &fl);
}

struct LayerArgs {
    const char *name = nullptr, *trace = nullptr, *dump = nullptr, *prec = nullptr;
    int df = 0;
    uint64_t m = 0, n = 0, k = 0, seed = 1;
    int rnd = NX_RNE;
    bool ftz = false;
    int P = 1;  // array.mac_pipeline_cycles (ws/is)
    bool gate = false;            // -gate: the zero-gated array (fp16 ws/is, os)
    double zero_ifmap = 0, zero_weight = 0;  // -zeros: the layer's ifmap/weight_zero_frac
    // conv layer (-conv): input H x W x C, filters FR x FS, F filters, stride, padding, groups
    bool conv = false;
    uint64_t in_h = 0, in_w = 0, in_c = 0, fr = 0, fs = 0, nf = 0, stride = 1, pad = 0,
             groups = 1;
};

int run_layer(Vfw_array_harness &top, const LayerArgs &args)
{
    const int R = kRows, C = kCols;
    const Precision *pr = nullptr;
    for (const Precision &p : kPrecisions)
        if (!std::strcmp(p.name, args.prec)) pr = &p;
    LayerArgs a = args;
    uint64_t out_h = 0, out_w = 0;
    if (a.conv) {  // wl.h lowering: M = out_h*out_w (batch 1), K = FR*FS*C/groups, N = F/groups
        if (!a.groups || a.in_c % a.groups || a.nf % a.groups || !a.stride ||
            a.in_h + 2 * a.pad < a.fr || a.in_w + 2 * a.pad < a.fs) {
            std::fprintf(stderr, "array: bad -conv shape\n");
            return 2;
        }
        out_h = (a.in_h + 2 * a.pad - a.fr) / a.stride + 1;
        out_w = (a.in_w + 2 * a.pad - a.fs) / a.stride + 1;
        a.m = out_h * out_w;
        a.k = a.fr * a.fs * (a.in_c / a.groups);
        a.n = a.nf / a.groups;
    }
    if (!pr || !a.name || !a.trace || !a.dump || !a.m || !a.n || !a.k) {
        std::fprintf(stderr, "array: -layer needs -trace -dump -prec and -m -n -k or -conv\n");
        return 2;
    }
    if (FW_ONLY_PREC >= 0 && pr && pr != &kPrecisions[FW_ONLY_PREC]) {
        std::fprintf(stderr, "array: this model holds the %s arrays only, not %s\n",
                     kPrecisions[FW_ONLY_PREC].name, pr->name);
        return 2;
    }
    const uint64_t G = a.groups;
    // df: 0 ws, 1 os, 2 is. The input-stationary dataflow runs on the ws array (arr.h: same
    // schedule, the stationary tile holds ifmap and the filter streams).
    const char *dfn = a.df == 1 ? "os" : a.df == 2 ? "is" : "ws";
    const bool os = a.df == 1, is = a.df == 2;
    // Folds of the simulator, from its trace (CSV: layer, fold, group, row_fold, col_fold,
    // rows_used, cols_used, t, start_cycle, end_cycle, ...).
    std::vector<TraceFold> tf;
    {
        FILE *f = std::fopen(a.trace, "r");
        if (!f) { std::fprintf(stderr, "array: cannot read %s\n", a.trace); return 2; }
        char line[512];
        while (std::fgets(line, sizeof line, f)) {
            char lname[128];
            unsigned long long v[10];
            if (std::sscanf(line, "%127[^,],%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu", lname,
                            &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) != 10 ||
                std::strcmp(lname, a.name) != 0)
                continue;
            tf.push_back({v[2], v[3], v[4], v[5], v[6], v[7], v[8]});
        }
        std::fclose(f);
    }
    // Expected outputs, from the dump ("layer NAME seed S format F shape MxN", then M*N hex).
    std::vector<uint64_t> want(a.m * a.n * G);
    {
        FILE *f = std::fopen(a.dump, "r");
        if (!f) { std::fprintf(stderr, "array: cannot read %s\n", a.dump); return 2; }
        char line[512];
        bool in_layer = false;
        size_t got = 0;
        while (got < want.size() && std::fgets(line, sizeof line, f)) {
            if (!std::strncmp(line, "layer ", 6)) {
                char lname[128];
                in_layer = std::sscanf(line + 6, "%127s", lname) == 1 && !std::strcmp(lname, a.name);
                continue;
            }
            if (in_layer) want[got++] = std::strtoull(line, nullptr, 16);
        }
        std::fclose(f);
        if (got != want.size()) {
            std::printf("MISMATCH layer %s: the dump has %zu of %zu outputs\n", a.name, got,
                        want.size());
            return 1;
        }
    }
    // Operands: the ifmap tensor then the filter tensor in layout order, one splitmix64 word
    // per element (GEMM: ifmap [M][K], filters [N][K]; conv: ifmap [H][W][C], filters
    // [F][FR][FS][C/groups]), lowered per group to X[g] (M x K) and W[g] (K x N) by wl.h's im2col.
    const uint64_t n_ifm = a.conv ? a.in_h * a.in_w * a.in_c : a.m * a.k;
    std::vector<uint64_t> ifm_t(n_ifm), fil_t(a.n * G * a.k);
    // Sparse tensors (arr.h "Operand data"): with a zero fraction z > 0, one word q of a second
    // stream (state seed ^ 0x5a5a5a5a5a5a5a5a, shared by both tensors) per element decides
    // zero ((q >> 11) * 2^-53 < z: nx_zero) or a value drawn as above, redrawn while it is a zero.
    uint64_t state = a.seed, mask_state = a.seed ^ 0x5a5a5a5a5a5a5a5aull;
    const nx_fmt_info *in_fi = nx_fmt_get(pr->in);
    const uint64_t mag = mask(in_fi->width_bits) >> (in_fi->is_float ? 1 : 0);
    auto draw = [&](std::vector<uint64_t> &t, double z) {
        for (auto &v : t) {
            if (z > 0 && (double)(splitmix64(mask_state) >> 11) * 0x1p-53 < z) {
                v = nx_zero(pr->in);
                continue;
            }
            do
                v = operand_value(pr->in, splitmix64(state));
            while (z > 0 && (v & mag) == 0);
        }
    };
    draw(ifm_t, a.zero_ifmap);
    draw(fil_t, a.zero_weight);
    std::vector<std::vector<uint64_t>> Xg(G, std::vector<uint64_t>(a.m * a.k)),
        Wg(G, std::vector<uint64_t>(a.k * a.n));
    for (uint64_t g = 0; g < G; g++) {
        const uint64_t cg = a.conv ? a.in_c / G : 1;
        for (uint64_t m = 0; m < a.m; m++)
            for (uint64_t kk = 0; kk < a.k; kk++) {
                if (!a.conv) {
                    Xg[g][m * a.k + kk] = ifm_t[m * a.k + kk];
                    continue;
                }
                const uint64_t ox = m % out_w, oy = m / out_w;
                const uint64_t c = kk % cg, fs = (kk / cg) % a.fs, fr = kk / (cg * a.fs);
                const int64_t y = (int64_t)(oy * a.stride + fr) - (int64_t)a.pad;
                const int64_t x = (int64_t)(ox * a.stride + fs) - (int64_t)a.pad;
                uint64_t v = nx_zero(pr->in);
                if (y >= 0 && x >= 0 && y < (int64_t)a.in_h && x < (int64_t)a.in_w)
                    v = ifm_t[((uint64_t)y * a.in_w + (uint64_t)x) * a.in_c + g * cg + c];
                Xg[g][m * a.k + kk] = v;
            }
        for (uint64_t kk = 0; kk < a.k; kk++)
            for (uint64_t n = 0; n < a.n; n++)
                Wg[g][kk * a.n + n] = fil_t[(g * a.n + n) * a.k + kk];
    }

    // Fold order and tiles (map.h): ws rows = K, cols = N, T = M, order col fold then row fold;
    // os rows = M, cols = N, T = K, order row fold then col fold.
    const uint64_t row_dim = os ? a.m : a.k, col_dim = is ? a.m : a.n;
    const uint64_t T = os ? a.k : is ? a.n : a.m;
    const uint64_t rf_n = (row_dim + R - 1) / R, cf_n = (col_dim + C - 1) / C;
    struct F { uint64_t g, rf, cf, sr, sc, x0, end; };
    std::vector<F> folds;
    for (uint64_t g = 0; g < G; g++)
        for (uint64_t o = 0; o < rf_n * cf_n; o++) {
            const uint64_t rf = os ? o / cf_n : o % rf_n, cf = os ? o % cf_n : o / rf_n;
            const uint64_t sr = std::min<uint64_t>(R, row_dim - rf * R);
            const uint64_t sc = std::min<uint64_t>(C, col_dim - cf * C);
            folds.push_back({g, rf, cf, sr, sc, 0, 0});
        }
    if (folds.size() != tf.size()) {
        std::printf("MISMATCH layer %s %s: %zu folds here, %zu in the simulator's trace\n",
                    a.name, dfn, folds.size(), tf.size());
        return 1;
    }
    for (size_t f = 0; f < folds.size(); f++) {
        const TraceFold &t = tf[f];
        if (t.row_fold != folds[f].rf || t.col_fold != folds[f].cf || t.sr != folds[f].sr ||
            t.sc != folds[f].sc || t.t != T) {
            std::printf("MISMATCH layer %s %s fold %zu: tile (row fold %llu, col fold %llu, %llux%llu,"
                        " T %llu) here, (%llu, %llu, %llux%llu, T %llu) in the trace\n",
                        a.name, dfn, f, (unsigned long long)folds[f].rf,
                        (unsigned long long)folds[f].cf, (unsigned long long)folds[f].sr,
                        (unsigned long long)folds[f].sc, (unsigned long long)T,
                        (unsigned long long)t.row_fold, (unsigned long long)t.col_fold,
                        (unsigned long long)t.sr, (unsigned long long)t.sc,
                        (unsigned long long)t.t);
            return 1;
        }
        folds[f].x0 = t.start;
        folds[f].end = t.end;
    }
    // Output buffer: value and write cycle per (m, n); UINT64_MAX = not written.
    // Index (g * M + m) * N + n.
    std::vector<uint64_t> ob(G * a.m * a.n, 0), ob_cycle(G * a.m * a.n, UINT64_MAX);
    // Every result the schedule announces: (cycle, column) -> (fold, output index), sorted by
    // cycle then column, so that the cycle loop walks it with a cursor.
    struct Announced {
        uint64_t cycle;
        int col;
        size_t fold;
        uint64_t o;
    };
    std::vector<Announced> expect;
    std::vector<uint64_t> last_write(folds.size(), 0);
    for (size_t f = 0; f < folds.size(); f++) {
        const F &fo = folds[f];
        const uint64_t base = fo.g * a.m * a.n;
        for (uint64_t j = 0; j < fo.sc; j++) {
            const uint64_t n = fo.cf * C + j;
            if (is)  // output (t, j) is (m = col0 + j, n = t)
                for (uint64_t t = 0; t < T; t++)
                    expect.push_back({fo.x0 + R + t + R * a.P - 1 + j, (int)j, f, base + n * a.n + t});
            else if (!os)
                for (uint64_t t = 0; t < T; t++)
                    expect.push_back({fo.x0 + R + t + R * a.P - 1 + j, (int)j, f, base + t * a.n + n});
            else
                for (uint64_t i = 0; i < fo.sr; i++)
                    expect.push_back({fo.x0 + T - 1 + i + j, (int)j, f, base + (fo.rf * R + i) * a.n + n});
        }
    }
    std::sort(expect.begin(), expect.end(), [](const Announced &x, const Announced &y) {
        return x.cycle != y.cycle ? x.cycle < y.cycle : x.col < y.col;
    });
    // Two results announced on one column in one cycle: the second could never be seen.
    for (size_t e = 1; e < expect.size(); e++)
        if (expect[e].cycle == expect[e - 1].cycle && expect[e].col == expect[e - 1].col) {
            std::printf("MISMATCH layer %s %s: two results announced on column %d at cycle %llu\n",
                        a.name, dfn, expect[e].col, (unsigned long long)expect[e].cycle);
            return 1;
        }
    const int sel = array_sel(*pr, os ? 1 : 0, a.P, a.gate);
    if (sel < 0) {
        std::fprintf(stderr, "array: no %s%s array with mac_pipeline_cycles %d in the harness\n",
                     a.gate ? "zero-gated " : "", dfn, a.P);
        return 2;
    }
    top.sel_i = sel;
    top.rnd_i = a.rnd;
    top.ftz_i = a.ftz;
    const uint64_t total = folds.back().end;
    const unsigned acc_bits = nx_fmt_get(pr->acc)->width_bits;
    size_t seen = 0, cursor = 0, lo = 0;
    for (uint64_t c = 0; c < total; c++) {
        Inputs in;
        // the folds in flight: folds start in order (the trace's fold order), so those before
        // lo have ended and none after the first one not yet started has begun
        while (lo < folds.size() && folds[lo].end <= c) lo++;
        for (size_t fi = lo; fi < folds.size() && folds[fi].x0 <= c; fi++) {
            const F &fo = folds[fi];
            if (c >= fo.end) continue;
            const uint64_t d = c - fo.x0;
            const std::vector<uint64_t> &X = Xg[fo.g], &W = Wg[fo.g];
            if (!os) {
                for (uint64_t j = 0; j < fo.sc; j++) {
                    const uint64_t n = fo.cf * C + j;  // ws: filter column n; is: ifmap row m
                    if (d >= j && d < j + R) {
                        const uint64_t i = R - 1 - (d - j);  // row of the value read now
                        const uint64_t kk = fo.rf * R + i;
                        in.ld_valid |= 1u << j;
                        in.ld[j] = i >= fo.sr ? 0
                                   : is       ? (uint32_t)X[n * a.k + kk]
                                              : (uint32_t)W[kk * a.n + n];
                        if (d == j + R - 1) in.ld_last |= 1u << j;
                    }
                    if (d >= R + j && d < R + j + T) {
                        const uint64_t t = d - R - j;
                        const uint64_t o = fo.g * a.m * a.n + (is ? n * a.n + t : t * a.n + n);
                        in.ps_valid |= 1u << j;
                        if (fo.rf == 0) {
                            in.ps[j] = (uint32_t)nx_zero(pr->acc);
                        } else if (ob_cycle[o] >= c) {
                            std::printf("MISMATCH layer %s %s fold %zu: partial sum (%llu, %llu) "
                                        "read at cycle %llu before it was written\n", a.name, dfn,
                                        (size_t)(&fo - &folds[0]), (unsigned long long)t,
                                        (unsigned long long)n, (unsigned long long)c);
                            return 1;
                        } else {
                            in.ps[j] = (uint32_t)ob[o];
                        }
                    }
                }
                for (uint64_t i = 0; i < fo.sr; i++)
                    if (d >= R + i * a.P && d < R + i * a.P + T) {
                        const uint64_t t = d - R - i * a.P;
                        in.x_valid |= 1u << i;
                        if (t == 0) in.x_first |= 1u << i;
                        const uint64_t kk = fo.rf * R + i;
                        in.x[i] = is ? (uint32_t)W[kk * a.n + t] : (uint32_t)X[t * a.k + kk];
                    }
            } else {
                for (uint64_t i = 0; i < fo.sr; i++)
                    if (d >= i && d < i + T) {
                        const uint64_t kk = d - i;
                        in.x_valid |= 1u << i;
                        if (kk == 0) in.x_first |= 1u << i;
                        if (kk == T - 1) in.x_last |= 1u << i;
                        in.x[i] = (uint32_t)X[(fo.rf * R + i) * a.k + kk];
                    }
                for (uint64_t j = 0; j < fo.sc; j++)
                    if (d >= j && d < j + T) {
                        in.w_valid |= 1u << j;
                        in.w[j] = (uint32_t)W[(d - j) * a.n + fo.cf * C + j];
                    }
            }
        }
        apply(top, in);
        top.en_i = 1;
        top.clk_i = 0;
        top.eval();
        top.clk_i = 1;
        top.eval();
        while (cursor < expect.size() && expect[cursor].cycle < c) cursor++;
        for (int j = 0; j < C; j++) {
            if (!((top.out_valid_o >> j) & 1)) continue;
            size_t e = cursor;
            while (e < expect.size() && expect[e].cycle == c && expect[e].col != j) e++;
            if (e == expect.size() || expect[e].cycle != c) {
                std::printf("MISMATCH layer %s %s: unexpected result on column %d at cycle %llu\n",
                            a.name, dfn, j, (unsigned long long)c);
                return 1;
            }
            const uint64_t o = expect[e].o;
            ob[o] = top.out_o[j] & mask(acc_bits);
            ob_cycle[o] = c;
            last_write[expect[e].fold] = c;
            seen++;
        }
    }
    if (seen != expect.size()) {
        std::printf("MISMATCH layer %s %s: %zu of %zu results appeared\n", a.name, dfn, seen,
                    expect.size());
        return 1;
    }
    // The simulator's fold end x_f + L against the RTL's last result of the fold: the last
    // result is written L - 1 - (C - sc) (ws) or L - 1 - (R - sr) - (C - sc) (os) after x_f.
    for (size_t f = 0; f < folds.size(); f++) {
        const F &fo = folds[f];
        const uint64_t slack = (C - fo.sc) + (os ? R - fo.sr : 0);
        if (last_write[f] + 1 + slack != fo.end) {
            std::printf("MISMATCH layer %s %s fold %zu: last result at cycle %llu, the simulator "
                        "ends the fold at %llu (expected %llu + 1 + %llu unused)\n", a.name, dfn,
                        f, (unsigned long long)last_write[f], (unsigned long long)fo.end,
                        (unsigned long long)last_write[f], (unsigned long long)slack);
            return 1;
        }
    }
    for (uint64_t g = 0; g < G; g++)
        for (uint64_t m = 0; m < a.m; m++)
            for (uint64_t n = 0; n < a.n; n++) {
                const uint64_t o = (g * a.m + m) * a.n + n, w = m * a.n * G + g * a.n + n;
                if (ob[o] != want[w]) {
                    std::printf("MISMATCH layer %s %s: output (pixel %llu, channel %llu): RTL %llX "
                                "written at cycle %llu, flopwatt run --engine pe %llX\n", a.name,
                                dfn, (unsigned long long)m, (unsigned long long)(g * a.n + n),
                                (unsigned long long)ob[o], (unsigned long long)ob_cycle[o],
                                (unsigned long long)want[w]);
                    return 1;
                }
            }
    std::printf("layer %s %s %s %s%llux%llux%llu%s: %zu folds, %zu outputs and %llu cycles "
                "identical to flopwatt run --engine pe\n", a.name, dfn, pr->name,
                a.conv ? "conv, GEMM " : "", (unsigned long long)a.m, (unsigned long long)a.n,
                (unsigned long long)a.k, G > 1 ? " per group" : "", folds.size(), want.size(),
                (unsigned long long)total);
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    int seqs = 20, stall_pct = 15;
    bool layer = false;
    LayerArgs la;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const bool v = i + 1 < argc;
        if (!std::strcmp(o, "-seed") && v)
            seed = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-seqs") && v)
            seqs = std::atoi(argv[++i]);
        else if (!std::strcmp(o, "-stall") && v)
            stall_pct = std::atoi(argv[++i]);
        else if (!std::strcmp(o, "-layer") && v) {
            layer = true;
            la.name = argv[++i];
        } else if (!std::strcmp(o, "-trace") && v)
            la.trace = argv[++i];
        else if (!std::strcmp(o, "-dump") && v)
            la.dump = argv[++i];
        else if (!std::strcmp(o, "-prec") && v)
            la.prec = argv[++i];
        else if (!std::strcmp(o, "-df") && v) {
            const char *d = argv[++i];
            if (!std::strcmp(d, "tree")) {
                std::fprintf(stderr, "array: -layer does not support the tree dataflow (the "
                                     "random fold sequences cover it; layers: ws, os, is)\n");
                return 2;
            }
            la.df = !std::strcmp(d, "os") ? 1 : !std::strcmp(d, "is") ? 2 : 0;
        } else if (!std::strcmp(o, "-m") && v)
            la.m = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-n") && v)
            la.n = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-k") && v)
            la.k = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-conv") && v) {
            unsigned long long q[9];
            if (std::sscanf(argv[++i], "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu", &q[0], &q[1],
                            &q[2], &q[3], &q[4], &q[5], &q[6], &q[7], &q[8]) != 9) {
                std::fprintf(stderr, "array: -conv H,W,C,FR,FS,F,STRIDE,PAD,GROUPS\n");
                return 2;
            }
            la.conv = true;
            la.in_h = q[0], la.in_w = q[1], la.in_c = q[2], la.fr = q[3], la.fs = q[4];
            la.nf = q[5], la.stride = q[6], la.pad = q[7], la.groups = q[8];
        } else if (!std::strcmp(o, "-P") && v)
            la.P = std::atoi(argv[++i]);
        else if (!std::strcmp(o, "-rmin"))
            la.rnd = NX_RMIN;
        else if (!std::strcmp(o, "-ftz"))
            la.ftz = true;
        else if (!std::strcmp(o, "-gate"))
            la.gate = true;
        else if (!std::strcmp(o, "-zeros") && v) {
            if (std::sscanf(argv[++i], "%lf,%lf", &la.zero_ifmap, &la.zero_weight) != 2 ||
                !(la.zero_ifmap >= 0 && la.zero_ifmap <= 1) ||
                !(la.zero_weight >= 0 && la.zero_weight <= 1)) {
                std::fprintf(stderr, "array: -zeros IFMAP,WEIGHT (zero fractions in [0, 1])\n");
                return 2;
            }
        }
        else {
            std::fprintf(stderr,
                         "usage: array [-seed N] [-seqs N] [-stall PERCENT]\n"
                         "       array -layer NAME -df ws|os|is -prec P -m M -n N -k K -seed S\n"
                         "             -trace TRACE.csv -dump OUTPUTS [-rmin] [-ftz] [-P MAC_PIPE]\n"
                         "             [-gate] [-zeros IFMAP,WEIGHT]\n"
                         "       (a conv layer: -conv H,W,C,FR,FS,F,STRIDE,PAD,GROUPS instead of\n"
                         "        -m -n -k; batch 1, dilation 1, symmetric padding)\n");
            return 2;
        }
    }
    la.seed = seed;
    VerilatedContext ctx;
    Vfw_array_harness top{&ctx};
    top.clk_i = 0;
    top.rst_ni = 0;
    top.en_i = 0;
    top.rnd_i = NX_RNE;
    top.ftz_i = 0;
    top.tininess_before_i = 0;
    top.sat_i = 0;
    top.eval();
    top.rst_ni = 1;
    top.eval();
    if (layer) {
        const int rc = run_layer(top, la);
        top.final();
        return rc;
    }
    Rng rng{seed * 0x9E3779B97F4A7C15ULL + 7};
    bool ok = true;
    struct Cfg { const Precision *pr; int df, P; bool gate; };
    std::vector<Cfg> cfgs;
    for (const Precision &pr : kPrecisions)
        for (int df = 0; df < 2; df++) cfgs.push_back({&pr, df, 1, false});
    cfgs.push_back({&kPrecisions[0], 0, 3, false});
    cfgs.push_back({&kPrecisions[4], 0, 2, false});
    for (const Precision &pr : kPrecisions) cfgs.push_back({&pr, kTree, 1, false});
    // Zero-gated arrays, on operands and partial sums with 40% zeros of random sign.
    cfgs.push_back({&kPrecisions[1], 0, 1, true});
    cfgs.push_back({&kPrecisions[1], 1, 1, true});
    cfgs.push_back({&kPrecisions[0], kTree, 1, true});
    for (const Cfg &cf : cfgs) {
        if (!ok) break;
        if (FW_ONLY_PREC >= 0 && cf.pr != &kPrecisions[FW_ONLY_PREC]) continue;
        const Precision &pr = *cf.pr;
        const int df = cf.df;
        {
            Stats st;
            for (int s = 0; s < seqs && ok; s++)
                ok = run_sequence(top, pr, df, cf.P, cf.gate, cf.gate ? 40 : 0, rng, stall_pct,
                                  st);
            std::printf("array %dx%d %-11s %s P=%d%s: %llu sequences, %llu folds, %llu outputs, %llu "
                        "schedule cycles + %llu stall cycles (%llu results held through "
                        "them)%s\n",
                        kRows, kCols, pr.name, kDfName[df], cf.P, cf.gate ? " zero-gated" : "",
                        (unsigned long long)st.seqs,
                        (unsigned long long)st.folds, (unsigned long long)st.outputs,
                        (unsigned long long)st.cycles, (unsigned long long)st.stalls,
                        (unsigned long long)st.held, ok ? "" : " (stopped at the mismatch)");
        }
    }
    top.final();
    return ok ? 0 : 1;
}
