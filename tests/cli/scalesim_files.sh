#!/usr/bin/env bash
# tests/cli/scalesim_files.sh: every topology file that SCALE-Sim v2 and v3 ship in their own
# repositories (tests/data/scalesim, README there) through `flopwatt workload --json`, against
# an oracle written here from SCALE-Sim's reading rules (not from flopwatt): a file SCALE-Sim
# reads must load with SCALE-Sim's MAC count; a file SCALE-Sim fails on must fail with one
# "FILE:LINE: reason" line and exit 2, or load through one of flopwatt's documented leniencies
# (rows of empty fields skipped, a row's last value read without its trailing comma, columns
# after the 9th and an empty 9th not read), which the oracle then applies as well to give the
# count. Writes only under $BUILD.
set -uo pipefail
build=${BUILD:-build}
fw=${FLOPWATT:-$build/flopwatt}
tmp="$build/tmp/cli_scalesim_files"
rm -rf "$tmp"
mkdir -p "$tmp"
if ! "$fw" --help >/dev/null 2>&1; then
    echo "scalesim files: $fw does not run" >&2
    exit 1
fi
data=tests/data/scalesim
# flopwatt's verdict per file: "ok MACS" or "fail STATUS FIRST-STDERR-LINE (LINES lines)"
: >"$tmp/flopwatt.txt"
while IFS= read -r f; do
    if "$fw" workload "$f" --json >"$tmp/out.json" 2>"$tmp/err.txt"; then
        macs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["macs"])' \
            "$tmp/out.json")
        echo "$f ok $macs" >>"$tmp/flopwatt.txt"
    else
        st=$?
        echo "$f fail $st $(wc -l <"$tmp/err.txt") $(head -1 "$tmp/err.txt")" >>"$tmp/flopwatt.txt"
    fi
done < <(find "$data" -name '*.csv' | LC_ALL=C sort)

python3 - "$tmp/flopwatt.txt" <<'PY'
import math, sys

def oracle(path, lenient):
    """MACs as SCALE-Sim computes them, or ('fail', reason). SCALE-Sim skips the first line,
    strips each row, skips empty rows, splits on ',' and drops the last piece, reads every kept
    value after the name with int(), takes the mode (conv or GEMM) from its config (here: the
    header's columns 2-4 being M, N, K), sizes outputs ceil((H - F + S) / S), and splits a
    conv layer whose name contains 'DP' into one single-channel layer per channel. v2: a 9th
    conv value is the stride width. v3 (files under v3/ with a Sparsity column): the stride
    width is the stride height and the 9th value is N:M sparsity. `lenient` applies flopwatt's
    two documented extensions (rows of empty fields skipped; a last value without a comma
    after it kept; columns after the 9th and an empty 9th not read)."""
    text = open(path, encoding='utf-8-sig', errors='replace').read()
    lines = text.splitlines()
    # flopwatt takes the first non-blank line as the header; every shipped file starts with it
    head = [h.strip().lower() for h in lines[0].split(',')]
    gemm = len(head) >= 4 and head[1:4] == ['m', 'n', 'k']
    v3 = '/v3/' in path
    v3_sparse = v3 and any(h == 'sparsity' for h in head)
    total = 0
    for no, raw in enumerate(lines[1:], start=2):
        row = raw.strip()
        if not row:
            continue
        pieces = row.split(',')
        elems = pieces[:-1]
        if lenient:
            if all(not p.strip() for p in pieces):
                continue
            need = 4 if gemm else 8
            if len([e for e in elems if e.strip()]) < need and pieces[-1].strip():
                elems = pieces
        if not elems:
            return ('fail', f'line {no}: no value before the last comma')
        try:
            if gemm:
                if len(elems) < 4:
                    return ('fail', f'line {no}: fewer than 4 entries')
                m, n, k = (int(elems[i].strip()) for i in (1, 2, 3))
                total += m * n * k
                continue
            vals = elems[1:]
            if v3_sparse:
                vals = vals[:7] + [vals[6]] if len(vals) >= 7 else vals
            if len(vals) < 7:
                return ('fail', f'line {no}: fewer than 8 columns')
            vals = vals[:8] if v3_sparse or lenient else vals
            if lenient and len(vals) == 8 and not vals[7].strip():
                vals = vals[:7]  # an empty stride width: none
            ints = [int(v.strip()) for v in vals]
            ih, iw, fh, fw_, c, nf, sh = ints[:7]
            sw = ints[7] if len(ints) > 7 else sh
            if min(ih, iw, fh, fw_, c, nf, sh, sw) < 1:
                return ('fail', f'line {no}: a value below 1')
            if fh > ih or fw_ > iw:
                return ('fail', f'line {no}: filter larger than ifmap')
            oh = math.ceil((ih - fh + sh) / sh)
            ow = math.ceil((iw - fw_ + sw) / sw)
            if 'DP' in elems[0].strip():
                total += c * (oh * ow * fh * fw_ * 1 * nf)
            else:
                total += oh * ow * fh * fw_ * c * nf
        except ValueError as e:
            return ('fail', f'line {no}: {e}')
    return total

fails = 0
accepted = equal = rejected_too = extended = 0
for line in open(sys.argv[1]):
    path, verdict, rest = line.rstrip('\n').split(' ', 2)
    strict = oracle(path, False)
    if verdict == 'ok':
        got = int(rest)
        if isinstance(strict, int):
            accepted += 1
            if got == strict:
                equal += 1
            else:
                fails += 1
                print(f'FAIL: {path}: flopwatt {got} MACs, SCALE-Sim {strict}', file=sys.stderr)
        else:
            lenient = oracle(path, True)
            if lenient == got:
                extended += 1
            else:
                fails += 1
                print(f'FAIL: {path}: SCALE-Sim fails ({strict[1]}), flopwatt loads {got} MACs '
                      f'(lenient oracle: {lenient})', file=sys.stderr)
    else:
        status, nlines, msg = rest.split(' ', 2)
        if isinstance(strict, int):
            fails += 1
            print(f'FAIL: {path}: SCALE-Sim reads it ({strict} MACs), flopwatt: {msg}',
                  file=sys.stderr)
        elif status != '2' or nlines != '1' or f'{path}:' not in msg:
            fails += 1
            print(f'FAIL: {path}: error not one "FILE:LINE: reason" line with exit 2: '
                  f'status {status}, {nlines} lines: {msg}', file=sys.stderr)
        else:
            rejected_too += 1
total = accepted + extended + rejected_too
print(f'scalesim files: {accepted} files SCALE-Sim reads, {equal} with equal MACs; '
      f'{rejected_too} it fails on rejected with one line; {extended} it fails on loaded by a '
      f'documented leniency; {fails} failed')
if accepted < 90:
    print('FAIL: fewer than 90 files SCALE-Sim reads (data missing?)', file=sys.stderr)
    fails += 1
sys.exit(1 if fails else 0)
PY
