#!/bin/sh
# 'make check-man': every FRB_EXTERN function in include/*.h has its own
# page among the listed ones (always checked), and every listed page is
# silent under 'mandoc -Tlint -W warning' (checked when mandoc exists).
#
#   tests/check-man.sh SRCDIR PAGE...
srcdir=$1
shift
pages=" $* "
fail=0

for h in "$srcdir"/include/*.h; do
  grep '^FRB_EXTERN' "$h" >/dev/null || continue
  n_decl=$(grep -c '^FRB_EXTERN' "$h")
  fns=$(sed -n 's/^FRB_EXTERN[^(]*[ *]\(frb_[a-z0-9_]*\)(.*/\1/p' "$h")
  n_fns=$(echo $fns | wc -w)
  if [ "$n_decl" != "$n_fns" ]; then
    echo "check-man: $h: $n_decl FRB_EXTERN lines but $n_fns function names found"
    fail=1
  fi
  for fn in $fns; do
    case $pages in
    *" man/$fn.3 "*) ;;
    *)
      echo "check-man: exported $fn has no man/$fn.3 in man_pages"
      fail=1
      ;;
    esac
  done
done

if command -v mandoc >/dev/null 2>&1; then
  for p in $pages; do
    out=$(mandoc -Tlint -W warning "$srcdir/$p" 2>&1)
    if [ -n "$out" ]; then
      echo "$out"
      fail=1
    fi
  done
  [ $fail = 1 ] || echo "check-man: every exported function has a page; mandoc -Tlint -W warning is silent on all pages"
else
  echo "*****************************************************************"
  echo "*** check-man: mandoc NOT FOUND: man pages were NOT linted.    ***"
  echo "*** Install it (apt-get install mandoc) to run the lint.       ***"
  echo "*****************************************************************"
fi
exit $fail
