#!/usr/bin/env bash
# tests/cli/sweep.sh: end-to-end tests of `flopwatt sweep` and `flopwatt merge`:
#   - -j1 and -j2 give byte-identical points.csv, pareto.csv and summary.json;
#   - three shards merged equal the unsharded run;
#   - a sweep killed with SIGKILL mid-run, then resumed, holds every point exactly once and the
#     same files as an uninterrupted run;
#   - bad input: exit status 2 and one line on stderr naming the file and JSON path.
# The point evaluator here is the analytic test evaluator (FLOPWATT_SWEEP_TEST_EVAL=analytic),
# a test hook of the sweep machinery; the real evaluator is exercised by tests/cli/sweep_sim.sh.
# Writes only under $BUILD.
set -uo pipefail
build=${BUILD:-build}
fw=${FLOPWATT:-$build/flopwatt}
tmp="$build/tmp/cli_sweep"
rm -rf "$tmp"
mkdir -p "$tmp"
export FLOPWATT_SWEEP_TEST_EVAL=analytic
fails=0
fail() {
    echo "sweep.sh: FAIL: $*" >&2
    fails=$((fails + 1))
}
same() { # same DIR_A DIR_B: the three result files are byte-identical
    local f
    for f in points.csv pareto.csv summary.json; do
        cmp -s "$1/$f" "$2/$f" || fail "$1/$f and $2/$f differ"
    done
}

cat >"$tmp/base.json" <<'EOF'
{"array": {"rows": 8, "cols": 8}, "clock_mhz": 500, "precision": "int8", "sram_bytes": 65536}
EOF
cat >"$tmp/w.json" <<'EOF'
{"name": "w", "batch": 1, "layers": [
  {"name": "c1", "type": "conv", "in_h": 16, "in_w": 16, "in_c": 8, "kernel": 3, "filters": 16, "pad": 1},
  {"name": "f1", "type": "fc", "in_features": 256, "out_features": 10}]}
EOF
# 4 x 4 x 2 x 3 = 96 points
cat >"$tmp/spec.json" <<'EOF'
{
  "base": "base.json",
  "workloads": ["w.json"],
  "axes": [
    {"path": "array.rows", "values": [4, 8, 16, 32]},
    {"path": "array.cols", "range": {"from": 4, "to": 32, "factor": 2}},
    {"path": "precision", "values": ["int8", "fp16"]},
    {"path": "sram_bytes", "range": {"from": 32768, "to": 131072, "factor": 2}}
  ],
  "constraints": [{"metric": "area_mm2", "max": 30}],
  "objectives": [
    {"metric": "latency_cycles", "goal": "minimize"},
    {"metric": "energy_pj", "goal": "minimize"}
  ]
}
EOF

# -j1 vs -j2
"$fw" sweep "$tmp/spec.json" -j1 --out "$tmp/j1" >"$tmp/j1.out" 2>"$tmp/j1.err" || fail "-j1 run"
"$fw" sweep "$tmp/spec.json" -j 2 --out "$tmp/j2" >/dev/null 2>&1 || fail "-j2 run"
same "$tmp/j1" "$tmp/j2"
[[ $(wc -l <"$tmp/j1/points.csv") -eq 97 ]] || fail "points.csv should have 96 rows + header"
[[ -s "$tmp/j1.err" ]] && fail "stderr is not a terminal: the progress bar must stay silent"
head -1 "$tmp/j1/points.csv" | grep -q '^point,workload,array.rows,array.cols,precision,sram_bytes,latency_cycles,energy_pj,area_mm2,macs,feasible,pareto$' ||
    fail "points.csv header: $(head -1 "$tmp/j1/points.csv")"
front=$(($(wc -l <"$tmp/j1/pareto.csv") - 1))
grep -q "^Pareto front of w.json: $front points" "$tmp/j1.out" || fail "stdout should show the $front-point front: $(cat "$tmp/j1.out")"
[[ $(grep -c '^  [0-9]' "$tmp/j1.out") -eq $front ]] || fail "stdout front rows"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["complete"] and d["points_done"]==96' \
    "$tmp/j1/summary.json" || fail "summary.json"

# Shards 0/3, 1/3, 2/3, then merge
for i in 0 1 2; do
    "$fw" sweep "$tmp/spec.json" --shard "$i/3" -j2 --out "$tmp/s$i" >/dev/null 2>&1 || fail "shard $i"
done
"$fw" merge --out "$tmp/merged" "$tmp/s2" "$tmp/s0" "$tmp/s1" >/dev/null || fail "merge"
same "$tmp/j1" "$tmp/merged"
"$fw" merge --out "$tmp/part" "$tmp/s0" "$tmp/s1" >/dev/null 2>"$tmp/part.err"
[[ $? -eq 1 ]] || fail "merge of 2 of 3 shards should exit 1"
grep -q "32 points are missing" "$tmp/part.err" || fail "merge should count the missing points"

# SIGKILL mid-run, then --resume (each point sleeps 20 ms: 96 points take ~1 s on 2 workers)
# (a wrapper subshell holds the sweep so that bash does not report the killed job)
(
    FLOPWATT_SWEEP_TEST_DELAY_US=20000 "$fw" sweep "$tmp/spec.json" -j2 --out "$tmp/killed" >/dev/null 2>&1 &
    echo $! >"$tmp/killed.pid"
    wait
) 2>/dev/null &
wrapper=$!
for ((i = 0; i < 400; i++)); do # wait (up to 20 s) until some rows are logged, then kill
    [[ -f "$tmp/killed/points.log" && $(wc -l <"$tmp/killed/points.log") -ge 12 ]] && break
    sleep 0.05
done
kill -9 "$(cat "$tmp/killed.pid")"
wait "$wrapper"
# the workers die with their parent (PR_SET_PDEATHSIG); on a loaded machine the kernel may take
# a moment to deliver the signal and reap them, so wait up to 5 s before calling them survivors
for ((i = 0; i < 100; i++)); do
    pgrep -f -- "--out $tmp/killed" >/dev/null || break
    sleep 0.05
done
pgrep -f -- "--out $tmp/killed" >/dev/null && fail "workers survived their killed parent"
rows_before=$(($(wc -l <"$tmp/killed/points.log") - 2))
if [[ $rows_before -le 0 || $rows_before -ge 96 ]]; then
    fail "the kill should land mid-run ($rows_before of 96 rows were logged)"
fi
[[ -e "$tmp/killed/points.csv" ]] && fail "a killed run must not have written points.csv"
"$fw" sweep "$tmp/spec.json" -j2 --out "$tmp/killed" >/dev/null 2>"$tmp/nores.err"
[[ $? -eq 2 ]] || fail "a rerun without --resume should exit 2"
"$fw" sweep "$tmp/spec.json" -j2 --resume --out "$tmp/killed" >"$tmp/resume.out" 2>&1 || fail "resume"
grep -q "($rows_before resumed" "$tmp/resume.out" || fail "resume should report $rows_before resumed: $(cat "$tmp/resume.out")"
same "$tmp/j1" "$tmp/killed"
# Ctrl-C (SIGINT) mid-run: the parent names the command that continues; running it completes
# the sweep with the same files as an uninterrupted run
FLOPWATT_SWEEP_TEST_DELAY_US=20000 "$fw" sweep "$tmp/spec.json" -j2 --out "$tmp/int" \
    >/dev/null 2>"$tmp/int.err" &
ipid=$!
for ((i = 0; i < 400; i++)); do
    [[ -f "$tmp/int/points.log" && $(wc -l <"$tmp/int/points.log") -ge 12 ]] && break
    sleep 0.05
done
kill -INT $ipid
wait $ipid
[[ $? -eq 130 ]] || fail "SIGINT: the sweep should die of the signal (status 130)"
cmd=$(sed -n 's/^  flopwatt sweep /sweep /p' "$tmp/int.err")
[[ "$cmd" == "sweep $tmp/spec.json --out $tmp/int --resume -j 2" ]] ||
    fail "SIGINT: resume command: $(cat "$tmp/int.err")"
$fw $cmd >/dev/null 2>&1 || fail "the printed resume command failed"
same "$tmp/j1" "$tmp/int"
n=$(tail -n +3 "$tmp/killed/points.log" | cut -d, -f1 | sort -n | uniq | wc -l)
t=$(tail -n +3 "$tmp/killed/points.log" | wc -l)
[[ $n -eq 96 && $t -eq 96 ]] || fail "after resume the log holds $t rows of $n distinct points (want 96, 96)"

# On a terminal (script(1) provides one) the progress bar shows done/total, rate and ETA.
if command -v script >/dev/null; then
    script -qc "FLOPWATT_SWEEP_TEST_DELAY_US=2000 $fw sweep $tmp/spec.json -j2 --out $tmp/tty" /dev/null >"$tmp/tty.out" 2>&1
    grep -q "96/96 points .* points/s" "$tmp/tty.out" || fail "no progress bar on a terminal: $(tr '\r' '\n' <"$tmp/tty.out" | tail -3)"
    same "$tmp/j1" "$tmp/tty"
fi

# Bad input: exit 2, one line on stderr with file and JSON path
bad() { # bad EXPECTED_SUBSTRING ARGS...
    local want=$1
    shift
    "$fw" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
    local rc=$?
    [[ $rc -eq 2 ]] || fail "$* exited $rc, want 2"
    [[ $(wc -l <"$tmp/bad.err") -eq 1 ]] || fail "$*: stderr should be one line: $(cat "$tmp/bad.err")"
    [[ -s "$tmp/bad.out" ]] && fail "$*: nothing on stdout expected"
    grep -qF -- "$want" "$tmp/bad.err" || fail "$*: stderr lacks '$want': $(cat "$tmp/bad.err")"
}
sed 's/"goal": "minimize"}$/"goal": "minimise"}/' "$tmp/spec.json" >"$tmp/bad_goal.json"
bad "bad_goal.json: objectives[1].goal: 'minimise' is not one of: minimize, maximize" sweep "$tmp/bad_goal.json"
sed 's/"area_mm2", "max"/"area_m2", "max"/' "$tmp/spec.json" >"$tmp/bad_metric.json"
bad "bad_metric.json: constraints[0].metric: unknown metric 'area_m2'" sweep "$tmp/bad_metric.json" --out "$tmp/bm"
echo '{"base": "base.json", "workloads": ["w.json"], "axes": [{"path": "array.rows", "values": [4]},]}' >"$tmp/syntax.json"
bad "syntax.json:1:" sweep "$tmp/syntax.json"
bad "--shard 3/3: expected I/K" sweep "$tmp/spec.json" --shard 3/3
bad "-j: expected" sweep "$tmp/spec.json" -j 0
bad "unknown option '--frobnicate'" sweep "$tmp/spec.json" --frobnicate
sed 's/"values": \[4, 8, 16, 32\]/"values": [4, 8, 16, 64]/' "$tmp/spec.json" >"$tmp/other.json"
"$fw" sweep "$tmp/other.json" --out "$tmp/other" >/dev/null 2>&1 || fail "other sweep"
bad "comes from a different sweep" merge --out "$tmp/mix" "$tmp/j1" "$tmp/other"

# a front of 300 points per workload, two workloads: the printed summary counts every row
# (it once stopped at 256 lines of pareto.csv: "255 points", then "0 points"). Area grows with
# rows and energy with area (analytic evaluator), so maximising area and minimising energy puts
# every point on its workload's front.
cat >"$tmp/big_front.json" <<EOF
{"base": "base.json",
 "workloads": ["$PWD/configs/workloads/resnet50.json", "$PWD/configs/workloads/alexnet.json"],
 "axes": [{"path": "array.rows", "range": {"from": 1, "to": 300, "step": 1}}],
 "objectives": [{"metric": "area_mm2", "goal": "maximize"},
                {"metric": "energy_pj", "goal": "minimize"}]}
EOF
"$fw" sweep "$tmp/big_front.json" --out "$tmp/big" >"$tmp/big.out" 2>&1 || fail "300-point front sweep"
[[ $(($(wc -l <"$tmp/big/pareto.csv") - 1)) -eq 600 ]] || fail "big front: pareto.csv rows"
for w in resnet50 alexnet; do
    grep -q "^Pareto front of .*/$w.json: 300 points (the first shown; all in pareto.csv)$" \
        "$tmp/big.out" || fail "big front: $w summary line: $(grep "^Pareto" "$tmp/big.out")"
done
"$fw" merge --out "$tmp/big_merged" "$tmp/big" >"$tmp/big_merge.out" 2>&1 || fail "merge big front"
[[ $(grep -c "^Pareto front of .*: 300 points" "$tmp/big_merge.out") -eq 2 ]] ||
    fail "big front after merge: $(grep "^Pareto" "$tmp/big_merge.out")"

if [[ $fails -ne 0 ]]; then
    echo "sweep.sh: $fails failures" >&2
    exit 1
fi
echo "sweep.sh: ok (-j1 = -j2, 3 shards merged = unsharded, SIGKILL after $rows_before of 96 points + resume = uninterrupted, SIGINT names the resume command, 7 bad inputs, 2 fronts of 300 points)"
