#!/usr/bin/env bash
# tools/run-default.sh BIN: the main job of `make run` on the shipped defaults.
set -euo pipefail
bin=${1:-build/flopwatt}
"$bin" --help
