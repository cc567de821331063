#!/bin/sh
# 'make check-valgrind': every test program under memcheck, from the build
# directory.  A program fails on any memcheck error or any definite or
# indirect leak; the stress test runs a shorter mix here.
#
#   LIBTOOL=... top_srcdir=... tests/check-valgrind.sh PROGRAM...
flags="-q --error-exitcode=1 --leak-check=full \
--errors-for-leak-kinds=definite,indirect \
--show-leak-kinds=definite,indirect --track-fds=no"
failed=0

for t in "$@"; do
  # shellcheck disable=SC2086
  if FRB_STRESS_OPS=20000 $LIBTOOL --mode=execute valgrind $flags \
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
