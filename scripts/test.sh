#!/usr/bin/env bash
# `npm test`: set up what is missing, build native and Wasm, run the three suites:
# GoogleTest (ctest), node --test on the Wasm module, and the page in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
bash scripts/build.sh native wasm site

status=0
echo "== GoogleTest (ctest) =="
ctest --test-dir build/native --output-on-failure -j2 || status=1
echo "== node --test: Wasm module and page state =="
node --test tests/js/ || status=1
echo "== node --test: the page in headless Chromium =="
node --test --test-concurrency=1 tests/e2e/ || status=1
exit $status
