#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang straight from src/*.c (no
# libtool): -fsanitize=fuzzer,address,undefined, every UBSan report fatal.
#
#   tests/hardening/fuzz/build.sh OUTDIR [harness...]     default: every harness
#
# A harness whose sources do not link yet (fuzz_helpers before the helpers
# exist) is reported and skipped; the exit status is non-zero only when a
# harness fails to compile for another reason.
set -euo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
out=${1:?usage: build.sh OUTDIR [harness...]}
shift
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(fuzz_ops fuzz_validate fuzz_helpers fuzz_date fuzz_printf)
cc=${FUZZ_CC:-clang}
mkdir -p "$out"

cflags=(-std=c11 -g -O1 -fno-omit-frame-pointer -D_XOPEN_SOURCE=700
  -I"$top/include" -I"$top/src" -Wall -Wextra -Werror
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -pthread)
# The library without the libfcgi binding: the harnesses need no FastCGI.
lib=()
for f in "$top"/src/*.c; do
  grep -qE '^#include "(frb_fcgi|serve)\.h"' "$f" || lib+=("$f")
done

status=0
for h in "${harnesses[@]}"; do
  log="$out/$h.build.log"
  if "$cc" "${cflags[@]}" -o "$out/$h" "$top/tests/hardening/fuzz/$h.c" \
    "$top/tests/hardening/strict_parser.c" "${lib[@]}" >"$log" 2>&1; then
    echo "fuzz build: $h ok"
  elif grep -q 'undefined reference' "$log"; then
    echo "fuzz build: $h skipped: the API it fuzzes does not link yet"
    grep 'undefined reference' "$log" | sort -u | head -3
    rm -f "$out/$h"
  else
    echo "fuzz build: $h FAILED"
    cat "$log"
    status=1
  fi
done
exit $status
