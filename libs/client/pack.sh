#!/usr/bin/env bash
# Packs @cobrowse/client with npm pack (whose prepack script builds it: build.sh), and unpacks
# the tarball into .data/client-pack/node_modules: the client tests load the package from there,
# exactly as a user installing the tarball would.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/.data/client-pack"
cd "$here"
rm -rf dist "$out"
mkdir -p "$out/node_modules/@cobrowse/client"
npm pack --silent --pack-destination "$out" >/dev/null
tar -xzf "$out"/cobrowse-client-*.tgz -C "$out/node_modules/@cobrowse/client" --strip-components=1
echo "[client] packed $(basename "$out"/cobrowse-client-*.tgz) into .data/client-pack"
