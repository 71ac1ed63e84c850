#!/usr/bin/env bash
# `npm run bench`: build (cached) and print the speed and size figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
bash scripts/build.sh native wasm site >/dev/null
exec node scripts/bench.mjs
