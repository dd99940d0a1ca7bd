#!/usr/bin/env bash
# Builds @cobrowse/client into dist/: CommonJS, ES module and typings. npm runs it before
# `npm pack` and `npm publish` (the prepack script), so a package never ships an old or empty dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
rm -rf dist
npx tsc -p tsconfig.build.json
npx tsc -p tsconfig.esm.json
echo '{"type":"commonjs"}' > dist/cjs/package.json
echo '{"type":"module"}' > dist/esm/package.json
