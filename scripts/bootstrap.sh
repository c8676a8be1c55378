#!/usr/bin/env bash
# Set up isbenefit on a Debian machine.
#
#   bash scripts/bootstrap.sh          what `assess` and the documents need: the libraries
#                                      weasyprint renders with, fonts covering Nordic, Polish,
#                                      Baltic and Cyrillic names, a virtualenv in .venv and
#                                      the package.
#   bash scripts/bootstrap.sh --tests  all of that, plus what the test suite and the service
#                                      need: poppler-utils and openssl (the no-install check),
#                                      LibreOffice Calc (re-saves the ledger template),
#                                      PostgreSQL (a throwaway server of the tests' own),
#                                      Chromium and its driver (browser tests), and the
#                                      package's `dev` extra (service, pytest, ruff, mypy).
#
# System packages come from apt-get, as root or through sudo; it waits up to
# ISBENEFIT_APT_WAIT seconds (default 600) for another package manager holding the dpkg
# lock instead of failing. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

runtime=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core python3-venv)
for_tests=(poppler-utils openssl libreoffice-calc-nogui postgresql chromium chromium-driver)
extra=""
case "${1:-}" in
  "") packages=("${runtime[@]}") ;;
  --tests) packages=("${runtime[@]}" "${for_tests[@]}"); extra="[dev]" ;;
  *) echo "usage: bash scripts/bootstrap.sh [--tests]" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || {
      echo "bootstrap: installing ${missing[*]} needs root; run as root or install sudo" >&2
      exit 1
    }
    sudo="sudo"
  fi
  echo "bootstrap: installing with apt-get (${sudo:-as root}): ${missing[*]}" >&2
  wait_seconds="${ISBENEFIT_APT_WAIT:-600}"
  # apt-get waits for the dpkg lock itself (DPkg::Lock::Timeout); the package lists have a
  # lock of their own that `update` does not wait for, so it is retried until the deadline.
  deadline=$((SECONDS + wait_seconds))
  until $sudo apt-get -o DPkg::Lock::Timeout="$wait_seconds" update -qq; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "bootstrap: apt-get update still failing after ${wait_seconds} s" >&2
      exit 1
    fi
    echo "bootstrap: apt-get update failed (another package manager running?); retrying" >&2
    sleep $((wait_seconds < 10 ? wait_seconds : 10))
  done
  $sudo apt-get -o DPkg::Lock::Timeout="$wait_seconds" install -y -qq \
    --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}"
