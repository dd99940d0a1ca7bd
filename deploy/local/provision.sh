#!/usr/bin/env bash
# Installs what local runs and tests need, into git-ignored folders; quiet and quick when done.
#   node_modules/            npm ci, when package-lock.json changed
#   .tools/bin/nats-server   pinned nats-server with JetStream (go install)
#   .tools/bin/cobrowse-ferretdb   the embedded FerretDB helper (go build of deploy/local/ferretdb)
#   .tools/bin/cobrowse-k8s-validate   the Kubernetes manifest checker (go build of deploy/kubernetes/validate)
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
  say "Go is needed to build nats-server, the FerretDB helper and the manifest checker, and none was found."
  say "Install Go 1.24 or newer (https://go.dev/doc/install) and run this again."
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

# 4. The Kubernetes manifest checker (kustomize and the API types as a library; the unit tests
#    run it on deploy/kubernetes), rebuilt when its source changes.
k8s_hash="$(cat deploy/kubernetes/validate/go.mod deploy/kubernetes/validate/go.sum deploy/kubernetes/validate/*.go | sha256sum | cut -d' ' -f1)"
if [ ! -x "$tools/cobrowse-k8s-validate" ] || [ "$(cat "$tools/.cobrowse-k8s-validate.hash" 2>/dev/null)" != "$k8s_hash" ]; then
  go_bin="$(find_go)"
  say "building the Kubernetes manifest checker (a minute or two the first time)"
  (cd deploy/kubernetes/validate && GOFLAGS=-buildvcs=false "$go_bin" build -trimpath -o "$tools/cobrowse-k8s-validate" .)
  echo "$k8s_hash" > "$tools/.cobrowse-k8s-validate.hash"
fi
