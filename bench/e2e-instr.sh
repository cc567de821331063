#!/bin/bash
# bench/e2e-instr.sh: user-space instructions per request of bench/frb_fcgi
# (a2) and bench/plain_fcgi (b) behind nginx, counted by callgrind, which
# gives the same count however loaded the machine is.  It is the steady
# companion of bench/e2e.sh's a2/b, which moves by 10% between runs on a
# shared machine.
#
# Each responder runs under callgrind with one thread, twice: once for
# N1 and once for N2 requests, sent one after another by curl over one
# keep-alive connection to nginx.  (I(N2) - I(N1)) / (N2 - N1) leaves out
# start-up.  The kernel's share of a request (most of it: socket
# calls) is not in the count; bench/e2e.sh's CPU per request has it.
#
# Environment: BENCH_BIN (./bench), N1 (200), N2 (1200).
# Every process started here is stopped by PID on every way out.
set -u

BENCH_BIN=$(cd "${BENCH_BIN:-./bench}" && pwd) || exit 2
N1=${N1:-200}
N2=${N2:-1200}

for tool in valgrind curl nginx; do
  command -v $tool >/dev/null || { echo "e2e-instr.sh: $tool not installed" >&2; exit 2; }
done
for prog in "$BENCH_BIN/frb_fcgi" "$BENCH_BIN/plain_fcgi"; do
  [ -x "$prog" ] || { echo "e2e-instr.sh: $prog missing (make bench-build)" >&2; exit 2; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/frb-e2e-instr.XXXXXX") || exit 1
chmod 755 "$dir" # nginx's worker user reaches the sockets through it
# callgrind writes its file on exit: give it time.
STOP_TENTHS=200
. "$(dirname "$0")/procs.sh"

wait_for() { # wait_for TEST ARG: up to 30 s (a responder under valgrind starts slowly)
  local i
  for i in $(seq 300); do
    $1 "$2" && return 0
    sleep 0.1
  done
  echo "e2e-instr.sh: $2 never came up" >&2
  return 1
}
is_socket() { [ -S "$1" ]; }
answers() { curl -s -o /dev/null "http://127.0.0.1:$1/"; }

pa2=$(free_port) pb=$(free_port) pc=$(free_port)
ng=$dir/nginx
mkdir -p "$ng/logs"
{
  nginx_prelude "$ng" 1 64
  cat <<EOF
  server { listen 127.0.0.1:$pa2; location / { include /etc/nginx/fastcgi_params; fastcgi_pass unix:$dir/a2.sock; } }
  server { listen 127.0.0.1:$pb;  location / { include /etc/nginx/fastcgi_params; fastcgi_pass unix:$dir/b.sock; } }
  server { listen 127.0.0.1:$pc;  location / { return 200 "up"; } }
}
EOF
} >"$ng/nginx.conf"
nginx -p "$ng" -c "$ng/nginx.conf" 2>"$ng/logs/stderr" &
pids+=("$!")
wait_for answers "$pc" || exit 1

# count NAME PROG PORT N: instructions of one responder run serving N requests
count() {
  local name=$1 prog=$2 port=$3 n=$4 pid out=$dir/cg.$1.$4 got
  rm -f "$dir/$name.sock"
  valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$prog" -t 1 "unix:$dir/$name.sock" 2>"$dir/$name.$n.log" &
  pid=$!
  pids+=("$pid")
  wait_for is_socket "$dir/$name.sock" || return 1
  got=$(curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$port/?r=[1-$n]" |
    grep -c '^200$')
  stop_pid "$pid"
  unset 'pids[${#pids[@]}-1]'
  [ "$got" -eq "$n" ] || { echo "e2e-instr.sh: $name: $got of $n requests answered 200" >&2; return 1; }
  awk '/^(summary|totals):/ { print $2; exit }' "$out"
}

per_request() { # per_request NAME PROG PORT
  local i1 i2
  i1=$(count "$1" "$2" "$3" "$N1") && i2=$(count "$1" "$2" "$3" "$N2") &&
    [ -n "$i1" ] && [ -n "$i2" ] && echo $(((i2 - i1) / (N2 - N1)))
}

echo "# libfrb end to end, instructions per request (callgrind), $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
a2=$(per_request a2 "$BENCH_BIN/frb_fcgi" "$pa2") || exit 1
b=$(per_request b "$BENCH_BIN/plain_fcgi" "$pb") || exit 1
echo "| responder (behind nginx, 1 thread) | user-space instructions/request |"
echo "|---|---:|"
echo "| a2 bench/frb_fcgi (libfrb) | $a2 |"
echo "| b bench/plain_fcgi (libfcgi by hand) | $b |"
echo "| a2 - b (what libfrb adds) | $((a2 - b)) |"
echo
echo "(I($N2 requests) - I($N1 requests)) / $((N2 - N1)); libfcgi and libc are in both counts, the kernel in neither."
