#!/usr/bin/env bash
# `npm run pulumi-cli`: builds the Pulumi CLI this project is tested with from its Go module, once, into a cache
# outside the repository, puts the dynamic-provider host launcher (shipped in the npm @pulumi/pulumi package)
# beside it, and prints the absolute path of that bin directory as its last line.
#
# The version is the installed @pulumi/pulumi's (package-lock pins it), so the CLI and the Node SDK are one release.
# The Node.js language host (module .../sdk/nodejs/cmd/pulumi-language-nodejs/v3, untagged: pinned by the release
# commit) is built too when the Go module proxy serves it; where it does not, programs run as Automation API
# inline programs, which need the `pulumi` binary alone (scripts/pulumi-cli/inline-runner.ts).
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
SDK_PACKAGE="$REPO/node_modules/@pulumi/pulumi"
if [ ! -f "$SDK_PACKAGE/package.json" ]; then
  echo "pulumi-cli: $SDK_PACKAGE is missing: run 'npm ci' first" >&2
  exit 1
fi
VERSION="$(node -p "require('$SDK_PACKAGE/package.json').version")"
# The commit each supported release was tagged on (the language host's module has no tags of its own).
declare -A RELEASE_COMMIT=([3.248.0]=a88168d865b7fd428e5a929cc54aeceaf72d203f)

CACHE_ROOT="${PULUMI_CLI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-imported-key}"
DEST="$CACHE_ROOT/pulumi-v$VERSION"
BIN="$DEST/bin"

say() { echo "pulumi-cli: $*" >&2; }

install_host_launcher() {
  # The engine starts `pulumi-resource-pulumi-nodejs` for dynamic resources; it ships in the npm package.
  cp "$SDK_PACKAGE/pulumi-resource-pulumi-nodejs" "$1/"
  chmod +x "$1/pulumi-resource-pulumi-nodejs"
}

if [ -x "$BIN/pulumi" ] && [ "$("$BIN/pulumi" version 2>/dev/null)" = "v$VERSION" ]; then
  install_host_launcher "$BIN"
  say "Pulumi CLI v$VERSION already built"
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "Go is not installed: the Pulumi CLI is built from its Go module (install Go 1.25 or later, or put a pulumi v$VERSION on PATH)"
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-cli-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
MODULE=github.com/pulumi/pulumi/pkg/v3
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$VERSION"

# A throwaway wrapper module: upstream's replace lines that point at other modules are copied; those that point at
# local paths (../sdk) are dropped, and the module they replace is pinned to the release instead.
new_wrapper() { # dir, upstream go.mod
  mkdir -p "$1"
  { echo "module pulumi-cli-build"; echo; echo "go 1.25"; echo
    sed -n 's/^replace \(.*=> [^.\/][^ ]* v[^ ]*\)$/replace \1/p' "$2"
  } > "$1/go.mod"
}

say "building the Pulumi CLI v$VERSION from the Go module proxy (first time only: several minutes on 2 cores)"
if ! UPSTREAM_MOD="$(cd "$WORK" && go mod download -json "$MODULE@v$VERSION" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const j=JSON.parse(s);if(j.Error){console.error(j.Error);process.exit(1)}console.log(j.GoMod)})")"; then
  say "the Go module proxy did not serve $MODULE@v$VERSION (is \$GOPROXY reachable? go env GOPROXY: $(go env GOPROXY))"
  exit 1
fi
new_wrapper "$WORK/cli" "$UPSTREAM_MOD"
(cd "$WORK/cli" \
  && go get "$MODULE/cmd/pulumi@v$VERSION" "github.com/pulumi/pulumi/sdk/v3@v$VERSION" >&2 \
  && go build -trimpath -ldflags "$LDFLAGS" -o "$WORK/bin/pulumi" "$MODULE/cmd/pulumi") \
  || { say "building $MODULE/cmd/pulumi@v$VERSION failed (output above)"; exit 1; }

COMMIT="${RELEASE_COMMIT[$VERSION]:-}"
HOST_MODULE=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
if [ -n "$COMMIT" ] && HOST_MOD="$(cd "$WORK" && go mod download -json "$HOST_MODULE@${COMMIT:0:12}" 2>/dev/null | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const j=JSON.parse(s);if(j.Error)process.exit(1);console.log(j.GoMod)})")"; then
  new_wrapper "$WORK/host" "$HOST_MOD"
  (cd "$WORK/host" \
    && go get "$HOST_MODULE@${COMMIT:0:12}" "$MODULE@v$VERSION" "github.com/pulumi/pulumi/sdk/v3@v$VERSION" >&2 \
    && go build -trimpath -ldflags "$LDFLAGS" -o "$WORK/bin/pulumi-language-nodejs" "$HOST_MODULE") \
    || { say "building the Node.js language host failed (output above)"; exit 1; }
else
  say "the Go module proxy does not serve the Node.js language host ($HOST_MODULE at ${COMMIT:-an unknown commit}):"
  say "programs run as Automation API inline programs, which need the pulumi binary alone"
fi

install_host_launcher "$WORK/bin"
mkdir -p "$DEST"
rm -rf "$BIN.partial" && mv "$WORK/bin" "$BIN.partial" && rm -rf "$BIN" && mv "$BIN.partial" "$BIN"
say "built $("$BIN/pulumi" version) in $BIN"
echo "$BIN"
