#!/usr/bin/env bash
# Installs jco (the Bytecode Alliance's JavaScript component tools, npm
# @bytecodealliance/jco) into DIR (default build/jco), where the component tests'
# build turns core test guests into components. Idempotent: does nothing when the
# pinned version is already there. Needs node and npm (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
JCO_VERSION=1.35.0
DIR=${1:-${BUILD_DIR:-build}/jco}
pkg="$DIR/node_modules/@bytecodealliance/jco/package.json"
if [[ -f "$pkg" ]] && grep -q "\"version\": \"$JCO_VERSION\"" "$pkg"; then
  echo "install-jco: jco $JCO_VERSION present in $DIR"
  exit 0
fi
mkdir -p "$DIR"
echo "install-jco: installing jco $JCO_VERSION into $DIR"
npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error "@bytecodealliance/jco@$JCO_VERSION"
