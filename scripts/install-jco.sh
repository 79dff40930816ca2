#!/usr/bin/env bash
# Installs jco (the Bytecode Alliance's JavaScript component tools, npm
# @bytecodealliance/jco) and componentize-js (JavaScript -> component with
# SpiderMonkey inside) into DIR (default build/jco), where the component tests'
# build turns test guests into components. Idempotent: does nothing when the pinned
# versions are already there, so builds run offline once it has run. Needs node
# (20 or newer) and npm (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
JCO_VERSION=1.35.0
COMPONENTIZE_JS_VERSION=0.22.0  # the one jco $JCO_VERSION resolves; runs on node 20
# componentize-js imports preview2-shim at run time but lists it only as a dev
# dependency, so it is installed next to it.
PREVIEW2_SHIM_VERSION=0.17.9
DIR=${1:-${BUILD_DIR:-build}/jco}
modules="$DIR/node_modules/@bytecodealliance"
has() { [[ -f "$modules/$1/package.json" ]] && grep -q "\"version\": \"$2\"" "$modules/$1/package.json"; }
if has jco "$JCO_VERSION" && has componentize-js "$COMPONENTIZE_JS_VERSION" &&
   has preview2-shim "$PREVIEW2_SHIM_VERSION"; then
  echo "install-jco: jco $JCO_VERSION, componentize-js $COMPONENTIZE_JS_VERSION present in $DIR"
  exit 0
fi
mkdir -p "$DIR"
echo "install-jco: installing jco $JCO_VERSION, componentize-js $COMPONENTIZE_JS_VERSION into $DIR"
npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error \
  "@bytecodealliance/jco@$JCO_VERSION" \
  "@bytecodealliance/componentize-js@$COMPONENTIZE_JS_VERSION" \
  "@bytecodealliance/preview2-shim@$PREVIEW2_SHIM_VERSION"
