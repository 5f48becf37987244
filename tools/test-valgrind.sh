#!/usr/bin/env bash
# tools/test-valgrind.sh BUILD [SCRIPT...]: the CLI tests (tests/cli/*.sh, or the scripts named)
# with every flopwatt process under valgrind memcheck: an invalid read or write, a use of an
# uninitialised value or a definite leak fails the command (exit 99) and the script. Each
# process writes its report to BUILD/valgrind/logs/ and the script fails when any report counts
# an error, also where the script expected that command to fail (a bad-input check that only
# asks for a nonzero exit would take exit 99 for a pass). Prints per script the processes run
# and the errors counted. `make test-valgrind`. Slow (10-50x): not part of `make test`;
# install.sh (which runs make) is left out.
set -uo pipefail
build=${1:-build}
shift || true
wrapper="$build/valgrind/flopwatt"
mkdir -p "$(dirname "$wrapper")"
# The binary under test is a copy taken now: the run takes an hour or more, and a rebuild of
# $build/flopwatt meanwhile (relinking removes it for a moment, and the new one prints another
# version string) made args.sh's "same output" pairs differ, and can fail a script's every
# command.
cp "$build/flopwatt" "$build/valgrind/flopwatt.bin"
cat >"$wrapper" <<W
#!/bin/sh
exec valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \\
    --log-file="$PWD/$build/valgrind/logs/vg.%p.log" --suppressions="$PWD/tools/valgrind.supp" \\
    --trace-children=no "$PWD/$build/valgrind/flopwatt.bin" "\$@"
W
chmod +x "$wrapper"
scripts=("$@")
[[ ${#scripts[@]} -eq 0 ]] && scripts=(tests/cli/*.sh)
passed=0
failed=()
for t in "${scripts[@]}"; do
    [[ $t == */install.sh ]] && continue
    echo "---- $t (valgrind)"
    logs="$build/valgrind/logs"
    rm -rf "$logs"
    mkdir -p "$logs"
    FLOPWATT="$wrapper" BUILD="$build/valgrind" bash "$t"
    rc=$?
    # one log per process (forked sweep workers included): "ERROR SUMMARY: N errors"
    procs=$(find "$logs" -name 'vg.*.log' | wc -l)
    errors=0
    bad=()
    for log in "$logs"/vg.*.log; do
        [[ -f $log ]] || continue
        n=$(grep -oE 'ERROR SUMMARY: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+$' || echo 0)
        if [[ $n -gt 0 ]]; then
            errors=$((errors + n))
            bad+=("$log")
        fi
    done
    echo "---- $t: $procs flopwatt processes under memcheck, $errors errors"
    for log in "${bad[@]+"${bad[@]}"}"; do
        echo "memcheck report $log:"
        grep -vE '^==[0-9]+== *$' "$log" | head -n 40
    done
    if [[ $rc -eq 0 && $errors -eq 0 ]]; then
        passed=$((passed + 1))
    else
        failed+=("$t")
    fi
done
for f in "${failed[@]+"${failed[@]}"}"; do echo "failed under valgrind: $f"; done
echo "valgrind: ${passed} passed, ${#failed[@]} failed"
[[ ${#failed[@]} -eq 0 ]]
