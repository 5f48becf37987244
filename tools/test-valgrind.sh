#!/usr/bin/env bash
# tools/test-valgrind.sh BUILD [SCRIPT...]: the CLI tests (tests/cli/*.sh, or the scripts named)
# with every flopwatt process under valgrind memcheck: an invalid read or write, a use of an
# uninitialised value or a definite leak fails the command (exit 99) and so the test. `make
# test-valgrind`. Slow (10-50x): not part of `make test`; install.sh (which runs make) is left out.
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
exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \\
    --suppressions="$PWD/tools/valgrind.supp" --trace-children=no "$PWD/$build/valgrind/flopwatt.bin" "\$@"
W
chmod +x "$wrapper"
scripts=("$@")
[[ ${#scripts[@]} -eq 0 ]] && scripts=(tests/cli/*.sh)
passed=0
failed=()
for t in "${scripts[@]}"; do
    [[ $t == */install.sh ]] && continue
    echo "---- $t (valgrind)"
    if FLOPWATT="$wrapper" BUILD="$build/valgrind" bash "$t"; then
        passed=$((passed + 1))
    else
        failed+=("$t")
    fi
done
for f in "${failed[@]+"${failed[@]}"}"; do echo "failed under valgrind: $f"; done
echo "valgrind: ${passed} passed, ${#failed[@]} failed"
[[ ${#failed[@]} -eq 0 ]]
