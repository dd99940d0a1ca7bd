#!/usr/bin/env bash
# npm run bench: provision, build, then measure the whole system against ceilings taken in the same run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash deploy/local/provision.sh
npm run --silent build
exec node --enable-source-maps dist/bench/main.js "$@"
