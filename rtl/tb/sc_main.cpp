// sc_main.cpp: SystemC testbench of the RTL arrays (tb/fw_sc_top.v: fw_array_ws run as weight or
// input stationary, fw_array_os; 4x3, fp16 inputs, fp32 accumulator, verilated with --sc as the
// sc_module Vfw_sc_top and clocked by an sc_clock), fed by SystemC models of the SRAM operand buffers and of a DRAM port with a
// bandwidth (1/1000 bytes per cycle) and a latency, written from the model documented in
// sim/engine/mem.h: in-order read and write queues, each transfer occupying its queue for
// ceil(1000 n / B) cycles, read data in SRAM `latency` cycles after its transfer ends; a fold
// starts at the first cycle >= the pipelined schedule's earliest start (x_{f-1} + max(T, R))
// at which its tiles are in SRAM and the ofmap buffer of its output tile (tile u-2 double
// buffered, u-1 single; ws/is: a tile per column fold, its first fold is row fold 0; os: a tile
// per fold) drains in time; a double-buffered
// operand's next tile is requested when the previous fold starts (single-buffered: when it
// ends); output tiles are written back when their last reduction fold ends.
// The array runs the layer with real data; the testbench then compares with
// `flopwatt run --engine pe` on the same config: every fold's start cycle and stall (its
// --trace), the layer's total cycles including the write-back tail (its --json "cycles"), and
// the output tensor (its --dump-outputs). What is fetched (tile bytes per fold) is taken from
// the trace (the mapping decides it); only the timing is modelled here.
// Usage: sc_array -layer NAME [-df ws|os|is] -m M -n N -k K -seed S -trace T.csv -dump OUT
//                 -cycles C -bw MILLIBYTES_PER_CYCLE -lat CYCLES -db I,F,O (double buffered 0/1)
// Fold order and tiles as map.h: ws rows = K, cols = N, T = M, column fold then row fold; is
// rows = K, cols = M, T = N (the stationary tile holds ifmap elements, the filter streams,
// output (t, j) is (m = col0 + j, n = t)); os rows = M, cols = N, T = K, row fold then column.
// GEMM layers only; with the sram shorthand, ofmap tiles that fit their buffer (no partial-sum
// spills). Exit 1 with the first difference on a mismatch.
// A config written as memory.levels (-lv given, sim/README.md "Storage hierarchy", "Timing"):
// each -lv OPS,RPER,WPER is one set of banks of an on-chip level, in level order: a shared level
// is one set serving the operands OPS (letters i, f, o) together, a partitioned level one set per
// operand it holds (ascending i, f, o), RPER and WPER its bits per cycle (banks x ports x word
// bits x instances). The trace gives each fold's bits per level and operand (what the mapping
// moves, array side included); the timing modelled here: a fold's share keeps each set busy for
// ceil(read bits / RPER) and ceil(write bits / WPER) cycles from the fold's start, and the next
// fold starts no earlier than the slowest set is done; DRAM reads of every operand (partial sums
// read back too) follow the double-buffering rule above with -db naming the outermost level
// holding each operand; each fold's DRAM writes go to the write queue when it ends; the layer
// ends when the array, the writes and the levels are done.
#include "Vfw_sc_top.h"
#include "verilated.h"

#include <systemc.h>

extern "C" {
#include "numerics/nx.h"
}

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace {

constexpr int R = 4, C = 3;
constexpr unsigned IN_BITS = 16, ACC_BITS = 32, ROW_BITS = 3;  // ROW_W = clog2(R + 1)

// One set of banks of an on-chip level (-lv): the operands it serves and its bits per cycle.
struct PortSet {
    bool op[3] = {false, false, false};
    uint64_t rper = 0, wper = 0;
};

struct Args {
    const char *name = nullptr, *trace = nullptr, *dump = nullptr;
    uint64_t m = 0, n = 0, k = 0, seed = 1, cycles = 0, bw = 0, lat = 0;
    int df = 0;  // 0 ws, 1 os, 2 is
    bool db[3] = {true, true, true};
    std::vector<PortSet> sets;  // memory.levels; empty: the sram shorthand
};

struct TraceFold {
    uint64_t row_fold, col_fold, sr, sc, t, start, end, stall;
    uint64_t rd[3], wr;
    std::vector<uint64_t> level_bits;  // read, write per (level, held operand), trace order
};

uint64_t splitmix64(uint64_t &state)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t fp16_operand(uint64_t r)
{
    const double d = (double)(r >> 11) * 0x1p-53 * 4.0 - 2.0;
    nx_mode mode = {NX_RNE, false, false};
    nx_flags fl = 0;
    return nx_from_double(NX_FP16, d, mode, &fl);
}

// One DRAM queue (reads or writes), in order. Requests carry the cycle before which they may
// not start; the queue's thread performs each transfer in simulated time.
struct Request {
    uint64_t bytes, allowed;
    uint64_t *done;  // set to the completion cycle (+ latency for reads) when it completes
};
std::ostream &operator<<(std::ostream &os, const Request &r)
{
    return os << r.bytes << "B@" << r.allowed;
}

SC_MODULE(DramQueue)
{
    sc_fifo<Request> req;
    uint64_t bw_milli = 0, latency = 0;
    uint64_t free_cycle = 0;  // the queue is free from this cycle (cycle numbers, 1 ns each)

    uint64_t transfer_cycles(uint64_t bytes) const
    {
        return (bw_milli == 0 || bytes == 0) ? 0 : (bytes * 1000 + bw_milli - 1) / bw_milli;
    }

    void run()
    {
        for (;;) {
            Request r = req.read();
            const uint64_t issue = std::max(r.allowed, free_cycle);
            const uint64_t end = issue + transfer_cycles(r.bytes);
            const double now = sc_time_stamp().to_seconds() * 1e9;
            if ((double)end > now)
                wait(sc_time((double)end - now, SC_NS));
            free_cycle = end;
            *r.done = end + latency;
        }
    }

    SC_CTOR(DramQueue) : req(64) { SC_THREAD(run); }
};

}  // namespace

int sc_main(int argc, char **argv)
{
    Args a;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        const bool v = i + 1 < argc;
        if (!std::strcmp(o, "-layer") && v) a.name = argv[++i];
        else if (!std::strcmp(o, "-df") && v) {
            const char *d = argv[++i];
            a.df = !std::strcmp(d, "ws") ? 0 : !std::strcmp(d, "os") ? 1 : !std::strcmp(d, "is") ? 2 : -1;
            if (a.df < 0) {
                std::fprintf(stderr, "sc_array: -df %s: expected ws, os or is\n", d);
                return 2;
            }
        }
        else if (!std::strcmp(o, "-trace") && v) a.trace = argv[++i];
        else if (!std::strcmp(o, "-dump") && v) a.dump = argv[++i];
        else if (!std::strcmp(o, "-m") && v) a.m = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-n") && v) a.n = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-k") && v) a.k = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-seed") && v) a.seed = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-cycles") && v) a.cycles = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-bw") && v) a.bw = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-lat") && v) a.lat = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(o, "-lv") && v) {
            PortSet ps;
            char ops[8];
            unsigned long long r, w;
            if (std::sscanf(argv[++i], "%7[ifo],%llu,%llu", ops, &r, &w) != 3 || !r || !w) {
                std::fprintf(stderr, "sc_array: -lv %s: expected OPS,RPER,WPER\n", argv[i]);
                return 2;
            }
            for (const char *q = ops; *q; q++) ps.op[*q == 'i' ? 0 : *q == 'f' ? 1 : 2] = true;
            ps.rper = r;
            ps.wper = w;
            a.sets.push_back(ps);
        }
        else if (!std::strcmp(o, "-db") && v) {
            int x[3];
            if (std::sscanf(argv[++i], "%d,%d,%d", &x[0], &x[1], &x[2]) != 3) return 2;
            for (int q = 0; q < 3; q++) a.db[q] = x[q] != 0;
        } else {
            std::fprintf(stderr, "usage: sc_array -layer NAME [-df ws|os|is] -m M -n N -k K -seed S -trace T "
                                 "-dump OUT -cycles C -bw MB -lat L -db I,F,O [-lv OPS,RPER,WPER]...\n");
            return 2;
        }
    }
    if (!a.name || !a.trace || !a.dump || !a.m || !a.n || !a.k || !a.cycles) {
        std::fprintf(stderr, "sc_array: missing arguments\n");
        return 2;
    }
    // ---- the simulator's folds (trace) and outputs (dump)
    std::vector<TraceFold> tf;
    {
        FILE *f = std::fopen(a.trace, "r");
        if (!f) return 2;
        char line[2048];
        while (std::fgets(line, sizeof line, f)) {
            // layer,fold,group,row_fold,col_fold,sr,sc,t,start,end,stall,operand,rd x3,wr,
            // then (memory.levels) read and write bits per level and held operand
            std::vector<std::string> tok;
            std::string cur;
            for (const char *q = line; *q && *q != '\n'; q++) {
                if (*q == ',') {
                    tok.push_back(cur);
                    cur.clear();
                } else {
                    cur += *q;
                }
            }
            tok.push_back(cur);
            if (tok.size() < 16 || tok[0] != a.name) continue;
            auto num = [&](size_t i) { return (uint64_t)std::strtoull(tok[i].c_str(), nullptr, 10); };
            TraceFold t{num(3), num(4), num(5), num(6), num(7), num(8), num(9), num(10),
                        {num(12), num(13), num(14)}, num(15), {}};
            for (size_t i = 16; i < tok.size(); i++) t.level_bits.push_back(num(i));
            tf.push_back(t);
        }
        std::fclose(f);
    }
    std::vector<uint64_t> want(a.m * a.n);
    {
        FILE *f = std::fopen(a.dump, "r");
        if (!f) return 2;
        char line[256];
        bool in = false;
        size_t got = 0;
        while (got < want.size() && std::fgets(line, sizeof line, f)) {
            if (!std::strncmp(line, "layer ", 6)) {
                char ln[128];
                in = std::sscanf(line + 6, "%127s", ln) == 1 && !std::strcmp(ln, a.name);
                continue;
            }
            if (in) want[got++] = std::strtoull(line, nullptr, 16);
        }
        std::fclose(f);
        if (got != want.size()) {
            std::printf("MISMATCH sc %s: dump has %zu of %zu outputs\n", a.name, got, want.size());
            return 1;
        }
    }
    // ---- operands (arr.h "Operand data": X is M x K, Wt is N x K), folds (map.h)
    std::vector<uint64_t> X(a.m * a.k), Wt(a.n * a.k);
    uint64_t state = a.seed;
    for (auto &x : X) x = fp16_operand(splitmix64(state));
    for (auto &w : Wt) w = fp16_operand(splitmix64(state));
    const bool os = a.df == 1, is = a.df == 2;
    const char *dfn = os ? "os" : is ? "is" : "ws";
    const uint64_t row_dim = os ? a.m : a.k, col_dim = is ? a.m : a.n;
    const uint64_t T = os ? a.k : is ? a.n : a.m;
    const uint64_t rf_n = (row_dim + R - 1) / R, cf_n = (col_dim + C - 1) / C;
    // arr.h (P = 1): ws/is L = 2R + C + T - 2, os L = T + R + C - 2; pipelined gap max(T, R)
    const uint64_t L = os ? T + R + C - 2 : 2 * R + C + T - 2, gap = std::max<uint64_t>(T, R);
    const size_t nf = (size_t)(rf_n * cf_n);
    auto row_fold_of = [&](size_t f) { return os ? f / cf_n : f % rf_n; };
    auto col_fold_of = [&](size_t f) { return os ? f % cf_n : f / rf_n; };
    // output tile of fold f, and whether f is its first / last reduction fold
    auto tile_of = [&](size_t f) { return os ? (uint64_t)f : col_fold_of(f); };
    auto first_of_tile = [&](size_t f) { return os || row_fold_of(f) == 0; };
    auto last_of_tile = [&](size_t f) { return os || row_fold_of(f) == rf_n - 1; };
    const bool hier = !a.sets.empty();
    size_t level_cols = 0;  // read and write bits per (level, operand): two per operand of a set
    for (const PortSet &ps : a.sets) level_cols += 2 * (ps.op[0] + ps.op[1] + ps.op[2]);
    if (tf.size() != nf) {
        std::printf("MISMATCH sc %s %s: %zu folds here, %zu in the trace\n", a.name, dfn, nf,
                    tf.size());
        return 1;
    }
    for (size_t f = 0; f < nf; f++) {
        if (tf[f].level_bits.size() != level_cols) {
            std::printf("MISMATCH sc %s fold %zu: the trace has %zu level columns, -lv gives %zu\n",
                        a.name, f, tf[f].level_bits.size(), level_cols);
            return 1;
        }
        const uint64_t sr = std::min<uint64_t>(R, row_dim - row_fold_of(f) * R);
        const uint64_t sc = std::min<uint64_t>(C, col_dim - col_fold_of(f) * C);
        if (tf[f].row_fold != row_fold_of(f) || tf[f].col_fold != col_fold_of(f) ||
            tf[f].sr != sr || tf[f].sc != sc || tf[f].t != T || (!hier && tf[f].rd[2] != 0)) {
            std::printf("MISMATCH sc %s %s fold %zu: tile differs from the trace or spills "
                        "partial sums (not modelled here)\n", a.name, dfn, f);
            return 1;
        }
    }

    // cycles the slowest set of banks needs for fold f's share (memory.levels)
    auto level_cycles = [&](size_t f) {
        uint64_t need = 0;
        size_t col = 0;
        for (const PortSet &ps : a.sets) {
            uint64_t rb = 0, wb = 0;
            for (int op = 0; op < 3; op++)
                if (ps.op[op]) {
                    rb += tf[f].level_bits[col++];
                    wb += tf[f].level_bits[col++];
                }
            need = std::max({need, (rb + ps.rper - 1) / ps.rper, (wb + ps.wper - 1) / ps.wper});
        }
        return need;
    };

    // ---- SystemC structure
    sc_clock clk("clk", 1, SC_NS, 0.5, 0, SC_NS, true);  // posedge at integer ns
    sc_signal<bool> rst_n{"rst_n"}, en{"en"}, sel{"sel"}, ftz{"ftz"}, tin{"tin"}, sat{"sat"};
    sc_signal<uint32_t> rnd{"rnd"}, ld_valid{"ld_valid"}, ld_last{"ld_last"}, x_valid{"x_valid"},
        x_first{"x_first"}, x_last{"x_last"}, ps_valid{"ps_valid"}, w_valid{"w_valid"},
        out_valid{"out_valid"}, out_row{"out_row"};
    sc_signal<uint64_t> ld{"ld"}, x{"x"}, w{"w"};
    sc_signal<sc_bv<C * ACC_BITS>> ps{"ps"}, out{"out"};
    Vfw_sc_top dut{"dut"};
    dut.clk_i(clk);
    dut.rst_ni(rst_n);
    dut.en_i(en);
    dut.sel_i(sel);
    dut.x_last_i(x_last);
    dut.w_valid_i(w_valid);
    dut.w_i(w);
    dut.out_row_o(out_row);
    dut.rnd_i(rnd);
    dut.ftz_i(ftz);
    dut.tininess_before_i(tin);
    dut.sat_i(sat);
    dut.ld_valid_i(ld_valid);
    dut.ld_last_i(ld_last);
    dut.ld_i(ld);
    dut.x_valid_i(x_valid);
    dut.x_first_i(x_first);
    dut.x_i(x);
    dut.ps_valid_i(ps_valid);
    dut.ps_i(ps);
    dut.out_valid_o(out_valid);
    dut.out_o(out);
    DramQueue rdq{"dram_read"}, wrq{"dram_write"};
    rdq.bw_milli = wrq.bw_milli = a.bw;
    rdq.latency = a.lat;
    wrq.latency = 0;

    // ---- the controller (SRAM buffer bookkeeping, fold starts) and the array feeder, one
    // SC_THREAD-like loop run by sc_start in steps of half a cycle: at cycle c + 0.5 it samples
    // the results written at c - 1, decides whether fold f starts at c, posts DRAM requests and
    // drives the array's inputs for cycle c.
    const uint64_t UNSET = UINT64_MAX;
    std::vector<uint64_t> xs(nf, UNSET), rd_done(3 * nf, UNSET), wr_done(nf, UNSET);
    std::vector<bool> posted(nf, false);
    std::vector<uint64_t> ob(a.m * a.n, 0), ob_cycle(a.m * a.n, UNSET), last_write(nf, 0);
    uint64_t ofmap_free[2] = {0, 0};
    // (cycle, column) -> (fold, output index m * N + n, os row)
    struct Expect { size_t fold; uint64_t o; uint32_t row; };
    std::map<std::pair<uint64_t, int>, Expect> expect;
    size_t next = 0, seen = 0;
    uint64_t earliest = 0, wr_predict = 0, last_write_done = 0, stall_total = 0;
    uint64_t level_free = 0;  // memory.levels: the sets of banks have served the last fold
    rst_n = false;
    en = true;
    sel = os;
    rnd = NX_RNE;
    sc_start(0.25, SC_NS);
    rst_n = true;
    sc_start(0.25, SC_NS);  // now at 0.5: cycle 0's inputs
    const uint64_t horizon = a.cycles + 4 * L + 1000;
    uint64_t c = 0, compute_end = 0;
    for (; c < horizon; c++) {
        // results written at cycle c - 1 are visible now
        if (c > 0) {
            const uint32_t ov = out_valid.read(), orow = out_row.read();
            const sc_bv<C * ACC_BITS> od = out.read();
            for (int j = 0; j < C; j++) {
                if (!((ov >> j) & 1)) continue;
                auto it = expect.find({c - 1, j});
                if (it == expect.end()) {
                    std::printf("MISMATCH sc %s: unexpected result on column %d at cycle %llu\n",
                                a.name, j, (unsigned long long)(c - 1));
                    return 1;
                }
                const uint64_t o = it->second.o;
                const uint32_t row = (orow >> (ROW_BITS * j)) & ((1u << ROW_BITS) - 1);
                if (os && row != it->second.row) {
                    std::printf("MISMATCH sc %s os: result on column %d at cycle %llu from row "
                                "%u, expected row %u\n", a.name, j, (unsigned long long)(c - 1),
                                row, it->second.row);
                    return 1;
                }
                ob[o] = od.range(j * ACC_BITS + ACC_BITS - 1, j * ACC_BITS).to_uint64();
                ob_cycle[o] = c - 1;
                last_write[it->second.fold] = c - 1;
                seen++;
            }
        }
        // post DRAM reads in fold order as soon as their buffer is free (mem.h)
        for (size_t f = 0; f < nf; f++) {
            if (posted[f]) continue;
            if (f > 0 && !posted[f - 1]) break;
            bool ok = true;
            uint64_t allowed[3] = {0, 0, 0};
            const int nops = hier ? 3 : 2;  // hierarchy: partial sums read back too
            for (int op = 0; op < nops; op++) {
                if (!tf[f].rd[op]) continue;
                if (a.db[op]) {
                    if (f >= 2 && xs[f - 1] == UNSET) ok = false;
                    else allowed[op] = f >= 2 ? xs[f - 1] : 0;
                } else {
                    if (f >= 1 && xs[f - 1] == UNSET) ok = false;
                    else allowed[op] = f >= 1 ? xs[f - 1] + L : 0;
                }
            }
            if (!ok) break;
            for (int op = 0; op < nops; op++)
                if (tf[f].rd[op] && !rdq.req.nb_write({tf[f].rd[op], allowed[op], &rd_done[3 * f + op]})) {
                    std::printf("sc_array: DRAM read queue full\n");
                    return 1;
                }
            posted[f] = true;
        }
        // may fold `next` start at cycle c?
        if (next < nf && posted[next] && c >= earliest && c >= level_free) {
            const size_t f = next;
            bool ready = true;
            for (int op = 0; op < 3; op++)
                if (tf[f].rd[op] && (rd_done[3 * f + op] == UNSET || rd_done[3 * f + op] > c))
                    ready = false;
            const uint64_t col_fold = col_fold_of(f), row_fold = row_fold_of(f);
            const int half = a.db[2] ? (int)(tile_of(f) % 2) : 0;
            if (!hier && first_of_tile(f) && c + L < ofmap_free[half]) ready = false;
            if (ready) {
                xs[f] = c;
                stall_total += c - earliest;
                earliest = c + gap;
                compute_end = c + L;
                if (hier) level_free = c + std::max(gap, level_cycles(f));
                for (uint64_t j = 0; j < tf[f].sc; j++) {
                    const uint64_t cj = col_fold * C + j;  // ws, os: n; is: m
                    if (os)
                        for (uint64_t i = 0; i < tf[f].sr; i++)
                            expect[{c + T - 1 + i + j, (int)j}] = {f, (row_fold * R + i) * a.n + cj,
                                                                   (uint32_t)i};
                    else
                        for (uint64_t t = 0; t < T; t++)
                            expect[{c + R + t + (R - 1) + j, (int)j}] =
                                {f, is ? cj * a.n + t : t * a.n + cj, 0};
                }
                if (hier) {
                    // this fold's share of the DRAM writes, when it ends (in-order write queue)
                    if (tf[f].wr && !wrq.req.nb_write({tf[f].wr, c + L, &wr_done[f]})) {
                        std::printf("sc_array: DRAM write queue full\n");
                        return 1;
                    }
                } else if (last_of_tile(f)) {
                    // write-back of the output tile when this fold ends (in-order write queue)
                    const uint64_t issue = std::max(c + L, wr_predict);
                    wr_predict = issue + wrq.transfer_cycles(tf[f].wr);
                    ofmap_free[half] = wr_predict;
                    if (!wrq.req.nb_write({tf[f].wr, c + L, &wr_done[f]})) {
                        std::printf("sc_array: DRAM write queue full\n");
                        return 1;
                    }
                }
                next++;
            }
        }
        // drive cycle c
        uint32_t ldv = 0, ldl = 0, xv = 0, xf = 0, xl = 0, psv = 0, wv = 0;
        uint64_t ldd = 0, xd = 0, wd = 0;
        sc_bv<C * ACC_BITS> psd = 0;
        for (size_t f = 0; f < next; f++) {
            if (c < xs[f] || c >= xs[f] + L) continue;
            const uint64_t d = c - xs[f], rf = row_fold_of(f), cf = col_fold_of(f);
            if (os) {  // arr.h: x (m = i, k) at x_f + k + i, w (k, n = j) at x_f + k + j
                for (uint64_t i = 0; i < tf[f].sr; i++)
                    if (d >= i && d < i + T) {
                        const uint64_t kk = d - i;
                        xv |= 1u << i;
                        if (kk == 0) xf |= 1u << i;
                        if (kk == T - 1) xl |= 1u << i;
                        xd |= X[(rf * R + i) * a.k + kk] << (IN_BITS * i);
                    }
                for (uint64_t j = 0; j < tf[f].sc; j++)
                    if (d >= j && d < j + T) {
                        wv |= 1u << j;
                        wd |= Wt[(cf * C + j) * a.k + (d - j)] << (IN_BITS * j);
                    }
                continue;
            }
            for (uint64_t j = 0; j < tf[f].sc; j++) {
                const uint64_t n = cf * C + j;  // ws: filter column n; is: ifmap row m
                if (d >= j && d < j + R) {
                    const uint64_t i = R - 1 - (d - j);
                    ldv |= 1u << j;
                    if (i < tf[f].sr)
                        ldd |= (is ? X[n * a.k + rf * R + i] : Wt[n * a.k + rf * R + i])
                               << (IN_BITS * j);
                    if (d == j + R - 1) ldl |= 1u << j;
                }
                if (d >= R + j && d < R + j + T) {
                    const uint64_t t = d - R - j, o = is ? n * a.n + t : t * a.n + n;
                    psv |= 1u << j;
                    uint64_t p = nx_zero(NX_FP32);
                    if (rf > 0) {
                        if (ob_cycle[o] == UNSET || ob_cycle[o] >= c) {
                            std::printf("MISMATCH sc %s: partial sum (%llu, %llu) read before "
                                        "written\n", a.name, (unsigned long long)t,
                                        (unsigned long long)n);
                            return 1;
                        }
                        p = ob[o];
                    }
                    psd.range(j * ACC_BITS + ACC_BITS - 1, j * ACC_BITS) = p;
                }
            }
            for (uint64_t i = 0; i < tf[f].sr; i++)
                if (d >= R + i && d < R + i + T) {
                    const uint64_t t = d - R - i;
                    xv |= 1u << i;
                    if (t == 0) xf |= 1u << i;
                    xd |= (is ? Wt[t * a.k + rf * R + i] : X[t * a.k + rf * R + i])
                          << (IN_BITS * i);
                }
        }
        ld_valid = ldv;
        ld_last = ldl;
        ld = ldd;
        x_valid = xv;
        x_first = xf;
        x = xd;
        x_last = xl;
        w_valid = wv;
        w = wd;
        ps_valid = psv;
        ps = psd;
        // done: every fold ran, every result seen, every write-back completed
        bool writes_done = next == nf;
        for (size_t f = 0; f < nf && writes_done; f++)
            if ((hier ? tf[f].wr != 0 : last_of_tile(f)) && (wr_done[f] == UNSET || wr_done[f] > c))
                writes_done = false;
        if (writes_done && seen == expect.size() && c >= compute_end && c >= level_free) break;
        sc_start(1, SC_NS);
    }
    for (size_t f = 0; f < nf; f++)
        if (hier ? tf[f].wr != 0 : last_of_tile(f))
            last_write_done = std::max(last_write_done, wr_done[f]);
    const uint64_t total = std::max({compute_end, last_write_done, level_free});
    // ---- compare with the simulator
    for (size_t f = 0; f < nf; f++) {
        if (xs[f] != tf[f].start) {
            std::printf("MISMATCH sc %s fold %zu: starts at cycle %llu here, %llu in flopwatt\n",
                        a.name, f, (unsigned long long)xs[f], (unsigned long long)tf[f].start);
            return 1;
        }
        if (last_write[f] + 1 + (C - tf[f].sc) + (os ? R - tf[f].sr : 0) != tf[f].end) {
            std::printf("MISMATCH sc %s fold %zu: last result at %llu, flopwatt's fold ends at "
                        "%llu\n", a.name, f, (unsigned long long)last_write[f],
                        (unsigned long long)tf[f].end);
            return 1;
        }
    }
    if (total != a.cycles) {
        std::printf("MISMATCH sc %s: layer takes %llu cycles here, %llu in flopwatt\n", a.name,
                    (unsigned long long)total, (unsigned long long)a.cycles);
        return 1;
    }
    for (uint64_t o = 0; o < want.size(); o++)
        if (ob[o] != want[o]) {
            std::printf("MISMATCH sc %s: output (m %llu, n %llu): RTL %llX written at cycle %llu, "
                        "flopwatt %llX\n", a.name, (unsigned long long)(o / a.n),
                        (unsigned long long)(o % a.n), (unsigned long long)ob[o],
                        (unsigned long long)ob_cycle[o], (unsigned long long)want[o]);
            return 1;
        }
    std::printf("sc %s %s %llux%llux%llu%s: %zu folds, %llu cycles (%llu stalled before folds, "
                "%llu write-back tail), fold starts, outputs and layer cycles identical to "
                "flopwatt run --engine pe\n", a.name, dfn, (unsigned long long)a.m,
                (unsigned long long)a.n, (unsigned long long)a.k, hier ? " (levels)" : "", nf,
                (unsigned long long)total, (unsigned long long)stall_total,
                (unsigned long long)(total - compute_end));
    dut.final();
    return 0;
}
