#!/usr/bin/env bash
# tools/run-default.sh BIN: the main job of `make run` on the shipped defaults: ResNet-50 on the
# TPU-v1-like config (per-layer table and totals).
set -euo pipefail
bin=${1:-build/flopwatt}
"$bin" run configs/tpu_v1_like.json configs/workloads/resnet50.json
