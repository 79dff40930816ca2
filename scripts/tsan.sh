#!/usr/bin/env bash
# ThreadSanitizer build in ./build-tsan of the test binaries whose code runs on
# several threads (the process host: dispatcher workers, the libuv loop thread, the
# I/O pool; Lua processes on that host; and lazy translation's first calls), and a
# run of them. Any reported race
# fails the script.
#   scripts/tsan.sh          (JOBS=N: parallel build jobs, default: the number of cores)
set -euo pipefail
cd "$(dirname "$0")/.."
B=${TSAN_BUILD_DIR:-build-tsan}
here=$(pwd)
# halt_on_error: the first race fails the run; second_deadlock_stack: both stacks of a
# lock-order inversion. The suppressions file says why each entry is there.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$here/scripts/tsan.supp}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# -O1: sanitizer builds of the interpreter compile much faster than at -O3.
cmake -S . -B "$B" -G Ninja -DWIPPY_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g" "${launcher[@]}"
ninja -C "$B" -j "${JOBS:-$(nproc)}" procs_tests lua_tests interp_tests
# Lazy translation: threads entering one untranslated function at once.
"$B/interp/interp_tests" --gtest_filter='LazyTranslation.*'
"$B/procs/procs_tests"
"$B/lua/lua_tests"
