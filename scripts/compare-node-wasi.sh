#!/usr/bin/env bash
# Runs the C program set of wasi/tests/guests under `wippy wasm` and under node's
# built-in WASI (preview1) and compares, for each run: stdout, the exit code, and the
# files the program left in its mount.
#   scripts/compare-node-wasi.sh [BUILD_DIR [GUEST...]]   (default: build)
# With GUEST names (build/guests/GUEST.wasm), runs only those, without arguments or input.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-build}"
shift $(($# > 0 ? 1 : 0))
only=("$@")
wippy="$build/cli/wippy"
guests="$build/guests"
node_runner="$here/run-node-wasi.js"
if [ ${#only[@]} -gt 0 ]; then
  required=("$wippy")
  for g in "${only[@]}"; do required+=("$guests/$g.wasm"); done
else
  required=("$wippy" "$guests/wasi_fs_ops.wasm")
fi
for f in "${required[@]}"; do
  [ -e "$f" ] || { echo "missing $f (build first)" >&2; exit 2; }
done
command -v node >/dev/null || { echo "node not found" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fails=0
runs=0

# compare NAME STDIN-TEXT GUEST [options and args for both runners...]
# Every "@DATA" in the arguments is replaced by each runner's own mount directory.
compare() {
  local name="$1" input="$2" guest="$3"
  shift 3
  local a="$work/$name.wippy" b="$work/$name.node"
  mkdir -p "$a/data" "$b/data"
  local wargs=() nargs=() w
  for w in "$@"; do
    wargs+=("${w//@DATA/$a/data}")
    nargs+=("${w//@DATA/$b/data}")
  done
  # Options go before the file for node, anywhere for wippy.
  local wopts=() nopts=() wrest=() nrest=() i=0
  while [ $i -lt ${#wargs[@]} ]; do
    case "${wargs[$i]}" in
      --dir|--env)
        wopts+=("${wargs[$i]}" "${wargs[$((i + 1))]}")
        nopts+=("${nargs[$i]}" "${nargs[$((i + 1))]}")
        i=$((i + 2));;
      *)
        wrest+=("${wargs[$i]}")
        nrest+=("${nargs[$i]}")
        i=$((i + 1));;
    esac
  done
  printf '%s' "$input" | "$wippy" wasm "${wopts[@]}" "$guests/$guest.wasm" -- "${wrest[@]}" >"$a/stdout" 2>"$a/stderr"
  local wcode=$?
  printf '%s' "$input" | node "$node_runner" "${nopts[@]}" "$guests/$guest.wasm" "${nrest[@]}" >"$b/stdout" 2>"$b/stderr"
  local ncode=$?
  runs=$((runs + 1))
  local ok=1
  if [ $wcode -ne $ncode ]; then
    echo "$name: exit code wippy=$wcode node=$ncode"
    ok=0
  fi
  if ! diff -u "$b/stdout" "$a/stdout" >"$work/$name.diff"; then
    echo "$name: stdout differs (- node, + wippy):"
    cat "$work/$name.diff"
    ok=0
  fi
  if ! diff -r "$b/data" "$a/data" >"$work/$name.fsdiff"; then
    echo "$name: files differ:"
    cat "$work/$name.fsdiff"
    ok=0
  fi
  if [ $ok -eq 1 ]; then
    echo "same: $name (exit $wcode, $(wc -c <"$a/stdout") bytes of stdout, $(find "$a/data" -type f | wc -l) files)"
  else
    fails=$((fails + 1))
  fi
}

if [ ${#only[@]} -gt 0 ]; then
  for g in "${only[@]}"; do compare "$g" "" "$g"; done
else
  compare fs_ops "" wasi_fs_ops --dir @DATA::/data
  compare env_args "" wasi_env_args --env GREETING=hello --env LANG=C one "two words" three
  compare env_args_short "" wasi_env_args --env GREETING= x
  compare sleep "" wasi_sleep 30
  compare stdin_upper "$(printf 'line one\nline two\nthree')" wasi_stdin_upper
  compare stdin_empty "" wasi_stdin_upper
fi

echo "$((runs - fails)) of $runs runs the same under wippy and node"
[ $fails -eq 0 ]
