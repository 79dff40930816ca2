#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the tests and the benchmarks need,
# then jco (npm, for the component tests) into build/jco via scripts/install-jco.sh.
# Idempotent and fast when everything is present: asks dpkg first, and only runs
# apt-get (update + install) for what is missing. Works as root or through sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  clang lld libclang-rt-14-dev wasi-libc libclang-rt-14-dev-wasm32 wabt binaryen
  libyaml-cpp-dev libxxhash-dev libssl-dev liblua5.4-dev lua5.4 libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libuv1-dev nlohmann-json3-dev
  nodejs hyperfine valgrind nats-server libnats-dev libcurl4-openssl-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  # jco (npm) for the component tests, cached in the build tree.
  "$(dirname "$0")/install-jco.sh"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
"$(dirname "$0")/install-jco.sh"
