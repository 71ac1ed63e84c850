#!/usr/bin/env bash
# `npm test`: set up what is missing, then build and run every suite, each after its own build,
# cheapest first; a suite whose build or run fails is reported and the others still run.
#   scripts/test.sh [SUITE...]    (default: all of them, in this order; docs/testing.md)
#     native  GoogleTest (ctest) on build/native (g++, Release)
#     asan    the same GoogleTest suite on build/asan: AddressSanitizer + UBSan + leaks
#     js      node --test on the Wasm module and the page's state (tests/js)
#     e2e     the page in headless Chromium (tests/e2e)
#     fuzz    each libFuzzer target of cpp/fuzz for NNTUTOR_FUZZ_SECONDS (default 20; 0 skips)
set -uo pipefail
cd "$(dirname "$0")/.."

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(native asan js e2e fuzz)
fuzz_seconds="${NNTUTOR_FUZZ_SECONDS:-20}"

web_built=""
build_web() {
  [ -n "$web_built" ] || { bash scripts/build.sh wasm site && web_built=1; }
}

suite_native() {
  bash scripts/build.sh native && ctest --test-dir build/native --output-on-failure -j2
}

suite_asan() {
  bash scripts/build.sh asan || return 1
  # Any finding fails its test: ASan and UBSan stop at the first report, with a stack; leaks
  # are checked at exit (LeakSanitizer needs ptrace-like access, which some containers lack).
  local leaks=1
  local probe
  probe=$(ASAN_OPTIONS=detect_leaks=1 build/asan/nntutor_tests --gtest_filter=-* 2>&1 || true)
  if [[ "$probe" == *"LeakSanitizer has encountered a fatal error"* ]]; then
    echo "asan: LeakSanitizer does not work in this container; leak checks are off"
    leaks=0
  fi
  ASAN_OPTIONS="halt_on_error=1:detect_leaks=$leaks:print_stacktrace=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
    ctest --test-dir build/asan --output-on-failure -j2
}

suite_js() { build_web && node --test tests/js/; }

suite_e2e() { build_web && node --test --test-concurrency=1 tests/e2e/; }

suite_fuzz() {
  if [ "$fuzz_seconds" = 0 ]; then echo "fuzz: skipped (NNTUTOR_FUZZ_SECONDS=0)"; return 0; fi
  bash scripts/fuzz.sh "$fuzz_seconds"
}

declare -A title=(
  [native]="GoogleTest (ctest, build/native)"
  [asan]="GoogleTest under ASan + UBSan (ctest, build/asan)"
  [js]="node --test: Wasm module and page state"
  [e2e]="node --test: the page in headless Chromium"
  [fuzz]="libFuzzer: cpp/fuzz targets, ${fuzz_seconds} s each"
)
[ "$fuzz_seconds" = 0 ] && title[fuzz]="libFuzzer: cpp/fuzz targets (skipped)"
for s in "${suites[@]}"; do
  if [ -z "${title[$s]:-}" ]; then
    echo "test: unknown suite $s (expected native, asan, js, e2e or fuzz)" >&2; exit 2
  fi
done
bash scripts/setup.sh --test || exit 1

status=0
summary=()
for s in "${suites[@]}"; do
  echo "== ${title[$s]} =="
  start=$SECONDS
  if "suite_$s"; then result=pass; else result=FAIL; status=1; fi
  summary+=("$(printf '%-4s  %-52s %4d s' "$result" "${title[$s]}" $((SECONDS - start)))")
done

echo "== Summary =="
printf '%s\n' "${summary[@]}"
exit $status
