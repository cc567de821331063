# bench/procs.sh: sourced by bench/e2e.sh and bench/e2e-instr.sh (bash).
# Every process a benchmark starts goes into 'pids' and is stopped by its
# PID on every exit path; 'dir' (the caller's temp dir) goes with them.
# STOP_TENTHS: how long stop_pid waits after TERM, in tenths of a second.
pids=()

stop_pid() { # stop_pid PID: TERM, wait up to STOP_TENTHS/10 s, then KILL
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq "${STOP_TENTHS:-50}"); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

cleanup() {
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    stop_pid "${pids[i]}"
  done
  pids=()
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

free_port() { # a loopback TCP port nobody listens on
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    ss -Hltn "sport = :$p" 2>/dev/null | grep -q . || { echo $p; return; }
  done
}

# nginx_prelude DIR WORKERS CONNECTIONS: a generated nginx.conf up to and
# including "http {", with the pid, logs and temp paths inside DIR; the
# caller adds its servers and the closing brace.
nginx_prelude() {
  cat <<EOF
daemon off;
worker_processes $2;
pid $1/nginx.pid;
error_log $1/logs/error.log warn;
events { worker_connections $3; }
http {
  access_log off;
  client_body_temp_path $1/body;
  proxy_temp_path $1/proxy;
  fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi;
  scgi_temp_path $1/scgi;
EOF
}
