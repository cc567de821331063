#!/usr/bin/env bash
# Runs every libfrb test: the unit suite as built plainly, under
# ThreadSanitizer and under AddressSanitizer+UBSan, then the end-to-end,
# hardening and benchmark stages (built, then each run once).  Installs what is missing first.
#
#   bash tests/run-all.sh            everything
#   FRB_STAGES="unit tsan" bash tests/run-all.sh   only some stages
#
# Builds go to build/<stage> below the source tree; the tree itself is never
# configured in place.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
stages=${FRB_STAGES:-unit tsan asan dist e2e hardening bench}
jobs=$(nproc 2>/dev/null || echo 2)
summary=()

say() { printf '\n=== %s\n' "$*"; }

bash tests/deps.sh
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
  say "bootstrap"
  autoreconf -fi
fi

# configure_build DIR [configure args...]: a fresh out-of-tree build.
configure_build() {
  local dir=$1
  shift
  rm -rf "$dir"
  mkdir -p "$dir"
  (cd "$dir" && "$top/configure" -q --enable-werror "$@")
  make -C "$dir" -j"$jobs" -s
}

# check_build DIR NAME: make check, with the test log shown on failure.
check_build() {
  local dir=$1 name=$2
  if ! make -C "$dir" -j"$jobs" -s check; then
    find "$dir/tests" -name '*.log' -exec grep -l -E '^(not ok|FAIL|ERROR)|Sanitizer' {} + 2>/dev/null |
      while read -r f; do echo "--- $f"; cat "$f"; done
    echo "FAIL: $name"
    exit 1
  fi
  local counts
  counts=$(awk '/^# (PASS|FAIL|SKIP|XFAIL|ERROR):/ {s[$2]+=$3} END {printf "%d passed, %d failed, %d skipped", s["PASS:"], s["FAIL:"]+s["ERROR:"], s["SKIP:"]}' "$dir"/test-suite.log)
  summary+=("$name: $counts")
  echo "$name: $counts"
}

# run_counted NAME CMD...: runs a stage script that ends with the line
# "NAME: N passed, M failed", and keeps that line for the summary.
run_counted() {
  local name=$1 log
  shift
  log=$(mktemp)
  if ! "$@" 2>&1 | tee "$log"; then
    rm -f "$log"
    echo "FAIL: $name"
    exit 1
  fi
  summary+=("$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$log" | tail -n 1)")
  rm -f "$log"
}

for stage in $stages; do
  case $stage in
  unit)
    say "unit tests (plain build)"
    configure_build build/plain
    check_build build/plain unit
    ;;
  tsan)
    say "unit tests under ThreadSanitizer"
    configure_build build/tsan --enable-sanitizer=thread --disable-shared CC=clang
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" check_build build/tsan tsan
    ;;
  asan)
    say "unit tests under AddressSanitizer+UBSan"
    configure_build build/asan --enable-sanitizer=address --disable-shared CC=clang
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1" \
      check_build build/asan asan
    ;;
  dist)
    [ -d build/plain ] || configure_build build/plain
    say "make distcheck, and an installed libfrb found through pkg-config"
    make -C build/plain -s distcheck >build/distcheck.log 2>&1 ||
      { tail -n 40 build/distcheck.log; echo "FAIL: distcheck"; exit 1; }
    bash tests/install-check.sh "$top/build/plain"
    summary+=("dist: 2 passed, 0 failed")
    ;;
  e2e)
    [ -d build/plain ] || configure_build build/plain
    if [ -x tests/e2e/run.sh ]; then
      say "end-to-end tests: real nginx and Apache"
      run_counted e2e tests/e2e/run.sh "$top/build/plain"
    fi
    ;;
  hardening)
    if [ -x tests/hardening.sh ]; then
      say "hardening: stress, fuzzing, allocation failure, valgrind"
      run_counted hardening tests/hardening.sh "$top"
    fi
    ;;
  bench)
    [ -d build/plain ] || configure_build build/plain
    say "benchmarks: build, and run each once, briefly (no timing)"
    make -C build/plain -s bench-build
    run_counted bench tests/bench-smoke.sh "$top/build/plain/bench"
    ;;
  *)
    echo "unknown stage: $stage" >&2
    exit 2
    ;;
  esac
done

say "summary"
printf '%s\n' "${summary[@]}"
# One closing line over every counted stage.
printf '%s\n' "${summary[@]}" |
  awk '/: [0-9]+ passed, [0-9]+ failed/ {p += $2; f += $4}
       END {printf "total: %d passed, %d failed\n", p, f}'
