#!/usr/bin/env bash
# Lists parked events with their reasons, or replays them once the cause is fixed (docs/operations.md).
# Uses NATS_URL, or that of the system `npm start` is running.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ -z "${NATS_URL:-}" ] && [ -f .local/runtime.env ]; then
  # shellcheck source=/dev/null
  set -a && source .local/runtime.env && set +a
fi
[ -f dist/deploy/local/dead-letters.js ] || npm run --silent build
exec node dist/deploy/local/dead-letters.js "$@"
