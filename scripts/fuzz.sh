#!/usr/bin/env bash
# Builds the libFuzzer target fuzz_decode with clang + ASan + UBSan into ./build-fuzz
# and runs it for SECONDS (default 60) with the main build's test guests and a sample
# of its converted spec binaries (whichever it has) as the seed corpus. The fuzz build
# has no tests, hence no guests of its own.
#   scripts/fuzz.sh [SECONDS]
# A crash leaves its input in build-fuzz/artifacts/ and makes the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
B=${FUZZ_BUILD_DIR:-build-fuzz}
CLANG=$(command -v clang-14 || command -v clang)
CLANGXX=$(command -v clang++-14 || command -v clang++)
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$B" -G Ninja -DCMAKE_C_COMPILER="$CLANG" -DCMAKE_CXX_COMPILER="$CLANGXX" \
  -DWIPPY_FUZZ=ON -DWIPPY_SANITIZE=ON -DWIPPY_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link" \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -g" "${launcher[@]}"
ninja -C "$B" -j "$(nproc)" fuzz_decode

seeds="$B/seeds"
corpus="$B/corpus"
mkdir -p "$seeds" "$corpus" "$B/artifacts"
main=${BUILD_DIR:-build}
if compgen -G "$main/guests/*.wasm" >/dev/null; then
  cp "$main"/guests/*.wasm "$seeds"/
else
  echo "fuzz.sh: no test guests in $main/guests (build the main build first); fewer seeds" >&2
fi
spec=$main/spec/core
if [[ -d "$spec" ]]; then
  # A deterministic sample of the spec binaries (malformed, invalid and valid ones).
  find "$spec" -name '*.wasm' | sort | awk 'NR % 20 == 0' | head -n 1000 |
    while read -r f; do cp "$f" "$seeds/spec-$(echo "$f" | tr '/' '_')"; done
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$B/fuzz/fuzz_decode" -max_total_time="$SECS" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1 -artifact_prefix="$B/artifacts/" "$corpus" "$seeds"
