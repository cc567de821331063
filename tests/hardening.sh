#!/usr/bin/env bash
# The hardening stage of tests/run-all.sh (see SECURITY.md):
#   1. the short concurrency stress under ThreadSanitizer;
#   2. each libFuzzer harness for $FRB_FUZZ_SECONDS (default 60) with
#      ASan+UBSan, from the committed seed corpus;
#   3. the allocation-failure, hostile-input and write-fault suites under
#      ASan+UBSan (LeakSanitizer on);
#   4. 'make check-valgrind': the unit suite and these under memcheck.
# Everything is built out of tree below TOPDIR/build/hardening.
#
#   tests/hardening.sh TOPDIR
#
# Prints one summary line per part and 'hardening: N passed, M failed';
# exits non-zero if any part failed.
set -uo pipefail

top=$(cd "${1:?usage: hardening.sh TOPDIR}" && pwd)
out=$top/build/hardening
secs=${FRB_FUZZ_SECONDS:-60}
cc=${CC_CLANG:-clang}
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0
summary=()

mkdir -p "$out"
lib=()
# The library without the sources that include the libfcgi binding.
for f in "$top"/src/*.c; do
  grep -qE '^#include "(frb_fcgi|serve)\.h"' "$f" || lib+=("$f")
done
cflags=(-std=c11 -g -O1 -fno-omit-frame-pointer -D_XOPEN_SOURCE=700
  -I"$top/include" -I"$top/src" -I"$top/tests/hardening" -pthread)
asan=(-fsanitize=address,undefined -fno-sanitize-recover=all)
fcgi_flags=()
fcgi_libs=()
if pkg-config --exists fcgi 2>/dev/null || [ -f /usr/include/fcgiapp.h ]; then
  fcgi_flags=(-DFRB_WITH_FCGI "$top/src/fcgi.c")
  fcgi_libs=(-lfcgi)
fi

result() { # result NAME STATUS DETAIL
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1))
    summary+=("PASS: $1: $3")
  else
    failed=$((failed + 1))
    summary+=("FAIL: $1: $3")
  fi
  echo "${summary[-1]}"
}

# build NAME OUTPUT SOURCES... [FLAGS...]: logs to OUTPUT.build.log.
build() {
  local name=$1 exe=$2
  shift 2
  if ! "$cc" "${cflags[@]}" -o "$exe" "$@" >"$exe.build.log" 2>&1; then
    cat "$exe.build.log"
    result "$name" 1 "build failed"
    return 1
  fi
}

# ---------------------------------------------------------------- 1. TSan
echo "=== hardening: stress under ThreadSanitizer"
exe=$out/stress-tsan
if build "stress (tsan)" "$exe" -fsanitize=thread "$top/tests/hardening/stress.c" \
  "$top/tests/hardening/strict_parser.c" "${lib[@]}"; then
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "$exe" \
    >"$exe.log" 2>&1
  st=$?
  grep -E '^(#|ok|not ok)' "$exe.log" | head -20
  grep -q 'ThreadSanitizer' "$exe.log" && st=1
  [ $st -eq 0 ] || tail -50 "$exe.log"
  result "stress (tsan)" $st "$(grep -E '^(not )?ok' "$exe.log" | head -1)"
fi

# ------------------------------------------------------------- 2. fuzzing
echo "=== hardening: fuzzing, ${secs}s per harness"
mkdir -p "$out/fuzz"
bash "$top/tests/hardening/fuzz/build.sh" "$out/fuzz" || true
for h in fuzz_ops fuzz_validate fuzz_helpers fuzz_date fuzz_printf; do
  # The formatter is one small function: 30 s covers it (CI time).
  hsecs=$secs
  [ "$h" = fuzz_printf ] && [ "$secs" -gt 30 ] && hsecs=30
  if [ ! -x "$out/fuzz/$h" ]; then
    if grep -q 'undefined reference' "$out/fuzz/$h.build.log" 2>/dev/null; then
      echo "$h: not built (its API does not link yet): skipped"
      continue
    fi
    result "$h" 1 "build failed"
    continue
  fi
  corpus=$out/fuzz/corpus-$h
  mkdir -p "$corpus" "$out/fuzz/artifacts"
  cp -n "$top/tests/hardening/fuzz/corpus/$h"/* "$corpus"/ 2>/dev/null || true
  "$out/fuzz/$h" -max_total_time="$hsecs" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$out/fuzz/artifacts/$h-" \
    "$corpus" >"$out/fuzz/$h.log" 2>&1
  st=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz/$h.log")
  files=$(find "$corpus" -type f | wc -l)
  if [ $st -ne 0 ]; then
    grep -a -E -A20 'invariant failed|ERROR|runtime error' "$out/fuzz/$h.log" |
      head -60
  fi
  result "$h" $st "${execs:-0} execs in ${hsecs}s, corpus $files inputs"
done

# ------------------------------------------- 3. ASan+UBSan fault suites
echo "=== hardening: allocation failure, hostile input, write faults (ASan+UBSan)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1
run_asan() { # NAME EXE: TAP program
  local name=$1 exe=$2 st
  "$exe" >"$exe.log" 2>&1
  st=$?
  grep -E '^# ' "$exe.log" | tail -3
  [ $st -eq 0 ] || grep -E -v '^ok' "$exe.log" | tail -40
  result "$name" $st "$(grep -c '^ok' "$exe.log") ok, $(grep -c '^not ok' \
    "$exe.log") not ok"
}
exe=$out/chaos-asan
build chaos "$exe" "${asan[@]}" -DFRB_ALLOC_HOOKS "$top/tests/hardening/chaos.c" \
  "$top/tests/hardening/strict_parser.c" "${lib[@]}" && run_asan "chaos (asan)" "$exe"
exe=$out/hostile-asan
build hostile "$exe" "${asan[@]}" "$top/tests/hardening/test_hostile.c" \
  "$top/tests/hardening/strict_parser.c" "${lib[@]}" &&
  run_asan "hostile (asan)" "$exe"
exe=$out/write-faults-asan
build write_faults "$exe" "${asan[@]}" "$top/tests/hardening/test_write_faults.c" \
  "$top/tests/hardening/strict_parser.c" "${lib[@]}" "${fcgi_flags[@]}" \
  "${fcgi_libs[@]}" && run_asan "write faults (asan)" "$exe"

# ------------------------------------------------------------ 4. valgrind
echo "=== hardening: make check-valgrind"
vdir=$out/valgrind
rm -rf "$vdir"
mkdir -p "$vdir"
if (cd "$vdir" && "$top/configure" -q --enable-werror >/dev/null &&
  make -s -j"$jobs" >/dev/null && make -s -j"$jobs" check-valgrind \
  >check-valgrind.log 2>&1); then
  st=0
else
  st=1
  tail -80 "$vdir/check-valgrind.log" 2>/dev/null
fi
result "valgrind" $st "$(grep -c '^PASS: valgrind' "$vdir/check-valgrind.log" \
  2>/dev/null) programs clean, $(grep -c '^FAIL: valgrind' \
  "$vdir/check-valgrind.log" 2>/dev/null) failed"

echo
echo "=== hardening summary"
printf '%s\n' "${summary[@]}"
echo "hardening: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
