#!/usr/bin/env bash
# Installs the Debian chromium package the console's browser tests and benchmark drive, and prints the
# browser's path on stdout (last line). Debian's security archive keeps only the newest build of a
# package, so no exact build is pinned: whatever the archive serves now is taken when its major
# version is at least the floor (the oldest major the browser tests have run on), and checked again
# after the install with `chromium --version`. What was used is said on stderr.
#
#   XB_CHROMIUM=/path/to/chromium   use that executable, install nothing (it must still meet the floor)
#   XB_CHROMIUM_MIN_MAJOR=N         another floor (default below)
#
# Needs root or sudo and the Debian archive only when no suitable chromium is installed yet.
set -euo pipefail

min_major="${XB_CHROMIUM_MIN_MAJOR:-156}"
say() { echo "[chromium] $*" >&2; }
die() { echo "[chromium] error: $*" >&2; exit 1; }

[[ "$min_major" =~ ^[0-9]+$ ]] || die "XB_CHROMIUM_MIN_MAJOR must be a number, not '$min_major'"

# "<major>.<minor>.<build>.<patch>-1~deb12uN" or "Chromium <major>.... built on Debian ..." -> <major>
major_of() { sed -n 's/^[^0-9]*\([0-9][0-9]*\)\..*/\1/p' <<<"$1" | head -n1; }

meets_floor() {
  local major
  major="$(major_of "$1")"
  [ -n "$major" ] && [ "$major" -ge "$min_major" ]
}

# the version a browser executable reports, checked against the floor
check_browser() {
  local exe="$1" reported
  reported="$("$exe" --version 2>/dev/null | head -n1 || true)"
  [ -n "$reported" ] || die "$exe --version printed nothing: is it a Chromium executable?"
  meets_floor "$reported" || die "$exe reports '$reported', older than the supported floor (major $min_major); install a newer one or set XB_CHROMIUM_MIN_MAJOR"
  say "using $reported ($exe)"
}

if [ -n "${XB_CHROMIUM:-}" ]; then
  [ -x "$XB_CHROMIUM" ] || die "XB_CHROMIUM=$XB_CHROMIUM is not an executable file"
  check_browser "$XB_CHROMIUM"
  echo "$XB_CHROMIUM"
  exit 0
fi

installed="$(dpkg-query -W -f '${Version}' chromium 2>/dev/null || true)"
if [ -n "$installed" ] && meets_floor "$installed" && command -v chromium >/dev/null 2>&1; then
  check_browser "$(command -v chromium)"
  say "Debian package chromium $installed"
  command -v chromium
  exit 0
fi

sudo_=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "installing chromium needs root or sudo; or set XB_CHROMIUM to a Chromium executable"
  sudo_="sudo"
fi
command -v apt-get >/dev/null 2>&1 || die "apt-get is not available: install Chromium (major $min_major or newer) yourself and set XB_CHROMIUM to its executable"
$sudo_ apt-get update -qq >&2 || die "apt-get update failed: is the Debian archive reachable? (or set XB_CHROMIUM)"
candidate="$(LC_ALL=C apt-cache policy chromium | sed -n 's/^ *Candidate: *//p' | head -n1)"
if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
  die "the Debian archive here offers no chromium package (apt-cache policy chromium); set XB_CHROMIUM to a Chromium executable"
fi
meets_floor "$candidate" || die "the Debian archive offers chromium $candidate, older than the supported floor (major $min_major); set XB_CHROMIUM to a newer Chromium, or XB_CHROMIUM_MIN_MAJOR to accept it"
say "installing chromium $candidate (the archive's current build)"
# the exact candidate just read, so what is checked is what is installed; dpkg's chatter goes to a log
# shown only when the install fails
apt_log="$(mktemp)"
trap 'rm -f "$apt_log"' EXIT
if ! DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends "chromium=$candidate" >"$apt_log" 2>&1; then
  tail -n 20 "$apt_log" >&2
  die "apt-get could not install chromium $candidate"
fi
command -v chromium >/dev/null 2>&1 || die "chromium $candidate installed but no 'chromium' on the PATH"
check_browser "$(command -v chromium)"
command -v chromium
