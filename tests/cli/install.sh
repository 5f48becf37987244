#!/usr/bin/env bash
# tests/cli/install.sh: `make install PREFIX=...` into a temporary prefix, then, from another
# directory: the README tour with shipped inputs named without a path (run, workload, sweep,
# fp, ceiling, validate, calibrate, plot), the man page, bash completion, and a small C program
# compiled against the installed library through pkg-config whose MAC count must equal
# `flopwatt workload --json`. The CLI code is not in the library. Writes only under $BUILD.
set -euo pipefail
build=${BUILD:-build}
root=$(pwd)
tmp="$root/$build/tmp/cli_install"
rm -rf "$tmp"
mkdir -p "$tmp/elsewhere"
prefix="$tmp/prefix"
fail() { echo "install.sh: FAIL: $*" >&2; exit 1; }

make --no-print-directory -s BUILD="$build" PREFIX="$prefix" install >"$tmp/make.log" 2>&1 ||
    { tail -20 "$tmp/make.log"; fail "make install"; }
fw="$prefix/bin/flopwatt"
for f in bin/flopwatt share/flopwatt/configs/tpu_v1_like.json \
    share/flopwatt/configs/workloads/resnet50.json share/flopwatt/configs/sweeps/example.json \
    share/man/man1/flopwatt.1 share/bash-completion/completions/flopwatt lib/libflopwatt.a \
    lib/libflopwatt_numerics.a lib/pkgconfig/flopwatt.pc include/flopwatt/config/cfg.h \
    include/flopwatt/common/fw_err.h; do
    [[ -f "$prefix/$f" ]] || fail "$f not installed"
done
[[ -e "$prefix/include/flopwatt/cli" ]] && fail "CLI headers installed"
nm "$prefix/lib/libflopwatt.a" 2>/dev/null | grep -qE ' T (cmd_run|sw_eval_analytic)$' &&
    fail "the library holds CLI or test-only code"

cd "$tmp/elsewhere"
"$fw" --version | grep -q "^flopwatt [0-9]" || fail "--version"
"$fw" workload resnet152 --json | jq -e '.total.macs == 11282415616' >/dev/null ||
    fail "workload resnet152 by name"
"$fw" run tpu_v1_like resnet50 >run.txt && grep -q '^total ' run.txt || fail "run by names"
"$fw" run test8x8 tiny --engine pe --dump-outputs out.hex >/dev/null && [[ -s out.hex ]] ||
    fail "run --engine pe by names"
"$fw" run edge32x32 resnet50.csv --set array.schedule=serial --ideal-memory >/dev/null ||
    fail "run on the SCALE-Sim CSV by name"
[[ $(printf '3C00 3C00 3C00\n' | "$fw" fp f16_mulAdd) == "3C00 3C00 3C00 4000 00" ]] || fail "fp"
"$fw" ceiling >/dev/null || fail "ceiling"
"$fw" ceiling --config tpu_v1_like --workload resnet50 --json | jq -e '.[0].ladder[5].level == "achieved"' \
    >/dev/null || fail "ceiling --config/--workload by names"
"$fw" validate >/dev/null || fail "validate (built-in chip database) from another directory"
"$fw" calibrate --out overlay.json >/dev/null || fail "calibrate"
"$fw" sweep example --dry-run | grep -q "^sweep .*example.json: 135 points, 0 invalid$" ||
    fail "sweep example --dry-run by name"
"$fw" plot trend --out plots >/dev/null && [[ -s plots/trend.png ]] || fail "plot trend"
# FLOPWATT_DATA (the technology data at its top, e.g. a copy of share/flopwatt) is searched
# before the installed share
mkdir -p data/configs && cp "$prefix"/share/flopwatt/*.json data/ && sed 's/"tpu_v1_like"/"mine"/' "$prefix/share/flopwatt/configs/tpu_v1_like.json" >data/configs/mine.json
FLOPWATT_DATA=$PWD/data "$fw" run mine tiny --json | jq -e '.config.name == "mine"' >/dev/null ||
    fail "FLOPWATT_DATA lookup"

# man page and completion
grep -q '^\.TH FLOPWATT' "$prefix/share/man/man1/flopwatt.1" || fail "man page"
grep -q 'exit status' "$prefix/share/man/man1/flopwatt.1" || fail "man page lacks the exit statuses"
out=$(bash -c "source '$prefix/share/bash-completion/completions/flopwatt'
COMP_WORDS=('$fw' sw); COMP_CWORD=1; _flopwatt; echo \${COMPREPLY[*]}
COMP_WORDS=('$fw' run --ide); COMP_CWORD=2; _flopwatt; echo \${COMPREPLY[*]}")
[[ "$out" == $'sweep\n--ideal-memory' ]] || fail "completion: $out"

# a C program against the installed library
cat >prog.c <<'C'
#include "config/cfg.h"
#include "workload/wl.h"
#include <inttypes.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    cfg_accel cfg;
    wl_workload *wl;
    fw_err err;
    if (argc != 3 || cfg_load(argv[1], NULL, 0, &cfg, &err) || wl_load(argv[2], 0, &wl, &err)) {
        fprintf(stderr, "%s\n", argc == 3 ? err.msg : "usage");
        return 2;
    }
    uint64_t macs = 0;
    for (size_t i = 0; i < wl->layer_count; i++)
        macs += wl_layer_macs(&wl->layers[i]);
    printf("%s %ux%u %" PRIu64 "\n", cfg.name, cfg.rows, cfg.cols, macs);
    wl_destroy(wl);
    return 0;
}
C
# shellcheck disable=SC2046,SC2086
# under `make test-asan` the installed library is instrumented: link the program with the same
# sanitizer flags ($SAN, exported by make; empty otherwise)
cc -std=c11 ${SAN:-} -o prog prog.c $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs --static flopwatt) ||
    fail "compiling against the installed library"
share="$prefix/share/flopwatt/configs"
want=$("$fw" workload resnet50 --json | jq .total.macs)
[[ $(./prog "$share/tpu_v1_like.json" "$share/workloads/resnet50.json") == "tpu_v1_like 256x256 $want" ]] ||
    fail "prog: $(./prog "$share/tpu_v1_like.json" "$share/workloads/resnet50.json")"
echo "install.sh: ok (tour from another directory by names, man page, completion, pkg-config program)"
