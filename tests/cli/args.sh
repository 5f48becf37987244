#!/usr/bin/env bash
# tests/cli/args.sh: the one argument parser (sim/cli/cli_opt.c, getopt_long) of every
# subcommand: --opt=value = --opt value, options before or after operands, "--" ends the
# options, "-" reads standard input, "did you mean" for options and subcommands, one error line
# and exit 2 for unknown/ambiguous/valueless options, the exit statuses documented in --help.
# Writes only under $BUILD.
set -euo pipefail
fw=${FLOPWATT:-build/flopwatt}
build=${BUILD:-build}
tmp="$build/tmp/cli_args"
rm -rf "$tmp"
mkdir -p "$tmp"
fails=0
checks=0
fail() { echo "args.sh: FAIL: $*" >&2; fails=$((fails + 1)); }
cfg=configs/test8x8.json
tiny=configs/workloads/tiny.json

# same stdout from two command lines
same() {
    local a=$1 b=$2
    checks=$((checks + 1))
    eval "$a" >"$tmp/a" 2>&1 || true
    eval "$b" >"$tmp/b" 2>&1 || true
    cmp -s "$tmp/a" "$tmp/b" || fail "'$a' and '$b' differ"
    [[ -s "$tmp/a" ]] || fail "'$a' printed nothing"
}
# exit status and the exact one-line stderr
bad() {
    local rc_want=$1 want=$2
    shift 2
    checks=$((checks + 1))
    set +e
    "$fw" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    local rc=$?
    set -e
    [[ $rc -eq $rc_want ]] || { fail "'$*': exit $rc, expected $rc_want"; return; }
    [[ $(wc -l <"$tmp/err") -eq 1 ]] || { fail "'$*': not one line: $(cat "$tmp/err")"; return; }
    [[ "$(cat "$tmp/err")" == "$want" ]] || fail "'$*': got '$(cat "$tmp/err")', expected '$want'"
}

# --opt=value, operand order, unique abbreviations (getopt_long: --eng = --engine), --, -
same "$fw run $cfg $tiny --batch 2 --csv" "$fw run --batch=2 --csv $cfg $tiny"
same "$fw run $cfg $tiny --engine pe --json" "$fw run --eng=pe $cfg --json $tiny"
# (the '#' provenance lines name the input as given: "-")
same "$fw run $cfg $tiny --csv | grep -v '^#'" "cat $tiny | $fw run $cfg --csv -- - | grep -v '^#'"
same "$fw run $cfg $tiny --csv | grep -v '^#'" "cat $cfg | $fw run - $tiny --csv | grep -v '^#'"
same "$fw workload $tiny --json" "cat $tiny | $fw workload --json -"
same "$fw workload configs/workloads/scalesim/alexnet.csv --csv" \
    "cat configs/workloads/scalesim/alexnet.csv | $fw workload - --csv"
same "$fw ceiling --node 28 --precision fp16 --json" "$fw ceiling --node=28 --precision=fp16 --json"
same "printf '3C00 3C00\n' | $fw fp f16_add -rmin" "printf '3C00 3C00\n' | $fw fp --rmin f16_add"
same "printf '3C00 3C00\n' | $fw fp f16_add -rnear_maxMag" "printf '3C00 3C00\n' | $fw fp -rnear_max f16_add"

# errors: one line, exit 2, did you mean
bad 2 "flopwatt run: unknown option '--jsn' (did you mean '--json'?)" run $cfg $tiny --jsn
bad 2 "flopwatt run: unknown option '--ideal-memroy' (did you mean '--ideal-memory'?)" \
    run $cfg $tiny --ideal-memroy
bad 2 "flopwatt run: unknown option '--frobnicate' (try 'flopwatt run --help')" \
    run $cfg $tiny --frobnicate
bad 2 "flopwatt run: option '--engine' needs a value" run $cfg $tiny --engine
bad 2 "flopwatt run: option '--json' takes no value (got '--json=yes')" run $cfg $tiny --json=yes
bad 2 "flopwatt run: ambiguous option '--se' (--set, --seed)" run $cfg $tiny --se 1
bad 2 "flopwatt run: unexpected argument 'extra'" run $cfg $tiny extra
bad 2 "flopwatt run: CONFIG and WORKLOAD cannot both be '-' (standard input)" run - -
bad 2 "flopwatt run: unknown option '-x' (try 'flopwatt run --help')" run $cfg $tiny -x
bad 2 "flopwatt sweep: unknown option '--reusme' (did you mean '--resume'?)" sweep s.json --reusme
bad 2 "flopwatt sweep: option '-j' needs a value" sweep s.json -j
bad 2 "flopwatt workload: unknown option '--scalsim' (did you mean '--scalesim'?)" \
    workload $tiny --scalsim
bad 2 "flopwatt merge: unknown option '--ot' (did you mean '--out'?)" merge --ot d x
bad 2 "flopwatt plot: unknown option '--colour' (did you mean '--color'?)" plot pareto d --colour x
bad 2 "flopwatt ceiling: unknown option '--ndoe' (did you mean '--node'?)" ceiling --ndoe=28
bad 2 "flopwatt validate: unexpected argument 'all'" validate all
bad 2 "flopwatt validate: unknown option '--max-eror' (did you mean '--max-error'?)" validate --max-eror=5
bad 2 "flopwatt calibrate: unknown option '--mesurement' (did you mean '--measurement'?)" calibrate --mesurement all
bad 2 "flopwatt fp: unknown option '-rnear_evn' (did you mean '-rnear_even'?)" fp -rnear_evn f16_add
bad 2 "flopwatt: unknown command 'swep' (did you mean 'sweep'?)" swep x
bad 2 "flopwatt: unknown command 'wrokload' (did you mean 'workload'?)" wrokload x
bad 2 "flopwatt: unknown command 'frob' (try 'flopwatt --help')" frob
# exit 3: a file that cannot be read
bad 3 "flopwatt workload: $tmp/none.json: cannot open: No such file or directory" \
    workload "$tmp/none.json"

# --help: exit 0 on stdout for every command; the exit statuses are documented
for c in run workload fp ceiling validate calibrate sweep merge plot; do
    checks=$((checks + 1))
    "$fw" "$c" --help >"$tmp/help" 2>&1 || fail "$c --help: nonzero exit"
    grep -q '^usage: flopwatt' "$tmp/help" || fail "$c --help: no usage line"
done
checks=$((checks + 1))
"$fw" --help >"$tmp/help"
for s in 0 1 2 3; do
    grep -q "^  $s  " "$tmp/help" || fail "--help does not document exit status $s"
done

echo "args.sh: $checks checks, $fails failed"
[[ $fails -eq 0 ]]
