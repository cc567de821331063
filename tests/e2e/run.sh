#!/usr/bin/env bash
# End-to-end tests: the libfrb examples behind REAL nginx and Apache
# (mod_proxy_fcgi for FastCGI, mod_cgid for plain CGI), on 127.0.0.1 high
# ports and unix sockets in a temporary directory.
#
#   tests/e2e/run.sh BUILD_DIR      (BUILD_DIR/examples/{fanout,hello,cgi})
#
# Prints PASS/FAIL per check and ends with "e2e: N passed, M failed"; exits
# non-zero when anything failed.  Every process it starts is stopped by PID
# on every exit path (including Ctrl-C), and the directory is removed
# (kept when E2E_KEEP=1, for a look at the logs).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

build=${1:-}
if [ -z "$build" ] || [ ! -d "$build" ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$build" && pwd)
e2e_counters

finish() {
  echo "e2e: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

# --------------------------------------------------------- prerequisites
missing=()
for tool in nginx apache2 curl wrk; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
for m in mod_mpm_event mod_proxy_fcgi mod_cgid; do
  [ -e "$E2E_APACHE_MODULES/$m.so" ] || missing+=("apache2:$m")
done
for p in fanout hello cgi; do
  [ -x "$build/examples/$p" ] || missing+=("$build/examples/$p (build with libfcgi-dev)")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "############################################################"
  echo "## e2e: MISSING: ${missing[*]}"
  echo "## install them with: bash tests/deps.sh"
  if [ "${CI:-}" = true ]; then
    echo "## CI=true: this is a failure, not a skip."
    echo "############################################################"
    fail "prerequisites: ${missing[*]}"
    echo "e2e: took ${SECONDS}s"
finish
    exit 1
  fi
  echo "## SKIPPING the end-to-end tests (they would FAIL in CI)."
  echo "############################################################"
  echo "e2e: took ${SECONDS}s"
finish
  exit 0
fi

# ------------------------------------------------------------- set up
cleanup() {
  trap - EXIT INT TERM
  e2e_stop_all
  if [ "${E2E_KEEP:-}" = 1 ]; then
    echo "e2e: kept $E2E_DIR"
  else
    rm -rf "$E2E_DIR"
  fi
}
trap cleanup EXIT
trap 'fail "interrupted by a signal"; finish; exit 130' INT TERM

e2e_make_dir
d=$E2E_DIR
sock=$d/fanout.sock
hello_sock=$d/hello.sock
s1=$d/b1.sock
s2=$d/b2.sock
MiB=$((1024 * 1024))

echo "e2e: build $build, directory $d"

start_apps() {
  e2e_start_app fanout "$sock" "$build/examples/fanout" -t 4 "unix:$sock" &&
    app_pid=$E2E_LAST_PID &&
    e2e_start_app hello "$hello_sock" "$build/examples/hello" "unix:$hello_sock" &&
    hello_pid=$E2E_LAST_PID &&
    e2e_start_app b1 "$s1" "$build/examples/fanout" -n b1 "unix:$s1" &&
    b1_pid=$E2E_LAST_PID &&
    e2e_start_app b2 "$s2" "$build/examples/fanout" -n b2 "unix:$s2" &&
    b2_pid=$E2E_LAST_PID
}
# Fresh ports on each attempt: the machine is shared, and a port found
# free can be taken before the server binds it.
start_servers() {
  local attempt
  for attempt in 1 2 3; do
    ngx_port=$(e2e_free_port) && pair_port=$(e2e_free_port) &&
      apa_port=$(e2e_free_port) || continue
    e2e_nginx_conf "$ngx_port" "$sock" "$hello_sock" "$pair_port" "$s1" "$s2"
    e2e_apache_conf "$apa_port" "$sock" "$build/examples/cgi"
    if e2e_start_nginx "$ngx_port"; then
      e2e_start_apache "$apa_port" && return 0
      e2e_stop "$E2E_NGINX_PID"
    fi
    rm -f "$d/nginx-error.log" "$d/apache-error.log"
    echo "e2e: server start attempt $attempt failed, trying other ports"
  done
  return 1
}
if start_apps && start_servers; then
  echo "e2e: nginx 127.0.0.1:$ngx_port (pair :$pair_port), Apache 127.0.0.1:$apa_port"
  pass "setup: fanout, hello, two backends, nginx and Apache started"
else
  fail "setup"
  finish
  exit 1
fi

# ------------------------------------------------------------- helpers
# fetch URL [curl args...]: sets $code, headers in $d/h, body in $d/b.
fetch() {
  local url=$1
  shift
  rm -f "$d/h" "$d/b"
  code=$(curl -s --max-time 30 -D "$d/h" -o "$d/b" -w '%{http_code}' "$@" "$url")
  curl_rc=$?
  touch "$d/h" "$d/b"
  tr -d '\r' <"$d/h" >"$d/h.txt"
}
# header NAME: every value of NAME in the last response, one per line.
header() {
  awk -v n="$(echo "$1" | tr 'A-Z' 'a-z')" -F': ' \
    'tolower($1) == n { sub(/^[^:]*: /, ""); print }' "$d/h.txt"
}
body_is() { [ "$(cat "$d/b")" = "$1" ]; }
body_has() { grep -q -- "$1" "$d/b"; }
# The 500 that the application chose when libfrb refused its head.
app_500_etoobig() { [ "$code" = 500 ] && body_has FRB_ETOOBIG; }

# The fan-out response as the helper threads built it.
check_fanout() {
  local via=$1 k n vals ok=1
  [ "$code" = 200 ] || {
    info "status $code"
    ok=0
  }
  for ((k = 0; k < 8; k++)); do
    n=$(header "X-Part-$k" | wc -l)
    vals=$(header "X-Part-$k")
    if [ "$n" -ne 1 ] || [ "$vals" != "k=$k;sq=$((k * k))" ]; then
      info "X-Part-$k: $n line(s): '$vals'"
      ok=0
    fi
  done
  [ $ok = 1 ] && pass "$via: fan-out 200, X-Part-0..7 each exactly once with exact value" ||
    fail "$via: fan-out headers"
  # X-Parts: one line per add (nginx) or comma-joined (Apache): same set.
  vals=$(header X-Parts | tr ',' '\n' | tr -d ' ' | sort | tr '\n' ' ')
  check "$via: X-Parts holds p0..p7 exactly once each (got: $vals)" \
    [ "$vals" = "p0 p1 p2 p3 p4 p5 p6 p7 " ]
  n=$(header Set-Cookie | wc -l)
  vals=$(header Set-Cookie | sed 's/;.*//' | sort | tr '\n' ' ')
  check "$via: 8 separate Set-Cookie lines h0=c0..h7=c7 (got $n: $vals)" \
    [ "$n" -eq 8 -a "$vals" = "h0=c0 h1=c1 h2=c2 h3=c3 h4=c4 h5=c5 h6=c6 h7=c7 " ]
  n=$(grep -c '^helper [0-7]: .*(success).*(success).*(success)$' "$d/b")
  check "$via: body lists what each of the 8 helpers contributed" [ "$n" -eq 8 ]
}

check_statuses() {
  local via=$1 base=$2
  fetch "$base/status/404"
  check "$via: /status/404 -> 404 with the app's body" \
    [ "$code" = 404 -a "$(cat "$d/b")" = "status 404" ]
  fetch "$base/status/500"
  check "$via: /status/500 -> 500 with the app's body (not the server's)" \
    [ "$code" = 500 -a "$(cat "$d/b")" = "status 500" ]
  fetch "$base/status/201"
  check "$via: /status/201 -> 201" [ "$code" = 201 ]
  fetch "$base/redirect"
  check "$via: /redirect -> 302, Location: $(header Location)" \
    [ "$code" = 302 -a "$(header Location)" = /target ]
  fetch "$base/no-such-page"
  check "$via: unknown path -> the app's 404" [ "$code" = 404 ]
}

# big_body VIA BASE BYTES: a streamed body with a known checksum.
yes_line="libfrb streamed body 0123456789 abcdefghijklmnopqrstuvwxyz ABCD"
check_big() {
  local via=$1 base=$2 bytes=$3 want got len
  want=$(yes "$yes_line" | head -c "$bytes" | sha256sum | cut -d' ' -f1)
  fetch "$base/big?bytes=$bytes"
  got=$(sha256sum <"$d/b" | cut -d' ' -f1)
  len=$(stat -c %s "$d/b")
  check "$via: /big?bytes=$bytes -> $code, $len bytes, sha256 ${got:0:16}... (want ${want:0:16}...)" \
    [ "$code" = 200 -a "$got" = "$want" ]
}

# A client that reads 1 MiB of a 256 MiB body and hangs up.
check_disconnect() {
  local via=$1 base=$2 log=$3 pid=$4 before after
  before=$(grep -c '^big: stopped' "$log")
  curl -s --max-time 30 "$base/big?bytes=$((256 * MiB))" | head -c $MiB >/dev/null
  # The app notices when its next write fails; give it a moment.
  e2e_wait_for eval "[ \$(grep -c '^big: stopped' '$log') -gt $before ]"
  after=$(grep -c '^big: stopped' "$log")
  info "app log: $(grep '^big: stopped' "$log" | tail -1)"
  check "$via: client hung up mid-body: the app saw its write fail and went on" \
    [ "$after" -gt "$before" ]
  fetch "$base/"
  check "$via: after the hang-up the next request is served (app alive)" \
    eval '[ "$code" = 200 ] && e2e_alive "$pid"' 
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# wrk_run NAME URL SECONDS: wrk -t2 -c16 with fanout-check.lua, which
# checks every response's X-Part headers and body; sets reqs, rps, non2xx,
# sockerr, good, bad.
wrk_run() {
  local name=$1 url=$2 secs=$3 out=$d/wrk-$1.txt
  # In the background and waited for, so that a signal reaches the trap
  # at once and the trap stops wrk by its PID.
  e2e_start wrk "$out" wrk -t2 -c16 -d"${secs}s" --timeout 10s \
    -s "$here/fanout-check.lua" "$url"
  wait "$E2E_LAST_PID"
  parse_wrk "$out"
}
parse_wrk() {
  local out=$1
  reqs=$(awk '/requests in/ {print $1}' "$out")
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
  non2xx=$(awk '/Non-2xx or 3xx responses/ {print $NF}' "$out")
  sockerr=$(awk '/Socket errors/ {gsub(/,/, ""); print $4 + $6 + $8 + $10}' "$out")
  good=$(awk '/^frb-check:/ {print $2}' "$out")
  bad=$(awk '/^frb-check:/ {print $4}' "$out")
  good=${good:-0}
  bad=${bad:--1}
  non2xx=${non2xx:-0}
  sockerr=${sockerr:-0}
  reqs=${reqs:-0}
}

check_load() {
  local via=$1 url=$2 rss0 rss1 slack
  wrk_run "$via-warmup" "$url" 3
  rss0=$(rss_kb "$app_pid")
  wrk_run "$via" "$url" 10
  rss1=$(rss_kb "$app_pid")
  info "wrk -t2 -c16 -d10s $url: $reqs requests, $rps req/s, non-2xx $non2xx, socket errors $sockerr, well-formed $good, malformed $bad"
  check "$via: load: $reqs requests, zero non-2xx (got $non2xx), zero socket errors/timeouts (got $sockerr)" \
    [ "$reqs" -gt 0 -a "$non2xx" -eq 0 -a "$sockerr" -eq 0 ]
  check "$via: load: every response well-formed (8 exact X-Part headers, full body): $good well-formed, $bad malformed" \
    [ "$good" -gt 0 -a "$bad" -eq 0 ]
  # Thread stacks and malloc arenas settle during the warm-up; after that
  # a leak of even 100 bytes per request would show as megabytes.
  slack=$((rss0 / 10 > 2048 ? rss0 / 10 : 2048))
  check "$via: app RSS after warm-up ${rss0} kB, after the run ${rss1} kB (slack ${slack} kB)" \
    [ "$rss1" -le $((rss0 + slack)) ]
  echo "$via $reqs $rps $non2xx $sockerr $bad $rss0 $rss1" >>"$d/load-figures"
}

echo
echo "=== FastCGI through nginx (default fastcgi_buffer_size) (t=${SECONDS}s)"
ngx=http://127.0.0.1:$ngx_port
apa=http://127.0.0.1:$apa_port
fetch "$ngx/"
check_fanout nginx
check_statuses nginx "$ngx"
fetch "$ngx/hello/x"
check "nginx: hello example -> 200 'Hello from libfrb'" \
  [ "$code" = 200 -a "$(cat "$d/b")" = "Hello from libfrb" -a "$(header X-Hello)" = world ]

# The head limit.  4087 is libfrb's default: the largest head that nginx
# with fastcgi_buffer_size 4k delivers whole.
fetch "$ngx/head-size?bytes=4087"
check "nginx: a 4087-byte head (the default limit) arrives whole with its body ($code, $(stat -c %s "$d/b") body bytes)" \
  [ "$code" = 200 -a "$(cat "$d/b")" = "head-size: this response has a 4087-byte head (limit 4087)" ]
fetch "$ngx/head-size?bytes=4088"
check "nginx: a 4088-byte head with the default limit -> the app's own 500 naming FRB_ETOOBIG ($code)" \
  app_500_etoobig
check "nginx: the app logged FRB_ETOOBIG: $(grep 'refused a 4088' "$d/fanout.log" | tail -1)" \
  grep -q 'refused a 4088-byte head (limit 4087): FRB_ETOOBIG' "$d/fanout.log"
fetch "$ngx/head-size?bytes=6000"
check "nginx: a 6000-byte head -> the app's 500, never nginx's 502 ($code)" \
  app_500_etoobig
# With the limit raised past the default: what nginx really does.  If it
# delivered these whole, 4087 would be a needless restriction.
for n in 4088 4089; do
  whole=0 answered=0
  # --max-time 3: at 4088 nginx sends the head and then nothing, so the
  # client would wait for the body until its own timeout.
  for try in 1 2 3; do
    fetch "$ngx/head-size?bytes=$n&limit=$n" --max-time 3
    body_is "head-size: this response has a $n-byte head (limit $n)" && [ "$code" = 200 ] &&
      whole=$((whole + 1))
    [ "$code" != 000 ] && answered=$((answered + 1))
    info "limit raised to $n, $n-byte head, try $try: status $code, $(grep -c . "$d/h.txt") header lines, Content-Length $(header Content-Length), $(stat -c %s "$d/b") body bytes, curl exit $curl_rc"
  done
  check "nginx: a $n-byte head (limit raised to $n) is not delivered whole ($whole of 3 whole, $answered of 3 answered): the default 4087 is the largest safe head" \
    [ "$whole" -eq 0 -a "$answered" -gt 0 ]
done
info "nginx error log: $(grep -m1 'too big header' "$d/nginx-error.log")"

. "$here/limits.sh"

check_big nginx "$ngx" $((10 * MiB + 12345))
check_disconnect nginx "$ngx" "$d/fanout.log" "$app_pid"

echo
echo "=== FastCGI through Apache mod_proxy_fcgi (t=${SECONDS}s)"
fetch "$apa/"
check_fanout apache
check_statuses apache "$apa"
fetch "$apa/head-size?bytes=4087"
check "apache: a 4087-byte head arrives whole with its body ($code)" \
  [ "$code" = 200 -a "$(cat "$d/b")" = "head-size: this response has a 4087-byte head (limit 4087)" ]
fetch "$apa/head-size?bytes=4088"
check "apache: a 4088-byte head with the default limit -> the app's own 500 naming FRB_ETOOBIG ($code)" \
  app_500_etoobig
fetch "$apa/head-size?bytes=20000&limit=20000"
check "apache: a 20000-byte head (limit raised) arrives whole ($code): Apache has no 4 KiB head limit" \
  [ "$code" = 200 -a "$(cat "$d/b")" = "head-size: this response has a 20000-byte head (limit 20000)" ]
check_big apache "$apa" $((10 * MiB + 12345))
check_disconnect apache "$apa" "$d/fanout.log" "$app_pid"

echo
echo "=== plain CGI through Apache mod_cgid (examples/cgi, one process per request) (t=${SECONDS}s)"
cgi=$apa/cgi/fanout
fetch "$cgi/"
check_fanout apache-cgi
check_statuses apache-cgi "$cgi"
check_big apache-cgi "$cgi" $((2 * MiB + 7))
fetch "$cgi/head-size?bytes=5000"
check "apache-cgi: a 5000-byte head -> the app's own 500 naming FRB_ETOOBIG ($code)" \
  app_500_etoobig

echo
echo "=== bounded load (wrk -t2 -c16, 3 s warm-up + 10 s) against the fan-out (t=${SECONDS}s)"
check_load nginx "$ngx/"
check_load apache "$apa/"

echo
echo "=== nginx upstream of two backends, one killed during a load run (t=${SECONDS}s)"
pair=http://127.0.0.1:$pair_port
seen=
for i in 1 2 3 4 5 6; do
  fetch "$pair/"
  seen="$seen $(header X-Served-By)"
done
check "pair: both backends serve before the kill (X-Served-By:$seen)" \
  eval '[[ "$seen" == *b1* && "$seen" == *b2* ]]'
e2e_start wrk "$d/wrk-pair.txt" wrk -t2 -c16 -d8s --timeout 10s -s "$here/fanout-check.lua" "$pair/"
wrk_pid=$E2E_LAST_PID
sleep 3
kill -KILL "$b1_pid"
wait "$b1_pid" 2>/dev/null
info "killed backend b1 (PID $b1_pid) with SIGKILL 3 s into an 8 s run"
wait "$wrk_pid"
parse_wrk "$d/wrk-pair.txt"
info "wrk: $reqs requests, $rps req/s, non-2xx $non2xx, socket errors $sockerr, well-formed $good, malformed $bad"
check "pair: $reqs requests, zero non-2xx ($non2xx), zero socket errors ($sockerr), zero malformed ($bad) across the kill" \
  [ "$reqs" -gt 0 -a "$non2xx" -eq 0 -a "$sockerr" -eq 0 -a "$bad" -eq 0 ]
echo "pair $reqs $rps $non2xx $sockerr $bad - -" >>"$d/load-figures"
fetch "$pair/"
check "pair: after the kill b2 answers ($code, X-Served-By: $(header X-Served-By))" \
  [ "$code" = 200 -a "$(header X-Served-By)" = b2 ]
info "nginx error log: $(grep -m1 'b1.sock' "$d/nginx-error.log")"

. "$here/runner.sh" # frb_fcgi_serve: kept connections, SIGTERM drain
echo
echo "=== clean exit on signals while idle (t=${SECONDS}s)"
stop_by() {
  local sig=$1 pid=$2 i
  kill "-$sig" "$pid"
  for ((i = 0; i < 50; i++)); do
    e2e_alive "$pid" || break
    sleep 0.1
  done
  ! e2e_alive "$pid" && wait "$pid"
}
check "hello: exits with status 0 on SIGINT while idle in FCGX_Accept_r" stop_by INT "$hello_pid"
check "fanout (b2, 4 idle workers): exits with status 0 on SIGTERM" stop_by TERM "$b2_pid"
check "fanout removed its unix socket on exit" [ ! -e "$s2" ]

. "$here/tools.sh" && tools_e2e "$build"
. "$here/lighttpd.sh"
. "$here/h2o.sh"
. "$here/caddy.sh"
. "$here/fcgid.sh"

echo
echo "=== logs (t=${SECONDS}s)"
info "nginx error log lines: $(wc -l <"$d/nginx-error.log"), Apache error log lines: $(wc -l <"$d/apache-error.log")"
grep -E 'too big header|prematurely|Connection refused' "$d/nginx-error.log" | sed 's/^/      nginx: /' | head -5
grep -v 'AH00489\|AH00094\|AH00491' "$d/apache-error.log" | sed 's/^/      apache: /' | head -5
if [ -n "${E2E_REPORT:-}" ]; then
  {
    echo "## load figures (name requests req/s non2xx sockerr malformed rss_before_kB rss_after_kB)"
    cat "$d/load-figures"
    echo "## nginx error log"
    cat "$d/nginx-error.log"
    echo "## apache error log"
    cat "$d/apache-error.log"
    echo "## fanout log (tail)"
    tail -20 "$d/fanout.log"
  } >"$E2E_REPORT"
fi

echo "e2e: took ${SECONDS}s"
finish
