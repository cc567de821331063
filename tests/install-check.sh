#!/usr/bin/env bash
# Installs a build into a scratch root, then builds and runs a program the way
# a user would: only `pkg-config --cflags --libs frb`, no source tree.
set -euo pipefail
build=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

make -C "$build" -s install DESTDIR="$root" >"$root/install.log" 2>&1 ||
  { cat "$root/install.log"; echo "install-check: make install failed"; exit 1; }
prefix=$(sed -n 's/^prefix=//p' "$build/frb.pc")
export PKG_CONFIG_SYSROOT_DIR=$root
export PKG_CONFIG_PATH=$root$prefix/lib/pkgconfig
for f in include/frb.h include/frb_fcgi.h lib/libfrb.so lib/libfrb.a \
  share/man/man3/frb_header_set.3 share/man/man7/frb_threads.7; do
  [ -e "$root$prefix/$f" ] || { echo "install-check: $prefix/$f not installed"; exit 1; }
done

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror -o "$root/threads" "$top/examples/threads.c" \
  $(pkg-config --cflags --libs frb) -pthread
out=$(LD_LIBRARY_PATH=$root$prefix/lib "$root/threads")
grep -q '^Status: 200 OK' <<<"$out" && grep -q '^Content-Length: 24' <<<"$out" ||
  { echo "install-check: unexpected output:"; echo "$out"; exit 1; }
echo "install-check: installed headers, libraries, man pages and frb.pc work (pkg-config $(pkg-config --modversion frb))"
