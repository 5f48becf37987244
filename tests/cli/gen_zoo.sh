#!/usr/bin/env bash
# tests/cli/gen_zoo.sh: tools/gen_zoo.py reproduces the committed zoo byte for byte (the zoo
# files are generated, never edited by hand). Writes only under $BUILD.
set -euo pipefail
build=${BUILD:-build}
out="$build/tmp/gen_zoo"
rm -rf "$out"
mkdir -p "$out"
python3 tools/gen_zoo.py --out "$out"
n=0
for f in "$out"/*.json; do
    name=$(basename "$f")
    if ! cmp -s "$f" "configs/workloads/$name"; then
        echo "gen_zoo: configs/workloads/$name differs from the generator's output:" >&2
        diff "configs/workloads/$name" "$f" | head -5 >&2 || true
        exit 1
    fi
    n=$((n + 1))
done
[[ $n -ge 15 ]] || { echo "gen_zoo: only $n files generated" >&2; exit 1; }
echo "gen_zoo: $n generated files equal the committed ones"
