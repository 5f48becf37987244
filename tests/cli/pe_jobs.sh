#!/usr/bin/env bash
# tests/cli/pe_jobs.sh: `flopwatt run -j N` (layers on N threads, sim/engine/net.c "Jobs") gives
# byte for byte what -j 1 gives: the output dump, the CSV and JSON reports and the fold trace,
# with the pe engine on every layer kind of the tiny workload (with a batch of 2, so layers take
# different times and finish out of order), on the single-level config and on a storage
# hierarchy (searched mappings: one memo per thread), under inter-layer residency
# (tpu_v1_like's unified buffer), and on a failure in the middle of the network (the first
# failing layer's message and exit code, the layers before it dumped). Writes only under $BUILD.
set -euo pipefail
fw=${FLOPWATT:-build/flopwatt}
build=${BUILD:-build}
tmp="$build/tmp/cli_pe_jobs"
rm -rf "$tmp"
mkdir -p "$tmp"
fail() { echo "pe_jobs.sh: $*" >&2; exit 1; }
tiny=configs/workloads/tiny.json

same() { # same NAME CONFIG WORKLOAD ARGS...: -j1 against -j2 and -j5, every output
    local name=$1 cfg=$2 wl=$3
    shift 3
    for j in 1 2 5; do
        local o="$tmp/${name}_j$j"
        set +e
        "$fw" run "$cfg" "$wl" --engine pe -j $j --csv --dump-outputs "$o.hex" --trace "$o.trace" \
            "$@" >"$o.csv" 2>"$o.err"
        echo "exit $?" >>"$o.err"
        "$fw" run "$cfg" "$wl" --engine pe -j $j --json "$@" 2>/dev/null |
            grep -v flopwatt_version >"$o.json"
        set -e
        sed -i '/flopwatt_version\|^# flopwatt /d' "$o.csv"
    done
    for j in 2 5; do
        for ext in hex trace csv err json; do
            cmp -s "$tmp/${name}_j1.$ext" "$tmp/${name}_j$j.$ext" ||
                { diff "$tmp/${name}_j1.$ext" "$tmp/${name}_j$j.$ext" | head -5; \
                  fail "$name: -j $j .$ext differs from -j 1"; }
        done
    done
    [[ -s "$tmp/${name}_j1.hex" ]] || fail "$name: no outputs dumped"
}

same tiny configs/test8x8.json "$tiny" --batch 2 --seed 7
same tiny_fp16 configs/test8x8.json "$tiny" --set precision.input=fp16 \
    --set precision.accumulator=fp32 --set array.dataflow=os
same hier configs/rs_like.json "$tiny" --set precision.input=int8 --set precision.accumulator=int32
same resid configs/tpu_v1_like.json "$tiny" --set array.rows=8 --set array.cols=8

# a layer too large for the pe engine in the middle: the same error, the same layers before it
cat >"$tmp/bad.json" <<'W'
{"name": "bad", "batch": 1, "layers": [
  {"name": "a", "type": "gemm", "m": 9, "n": 7, "k": 11},
  {"name": "huge", "type": "gemm", "m": 5000, "n": 4, "k": 5000},
  {"name": "b", "type": "gemm", "m": 6, "n": 5, "k": 4}]}
W
same bad configs/test8x8.json "$tmp/bad.json"
grep -q "exit 2" "$tmp/bad_j1.err" || fail "bad: expected exit 2"
grep -q "huge" "$tmp/bad_j1.err" || fail "bad: the message names another layer"

# -j 0 and a non-number are refused with one line
for bad in 0 x; do
    if "$fw" run configs/test8x8.json "$tiny" --engine pe -j $bad >/dev/null 2>"$tmp/e.txt"; then
        fail "-j $bad accepted"
    fi
    [[ $(wc -l <"$tmp/e.txt") -eq 1 ]] || fail "-j $bad: not one line"
done
echo "pe_jobs.sh: ok"
