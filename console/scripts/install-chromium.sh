#!/usr/bin/env bash
# Installs the Debian chromium package the console's browser tests drive (once), pinned, and prints
# the browser's path. Needs root (or sudo) and the Debian archive; XB_CHROMIUM skips all of it.
set -euo pipefail
version="${XB_CHROMIUM_VERSION:-156.0.8078.114-1~deb12u1}"
if [ -n "${XB_CHROMIUM:-}" ]; then
  echo "$XB_CHROMIUM"
  exit 0
fi
installed="$(dpkg-query -W -f '${Version}' chromium 2>/dev/null || true)"
if [ "$installed" != "$version" ]; then
  sudo_=""
  if [ "$(id -u)" != 0 ]; then sudo_="sudo"; fi
  $sudo_ apt-get update -qq >&2
  if ! DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends "chromium=$version" >&2; then
    echo "chromium $version is not in the Debian archive here: set XB_CHROMIUM_VERSION to one 'apt-cache policy chromium' lists, or XB_CHROMIUM to a Chromium executable" >&2
    exit 1
  fi
fi
command -v chromium
