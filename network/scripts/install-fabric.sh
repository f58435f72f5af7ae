#!/usr/bin/env bash
# Builds the pinned Hyperledger Fabric and Fabric CA binaries into $XB_FABRIC_HOME/bin (default
# <repo>/.fabric) from the Go module proxy, and copies core.yaml / orderer.yaml from the module cache.
# Skips the build when the pinned versions are already present; --force rebuilds.
#
# Pins live in network/tools/fabric/go.mod and network/tools/fabric-ca/go.mod (with go.sum, so every
# dependency is checksum-pinned). Fabric's go.mod says `module github.com/hyperledger/fabric` (no /v3),
# so its v3 tags are only reachable as pseudo-versions v1.4.0-rc1.0.<commit time UTC>-<12 hex>.
# We build with `go build` inside those tool modules rather than `go install pkg@version` because
# `go install pkg@version` also asks the proxy for the module's version list (deprecation check), which
# the proxy refuses for these modules; the tool module needs only the pinned versions themselves.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="$repo_root/network/tools"
home="${XB_FABRIC_HOME:-$repo_root/.fabric}"
bin="$home/bin"
config="$home/config"
stamp="$home/VERSIONS"

say() { printf '[fabric:install] %s\n' "$*"; }
die() { printf '[fabric:install] error: %s\n' "$*" >&2; exit 1; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
required() { sed -n "s|^[[:space:]]*\(require \)\{0,1\}$1 \(v[^ ]*\).*|\2|p" "$2"; }
go_directive() { sed -n 's/^go \([0-9.]*\)$/\1/p' "$1"; }

fabric_modver="$(required github.com/hyperledger/fabric "$tools/fabric/go.mod")"
ca_modver="$(required github.com/hyperledger/fabric-ca "$tools/fabric-ca/go.mod")"
fabric_version="$(sed -n 's|^// fabric-release: ||p' "$tools/fabric/go.mod")"
[ -n "$fabric_modver" ] && [ -n "$ca_modver" ] && [ -n "$fabric_version" ] || die "cannot read the pins in $tools"
want="fabric=$fabric_version ($fabric_modver) fabric-ca=$ca_modver"

command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.26 or newer (https://go.dev/dl/) and put 'go' on PATH."
go_ver="$(go env GOVERSION | sed 's/^go//')"
for mod in fabric fabric-ca; do
  need="$(go_directive "$tools/$mod/go.mod")"
  version_ge "$go_ver" "$need" || die "Go $go_ver is too old: $mod needs Go $need or newer. Install a newer Go (https://go.dev/dl/)."
done
command -v gcc >/dev/null 2>&1 || die "gcc is missing (fabric-ca-server needs cgo for SQLite). On Debian/Ubuntu: apt-get install -y gcc"

all_present() {
  local f
  for f in "$bin"/{peer,orderer,configtxgen,osnadmin,configtxlator,discover,fabric-ca-server,fabric-ca-client}; do
    [ -x "$f" ] || return 1
  done
  [ -f "$config/core.yaml" ] && [ -f "$config/orderer.yaml" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]
}

if [ "${1:-}" != "--force" ] && all_present; then
  say "already installed in $home: $want"
  exit 0
fi

mkdir -p "$bin" "$config"
rm -f "$stamp"
start=$(date +%s)

say "building Fabric $fabric_version (github.com/hyperledger/fabric@$fabric_modver): peer orderer configtxgen osnadmin configtxlator discover"
(cd "$tools/fabric" && go build -trimpath \
  -ldflags "-X github.com/hyperledger/fabric/common/metadata.Version=$fabric_version" -o "$bin/" \
  github.com/hyperledger/fabric/cmd/peer github.com/hyperledger/fabric/cmd/orderer \
  github.com/hyperledger/fabric/cmd/configtxgen github.com/hyperledger/fabric/cmd/osnadmin \
  github.com/hyperledger/fabric/cmd/configtxlator github.com/hyperledger/fabric/cmd/discover)
say "Fabric built after $(( $(date +%s) - start ))s"

say "building Fabric CA ${ca_modver#v} (cgo, SQLite): fabric-ca-server fabric-ca-client"
(cd "$tools/fabric-ca" && CGO_ENABLED=1 go build -trimpath -o "$bin/" \
  github.com/hyperledger/fabric-ca/cmd/fabric-ca-server github.com/hyperledger/fabric-ca/cmd/fabric-ca-client)

src="$(cd "$tools/fabric" && go list -m -f '{{.Dir}}' github.com/hyperledger/fabric)/sampleconfig"
[ -f "$src/core.yaml" ] || die "sample config not found in the module cache at $src"
say "copying core.yaml and orderer.yaml from $src"
cp "$src/core.yaml" "$src/orderer.yaml" "$config/"
chmod u+w "$config"/*.yaml

printf '%s' "$want" > "$stamp"
say "done in $(( $(date +%s) - start ))s: $want -> $bin"
