#!/usr/bin/env bash
# Builds the pinned toxiproxy server (the fault suite's link proxy) into $XB_FABRIC_HOME/bin (default
# <repo>/.fabric/bin) from the Go module proxy; the pin and every dependency's checksum live in
# network/tools/toxiproxy/go.mod and go.sum. Skips the build when that version is present.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tool="$repo_root/network/tools/toxiproxy"
bin="${XB_FABRIC_HOME:-$repo_root/.fabric}/bin"
version="$(sed -n 's|^[[:space:]]*github.com/Shopify/toxiproxy/v2 \(v[^ ]*\).*|\1|p' "$tool/go.mod")"
[ -n "$version" ] || { echo "[toxiproxy:install] error: cannot read the pin in $tool/go.mod" >&2; exit 1; }
command -v go >/dev/null 2>&1 || { echo "[toxiproxy:install] error: Go is not installed (https://go.dev/dl/)" >&2; exit 1; }

if [ "${1:-}" != "--force" ] && [ -x "$bin/toxiproxy-server" ] && [ "$(cat "$bin/toxiproxy-server.version" 2>/dev/null)" = "$version" ]; then
  echo "[toxiproxy:install] already installed: $version"
  exit 0
fi
mkdir -p "$bin"
(cd "$tool" && go build -trimpath -o "$bin/toxiproxy-server" github.com/Shopify/toxiproxy/v2/cmd/server)
printf '%s' "$version" > "$bin/toxiproxy-server.version"
echo "[toxiproxy:install] built toxiproxy $version -> $bin/toxiproxy-server"
