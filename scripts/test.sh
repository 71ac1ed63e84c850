#!/usr/bin/env bash
# `npm test`: set up what is missing, build what the suites need, then run every suite and print
# each one's time in a summary; a suite whose build or run fails is reported and the others still
# run (docs/testing.md).
#   scripts/test.sh [SUITE...]    (default: all of them; the summary lists them in this order)
#     native  GoogleTest on build/native (g++, Release), in two shards side by side
#     asan    the same GoogleTest suite on build/asan: AddressSanitizer + UBSan + leaks (-O1),
#             in two shards side by side
#     js      node --test on the Wasm module and the page's state (tests/js)
#     e2e     the page in headless Chromium (tests/e2e), in a lane per core (scripts/e2e.mjs)
#     fuzz    each libFuzzer target of cpp/fuzz for NNTUTOR_FUZZ_SECONDS (default 20; 0 skips)
#
# The order of work, for a 2-core machine:
#   1. builds, one after another, each on both cores (ccache serves what any checkout compiled);
#   2. the suites one after another, each on both cores already (ctest -j2, two ASan shards,
#      node --test files side by side, a browser lane per core, four fuzz targets at once), with their output live and in
#      build/test-logs/SUITE.log. Measured on an idle 2-core machine (docs/testing.md): 195 s
#      this way, 219 s in two lanes side by side (e2e beside the others), where each suite's
#      processes slowed the other's.
set -uo pipefail
cd "$(dirname "$0")/.."

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(native asan js e2e fuzz)
fuzz_seconds="${NNTUTOR_FUZZ_SECONDS:-20}"
logs=build/test-logs

declare -A title=(
  [native]="GoogleTest (2 shards, build/native)"
  [asan]="GoogleTest under ASan + UBSan (2 shards, build/asan)"
  [js]="node --test: Wasm module and page state"
  [e2e]="node:test: the page in headless Chromium, a lane per core"
  [fuzz]="libFuzzer: cpp/fuzz targets, ${fuzz_seconds} s each"
)
[ "$fuzz_seconds" = 0 ] && title[fuzz]="libFuzzer: cpp/fuzz targets (skipped)"
declare -A needs=([native]=native [asan]=asan [js]=web [e2e]=web [fuzz]=fuzz)
for s in "${suites[@]}"; do
  if [ -z "${title[$s]:-}" ]; then
    echo "test: unknown suite $s (expected native, asan, js, e2e or fuzz)" >&2; exit 2
  fi
done

started=$SECONDS
bash scripts/setup.sh --test || exit 1
setup_time=$((SECONDS - started))

# ---- 1. builds ---------------------------------------------------------------------------------
declare -A build_result build_time
build() {
  case "$1" in
    native) bash scripts/build.sh native ;;
    asan) bash scripts/build.sh asan ;;
    web) bash scripts/build.sh wasm site ;;
    fuzz) [ "$fuzz_seconds" = 0 ] || bash scripts/build.sh fuzz ;;
  esac
}
build_start=$SECONDS
for s in "${suites[@]}"; do
  b="${needs[$s]}"
  [ -n "${build_result[$b]:-}" ] && continue
  echo "== build: $b =="
  t=$SECONDS
  if build "$b"; then build_result[$b]=pass; else build_result[$b]=FAIL; fi
  build_time[$b]=$((SECONDS - t))
done
builds_time=$((SECONDS - build_start))

# ---- 2. and 3. runs ----------------------------------------------------------------------------
# Every GoogleTest test of build/DIR, in two processes side by side (GoogleTest's shards: test i
# runs in shard i mod 2), not one process per test as ctest does: an ASan process maps its shadow
# memory at start, which took as long as the tests themselves (97 s with ctest -j2, 31 s in two
# shards), and even natively 544 process starts took 15 s against 8.5 s (docs/testing.md).
# `ctest --test-dir build/DIR` still runs them one process per test. Prints each shard's summary
# line, or its whole log when a shard failed.
shards() {
  local dir="$1" name="$2" pids=() i status=0
  for i in 0 1; do
    ( cd "build/$dir" && GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=$i timeout 1200 ./nntutor_tests --gtest_brief=1 ) \
      > "$logs/$name-shard$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 0 1; do wait "${pids[$i]}" || status=1; done
  for i in 0 1; do
    if [ $status = 0 ]; then
      echo "shard $((i + 1)) of 2: $(grep -h '^\[==========\]' "$logs/$name-shard$i.log" | tail -n 1)"
    else
      echo "-- shard $((i + 1)) of 2 ($logs/$name-shard$i.log)"; cat "$logs/$name-shard$i.log"
    fi
  done
  return $status
}

run_native() { shards native native; }

run_asan() {
  # Any finding fails the run: ASan and UBSan stop at the first report, with a stack; leaks
  # are checked at exit (LeakSanitizer needs ptrace-like access, which some containers lack).
  local leaks=1
  local probe
  probe=$(ASAN_OPTIONS=detect_leaks=1 build/asan/nntutor_tests --gtest_filter=-* 2>&1 || true)
  if [[ "$probe" == *"LeakSanitizer has encountered a fatal error"* ]]; then
    echo "asan: LeakSanitizer does not work in this container; leak checks are off"
    leaks=0
  fi
  ASAN_OPTIONS="halt_on_error=1:detect_leaks=$leaks:print_stacktrace=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1" \
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" shards asan asan
}

# Runs a suite's command with a bound on its whole time, a last guard against a hang that the
# suite's own bounds miss (the lanes bound each browser test file, and GoogleTest's shards have
# theirs): CI gives the whole run 90 minutes, and a hung run there lands nothing and says nothing.
# Past SECONDS the command gets SIGTERM (the browser suite's runner then stops its lanes, and each
# lane its Chromium), and 30 s later SIGKILL. `--foreground` keeps it in the shell's process
# group, so that Ctrl-C still reaches every suite.
bounded() {
  local seconds="$1" status
  shift
  timeout --foreground -k 30 "$seconds" "$@"
  status=$?
  if [ $status = 124 ] || [ $status = 137 ]; then
    echo "test: stopped after ${seconds} s, its bound (a hang?): $*"
  fi
  return $status
}

# node --test runs the Wasm module's test files two side by side (CPU-bound), largest first
# (ls -S): the long ones do not end alone at the tail of the run while a core idles.
run_js() { bounded 900 node --test --test-concurrency=2 $(ls -S tests/js/*.test.mjs); }
# The browser's test files in a process per core, each running files one after another with one
# Chromium, taking them from one queue, longest first (scripts/e2e.mjs): a process and a browser
# per file cost about 1 CPU-second each.
run_e2e() { bounded 1800 node scripts/e2e.mjs; }

run_fuzz() {
  if [ "$fuzz_seconds" = 0 ]; then echo "fuzz: skipped (NNTUTOR_FUZZ_SECONDS=0)"; return 0; fi
  bash scripts/fuzz.sh "$fuzz_seconds"
}

rm -rf "$logs" && mkdir -p "$logs"
# Runs one suite (after its build), its output live and in its log, writing its result and time
# for the summary.
run_suite() {
  local s="$1" t=$SECONDS result
  if [ "${build_result[${needs[$s]}]}" != pass ]; then
    echo "FAIL build" > "$logs/$s.result"
    echo "test: $s not run: its build (${needs[$s]}) failed"
    return
  fi
  echo "== ${title[$s]} =="
  if "run_$s" 2>&1 | tee "$logs/$s.log"; then result=pass; else result=FAIL; fi
  echo "$result $((SECONDS - t))" > "$logs/$s.result"
  echo "test: $s $result in $((SECONDS - t)) s (log $logs/$s.log)"
}

runs_start=$SECONDS
for s in "${suites[@]}"; do run_suite "$s"; done
runs_time=$((SECONDS - runs_start))

# ---- summary -----------------------------------------------------------------------------------
status=0
echo "== Summary =="
printf '%-4s  %-52s %4d s\n' "" "setup (scripts/setup.sh --test)" "$setup_time"
for b in native asan web fuzz; do
  [ -n "${build_result[$b]:-}" ] || continue
  printf '%-4s  %-52s %4d s\n' "${build_result[$b]}" "build: $b" "${build_time[$b]}"
  [ "${build_result[$b]}" = pass ] || status=1
done
for s in "${suites[@]}"; do
  result=FAIL secs=""
  [ -f "$logs/$s.result" ] && read -r result secs < "$logs/$s.result"
  [ "$result" = pass ] || status=1
  if [ "$secs" = "" ] || [ "$secs" = build ]; then
    printf '%-4s  %-52s %s\n' FAIL "${title[$s]}" "(build failed or not run)"
  else
    printf '%-4s  %-52s %4d s\n' "$result" "${title[$s]}" "$secs"
  fi
done
printf '%-4s  %-52s %4d s   (builds %d s, runs %d s)\n' "" "in all" $((SECONDS - started)) \
  "$builds_time" "$runs_time"
exit $status
