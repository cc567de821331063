#!/bin/bash
# bench/e2e.sh: requests per second through nginx and Apache, loopback only.
#
#   a   examples/fanout -h 1: the fan-out example, libfrb, one helper thread
#       per request setting headers on the shared response
#   a2  bench/frb_fcgi: the same header calls through libfrb, in the request's
#       own thread (the fan-out example minus its helper thread)
#   b   bench/plain_fcgi: the same bytes, formatted by hand and written with
#       FCGX_PutStr, no libfrb
#   c   nginx "return 200" with the same body: the ceiling
#
# All three responders send byte-identical FastCGI output for "/" (checked
# first with cgi-fcgi when it is installed, and through the servers with
# curl).  Every responder runs 4 threads on a unix socket.  The targets are
# measured in turn, a, a2, b, c, a, a2, b, c, ... so that drift in the
# machine's load hits them alike; each figure is the median of the runs.
#
# Beside requests/s, each run of a, a2 and b records the responder's CPU
# time (user + system, from /proc/PID/stat) per request served: a figure
# that waiting for a shared core does not inflate, unlike requests/s.
#
# Environment: BENCH_BIN (./bench), EXAMPLES_BIN (./examples), REPS (3),
# DURATION (5s), CONNS (32), WRK_THREADS (2), SERVERS ("nginx apache").
# Every process started here is stopped by PID on every way out.
set -u

BENCH_BIN=$(cd "${BENCH_BIN:-./bench}" && pwd) || exit 2
EXAMPLES_BIN=$(cd "${EXAMPLES_BIN:-./examples}" && pwd) || exit 2
REPS=${REPS:-3}
DURATION=${DURATION:-5s}
CONNS=${CONNS:-32}
WRK_THREADS=${WRK_THREADS:-2}
SERVERS=${SERVERS:-nginx apache}

for tool in wrk curl; do
  command -v $tool >/dev/null || { echo "e2e.sh: $tool not installed" >&2; exit 2; }
done
for prog in "$BENCH_BIN/frb_fcgi" "$BENCH_BIN/plain_fcgi" "$EXAMPLES_BIN/fanout"; do
  [ -x "$prog" ] || { echo "e2e.sh: $prog missing (make bench-build examples/fanout)" >&2; exit 2; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/frb-bench-e2e.XXXXXX") || exit 1
chmod 755 "$dir" # the servers' worker users reach the sockets through it
. "$(dirname "$0")/procs.sh"

wait_socket() { # wait_socket PATH: up to 5 s for a unix socket to appear
  local i
  for i in $(seq 50); do
    [ -S "$1" ] && return 0
    sleep 0.1
  done
  echo "e2e.sh: $1 did not appear" >&2
  return 1
}

wait_http() { # wait_http PORT
  local i
  for i in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.1
  done
  echo "e2e.sh: nothing answers on port $1" >&2
  return 1
}

# ------------------------------------------------------------ responders
"$EXAMPLES_BIN/fanout" -t 4 -h 1 "unix:$dir/a.sock" 2>"$dir/a.log" &
pids+=("$!")
pid_a=$!
"$BENCH_BIN/frb_fcgi" -t 4 "unix:$dir/a2.sock" 2>"$dir/a2.log" &
pids+=("$!")
pid_a2=$!
"$BENCH_BIN/plain_fcgi" -t 4 "unix:$dir/b.sock" 2>"$dir/b.log" &
pids+=("$!")
pid_b=$!
clk_tck=$(getconf CLK_TCK)
for s in a a2 b; do
  wait_socket "$dir/$s.sock" || exit 1
  chmod 666 "$dir/$s.sock"
done

echo "# libfrb end to end, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "wrk -t$WRK_THREADS -c$CONNS -d$DURATION, $REPS runs per target, interleaved; medians."
echo

if command -v cgi-fcgi >/dev/null; then
  for s in a a2 b; do
    REQUEST_URI=/ REQUEST_METHOD=GET SCRIPT_NAME=/ QUERY_STRING="" \
      cgi-fcgi -bind -connect "$dir/$s.sock" >"$dir/raw.$s" 2>/dev/null
  done
  if cmp -s "$dir/raw.a" "$dir/raw.b" && cmp -s "$dir/raw.a2" "$dir/raw.b" &&
    [ -s "$dir/raw.b" ]; then
    echo "FastCGI output of a, a2 and b: byte-identical ($(wc -c <"$dir/raw.b") bytes, cgi-fcgi)."
  else
    echo "WARNING: the responders' FastCGI output differs (cgi-fcgi):"
    for s in a a2 b; do echo "--- $s"; od -c "$dir/raw.$s" | head -5; done
  fi
  echo
fi
body=$(awk 'f { print } /^\r?$/ { f = 1 }' "$dir/raw.b" 2>/dev/null)
[ -n "$body" ] || body="fan-out: 1 helper threads set headers on one response"

results=$dir/results.txt
cpu=$dir/cpu.txt
: >"$results"
: >"$cpu"

cpu_ticks() { # cpu_ticks PID: "utime stime" of the process, in clock ticks
  awk '{ print $14, $15 }' "/proc/$1/stat" 2>/dev/null || echo 0 0
}

run_wrk() { # run_wrk SERVER TARGET PORT
  local out rps non2xx pid='' t0='0 0' t1 reqs
  case $2 in
  a) pid=$pid_a ;;
  a2) pid=$pid_a2 ;;
  b) pid=$pid_b ;;
  esac
  [ -n "$pid" ] && t0=$(cpu_ticks "$pid")
  out=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$3/" 2>&1)
  rps=$(echo "$out" | awk '/^Requests\/sec:/ { print $2 }')
  non2xx=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
  [ -n "$non2xx" ] && echo "WARNING: $1 $2: $non2xx non-2xx responses" >&2
  echo "$1 $2 ${rps:-0}" >>"$results"
  if [ -n "$pid" ]; then
    t1=$(cpu_ticks "$pid")
    reqs=$(echo "$out" | awk '/ requests in / { print $1 }')
    # microseconds of responder CPU per request: total, user, system
    awk -v s="$1" -v t="$2" -v a="$t0" -v b="$t1" -v hz="$clk_tck" -v n="${reqs:-0}" \
      'BEGIN { if (n <= 0) exit; split(a, x, " "); split(b, y, " ")
               u = (y[1] - x[1]) * 1e6 / hz / n; k = (y[2] - x[2]) * 1e6 / hz / n
               printf "%s %s %.2f %.2f %.2f\n", s, t, u + k, u, k }' >>"$cpu"
  fi
}

check_same() { # check_same SERVER PORT...: same status, body, headers
  local server=$1 p first=
  shift
  for p in "$@"; do
    curl -s -D - "http://127.0.0.1:$p/" | tr -d '\r' |
      grep -v -i -E '^(date|server|connection|keep-alive):' >"$dir/http.$p"
    if [ -z "$first" ]; then
      first=$dir/http.$p
    elif ! cmp -s "$first" "$dir/http.$p"; then
      echo "WARNING: through $server the responses differ:"
      diff "$first" "$dir/http.$p" | head -10
      return
    fi
  done
  echo "Through $server, a, a2 and b answer with the same status, headers and body."
}

# ----------------------------------------------------------------- nginx
bench_nginx() {
  local pa pa2 pb pc ng i
  command -v nginx >/dev/null || { echo "nginx: not installed, skipped"; return; }
  pa=$(free_port) pa2=$(free_port) pb=$(free_port) pc=$(free_port)
  ng=$dir/nginx
  mkdir -p "$ng/logs"
  # nginx's "return" takes the body literally; keep it on one line.
  local cbody
  cbody=$(printf '%s' "$body" | sed 's/\\/\\\\/g; s/"/\\"/g' | awk '{ printf "%s\\n", $0 }')
  {
    nginx_prelude "$ng" auto 1024
    cat <<EOF
  server { listen 127.0.0.1:$pa;  location / { include /etc/nginx/fastcgi_params; fastcgi_pass unix:$dir/a.sock; } }
  server { listen 127.0.0.1:$pa2; location / { include /etc/nginx/fastcgi_params; fastcgi_pass unix:$dir/a2.sock; } }
  server { listen 127.0.0.1:$pb;  location / { include /etc/nginx/fastcgi_params; fastcgi_pass unix:$dir/b.sock; } }
  server { listen 127.0.0.1:$pc;  location / { default_type "text/plain; charset=utf-8"; return 200 "$cbody"; } }
}
EOF
  } >"$ng/nginx.conf"
  nginx -p "$ng" -c "$ng/nginx.conf" 2>"$ng/logs/stderr" &
  local npid=$!
  pids+=("$npid")
  wait_http "$pc" || return
  check_same nginx "$pa" "$pa2" "$pb"
  for ((i = 0; i < REPS; i++)); do
    run_wrk nginx a "$pa"
    run_wrk nginx a2 "$pa2"
    run_wrk nginx b "$pb"
    run_wrk nginx c "$pc"
  done
  stop_pid "$npid"
}

# ---------------------------------------------------------------- apache
bench_apache() {
  local pa pa2 pb ap i
  command -v apache2 >/dev/null || { echo "apache: not installed, skipped"; return; }
  local mods=/usr/lib/apache2/modules
  pa=$(free_port) pa2=$(free_port) pb=$(free_port)
  ap=$dir/apache
  mkdir -p "$ap/logs"
  cat >"$ap/httpd.conf" <<EOF
ServerRoot "$ap"
ServerName 127.0.0.1
PidFile "$ap/httpd.pid"
DefaultRuntimeDir "$ap"
ErrorLog "$ap/logs/error.log"
LogLevel warn
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule proxy_module $mods/mod_proxy.so
LoadModule proxy_fcgi_module $mods/mod_proxy_fcgi.so
Listen 127.0.0.1:$pa
Listen 127.0.0.1:$pa2
Listen 127.0.0.1:$pb
<VirtualHost 127.0.0.1:$pa>
  ProxyPass "/" "unix:$dir/a.sock|fcgi://localhost/"
</VirtualHost>
<VirtualHost 127.0.0.1:$pa2>
  ProxyPass "/" "unix:$dir/a2.sock|fcgi://localhost/"
</VirtualHost>
<VirtualHost 127.0.0.1:$pb>
  ProxyPass "/" "unix:$dir/b.sock|fcgi://localhost/"
</VirtualHost>
EOF
  apache2 -f "$ap/httpd.conf" -DFOREGROUND 2>"$ap/logs/stderr" &
  local apid=$!
  pids+=("$apid")
  wait_http "$pb" || { cat "$ap/logs/stderr" "$ap/logs/error.log" >&2; return; }
  check_same Apache "$pa" "$pa2" "$pb"
  for ((i = 0; i < REPS; i++)); do
    run_wrk apache a "$pa"
    run_wrk apache a2 "$pa2"
    run_wrk apache b "$pb"
  done
  stop_pid "$apid"
}

for s in $SERVERS; do
  case $s in
  nginx) bench_nginx ;;
  apache) bench_apache ;;
  esac
done
echo

med() { # med SERVER TARGET: median requests/s
  awk -v s="$1" -v t="$2" '$1 == s && $2 == t { print $3 }' "$results" |
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }
rmed() { # rmed SERVER X Y: median over rounds of X/Y from the same round
  awk -v s="$1" -v x="$2" -v y="$3" '$1 == s && $2 == x { a[++na] = $3 }
    $1 == s && $2 == y { b[++nb] = $3 }
    END { for (i = 1; i <= na && i <= nb; i++) if (b[i] > 0) print a[i] / b[i] }' "$results" |
    sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
runs() { awk -v s="$1" -v t="$2" '$1 == s && $2 == t { printf "%s%.0f", sep, $3; sep = ", " }' "$results"; }

echo "| server | a fanout -h 1 | a2 frb_fcgi | b plain libfcgi | c return 200 | a/b | a2/b | a/c | a2/c |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for s in nginx apache; do
  grep -q "^$s " "$results" || continue
  a=$(med $s a) a2=$(med $s a2) b=$(med $s b) c=$(med $s c)
  if [ "$s" = nginx ]; then
    echo "| $s | $(printf %.0f "$a") | $(printf %.0f "$a2") | $(printf %.0f "$b") | $(printf %.0f "$c") | $(ratio "$a" "$b") | $(ratio "$a2" "$b") | $(ratio "$a" "$c") | $(ratio "$a2" "$c") |"
  else
    echo "| $s | $(printf %.0f "$a") | $(printf %.0f "$a2") | $(printf %.0f "$b") | - | $(ratio "$a" "$b") | $(ratio "$a2" "$b") | - | - |"
  fi
done
echo
echo "Median over rounds of the ratio within one round (a, a2, b, c run back to back):"
for s in nginx apache; do
  grep -q "^$s " "$results" || continue
  line="- $s: a/b $(rmed $s a b), a2/b $(rmed $s a2 b)"
  [ "$s" = nginx ] && line="$line, a/c $(rmed $s a c), a2/c $(rmed $s a2 c)"
  echo "$line"
done
echo
echo "Responder CPU (user + system) per request, microseconds, median of the"
echo "runs; b/a2 and b/a are medians of per-round ratios (above 1: the libfrb"
echo "responder used less CPU than plain libfcgi).  /proc ticks are 1/$clk_tck s."
echo
echo "| server | a fanout -h 1 | a2 frb_fcgi | b plain libfcgi | b/a2 | b/a |"
echo "|---|---:|---:|---:|---:|---:|"
for s in nginx apache; do
  grep -q "^$s " "$cpu" || continue
  echo "| $s | $(results=$cpu med $s a) | $(results=$cpu med $s a2) | $(results=$cpu med $s b) | $(results=$cpu rmed $s b a2) | $(results=$cpu rmed $s b a) |"
done
echo
echo "Every run (requests/s):"
for s in nginx apache; do
  for t in a a2 b c; do
    r=$(runs $s $t)
    if [ -n "$r" ]; then echo "- $s $t: $r"; fi
  done
done
echo
echo "Every run (responder CPU microseconds per request, total (user + system)):"
for s in nginx apache; do
  for t in a a2 b; do
    r=$(awk -v s="$s" -v t="$t" '$1 == s && $2 == t { printf "%s%s (%s + %s)", sep, $3, $4, $5; sep = ", " }' "$cpu")
    if [ -n "$r" ]; then echo "- $s $t: $r"; fi
  done
done
# A figure, not a verdict: fail only when nothing could be measured.
[ -s "$results" ]
