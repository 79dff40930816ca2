#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
# --timeout: a hung test fails in 5 minutes instead of eating the CI budget.
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 --timeout 300
