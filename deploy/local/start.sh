#!/usr/bin/env bash
# One command for the whole system on this machine: provision, build, start, wait until healthy.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bash deploy/local/provision.sh
npm run --silent build
exec node dist/deploy/local/start.js "$@"
