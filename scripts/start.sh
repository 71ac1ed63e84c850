#!/usr/bin/env bash
# `npm start`: set up what is missing, build the engine and the page, serve on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh wasm site
exec node scripts/serve.mjs build/site
