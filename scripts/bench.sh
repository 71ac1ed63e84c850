#!/usr/bin/env bash
# `npm run bench`: build (cached) and print the speed and size figures.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
bash scripts/build.sh native wasm site >/dev/null
node scripts/bench.mjs
node scripts/bench-wired.mjs  # randomly wired networks: a WS step native and Wasm, side by side
node scripts/bench-grade.mjs  # grading a class of 500: native, Wasm, the instructor page
node scripts/bench-wired-page.mjs  # the randomly wired page: 4 networks × 50 epochs side by side
node scripts/bench-digits.mjs  # the digit quiz: training samples/s native and Wasm, one drawn digit
node scripts/bench-digits-page.mjs  # the digits page in Chromium: accuracy in 30 s, samples/s against TensorFlow.js, a drawn digit, the download
# The lecture's Keras model: ours (native, Wasm in Node and Chromium) against TensorFlow.js.
exec node scripts/bench-train.mjs
