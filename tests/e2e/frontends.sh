# Checks shared by the front-end scripts (lighttpd.sh, h2o.sh, caddy.sh,
# fcgid.sh).  Sourced by each of them from tests/e2e/run.sh, so it uses
# run.sh's counters and helpers (pass, fail, check, info, fetch, header,
# check_fanout, check_statuses, check_big, wrk_run) and its variables ($d,
# $build, $sock, $here, $MiB).  Sourcing it twice is harmless.

# fe_have VIA TOOL_OR_FILE...: every tool is on PATH (or every file exists).
# A missing one is a FAIL under CI=true and a loud skip elsewhere, as in
# run.sh's prerequisites.
fe_have() {
  local via=$1 t missing=()
  shift
  for t in "$@"; do
    if [[ $t == /* ]]; then
      [ -e "$t" ] || missing+=("$t")
    else
      command -v "$t" >/dev/null || missing+=("$t")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "${CI:-}" = true ]; then
    fail "$via: prerequisites missing: ${missing[*]} (bash tests/deps.sh)"
  else
    echo "## $via: MISSING ${missing[*]}: SKIPPING (bash tests/deps.sh; a FAIL in CI)"
  fi
  return 1
}

# fe_start NAME: writes the config with NAME_conf PORT and starts NAME_run
# (which execs the server in the foreground, so that the PID is the
# server's) with its output in $d/NAME.out.  Fresh ports on each of three
# attempts: the machine is shared.  Sets fe_port and fe_pid.
fe_start() {
  local name=$1 attempt
  for attempt in 1 2 3; do
    fe_port=$(e2e_free_port) || continue
    "${name}_conf" "$fe_port" || return 1
    e2e_start "$name" "$d/$name.out" "${name}_run"
    fe_pid=$E2E_LAST_PID
    # Until the port opens or the server gives up (a bad config: at once).
    e2e_wait_for eval "e2e_port_open $fe_port || ! e2e_alive $fe_pid"
    if e2e_port_open "$fe_port" && sleep 0.3 && e2e_alive "$fe_pid" &&
      ! grep -qiE 'address already in use|could not bind|emerg' "$d/$name".out "$d/$name"-error.log 2>/dev/null; then
      # A server that runs but cannot reach the app would make every
      # check below wait for its timeout: one probe decides.
      [ "$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$fe_port/")" = 200 ] &&
        return 0
      echo "e2e: $name on port $fe_port does not serve the app:"
      tail -n 5 "$d/$name"-error.log 2>/dev/null | sed 's/^/      /'
      e2e_stop "$fe_pid" 3
      return 1
    fi
    echo "e2e: $name start attempt $attempt failed:"
    tail -n 5 "$d/$name".out "$d/$name"-error.log 2>/dev/null | sed 's/^/      /'
    e2e_stop "$fe_pid"
  done
  return 1
}

# fe_statuses VIA BASE: run.sh's status checks plus the bodiless ones.
fe_statuses() {
  local via=$1 base=$2 s
  check_statuses "$via" "$base"
  for s in 204 304; do
    fetch "$base/status/$s"
    check "$via: /status/$s -> $s without a body ($code, $(stat -c %s "$d/b") body bytes, X-Status-Test: $(header X-Status-Test))" \
      [ "$code" = "$s" -a ! -s "$d/b" -a "$(header X-Status-Test)" = "$s" ]
  done
}

# fe_head_intact N: the last fetch is /head-size?bytes=N delivered whole:
# status 200, the app's exact body, and every X-Pad line the app sent, byte
# for byte (names compared without case: HTTP/2 and h2o lowercase them).
# The app's head is 79 bytes of Status, Content-Type, Content-Length and the
# final CRLF, plus the X-Pad lines (name ": " value CRLF), so the pads the
# client saw must add up to N - 79.
fe_head_intact() {
  local n=$1 pads
  [ "$code" = 200 ] || return 1
  [ "$(cat "$d/b")" = "head-size: this response has a $n-byte head (limit ${fe_scan_limit:-$n})" ] || return 1
  pads=$(awk 'tolower($0) ~ /^x-pad-[0-9][0-9][0-9][0-9]: p*$/ { n += length($0) + 2 }
              END { print n + 0 }' "$d/h.txt")
  [ "$pads" -eq $((n - 79)) ]
}

# fe_head_scan VIA BASE SIZE...: /head-size?bytes=N&limit=N for each N (the
# app raises libfrb's head limit to exactly the head it builds), or with
# fe_scan_limit=L the app's limit set to the server's own L for every N;
# fe_scan_query adds to the query (fields=100: libfrb's default field
# limit, for a server that counts fields).  Each must be whole or the app's
# own 500 (libfrb refused the head); a 502, 503, an empty or cut response
# or a hang (--max-time 5) fails.  Sets fe_largest
# (largest whole size) and fe_smallest_bad (smallest other size, or "-").
fe_head_scan() {
  local via=$1 base=$2 n bad=() outcome
  shift 2
  fe_largest=- fe_smallest_bad=-
  for n in "$@"; do
    fetch "$base/head-size?bytes=$n&limit=${fe_scan_limit:-$n}${fe_scan_query:+&$fe_scan_query}" --max-time 5
    if fe_head_intact "$n"; then
      outcome=whole
      fe_largest=$n
    elif app_500_etoobig; then
      outcome="app 500"
    else
      outcome="status $code, curl exit $curl_rc, $(stat -c %s "$d/b") body bytes"
      bad+=("$n: $outcome")
      [ "$fe_smallest_bad" = - ] && fe_smallest_bad=$n
    fi
    echo "$via $n $outcome" >>"$d/head-scan"
  done
  info "$via: head scan $1..${!#}: largest whole $fe_largest, first other $fe_smallest_bad"
  check "$via: head scan ${1}..${!#} (${#} sizes): each whole or the app's 500 (not: ${bad[*]:-none})" \
    [ ${#bad[@]} -eq 0 ]
}

# fe_raw PORT FIRST SECOND: sends two requests (printf formats) on one
# HTTP/1.1 connection, a second apart, and stores everything that comes
# back in $d/raw.
fe_raw() {
  local port=$1 first=$2 second=$3
  rm -f "$d/raw"
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    timeout 10 cat <&3 >"$d/raw" &
    # shellcheck disable=SC2059
    printf "$first" >&3
    # The first answer is read before the second request goes out: a server
    # that closes after it (h2o) would otherwise reset a connection with an
    # unread request, and the reset can take the answer with it.
    sleep 1
    # shellcheck disable=SC2059
    (printf "$second" >&3) 2>/dev/null
    wait
  )
  touch "$d/raw"
}

# fe_head_method VIA PORT PATH: HEAD then GET /status/201 on one HTTP/1.1
# connection.  The HEAD answer must be a 200 with the GET's
# Content-Length (RFC 9110 9.3.2) and no body: the very next bytes on the
# connection must be the 201 (a body there desynchronises keep-alive).
fe_head_method() {
  local via=$1 port=$2 path=$3 get_len raw head rest cl status
  fetch "http://127.0.0.1:$port$path"
  get_len=$(stat -c %s "$d/b")
  fe_raw "$port" "HEAD $path HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" \
    "GET /status/201 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
  # The x keeps the trailing CRLFs that $(...) would strip: a head with
  # nothing after it must still end in an empty line.
  raw=$(cat "$d/raw"; printf x)
  raw=${raw%x}
  head=${raw%%$'\r\n\r\n'*}
  rest=${raw#*$'\r\n\r\n'}
  rest=${rest:0:12}
  status=${head%%$'\r'*}
  cl=$(printf '%s\n' "$head" | tr -d '\r' | awk -F': ' 'tolower($1) == "content-length" { print $2 }')
  info "$via: HEAD $path: '$status', Content-Length '$cl' (GET body $get_len bytes), then '$(printf %s "$rest" | tr -cd '[:print:]')'"
  # No body may follow the HEAD answer: either the next response comes at
  # once, or the server said it closes the connection and nothing follows
  # (h2o 2.2 closes when it did not get the Content-Length's bytes).
  if [ -z "$rest" ] && printf '%s\n' "$head" | tr -d '\r' | grep -qi '^connection: close$'; then
    rest=closed
    info "$via: HEAD $path: the server closed the connection after the answer"
  fi
  check "$via: HEAD $path -> 200 with Content-Length $get_len and no body; the next response follows at once, or the server closes" \
    [ "$head" != "$raw" -a "${status:0:12}" = "HTTP/1.1 200" -a "$cl" = "$get_len" ] &&
    [ "$rest" = "HTTP/1.1 201" -o "$rest" = closed ]
}

# fe_disconnect VIA BASE APP_LOG PID_COMMAND: like run.sh's check_disconnect,
# for an app whose log and PID the caller names (PID_COMMAND prints the PIDs
# of the app processes, for mod_fcgid which spawns its own).
fe_disconnect() {
  local via=$1 base=$2 log=$3 pids=$4 before after p0 p1
  p0=$($pids | sort | tr '\n' ' ')
  before=$(grep -c '^big: stopped' "$log")
  curl -s --max-time 30 "$base/big?bytes=$((256 * MiB))" | head -c $MiB >/dev/null
  e2e_wait_for eval "[ \$(grep -c '^big: stopped' '$log') -gt $before ]"
  after=$(grep -c '^big: stopped' "$log")
  info "$via: app log: $(grep '^big: stopped' "$log" | tail -1)"
  check "$via: client hung up mid-body: the app saw its write fail and went on" \
    [ "$after" -gt "$before" ]
  fetch "$base/"
  p1=$($pids | sort | tr '\n' ' ')
  check "$via: after the hang-up the next request is served by the same app process(es) ($code; PIDs before '$p0', after '$p1')" \
    [ "$code" = 200 -a -n "$p0" -a "$p0" = "$p1" ]
}

# fe_load VIA URL: wrk -t2 -c16 -d10s with the fan-out checker (no warm-up:
# the RSS check is run.sh's, for the app behind nginx and Apache).
fe_load() {
  local via=$1 url=$2
  # A server that spawns the app on demand (mod_fcgid) starts its
  # processes during a short unchecked burst, not inside the measured run.
  [ -n "${fe_warm:-}" ] && wrk_run "$via-warm" "$url" 3
  wrk_run "$via" "$url" 10
  info "$via: wrk -t2 -c16 -d10s $url: $reqs requests, $rps req/s, non-2xx $non2xx, socket errors $sockerr, well-formed $good, malformed $bad"
  [ "$sockerr" -eq 0 ] || info "$via: $(grep 'Socket errors' "$d/wrk-$via.txt")"
  check "$via: load: $reqs requests, zero non-2xx ($non2xx), zero socket errors ($sockerr), every response well-formed ($good well-formed, $bad malformed)" \
    [ "$reqs" -gt 0 -a "$non2xx" -eq 0 -a "$sockerr" -eq 0 -a "$good" -eq "$reqs" -a "$bad" -eq 0 ]
  echo "$via $reqs $rps $non2xx $sockerr $bad - -" >>"$d/load-figures"
}

# fe_common VIA BASE: the checks every front end gets over HTTP/1.1.
fe_common() {
  local via=$1 base=$2
  fetch "$base/"
  # Kept for the README's table (E2E_KEEP=1): names, order, joins.
  cp "$d/h.txt" "$d/$via-fanout-head.txt"
  check_fanout "$via"
  fe_statuses "$via" "$base"
  check_big "$via" "$base" $((10 * MiB))
}

fe_app_pid() { echo "$app_pid"; }
