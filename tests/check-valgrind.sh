#!/bin/sh
# 'make check-valgrind': every test program under memcheck, from the build
# directory.  A program fails on any memcheck error or any definite or
# indirect leak; the stress test runs a shorter mix here, and the 204/write
# race in test_threads fewer rounds (memcheck serialises the threads).
#
#   LIBTOOL=... top_srcdir=... tests/check-valgrind.sh PROGRAM...
flags="-q --error-exitcode=1 --leak-check=full \
--errors-for-leak-kinds=definite,indirect \
--show-leak-kinds=definite,indirect --track-fds=no"
failed=0

for t in "$@"; do
  # shellcheck disable=SC2086
  if FRB_STRESS_OPS=20000 FRB_RACE_ROUNDS=200 $LIBTOOL --mode=execute valgrind $flags \
    "./$t" >"$t.valgrind.log" 2>&1; then
    echo "PASS: valgrind $t"
  else
    echo "FAIL: valgrind $t"
    cat "$t.valgrind.log"
    failed=$((failed + 1))
  fi
done
echo "check-valgrind: $failed program(s) failed"
test $failed -eq 0
