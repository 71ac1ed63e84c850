#!/usr/bin/env bash
# Runs the libFuzzer targets of cpp/fuzz side by side for SECONDS each (default 60), after
# building them (build/fuzz, clang++-14). docs/testing.md explains the targets and options.
#   scripts/fuzz.sh [SECONDS] [TARGET...]      e.g. scripts/fuzz.sh 600, scripts/fuzz.sh 30 view_fuzz
# Every cpp/fuzz/NAME.cpp ending in _fuzz is a target; its seeds are cpp/fuzz/corpus/NAME/ (read
# only), what it learns goes to build/fuzz/corpus/NAME/ (kept between runs), a crashing input to
# build/fuzz/findings/NAME/, the log to build/fuzz/logs/NAME.log. Exit 1 if any target found
# something (crash, sanitizer report, leak, timeout, out of memory).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in cpp/fuzz/*_fuzz.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi
case "$seconds" in ''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number, got $seconds" >&2; exit 2 ;; esac

bash scripts/build.sh fuzz

# Sanitizer reports stop the run with a stack; libFuzzer turns them into a saved input.
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:print_stacktrace=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

pids=()
for t in "${targets[@]}"; do
  [ -x "build/fuzz/$t" ] || { echo "fuzz: no target $t (expected one of cpp/fuzz/*_fuzz.cpp)" >&2; exit 2; }
  mkdir -p "build/fuzz/corpus/$t" "build/fuzz/findings/$t" build/fuzz/logs
  dict=cpp/fuzz/json.dict
  [ -f "cpp/fuzz/$t.dict" ] && dict="cpp/fuzz/$t.dict"
  seeds=()
  [ -d "cpp/fuzz/corpus/$t" ] && seeds=("cpp/fuzz/corpus/$t")
  "build/fuzz/$t" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=4096 \
    -dict="$dict" -print_final_stats=1 -artifact_prefix="build/fuzz/findings/$t/" \
    "build/fuzz/corpus/$t" "${seeds[@]}" >"build/fuzz/logs/$t.log" 2>&1 &
  pids+=($!)
done

status=0
for i in "${!targets[@]}"; do
  t="${targets[$i]}"
  log="build/fuzz/logs/$t.log"
  if wait "${pids[$i]}"; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    echo "fuzz: $t: no finding in ${seconds} s (${runs:-?} inputs, ${cov:-cov: ?}; log $log)"
  else
    status=1
    echo "fuzz: $t: FOUND A PROBLEM (log $log); the report:"
    sed -n '/^==[0-9]*==ERROR\|runtime error\|^==[0-9]*== ERROR\|^[a-z_]*_fuzz: /,/^SUMMARY/p' "$log" |
      head -n 60
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [ -n "$artifact" ] && [ -f "$artifact" ]; then
      echo "fuzz: $t: the input ($(wc -c <"$artifact") bytes) is $artifact:"
      head -c 2000 "$artifact" | cat -v; echo
      echo "fuzz: reproduce with: build/fuzz/$t $artifact"
    fi
  fi
done
exit $status
