#!/usr/bin/env bash
# tools/run-tests.sh BUILD: runs every test suite and prints one closing line
# "N passed, N failed" (N counted in suites: one Criterion binary or one script each).
#   $BUILD/tests/test_*   Criterion unit-test binaries (each prints its own Synthesis line)
#   tests/cli/*.sh        end-to-end tests of the flopwatt command
#   tests/rtl/*.sh        RTL co-simulation (skipped when FLOPWATT_SKIP_RTL=1)
# Environment passed on: BUILD, FLOPWATT (the binary), FLOPWATT_LONG (1 for the long variants).
set -uo pipefail
build=${1:-build}
export BUILD="$build"
export FLOPWATT=${FLOPWATT:-$build/flopwatt}
passed=0
failed=0
failures=()

run_suite() {
    local name=$1
    shift
    echo "---- $name"
    local start=$SECONDS
    if "$@"; then
        passed=$((passed + 1))
        echo "---- $name: ok ($((SECONDS - start)) s)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "---- $name: FAILED ($((SECONDS - start)) s)"
    fi
}

for t in "$build"/tests/test_*; do
    [[ -x "$t" ]] || continue
    run_suite "$(basename "$t")" "$t" --timeout 600
done
for t in tests/cli/*.sh; do
    [[ -f "$t" ]] || continue
    run_suite "$t" bash "$t"
done
if [[ "${FLOPWATT_SKIP_RTL:-0}" != 1 ]]; then
    for t in tests/rtl/*.sh; do
        [[ -f "$t" ]] || continue
        run_suite "$t" bash "$t"
    done
fi

for f in "${failures[@]+"${failures[@]}"}"; do
    echo "failed: $f"
done
echo "suites: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
