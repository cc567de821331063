#!/bin/sh
# Every C source and header of the tree is formatted as .clang-format says.
# Prints TAP.  Without clang-format: a "1..0 # SKIP" plan and exit 77, the
# usual skip status; under automake's TAP driver (which sets AM_TAP_AWK and
# would count any non-zero exit as an error) the plan alone says SKIP.
# Fix a failure with: clang-format -i FILE  (the output names the files).
top_srcdir=${top_srcdir:-.}
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}

if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
  echo "1..0 # SKIP $CLANG_FORMAT not installed"
  [ -n "${AM_TAP_AWK:-}" ] && exit 0
  exit 77
fi
files=$(cd "$top_srcdir" && find src include tests examples bench \
  -name '*.[ch]' -type f | LC_ALL=C sort)
n=$(echo "$files" | wc -w)
echo "1..$n"
i=0
for f in $files; do
  i=$((i + 1))
  # --Werror turns "code should be clang-formatted" into a non-zero exit;
  # the style file is found from the file's directory upwards.
  if out=$(cd "$top_srcdir" && "$CLANG_FORMAT" --dry-run --Werror "$f" 2>&1); then
    echo "ok $i - $f"
  else
    echo "not ok $i - $f is not clang-format clean"
    echo "$out" | head -20 | sed 's/^/# /'
  fi
done
