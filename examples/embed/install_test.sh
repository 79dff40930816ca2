#!/usr/bin/env bash
# Installs the build into a temporary prefix, builds examples/embed against it with
# find_package(wippy), runs it, and runs embed.lua with stock lua5.4 and only the
# installed wippy.so.
#   install_test.sh BUILD_DIR GUEST_WASM
set -euo pipefail
build=$1
guest=$2
src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
# Only the public headers are installed.
headers=$(cd "$tmp/prefix/include" && ls)
[[ "$headers" == "wippy" ]] || { echo "installed include/ holds: $headers" >&2; exit 1; }
test -f "$tmp/prefix/lib/lua/5.4/wippy.so"
test -f "$tmp/prefix/lib/pkgconfig/wippy.pc"

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$src" -B "$tmp/embed" -G Ninja -DCMAKE_PREFIX_PATH="$tmp/prefix" "${launcher[@]}" >/dev/null
cmake --build "$tmp/embed" >/dev/null
echo "== embed (C++)"
"$tmp/embed/embed" "$guest"

# The pkg-config file gives the same program.
pc_flags=$(PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig" pkg-config --cflags --libs wippy)
# shellcheck disable=SC2086
c++ "$src/main.cpp" -o "$tmp/embed-pc" $pc_flags
out=$("$tmp/embed-pc" "$guest")
[[ "$out" == *"resumable sum = 50005000"* ]] || { echo "the pkg-config build printed: $out" >&2; exit 1; }
echo "== embed (C++, built with pkg-config): ok"

echo "== embed.lua"
env -u LUA_CPATH_5_4 -u LUA_PATH_5_4 LUA_CPATH="$tmp/prefix/lib/lua/5.4/?.so" LUA_PATH="" lua5.4 "$src/embed.lua" "$guest"
