#!/bin/sh
# The exported symbols must be exactly the committed list (tests/symbols.txt):
# nothing internal leaks out of -fvisibility=hidden, and nothing public is
# lost by accident.  Prints TAP.
top_srcdir=${top_srcdir:-.}
if [ -f .libs/libfrb.so ]; then
  lib=.libs/libfrb.so
  nm -D --defined-only "$lib" >symbols.nm
else
  # Static-only builds (the sanitizer runs): the archive's global symbols.
  lib=.libs/libfrb.a
  nm -g --defined-only "$lib" >symbols.nm
fi
awk '$2 ~ /^[TDBR]$/ {print $3}' symbols.nm | sort -u >symbols.actual
if [ "${FRB_HAVE_FCGI:-yes}" = yes ]; then
  sort "$top_srcdir/tests/symbols.txt"
else
  grep -v fcgx "$top_srcdir/tests/symbols.txt" | sort
fi >symbols.expected

echo "1..2"
if diff -u symbols.expected symbols.actual >symbols.diff; then
  echo "ok 1 - $lib exports exactly tests/symbols.txt"
else
  echo "not ok 1 - $lib exports differ from tests/symbols.txt"
  sed 's/^/# /' symbols.diff
fi
if grep -v '^frb_' symbols.actual >symbols.diff; then
  echo "not ok 2 - symbols outside the frb_ namespace:"
  sed 's/^/# /' symbols.diff
else
  echo "ok 2 - every exported symbol starts with frb_"
fi
rm -f symbols.nm symbols.actual symbols.expected symbols.diff
