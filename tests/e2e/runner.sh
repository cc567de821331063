#!/usr/bin/env bash
# End-to-end checks of frb_fcgi_serve (the server loop in src/serve.c) with
# connections the web server keeps open, and of its SIGTERM drain:
#   - Apache mod_proxy_fcgi enablereuse=on, 4 workers, 12 parallel clients:
#     no 504 (a request stuck behind a kept connection) and no 503 (stdin
#     left unread on a kept connection);
#   - nginx fastcgi_keep_conn on with an upstream keepalive pool;
#   - SIGTERM while a slow response is in flight: it completes, the app
#     exits 0 and its socket is gone.
#
# Sourced by tests/e2e/run.sh (uses its pass/fail/check/info, $build and
# $d), or run alone:  tests/e2e/runner.sh BUILD_DIR
# RUNNER_APP overrides the application (default BUILD_DIR/examples/fanout),
# e.g. to measure an older build.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  here=$(cd "$(dirname "$0")" && pwd)
  . "$here/lib.sh"
  build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
  e2e_counters
  runner_cleanup() {
    trap - EXIT INT TERM
    e2e_stop_all
    [ "${E2E_KEEP:-}" = 1 ] && echo "runner: kept $E2E_DIR" || rm -rf "$E2E_DIR"
  }
  e2e_make_dir
  d=$E2E_DIR
  trap runner_cleanup EXIT
  trap 'fail "interrupted by SIGINT"; exit 130' INT
  trap 'fail "interrupted by SIGTERM"; exit 143' TERM
  runner_standalone=1
else
  runner_standalone=0
fi

rd=$d/runner
mkdir -p "$rd/nginx-tmp"
rsock=$d/runner.sock
rapp=${RUNNER_APP:-$build/examples/fanout}
R_CLIENTS=${R_CLIENTS:-12}
R_REQUESTS=${R_REQUESTS:-40}
R_PROXY_TIMEOUT=${R_PROXY_TIMEOUT:-5}

# Apache with one kept-connection pool towards the app.  timeout= bounds a
# starved request (the default would be 60 s before the 504).
runner_apache_conf() {
  local port=$1 m=$E2E_APACHE_MODULES
  e2e_apache_prelude "$rd" "$port" "$rd" "$rd/apache-error.log" >"$rd/httpd.conf"
  cat >>"$rd/httpd.conf" <<CONF
LoadModule proxy_module $m/mod_proxy.so
LoadModule proxy_fcgi_module $m/mod_proxy_fcgi.so
<Location "/">
  Require all granted
</Location>
ProxyPass "/" "unix:$rsock|fcgi://localhost/" enablereuse=on timeout=$R_PROXY_TIMEOUT
CONF
}

runner_nginx_conf() {
  local port=$1
  {
    e2e_nginx_prelude "$rd" 2 1024
    cat <<CONF
  fastcgi_param REQUEST_METHOD \$request_method;
  fastcgi_param REQUEST_URI \$request_uri;
  fastcgi_param QUERY_STRING \$query_string;
  fastcgi_param CONTENT_LENGTH \$content_length;
  fastcgi_param SERVER_PROTOCOL \$server_protocol;
  upstream app {
    server unix:$rsock;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      fastcgi_pass app;
      fastcgi_keep_conn on;
    }
  }
}
CONF
  } >"$rd/nginx.conf"
}

runner_start_servers() {
  local attempt
  for attempt in 1 2 3; do
    r_apa=$(e2e_free_port) && r_ngx=$(e2e_free_port) || continue
    runner_apache_conf "$r_apa"
    runner_nginx_conf "$r_ngx"
    apache2 -t -f "$rd/httpd.conf" >"$rd/apache-t.out" 2>&1 || {
      cat "$rd/apache-t.out"
      return 1
    }
    e2e_start runner-apache "$rd/apache.out" apache2 -f "$rd/httpd.conf" -DFOREGROUND
    r_apa_pid=$E2E_LAST_PID
    e2e_start runner-nginx "$rd/nginx.out" nginx -p "$rd" -e "$rd/nginx-error.log" -c "$rd/nginx.conf"
    r_ngx_pid=$E2E_LAST_PID
    if e2e_wait_for e2e_port_open "$r_apa" && e2e_wait_for e2e_port_open "$r_ngx" &&
      e2e_started "$r_apa_pid" "$rd/apache.out" "$rd/apache-error.log" &&
      e2e_started "$r_ngx_pid" "$rd/nginx.out" "$rd/nginx-error.log"; then
      return 0
    fi
    e2e_stop "$r_apa_pid"
    e2e_stop "$r_ngx_pid"
  done
  return 1
}

# parallel_clients URL: R_CLIENTS curl processes, each sending R_REQUESTS
# requests over one HTTP keep-alive connection; every status code goes to
# $rd/codes, the slowest request's time to $rd/slowest.
parallel_clients() {
  local url=$1 i k urls=() pids=()
  for ((k = 0; k < R_REQUESTS; k++)); do urls+=(-o /dev/null "$url"); done
  rm -f "$rd"/client-*.out
  for ((i = 0; i < R_CLIENTS; i++)); do
    e2e_start "client-$i" "$rd/client-$i.out" \
      curl -s --max-time 120 -w '%{http_code} %{time_total}\n' "${urls[@]}"
    pids+=("$E2E_LAST_PID")
  done
  for i in "${pids[@]}"; do wait "$i"; done
  cat "$rd"/client-*.out >"$rd/codes"
  sort -k2 -n "$rd/codes" | tail -1 | awk '{print $2}' >"$rd/slowest"
}
count_code() { awk -v c="$1" '$1 == c' "$rd/codes" | wc -l; }

echo
echo "=== frb_fcgi_serve: kept connections and SIGTERM drain ($rapp) (t=${SECONDS}s)"
if e2e_start_app runner-fanout "$rsock" "$rapp" -t 4 "unix:$rsock" &&
  r_app_pid=$E2E_LAST_PID && runner_start_servers; then
  pass "runner: fanout -t 4, Apache enablereuse=on :$r_apa, nginx keep_conn :$r_ngx started"
  runner_up=1
else
  fail "runner: setup"
  runner_up=0
fi

if [ "$runner_up" = 1 ]; then
  total=$((R_CLIENTS * R_REQUESTS))
  start=$SECONDS
  parallel_clients "http://127.0.0.1:$r_apa/"
  n200=$(count_code 200) n504=$(count_code 504) n503=$(count_code 503)
  info "Apache enablereuse=on: $R_CLIENTS clients x $R_REQUESTS requests in $((SECONDS - start)) s: $n200 x 200, $n504 x 504, $n503 x 503, slowest $(cat "$rd/slowest") s"
  check "runner: Apache enablereuse=on, 4 workers, $R_CLIENTS parallel clients: no 504 (got $n504), no 503 (got $n503), all $total answered 200 (got $n200)" \
    [ "$n504" -eq 0 -a "$n503" -eq 0 -a "$n200" -eq "$total" ]
  check "runner: Apache error log has no AH01075 (timeout) nor AH01067 (broken kept connection)" \
    eval '! grep -qE "AH01075|AH01067" "$rd/apache-error.log"'

  start=$SECONDS
  parallel_clients "http://127.0.0.1:$r_ngx/"
  n200=$(count_code 200)
  info "nginx fastcgi_keep_conn on: $R_CLIENTS clients x $R_REQUESTS requests in $((SECONDS - start)) s: $n200 x 200, slowest $(cat "$rd/slowest") s"
  check "runner: nginx fastcgi_keep_conn on, $R_CLIENTS parallel clients: all $total answered 200 (got $n200)" \
    [ "$n200" -eq "$total" ]

  # A response of 4 MiB to a client reading 1 MiB/s: still in flight when
  # SIGTERM arrives 1 s in.  Apache streams it, so the app's writes wait
  # for the client.
  bytes=$((4 * 1024 * 1024))
  line="libfrb streamed body 0123456789 abcdefghijklmnopqrstuvwxyz ABCD"
  want=$(yes "$line" | head -c "$bytes" | sha256sum | cut -d' ' -f1)
  e2e_start slow-client "$rd/slow.sha" sh -c \
    "curl -s --max-time 30 --limit-rate 1M 'http://127.0.0.1:$r_apa/big?bytes=$bytes' | sha256sum"
  slow_pid=$E2E_LAST_PID
  sleep 1
  kill -TERM "$r_app_pid"
  sleep 0.3
  check "runner: after SIGTERM the socket is gone (no new connections)" [ ! -e "$rsock" ]
  wait "$slow_pid"
  got=$(cut -d' ' -f1 "$rd/slow.sha")
  check "runner: the response in flight at SIGTERM completed whole (sha256 ${got:0:16}...)" \
    [ "$got" = "$want" ]
  for ((i = 0; i < 100; i++)); do e2e_alive "$r_app_pid" || break; sleep 0.1; done
  if e2e_alive "$r_app_pid"; then
    fail "runner: the app is still running 10 s after its last request"
  else
    wait "$r_app_pid"
    rc=$?
    check "runner: the app exited with status 0 after the drain (got $rc)" [ "$rc" -eq 0 ]
  fi
  info "app log: $(tr '\n' ' ' <"$d/runner-fanout.log" | cut -c1-300)"
fi

if [ "$runner_standalone" = 1 ]; then
  echo "runner: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
fi
