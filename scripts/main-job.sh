#!/usr/bin/env bash
# The main job: install dependencies, build, then run the guests with `wippy wasm`:
# hello (a WASI command with arguments) and the checksum benchmark, compared with
# the same program built natively and, when node is present, run by node's WASI;
# then `wippy run demo` in the example project examples/demo (a Lua process that
# spawns a WASM worker and prints its result, result=42), and `wippy run users` in
# examples/components (a Lua process spawns a component with a list of records).
#   CHECKSUM_SCALE=N   work size of the checksum program (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
B=${BUILD_DIR:-build}
SCALE=${CHECKSUM_SCALE:-200000}

now_ms() { date +%s%3N; }

echo
echo "== wippy wasm $B/guests/hello.wasm main job"
"$B/cli/wippy" wasm "$B/guests/hello.wasm" main job

echo
echo "== checksum benchmark (scale $SCALE)"
t0=$(now_ms)
wippy_out=$("$B/cli/wippy" wasm "$B/guests/checksum.wasm" "$SCALE" --stats 2>"$B/checksum-stats.txt")
t1=$(now_ms)
native_out=$("$B/tests/checksum_native" "$SCALE")
t2=$(now_ms)
printf '%-8s %-34s %8s ms\n' wippy "$wippy_out" $((t1 - t0))
printf '%-8s %-34s %8s ms\n' native "$native_out" $((t2 - t1))
if command -v node >/dev/null; then
  t3=$(now_ms)
  node_out=$(node scripts/run-node-wasi.js "$B/guests/checksum.wasm" "$SCALE")
  t4=$(now_ms)
  printf '%-8s %-34s %8s ms\n' node "$node_out" $((t4 - t3))
fi
sed 's/^/  wippy /' "$B/checksum-stats.txt"
if [[ "$wippy_out" != "$native_out" ]]; then
  echo "main-job: checksum mismatch between wippy and the native build" >&2
  exit 1
fi
echo "checksums agree"

echo
echo "== wippy run demo (in $B/examples/demo)"
wippy_bin="$(cd "$B/cli" && pwd)/wippy"
demo_out=$(cd "$B/examples/demo" && "$wippy_bin" run demo)
echo "$demo_out"
if [[ "$demo_out" != "result=42" ]]; then
  echo "main-job: wippy run demo printed '$demo_out', expected result=42" >&2
  exit 1
fi

echo
echo "== wippy run users (in $B/examples/components: Lua spawns a component with records)"
users_out=$(cd "$B/examples/components" && "$wippy_bin" run users)
echo "$users_out"
if [[ "$(head -n1 <<<"$users_out")" != "user 1: ann-x, 32, tags=admin" || "$(tail -n1 <<<"$users_out")" != "done" ]]; then
  echo "main-job: wippy run users printed unexpected output" >&2
  exit 1
fi
