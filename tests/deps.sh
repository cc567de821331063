#!/usr/bin/env bash
# Installs every Debian package that building and testing libfrb needs.
# Idempotent: packages already present are not touched, and apt-get is not
# run at all when nothing is missing.
set -euo pipefail

packages=(
  # build
  build-essential autoconf automake libtool pkg-config
  libfcgi-dev libfcgi-bin libcmocka-dev
  # documentation lint
  mandoc
  # end-to-end tests and the demo
  nginx apache2 curl spawn-fcgi wrk procps libapache2-mod-xsendfile
  # more front ends (tests/e2e/{lighttpd,h2o,caddy,fcgid}.sh)
  lighttpd h2o caddy libapache2-mod-fcgid nghttp2-client
  # hardening: libFuzzer, LeakSanitizer runtime, valgrind
  clang libclang-rt-14-dev valgrind
  # benchmarks (outside references)
  golang-go libmicrohttpd-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || {
    echo "deps: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  }
  sudo=sudo
fi
echo "deps: installing ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
