#!/usr/bin/env bash
# Creates (once per requirements change) the Python virtual environment with the TAXII client, the
# OASIS reference server, the STIX library and the STIX validator the tests use, and prints its path.
# Needs python3 with venv (Debian: python3-venv) and access to PyPI; installs only the files whose
# hashes requirements.txt lists.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${XB_TAXII_VENV:-$here/../../.venv-taxii}"
requirements="$here/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  # wheels only, but for cpe (a dependency of stix2-validator published only as source: pure Python)
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input --require-hashes --only-binary :all: --no-binary cpe -r "$requirements" >&2
  echo "$want" > "$stamp"
fi
cd "$venv" && pwd
