#!/usr/bin/env bash
# Installs what local runs and tests need, into git-ignored folders; quiet and quick when done.
#   node_modules/            npm ci, when package-lock.json changed
#   .tools/bin/nats-server   pinned nats-server with JetStream (go install)
#   .tools/bin/cobrowse-ferretdb   the embedded FerretDB helper (go build of deploy/local/ferretdb)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=versions.conf
source deploy/local/versions.conf
tools="$root/.tools/bin"
mkdir -p "$tools"

say() { printf '[provision] %s\n' "$*" >&2; }

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  for candidate in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
  say "Go is needed to build nats-server and the FerretDB helper, and none was found."
  say "Install Go 1.22 or newer (https://go.dev/doc/install) and run this again."
  exit 1
}

# 1. Node packages.
stamp="node_modules/.cobrowse-lock-hash"
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$lock_hash" ]; then
  say "installing Node packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$lock_hash" > "$stamp"
fi

# 2. nats-server, pinned.
if [ "$("$tools/nats-server" --version 2>/dev/null || true)" != "nats-server: $NATS_SERVER_VERSION" ]; then
  go_bin="$(find_go)"
  say "building nats-server $NATS_SERVER_VERSION"
  GOBIN="$tools" GOFLAGS=-buildvcs=false "$go_bin" install "github.com/nats-io/nats-server/v2@$NATS_SERVER_VERSION"
fi

# 3. The FerretDB helper, rebuilt when its source changes.
ferret_hash="$(cat deploy/local/ferretdb/go.mod deploy/local/ferretdb/go.sum deploy/local/ferretdb/*.go | sha256sum | cut -d' ' -f1)"
if [ ! -x "$tools/cobrowse-ferretdb" ] || [ "$(cat "$tools/.cobrowse-ferretdb.hash" 2>/dev/null)" != "$ferret_hash" ]; then
  go_bin="$(find_go)"
  say "building the FerretDB helper (first time takes a few minutes)"
  (cd deploy/local/ferretdb && GOFLAGS=-buildvcs=false "$go_bin" build -trimpath -o "$tools/cobrowse-ferretdb" .)
  echo "$ferret_hash" > "$tools/.cobrowse-ferretdb.hash"
fi
