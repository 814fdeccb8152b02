#!/usr/bin/env bash
# The test command: installs what is missing, builds, type-checks, lints and runs every test.
# Leaves vitest's JSON report in .vitest.json for CI to count.
set -euo pipefail
cd "$(dirname "$0")/.."

# A report left by an earlier run must not be counted for this one.
rm -f .vitest.json
bash scripts/setup.sh --system
pnpm run typecheck
pnpm run lint
node scripts/check-packages.mjs
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.vitest.json "$@"
