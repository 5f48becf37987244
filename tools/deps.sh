#!/usr/bin/env bash
# tools/deps.sh: installs the Debian 12 packages flopwatt needs to build and test, if missing.
# Idempotent and fast when everything is present (one dpkg-query); runs `apt-get update` only
# when something must be installed. When not root it prints the exact command and fails.
set -euo pipefail

PACKAGES=(
    build-essential pkg-config ccache zlib1g-dev
    libcjson-dev libgsl-dev libcriterion-dev libmpfr-dev libgmp-dev
    verilator libsystemc-dev yosys gnuplot-nox
    jq python3 graphviz
    libprotobuf-c-dev protobuf-c-compiler python3-onnx
    clang libclang-rt-14-dev valgrind help2man time
)

missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
    echo "tools/deps.sh: missing packages: ${missing[*]}" >&2
    echo "tools/deps.sh: run as root: $cmd" >&2
    exit 1
fi
echo "tools/deps.sh: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
