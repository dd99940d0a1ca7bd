#!/usr/bin/env bash
# Rebuilds the sessions read model from the event log (see docs/operations.md).
# Uses NATS_URL / MONGODB_URL, or those of the system `npm start` is running.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ -z "${NATS_URL:-}" ] && [ -f .local/runtime.env ]; then
  # shellcheck source=/dev/null
  set -a && source .local/runtime.env && set +a
fi
[ -f dist/apps/history-projector/src/rebuild/main.js ] || npm run --silent build
exec node dist/apps/history-projector/src/rebuild/main.js
