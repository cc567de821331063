#!/bin/sh
# The exported symbols must be exactly the committed list (tests/symbols.txt):
# nothing internal leaks out of -fvisibility=hidden, and nothing public is
# lost by accident.  Prints TAP.
top_srcdir=${top_srcdir:-.}
# Defined, global and of default visibility: what a program can link to.
# readelf shows visibility, which nm does not: in the static archive the
# hidden internal functions are global too.
if [ -f .libs/libfrb.so ]; then
  lib=.libs/libfrb.so
  readelf -W --dyn-syms "$lib" >symbols.elf
else
  lib=.libs/libfrb.a
  readelf -W -s "$lib" >symbols.elf
fi
awk '$5 == "GLOBAL" && $6 == "DEFAULT" && $7 != "UND" {print $8}' symbols.elf |
  sort -u >symbols.actual
if [ "${FRB_HAVE_FCGI:-yes}" = yes ]; then
  sort "$top_srcdir/tests/symbols.txt"
else
  grep -v -e fcgx -e frb_fcgi_ -e frb_request_ "$top_srcdir/tests/symbols.txt" | sort
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
rm -f symbols.elf symbols.actual symbols.expected symbols.diff
