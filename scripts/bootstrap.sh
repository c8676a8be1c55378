#!/usr/bin/env bash
# Set up isbenefit on a Debian machine: the system libraries weasyprint renders with,
# fonts covering Nordic, Polish, Baltic and Cyrillic names, LibreOffice Calc (headless; the
# tests re-save the ledger template with it), PostgreSQL (the service tests start a
# throwaway server of their own), Chromium and its driver (the service's browser tests),
# a virtualenv in .venv and the package with its development tools. Safe to run again; it
# only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for package in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
               poppler-utils openssl python3-venv libreoffice-calc-nogui \
               postgresql chromium chromium-driver; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
