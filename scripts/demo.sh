#!/usr/bin/env bash
# The main job: sets the workspace up, then runs the example daemon's end-to-end demo.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
pnpm run demo -- "$@"
