#!/usr/bin/env bash
# The libfrb demo: nginx on 127.0.0.1:8080 in front of examples/fanout, in
# which 8 helper threads set the headers of one response at the same time.
#
#   bash examples/demo.sh           build, start, show one response, keep
#                                   running until Ctrl-C
#   bash examples/demo.sh --once    the same, then stop at once (CI)
#
# Installs what is missing (apt-get, through tests/deps.sh: run as root or
# with sudo available), bootstraps and builds out of tree in build/demo.
# Everything it starts runs from a temporary directory and is stopped by
# PID when it ends; nothing is installed system-wide except packages.
set -euo pipefail

once=0
case ${1:-} in
--once) once=1 ;;
"") ;;
*)
  echo "usage: bash examples/demo.sh [--once]" >&2
  exit 2
  ;;
esac
port=${FRB_DEMO_PORT:-8080}

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
step() { printf '\n==> %s\n' "$*"; }

step "installing what is missing (tests/deps.sh)"
bash tests/deps.sh

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
  step "bootstrapping (autoreconf -fi)"
  autoreconf -fi
fi

step "building in build/demo"
mkdir -p build/demo
if [ ! -f build/demo/Makefile ]; then
  (cd build/demo && "$top/configure" -q)
fi
make -C build/demo -s -j"$(nproc 2>/dev/null || echo 2)"

. "$top/tests/e2e/lib.sh"
if e2e_port_open "$port"; then
  echo "demo: something already listens on 127.0.0.1:$port;" \
    "stop it or run with FRB_DEMO_PORT=another-port" >&2
  exit 1
fi

stop() {
  trap - EXIT INT TERM
  echo
  echo "demo: stopping nginx and the application"
  e2e_stop_all
  rm -rf "$E2E_DIR"
}
e2e_make_dir
trap stop EXIT
trap 'exit 130' INT TERM

step "starting examples/fanout (4 workers, 8 helper threads per request)"
sock=$E2E_DIR/fanout.sock
e2e_start_app fanout "$sock" build/demo/examples/fanout -t 4 "unix:$sock"
echo "demo: listening on $sock (log: $E2E_DIR/fanout.log)"

step "starting nginx on 127.0.0.1:$port"
e2e_nginx_conf "$port" "$sock"
e2e_start_nginx "$port"
echo "demo: nginx -p $E2E_DIR -c $E2E_DIR/nginx.conf"

step "curl -si http://127.0.0.1:$port/"
curl -si "http://127.0.0.1:$port/"

cat <<EOF

demo: each X-Part-<k>, X-Parts and Set-Cookie line above was set by its
      own helper thread on the same response; one flush sent them all.
      Try also:
        curl -si http://127.0.0.1:$port/status/404
        curl -si http://127.0.0.1:$port/redirect
        curl -s  http://127.0.0.1:$port/big?bytes=10485760 | sha256sum
        curl -si 'http://127.0.0.1:$port/head-size?bytes=5000'
EOF
if [ "$once" = 1 ]; then
  exit 0
fi
echo
echo "demo: running on http://127.0.0.1:$port/ -- press Ctrl-C to stop."
# Sleep in short steps so that Ctrl-C is handled at once; leave if nginx
# or the application dies.
while e2e_alive "$E2E_NGINX_PID" && e2e_alive "${E2E_PIDS[0]}"; do
  sleep 1
done
echo "demo: nginx or the application exited" >&2
exit 1
