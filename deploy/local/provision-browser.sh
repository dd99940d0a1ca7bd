#!/usr/bin/env bash
# Installs Debian's Chromium for the dashboard's browser tests (test/browser), when missing.
# Playwright cannot download its own browser here; playwright-core drives this one instead.
# CHROMIUM_PATH names another Chromium to use, and then nothing is installed.
set -euo pipefail
say() { printf '[provision] %s\n' "$*" >&2; }
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chromium" ]; then exit 0; fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  say "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
  exit 1
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    say "the browser tests need Chromium: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH"
    exit 1
  fi
  as_root=(sudo)
fi
say "installing Debian's chromium for the browser tests (a minute or two)"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >&2
