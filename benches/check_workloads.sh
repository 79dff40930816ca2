#!/usr/bin/env bash
# ctest bench_workloads_checksums: runs every workload at a tiny scale under
# `wippy wasm` and natively and requires the same single "checksum: <u64>" line.
#   check_workloads.sh WIPPY GUEST_DIR NATIVE_DIR WORKLOAD...
set -uo pipefail
wippy=$1 guests=$2 natives=$3
shift 3
scale=${WIPPY_CHECK_SCALE:-4}
fail=0
for w in "$@"; do
  native_out=$("$natives/${w}_native" "$scale") || { echo "FAIL $w: native exited $?"; fail=1; continue; }
  wippy_out=$("$wippy" wasm "$guests/$w.wasm" "$scale") || { echo "FAIL $w: wippy exited $?"; fail=1; continue; }
  if [[ ! $native_out =~ ^checksum:\ [0-9]+$ ]]; then
    echo "FAIL $w: native printed '$native_out'"
    fail=1
  elif [[ "$wippy_out" != "$native_out" ]]; then
    echo "FAIL $w: wippy printed '$wippy_out', native '$native_out'"
    fail=1
  else
    echo "ok   $w: $native_out"
  fi
done
exit $fail
