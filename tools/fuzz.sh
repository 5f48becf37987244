#!/usr/bin/env bash
# tools/fuzz.sh BUILD SECONDS [TARGET...]: runs the libFuzzer harnesses built by `make fuzz-build`
# (BUILD/fuzz/fuzz_*) one after another, SECONDS each, and prints one line per target:
#   fuzz_config: 1234567 executions in 60 s, 0 crashes (corpus 321 files)
# Corpus: BUILD/fuzz/corpus/TARGET, seeded from the shipped files (configs, workloads, sweep
# specs, technology data) and tests/fuzz/seeds/; it grows across runs. Dictionary: the JSON keys
# the target's reader asks for (string literals passed to jr_* in its sources) plus the keys of
# the seeds. A crash, leak or sanitizer report leaves BUILD/fuzz/crashes/TARGET-* and fails the
# script (exit 1); turn it into a regression test (tests/fuzz/README.md).
set -euo pipefail
build=${1:-build/fuzz}
seconds=${2:-60}
shift 2 || true
cd "$(dirname "$0")/.."
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    for b in "$build"/fuzz/fuzz_*; do
        [[ -x "$b" && $b != *.* ]] && targets+=("$(basename "$b")")
    done
fi

# seeds and reader sources per target
seeds_of() {
    case $1 in
    fuzz_config) ls configs/*.json configs/validate/*.json ;;
    fuzz_workload_json) # each zoo network, and its first 8 layers (small: see max_len_of)
        mkdir -p "$build/fuzz/seeds/workload_json"
        for f in configs/workloads/*.json; do
            echo "$f"
            local cut="$build/fuzz/seeds/workload_json/$(basename "$f" .json)_8.json"
            [[ -f $cut ]] || jq '.layers |= .[:8]' "$f" >"$cut"
            echo "$cut"
        done ;;
    fuzz_scalesim) ls configs/workloads/scalesim/*.csv ;;
    fuzz_sweep_spec) ls configs/sweeps/*.json tests/fuzz/seeds/sweep_spec/*.json ;;
    fuzz_sweep_log) ls tests/fuzz/seeds/sweep_log/* ;;
    fuzz_fp) ls tests/fuzz/seeds/fp/* ;;
    fuzz_tech) ls models/tech/data/*.json ;;
    fuzz_onnx) # the test models of tools/gen_onnx.py (ResNet-50, MobileNet v2, BERT, ...)
        [[ -f "$build/fuzz/onnx/.generated" ]] || { /usr/bin/python3 tools/gen_onnx.py \
            "$build/fuzz/onnx" >/dev/null && touch "$build/fuzz/onnx/.generated"; }
        ls "$build"/fuzz/onnx/*.onnx "$build"/fuzz/onnx/cases/*.onnx "$build"/fuzz/onnx/bad/*.onnx ;;
    *) ls "tests/fuzz/seeds/${1#fuzz_}"/* 2>/dev/null || true ;;
    esac
}
# -max_len per target: larger inputs are truncated when read (a truncated zoo file still seeds)
max_len_of() {
    case $1 in
    fuzz_workload_json | fuzz_scalesim) echo 4096 ;;
    fuzz_onnx) echo 8192 ;;
    fuzz_tech) echo 8192 ;; # one data file (the largest, nodes.json, is 7.9 kB) and its selector
    *) echo 4096 ;;
    esac
}
sources_of() {
    case $1 in
    fuzz_config) echo sim/config/cfg.c ;;
    fuzz_workload_json) echo sim/workload/wl_json.c ;;
    fuzz_sweep_spec) echo sim/sweep/sw_spec.c ;;
    fuzz_tech) echo models/tech/tech_load.c ;;
    *) ;;
    esac
}

mkdir -p "$build/fuzz/crashes" "$build/fuzz/dict"
failed=0
for t in "${targets[@]}"; do
    bin="$build/fuzz/$t"
    corpus="$build/fuzz/corpus/$t"
    dict="$build/fuzz/dict/$t.dict"
    mkdir -p "$corpus"
    i=0
    for s in $(seeds_of "$t"); do
        if [[ $t == fuzz_tech ]]; then
            # first byte: which data file (sorted order of models/tech/data) the rest replaces
            { printf "\\$(printf %03o "$i")"; cat "$s"; } >"$corpus/seed_$(basename "$s")"
            i=$((i + 1))
        elif [[ $t == fuzz_config ]]; then
            cp "$s" "$corpus/seed_$(basename "$s")"
            { cat "$s"; printf '\0array.rows=64\nprecision.input=fp16\ntech.node_nm=28\n'; } \
                >"$corpus/seed_set_$(basename "$s")"
        else
            cp "$s" "$corpus/seed_$(basename "$s")"
        fi
    done
    {
        for src in $(sources_of "$t"); do
            grep -oE 'jr_[a-z0-9_]+\([^,]+, "[A-Za-z0-9_]+"' "$src" | grep -oE '"[A-Za-z0-9_]+"$'
        done
        for s in $(seeds_of "$t"); do grep -aoE '"[A-Za-z0-9_]+"' "$s" || true; done
    } | sort -u | sed 's/"/\\"/g; s/.*/"&"/' >"$dict"
    [[ -f tests/fuzz/$t.dict ]] && cat "tests/fuzz/$t.dict" >>"$dict"  # hand-written tokens
    log="$build/fuzz/$t.log"
    set +e
    dict_opt=()
    [[ -s "$dict" ]] && dict_opt=(-dict="$dict")
    stop=(-max_total_time="$seconds")
    [[ -n ${FUZZ_RUNS:-} ]] && stop=(-runs="$FUZZ_RUNS")
    # shellcheck disable=SC2086 # FUZZ_FLAGS: words
    "$bin" "${stop[@]}" -max_len="$(max_len_of "$t")" -print_final_stats=1 "${dict_opt[@]}" ${FUZZ_FLAGS:-} \
        -artifact_prefix="$build/fuzz/crashes/$t-" -close_fd_mask=3 "$corpus" \
        $(ls -d "tests/fuzz/regress/$t" 2>/dev/null) >"$log" 2>&1
    rc=$?
    set -e
    execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
    crashes=$(ls "$build/fuzz/crashes" | grep -c "^$t-" || true)
    secs=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -oE '[0-9]+ second' | grep -oE '[0-9]+' || echo "$seconds")
    echo "$t: $execs executions in $secs s, $crashes crash files (corpus $(ls "$corpus" | wc -l) files)"
    if [[ $rc -ne 0 ]]; then
        failed=1
        grep -E 'ERROR|SUMMARY|==[0-9]+==' "$log" | head -5 || tail -5 "$log"
    fi
done
exit $failed
