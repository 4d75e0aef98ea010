#!/usr/bin/env bash
# Makes the Pulumi CLI available for the demo and the engine tests, offline, and prints where.
#
#   scripts/pulumi-cli.sh            ensure the CLI; the last line is PULUMI_BIN_DIR=<dir>
#   scripts/pulumi-cli.sh --rebuild  build again even when the cache is current
#
# Order: a `pulumi` already on PATH at version >= $PULUMI_MIN_VERSION (with the dynamic-provider
# plugin script beside it or on PATH) is used as it is; else the per-machine cache
# ($DRPLANE_CACHE_DIR, default ~/.cache/drplane) is used when it holds this exact build; else
# the CLI is built there from its Go module (github.com/pulumi/pulumi/pkg/v3 at the version in
# scripts/pulumi-cli/go.mod) through the Go module proxy. Nothing prebuilt is downloaded, and no
# plugin is ever acquired: dynamic providers need only `pulumi-resource-pulumi-nodejs`, the shell
# script that @pulumi/pulumi ships, which is copied beside the binary.
#
# The Node.js language host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
# is tried too. When the proxy refuses it, its exact error is printed and recorded, and the
# stand-in scripts/engine/pulumi-language-nodejs goes beside the binary instead (docs/engine.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WRAPPER="$ROOT/scripts/pulumi-cli"
PULUMI_VERSION=$(awk '$1 == "require" && $2 == "github.com/pulumi/pulumi/pkg/v3" { print substr($3, 2) }' "$WRAPPER/go.mod")
PULUMI_MIN_VERSION=${PULUMI_MIN_VERSION:-$PULUMI_VERSION}
CACHE=${DRPLANE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/drplane}/pulumi-cli/v$PULUMI_VERSION
BIN="$CACHE/bin"
PLUGIN_SCRIPT="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
LANGUAGE_HOST=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
# The language host has no tags of its own: this is the pseudo-version of the release commit.
LANGUAGE_HOST_VERSION=v3.0.0-20260624120734-a88168d865b7
VERSION_PKG=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version

say() { printf 'pulumi-cli: %s\n' "$*" >&2; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
# What makes a cached build current: the pinned module graph and this script.
stamp() { cat "$WRAPPER/go.mod" "$WRAPPER/go.sum" "$0" | sha256sum | cut -c1-16; }

# Beside the binary, where the engine looks first: the dynamic-provider plugin script, and the
# language host stand-in while the real one cannot be built.
install_plugins() {
  cp "$PLUGIN_SCRIPT" "$BIN/pulumi-resource-pulumi-nodejs"
  cp "$ROOT/scripts/engine/pulumi-language-nodejs" "$BIN/pulumi-language-nodejs"
  chmod +x "$BIN/pulumi-resource-pulumi-nodejs" "$BIN/pulumi-language-nodejs"
}

finish() {
  local dir=$1
  say "pulumi $("$dir/pulumi" version 2>/dev/null) at $dir/pulumi ($(go version 2>/dev/null | cut -d' ' -f3 || echo 'go: none'))"
  if grep -q "drplane stand-in" "$dir/pulumi-language-nodejs" 2>/dev/null; then
    say "language host: drplane's stand-in (scripts/engine/pulumi-language-nodejs; the Go module is refused, see $CACHE/language-host.txt)"
  else
    say "language host: $(command -v pulumi-language-nodejs || echo "$dir/pulumi-language-nodejs")"
  fi
  echo "PULUMI_BIN_DIR=$dir"
}

if [ "${1:-}" != "--rebuild" ] && command -v pulumi >/dev/null 2>&1; then
  onpath=$(dirname "$(command -v pulumi)")
  have=$(pulumi version 2>/dev/null | sed 's/^v//; s/[-+].*//')
  if [ -n "$have" ] && version_ge "$have" "$PULUMI_MIN_VERSION" &&
    { [ -x "$onpath/pulumi-resource-pulumi-nodejs" ] || command -v pulumi-resource-pulumi-nodejs >/dev/null; }; then
    say "using the pulumi on PATH (v$have >= v$PULUMI_MIN_VERSION)"
    finish "$onpath"
    exit 0
  fi
  say "the pulumi on PATH (${have:-unknown version}) is older than v$PULUMI_MIN_VERSION or lacks pulumi-resource-pulumi-nodejs; using the cache"
fi

[ -f "$PLUGIN_SCRIPT" ] || { say "missing $PLUGIN_SCRIPT: run npm ci first"; exit 1; }
want=$(stamp)
if [ "${1:-}" != "--rebuild" ] && [ -x "$BIN/pulumi" ] && [ "$(cat "$CACHE/stamp" 2>/dev/null)" = "$want" ]; then
  install_plugins
  say "cached build $want"
  finish "$BIN"
  exit 0
fi

command -v go >/dev/null || { say "go is not installed: the Pulumi CLI is built from its Go module (Go >= 1.25)"; exit 1; }
started=$(date +%s)
mkdir -p "$BIN"
say "building pulumi v$PULUMI_VERSION from the Go module proxy into $BIN (first run on a machine: about 10 minutes on 2 cores; later runs reuse it)"
cd "$WRAPPER"
export GOFLAGS="${GOFLAGS:-} -mod=mod" GONOSUMDB="${GONOSUMDB:-}" GOTOOLCHAIN=${GOTOOLCHAIN:-local}
say "downloading modules ($(grep -c '^	' go.mod) in the graph)"
go mod download 2>&1 | tail -n 5 >&2
say "compiling (a line every 200 packages)"
progress() {
  local n=0 line
  while IFS= read -r line; do
    case $line in
      *" "*) say "  $line" ;; # a message (package paths have no spaces)
      *) n=$((n + 1)); [ $((n % 200)) -ne 0 ] || say "  $n packages compiled ($(($(date +%s) - started)) s)" ;;
    esac
  done
}
if ! go build -v -trimpath -ldflags "-s -w -X $VERSION_PKG=v$PULUMI_VERSION" -o "$BIN/pulumi.new" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi 2>&1 | progress; then
  say "go build failed (output above)"
  exit 1
fi
mv "$BIN/pulumi.new" "$BIN/pulumi"

# The language host: its module is refused by the proxy on these machines (seen 2026-11-30:
# 403 "This module version is not available."); record the exact answer whenever it is.
if out=$(cd "$(mktemp -d)" && go mod init probe >/dev/null 2>&1 && go get "$LANGUAGE_HOST@$LANGUAGE_HOST_VERSION" 2>&1); then
  say "the proxy now serves $LANGUAGE_HOST: add it to scripts/pulumi-cli/go.mod and build it here instead of the stand-in"
else
  printf '%s\n' "$out" >"$CACHE/language-host.txt"
  say "language host $LANGUAGE_HOST@$LANGUAGE_HOST_VERSION refused by the Go module proxy:"
  sed 's/^/pulumi-cli:   /' "$CACHE/language-host.txt" | head -n 4 >&2
fi

install_plugins
echo "$want" >"$CACHE/stamp"
say "built in $(($(date +%s) - started)) s"
finish "$BIN"
