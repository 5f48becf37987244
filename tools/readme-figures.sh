#!/usr/bin/env bash
# tools/readme-figures.sh [FLOPWATT] [OUT]: regenerates the example figures the README shows, one
# of each kind `flopwatt plot` draws, into OUT (default docs/img): the Pareto panels of the
# example sweep (3 objectives), the per-stage energy of ResNet-152 on tpu_v1_like, the efficiency
# ladder of `flopwatt ceiling`, and the demand/efficiency trend. Work files go to build/figures.
set -euo pipefail
fw=${1:-build/flopwatt}
out=${2:-docs/img}
work=build/figures
rm -rf "$work"
mkdir -p "$work" "$out"
"$fw" sweep configs/sweeps/example.json -j2 --out "$work/sweep" >/dev/null
"$fw" plot pareto "$work/sweep" --out "$work/pareto" >/dev/null
"$fw" run configs/tpu_v1_like.json configs/workloads/resnet152.json --json >"$work/resnet152.json"
"$fw" plot layers "$work/resnet152.json" --out "$work/layers" >/dev/null
"$fw" ceiling --json >"$work/ceiling.json" 2>/dev/null
"$fw" plot ceiling "$work/ceiling.json" --out "$work/ceiling" >/dev/null
"$fw" plot trend --out "$work/trend" >/dev/null
for k in pareto layers ceiling trend; do
    cp "$work/$k/$k.png" "$out/$k.png"
done
echo "wrote $out/{pareto,layers,ceiling,trend}.png"
