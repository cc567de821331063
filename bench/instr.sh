#!/bin/sh
# bench/instr.sh: instructions per request of bench/request under callgrind,
# which counts instructions the same way however loaded the machine is, and
# ns per request from a plain run (noisy; shown beside it).
#
#   bench/instr.sh [BENCH_BIN]     (default ./bench)
#
# Two callgrind runs of different lengths; their difference divided by the
# difference in requests leaves out start-up and the warm-up request.
set -u
BENCH_BIN=${1:-./bench}
A=${INSTR_A:-2000}
B=${INSTR_B:-12000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/frb-instr.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

count() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1" \
    "$BENCH_BIN/request" "$1" >/dev/null 2>&1 || exit 1
  awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.$1"
}

ia=$(count "$A") || { echo "instr: valgrind failed" >&2; exit 1; }
ib=$(count "$B") || { echo "instr: valgrind failed" >&2; exit 1; }
echo "| instructions/request (callgrind) | $(( (ib - ia) / (B - A) )) |"
ns=$(for i in 1 2 3 4 5; do "$BENCH_BIN/request" 300000; done |
  awk '{ print $4 }' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "| ns/request (median of 5 runs of 300000) | $ns |"
