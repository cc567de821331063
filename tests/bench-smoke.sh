#!/bin/sh
# tests/bench-smoke.sh BENCH_BIN: runs every benchmark program once, briefly,
# and checks that it ran to the end (exit status 0) and printed figures.
# It times nothing: it catches a benchmark that stopped working (since
# issue 8's field limit, ops, sweep, contention and allocs had each stopped
# with "limit exceeded" and nobody noticed).  TAP output.
set -u
bin=${1:?usage: bench-smoke.sh BENCH_BIN}
n=0
failed=0
out=$(mktemp "${TMPDIR:-/tmp}/frb-bench-smoke.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT

run() { # DESCRIPTION PROGRAM ARGS...
  desc=$1
  shift
  n=$((n + 1))
  if "$@" >"$out" 2>&1 && [ -s "$out" ]; then
    echo "ok $n - $desc"
  else
    failed=$((failed + 1))
    echo "not ok $n - $desc"
    sed 's/^/# /' "$out" | tail -5
  fi
}

echo "1..12"
run "ops (spin) runs every op" "$bin/ops-spin" 0.01
run "ops (no lock) runs every op" "$bin/ops-nolock" 0.01
run "sweep up to 4,000 fields" "$bin/sweep" 0.01
run "request" "$bin/request" 1000
run "allocs with 10 headers: none in steady state" "$bin/allocs" 10
run "allocs with 1,000 headers: none in steady state" "$bin/allocs" 1000
for w in mix set distinct; do
  run "contention, 64 threads, workload $w" \
    "$bin/contention-spin" -m shared -w "$w" -t 64 -d 20
done
run "contention, private responses" "$bin/contention-spin" -m private -w mix \
  -t 8 -d 20
run "contention (mutex build)" "$bin/contention-mutex" -m shared -w set -t 8 \
  -d 20
run "contention (futex build)" "$bin/contention-futex" -m shared -w set -t 8 \
  -d 20
echo "bench: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
