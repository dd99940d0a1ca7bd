#!/usr/bin/env bash
# The one test command (npm test): provision, build and pack the client, then the unit, end-to-end,
# client (against the packed @cobrowse/client), browser (the dashboard in Chromium) and
# fault-injection tiers.
# Ends with a plain "N passed, N failed" line summing every tier.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash deploy/local/provision.sh || exit 1
npm run --silent build || exit 1
bash libs/client/pack.sh || exit 1
bash deploy/local/provision-browser.sh || exit 1
results="$root/.data/test-results"
rm -rf "$results" && mkdir -p "$results"

status=0
npx jest --selectProjects unit --json --outputFile="$results/unit.json" "$@" || status=1
npx jest --selectProjects e2e --runInBand --json --outputFile="$results/e2e.json" "$@" || status=1
npx jest --selectProjects client --runInBand --json --outputFile="$results/client.json" "$@" || status=1
# The dashboard in a real browser; screenshots of each view land in .data/test-results/screenshots.
npx jest --selectProjects browser --runInBand --json --outputFile="$results/browser.json" "$@" || status=1
# The fault-injection tier (kill -9 under load) runs last, on its own.
npx jest --selectProjects faults --runInBand --json --outputFile="$results/faults.json" "$@" || status=1

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const tier of ["unit", "e2e", "client", "browser", "faults"]) {
    const file = process.argv[1] + "/" + tier + ".json";
    if (!fs.existsSync(file)) { failed++; console.log(tier + ": no results"); continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    const ended = Math.max(r.startTime, ...r.testResults.map((t) => t.endTime || 0));
    console.log(tier + ": " + r.numPassedTests + " passed, " + r.numFailedTests + " failed in " + Math.round((ended - r.startTime) / 1000) + " s");
  }
  console.log("tests: " + passed + " passed, " + failed + " failed");
' "$results"
exit $status
