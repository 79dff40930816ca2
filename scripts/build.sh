#!/usr/bin/env bash
# Configures and builds the project into ./build (Ninja, RelWithDebInfo, ccache).
#   BUILD_DIR=dir   another build directory
#   extra arguments go to cmake, e.g. scripts/build.sh -DWIPPY_SANITIZE=ON
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
JOBS=${JOBS:-$(nproc)}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "${launcher[@]}" "$@"
ninja -C "$BUILD_DIR" -j "$JOBS"
