# tests/cli/lib.bash: helpers shared by the CLI test scripts (sourced, not a test: run-tests.sh
# runs tests/cli/*.sh only). The caller defines $fw (the binary), $tmp (its scratch directory
# under $BUILD) and fail (reports and exits).

# expect_exit2 WANT ARGS...: `$fw ARGS` is bad input: exit status 2 and exactly one line on
# stderr, which contains WANT. Leaves the output in $tmp/out and $tmp/err. Works with or
# without set -e in the caller.
expect_exit2() {
    local want=$1 rc=0
    shift
    "$fw" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    [[ $rc -eq 2 ]] || fail "'$*': exit $rc, expected 2"
    [[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "'$*': not one line: $(cat "$tmp/err")"
    grep -qF -- "$want" "$tmp/err" || fail "'$*': got '$(cat "$tmp/err")', expected '$want'"
}
