# Sourced by tests/e2e/run.sh (uses its pass/fail/info/fetch, $d, $sock):
# frb_set_limit(3) FRB_LIMIT_SERVER_BUFFER through real nginx.  One nginx
# with a server per fastcgi_buffer_size (4k, 8k, 16k, 32k) in front of the
# fan-out example; for each size the app is told the buffer
# (/head-size?buffer=B) and asked for heads of every size around the limit
# libfrb derives and around each FastCGI record boundary (libfcgi records
# carry at most 8184 bytes): each must come back whole with its body, or as
# the application's own 500 naming FRB_ETOOBIG, never as nginx's 502 or a
# 200 with the body dropped.  Then the limit is shown to be exact: one byte
# more, forced through with a raised FRB_LIMIT_HEAD_BYTES, is not delivered
# whole.

# The limit libfrb derives (src/response.c head_for_buffer), for the report.
limits_expected() {
  local room=$(($1 - 1)) full rest
  full=$((room / 8192))
  rest=$((room % 8192))
  echo $((full * 8184 + (rest > 8 ? rest - 8 : 0)))
}

limits_conf() {
  local kb port
  {
    echo "daemon off; master_process on; worker_processes 1;"
    [ "$(id -u)" -eq 0 ] && echo "user nobody nogroup;"
    echo "pid $d/limits-nginx.pid; error_log $d/limits-error.log warn;"
    echo "events { worker_connections 64; }"
    echo "http { access_log off;"
    for t in body proxy fastcgi uwsgi scgi; do
      echo "  ${t}_temp_path $d/nginx-tmp/limits-$t;" | sed 's/^  body_/  client_body_/'
    done
    echo "  fastcgi_param REQUEST_URI \$request_uri;"
    echo "  fastcgi_param REQUEST_METHOD \$request_method;"
    echo "  fastcgi_param QUERY_STRING \$query_string;"
    for kb in 4 8 16 32; do
      port=${limits_port[$kb]}
      echo "  server { listen 127.0.0.1:$port; location / {"
      echo "    fastcgi_buffer_size ${kb}k; fastcgi_buffers 4 64k;"
      echo "    fastcgi_busy_buffers_size 64k; fastcgi_pass unix:$sock; } }"
    done
    echo "}"
  } >"$d/limits-nginx.conf"
}

limits_start() {
  local attempt kb
  declare -gA limits_port
  for attempt in 1 2 3; do
    for kb in 4 8 16 32; do limits_port[$kb]=$(e2e_free_port); done
    limits_conf
    nginx -t -q -p "$d" -e "$d/limits-error.log" -c "$d/limits-nginx.conf" || return 1
    e2e_start nginx-limits "$d/limits-nginx.out" \
      nginx -p "$d" -e "$d/limits-error.log" -c "$d/limits-nginx.conf"
    limits_pid=$E2E_LAST_PID
    if e2e_wait_for e2e_port_open "${limits_port[32]}" &&
      e2e_started "$limits_pid" "$d/limits-nginx.out" "$d/limits-error.log"; then
      return 0
    fi
    e2e_stop "$limits_pid"
    rm -f "$d/limits-error.log"
  done
  return 1
}

# limits_try PORT BYTES QUERY: one request; prints whole, app500 or bad:CODE.
limits_try() {
  fetch "http://127.0.0.1:$1/head-size?bytes=$2$3" --max-time 3
  if [ "$code" = 200 ] && body_has "this response has a $2-byte head"; then
    echo whole
  elif app_500_etoobig; then
    echo app500
  else
    echo "bad:$code:$(stat -c %s "$d/b")"
  fi
}

limits_scan() {
  local kb=$1 buf=$(($1 * 1024)) port=${limits_port[$1]} lim n got
  local sizes=() bad=0 whole=0 refused=0 k
  lim=$(limits_expected "$buf")
  for ((n = lim - 4; n <= lim + 4; n++)); do sizes+=("$n"); done
  for ((k = 8184; k < lim; k += 8184)); do
    for ((n = k - 2; n <= k + 2; n++)); do sizes+=("$n"); done
  done
  for n in "${sizes[@]}"; do
    got=$(limits_try "$port" "$n" "&buffer=$buf")
    case $got in
    whole) whole=$((whole + 1)) ;;
    app500) refused=$((refused + 1)) ;;
    *)
      bad=$((bad + 1))
      info "buffer ${kb}k, head $n: $got"
      ;;
    esac
    # Whole up to the limit, the app's 500 above it.
    if [ "$got" = whole ] && [ "$n" -gt "$lim" ]; then bad=$((bad + 1)); fi
    if [ "$got" = app500 ] && [ "$n" -le "$lim" ]; then bad=$((bad + 1)); fi
  done
  check "limits: fastcgi_buffer_size ${kb}k, buffer=$buf: ${#sizes[@]} head sizes around $lim and the record boundaries: $whole whole, $refused the app's 500, $bad wrong" \
    [ "$bad" -eq 0 -a "$whole" -gt 0 -a "$refused" -gt 0 ]
  n=$((lim + 1))
  got=$(limits_try "$port" "$n" "&limit=$n")
  check "limits: ${kb}k: a $n-byte head forced through (limit raised) is not whole ($got): $lim is the largest safe head" \
    [ "$got" != whole ]
  got=$(limits_try "$port" "$lim" "&limit=$lim")
  check "limits: ${kb}k: a $lim-byte head arrives whole ($got)" [ "$got" = whole ]
}

echo
echo "=== FRB_LIMIT_SERVER_BUFFER through nginx, fastcgi_buffer_size 4k-32k (t=${SECONDS}s)"
if limits_start; then
  for kb in 4 8 16 32; do limits_scan "$kb"; done
  info "nginx: $(grep -c 'too big header' "$d/limits-error.log") 'too big header' lines (from the forced heads)"
  e2e_stop "$limits_pid"
else
  fail "limits: nginx with four buffer sizes did not start"
fi
