#!/usr/bin/env bash
# The layering rule: nothing above engine/ includes interp/ headers or names interp::
# (those layers use the engine's types: engine/types.h, host.h, execution.h), so
# the interpreter can change behind engine/. Prints each offending file:line and
# fails; succeeds silently on a clean tree.
#   check_layers.sh [SOURCE_DIR]   (default: the repository this script is in)
set -euo pipefail
root=${1:-"$(cd "$(dirname "$0")/../.." && pwd)"}
cd "$root"
upper=(wasi procs registry lua runtime cli cluster api luamod)
dirs=()
for d in "${upper[@]}"; do [[ -d $d ]] && dirs+=("$d"); done
if [[ ${#dirs[@]} -eq 0 ]]; then
  echo "check_layers: none of ${upper[*]} under $root" >&2
  exit 2
fi
hits=$(grep -rnE --include='*.h' --include='*.hpp' --include='*.cpp' --include='*.c' --include='*.inc' \
  '#[[:space:]]*include[[:space:]]*[<"]interp/|(^|[^A-Za-z0-9_])interp::' "${dirs[@]}" || true)
if [[ -n $hits ]]; then
  echo "layering: these files above engine/ use interp/ directly (use engine/types.h, engine/host.h, engine/execution.h):" >&2
  echo "$hits" >&2
  exit 1
fi
