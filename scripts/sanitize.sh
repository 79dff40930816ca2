#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer build in ./build-asan.
#   scripts/sanitize.sh          builds and runs the decoder robustness test (the spec
#                                suite's binaries from ./build/spec/core, when the main
#                                build converted them, plus damaged copies of the guests)
#   scripts/sanitize.sh --all    builds everything and runs the whole ctest suite
set -euo pipefail
cd "$(dirname "$0")/.."
B=${ASAN_BUILD_DIR:-build-asan}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# -O1: sanitizer builds of the interpreter compile much faster than at -O3.
cmake -S . -B "$B" -G Ninja -DWIPPY_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g" "${launcher[@]}"
if [[ "${1:-}" == "--all" ]]; then
  ninja -C "$B" -j "$(nproc)"
  ctest --test-dir "$B" --output-on-failure -j2
else
  ninja -C "$B" -j "$(nproc)" robustness_tests guests
  spec=${WIPPY_SPEC_DIR:-${BUILD_DIR:-build}/spec/core}
  [[ -d "$spec" ]] || echo "sanitize: $spec not found (run scripts/build.sh first); spec binaries skipped"
  WIPPY_SPEC_DIR="$spec" "$B/tests/robustness_tests"
fi
