#!/bin/sh
# bench/run.sh: runs libfrb's benchmarks and prints their tables (Markdown).
#
#   bench/run.sh [contention] [ops] [sweep] [allocs] [go]   (default: all)
#   bench/run.sh gosweep goinstr   libfrb beside Go's http.Header (make bench-go)
#
# Environment:
#   BENCH_BIN   directory holding the built programs (default: ./bench)
#   RUNS        runs per figure, the median is reported (default 5)
#   MS          milliseconds per contention run (default 200)
#   THREADS     thread counts (default "1 2 4 8 16 64")
#   SPECS       contention mode@workload pairs (default: shared@mix
#               private@mix shared@set shared@distinct)
#   CC, CFLAGS  used to build bench/ops_mhd.c when libmicrohttpd is present
#   GO          the go command (default: go, if installed)
#   GOSCALE     gosweep: iterations scale of bench/sweep, bench/ops-spin
#               and bench/gosweep alike (default 0.3)
#   PAIRS, PAIR_N, PAIR_ITERS   gosweep: short libfrb/Go pairs of set
#               (default 31 pairs, 16 fields present, 20000 sets)
#   INSTR_N     goinstr: field counts to count (default "4 16 256 4000")
#   INSTR_OPS   goinstr: operations (default "set add get del cookie cookieadd")
#
# Benchmarks report; they never pass or fail on a time.  The exit status is
# non-zero only when a program could not run (or allocs saw an allocation in
# steady state, which is a correctness claim, not a timing).
set -u

here=$(cd "$(dirname "$0")" && pwd)
BENCH_BIN=${BENCH_BIN:-./bench}
RUNS=${RUNS:-5}
MS=${MS:-200}
THREADS=${THREADS:-1 2 4 8 16 64}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
GO=${GO:-go}
LOCKS="spin mutex rwlock pspin futex"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/frb-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
status=0

# median of the numbers on stdin
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# get FILE KEY...: median of the last field of the lines whose leading
# fields are KEY...
get() {
  f=$1
  shift
  awk -v key="$*" '{ v = $NF; $NF = ""; sub(/ $/, ""); if ($0 == key) print v }' \
    "$f" | median
}

# rpair FILE KEY1 KEY2: median over rounds of KEY1/KEY2, where a key is
# every field of a line but the last (the figure), and the k-th line of
# each key comes from round k.  Steadier than a ratio of medians on a busy
# machine, since the two figures were taken seconds apart.
rpair() {
  awk -v k1="$2" -v k2="$3" '
    { v = $NF; $NF = ""; k = $0; gsub(/^ +| +$/, "", k)
      if (k == k1) x[++n1] = v; else if (k == k2) y[++n2] = v }
    END { for (i = 1; i <= n1 && i <= n2; i++) if (y[i] > 0) print x[i] / y[i] }' "$1" |
    median | awk '{ printf "%.2f", $1 }'
}

# rmed FILE A B KEY...: rpair for lock A against lock B on the same KEY.
rmed() {
  f=$1 a=$2 b=$3
  shift 3
  rpair "$f" "$a $*" "$b $*"
}

mops() { awk -v v="${1:-0}" 'BEGIN { printf "%.2f", v / 1e6 }'; }
ratio() {
  awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'
}

lockname() {
  case $1 in
  spin) echo libfrb-spin ;;
  mutex) echo pthread_mutex ;;
  rwlock) echo pthread_rwlock ;;
  pspin) echo pthread_spin ;;
  futex) echo futex-park ;;
  esac
}

# ------------------------------------------------------------ contention
contention() {
  raw=$tmp/contention.txt
  : >"$raw"
  for l in $LOCKS; do
    if [ ! -x "$BENCH_BIN/contention-$l" ]; then
      echo "run.sh: $BENCH_BIN/contention-$l missing (make bench-build)" >&2
      status=1
      return
    fi
  done
  echo "## contention: ops/s (millions), median of $RUNS runs of ${MS} ms"
  echo
  echo "Each round runs every thread count, and within it every lock, one"
  echo "after another.  Ratios are the median over the $RUNS rounds of the ratio"
  echo "within a round: libfrb-spin / the other lock, and T=64 / T=2."
  echo
  started=$(date +%s)
  for spec in ${SPECS:-shared@mix private@mix shared@set shared@distinct}; do
    set -- $(echo "$spec" | tr @ ' ')
    mode=$1 work=$2
    r=0
    while [ $r -lt "$RUNS" ]; do
      # Interleave thread counts and locks within each round so that drift
      # in the machine's load hits them all alike.
      for t in $THREADS; do
        for l in $LOCKS; do
          "$BENCH_BIN/contention-$l" -m "$mode" -w "$work" -t "$t" -d "$MS" \
            >>"$raw" || status=1
        done
      done
      r=$((r + 1))
    done
    echo "### $mode response, workload $work"
    echo
    echo "| threads | libfrb-spin | pthread_mutex | pthread_rwlock | pthread_spin | futex-park | spin/mutex | spin/rwlock | spin/pspin | spin/futex |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for t in $THREADS; do
      s=$(get "$raw" libfrb-spin "$mode" "$work" "$t")
      m=$(get "$raw" pthread_mutex "$mode" "$work" "$t")
      w=$(get "$raw" pthread_rwlock "$mode" "$work" "$t")
      p=$(get "$raw" pthread_spin "$mode" "$work" "$t")
      f=$(get "$raw" futex-park "$mode" "$work" "$t")
      echo "| $t | $(mops "$s") | $(mops "$m") | $(mops "$w") | $(mops "$p") | $(mops "$f") | $(rmed "$raw" libfrb-spin pthread_mutex "$mode" "$work" "$t") | $(rmed "$raw" libfrb-spin pthread_rwlock "$mode" "$work" "$t") | $(rmed "$raw" libfrb-spin pthread_spin "$mode" "$work" "$t") | $(rmed "$raw" libfrb-spin futex-park "$mode" "$work" "$t") |"
    done
    echo
    printf "64 threads / 2 threads (median of per-round ratios):"
    for l in $LOCKS; do
      n=$(lockname $l)
      printf " %s %s;" "$n" "$(rpair "$raw" "$n $mode $work 64" "$n $mode $work 2")"
    done
    echo
    echo
  done
  echo "(contention took $(($(date +%s) - started)) s)"
  echo
}

# ------------------------------------------------------------------- ops
ops() {
  raw=$tmp/ops.txt
  : >"$raw"
  for b in ops-spin ops-nolock; do
    if [ ! -x "$BENCH_BIN/$b" ]; then
      echo "run.sh: $BENCH_BIN/$b missing (make bench-build)" >&2
      status=1
      return
    fi
  done
  mhd=
  # shellcheck disable=SC2046 # pkg-config prints flags to be split
  if pkg-config --exists libmicrohttpd 2>/dev/null &&
    $CC $CFLAGS -std=c11 -D_XOPEN_SOURCE=700 \
      $(pkg-config --cflags libmicrohttpd) "$here/ops_mhd.c" \
      $(pkg-config --libs libmicrohttpd) -o "$tmp/ops_mhd" 2>"$tmp/mhd.err"; then
    mhd=$tmp/ops_mhd
  fi
  # Alternate the two builds, RUNS times; each run is itself a median of 7.
  r=0
  while [ $r -lt "$RUNS" ]; do
    "$BENCH_BIN/ops-spin" >>"$raw" || status=1
    "$BENCH_BIN/ops-nolock" >>"$raw" || status=1
    [ -n "$mhd" ] && "$mhd" >>"$raw"
    r=$((r + 1))
  done
  echo "## ops: single thread, ns per operation, median of $RUNS runs"
  echo
  echo "Each run is itself the median of 7 rounds; spin/floor is the median of"
  echo "the per-run ratios (the two builds alternate)."
  echo
  if [ -n "$mhd" ]; then
    echo "| operation | headers present | libfrb-spin | no lock (floor) | spin/floor | libmicrohttpd |"
    echo "|---|---:|---:|---:|---:|---:|"
  else
    echo "| operation | headers present | libfrb-spin | no lock (floor) | spin/floor |"
    echo "|---|---:|---:|---:|---:|"
  fi
  for op in set add get del flush+reset fill; do
    for n in 10 100; do
      s=$(get "$raw" libfrb-spin "$op" "$n")
      f=$(get "$raw" none "$op" "$n")
      line="| $op | $n | $s | $f | $(rmed "$raw" libfrb-spin none "$op" "$n") |"
      if [ -n "$mhd" ]; then
        m=$(get "$raw" libmicrohttpd "$op" "$n")
        line="$line ${m:--} |"
      fi
      echo "$line"
    done
  done
  echo
  if [ -n "$mhd" ]; then
    echo "libmicrohttpd $(pkg-config --modversion libmicrohttpd): no 'set' (measured as del + add) and no flush of its own; 'fill' creates and destroys a response."
  else
    echo "libmicrohttpd: not measured (pkg-config libmicrohttpd not found or did not build)."
  fi
  echo
  cp "$raw" "$tmp/ops.keep"
}

# ---------------------------------------------------------------- allocs
allocs() {
  echo "## allocs: heap allocations with frb_reset reuse"
  echo
  if [ ! -x "$BENCH_BIN/allocs" ]; then
    echo "run.sh: $BENCH_BIN/allocs missing (make bench-build)" >&2
    status=1
    return
  fi
  "$BENCH_BIN/allocs" >"$tmp/allocs.txt"
  rc=$?
  echo "| measure | allocations |"
  echo "|---|---:|"
  awk '{ k = $1; $1 = ""; sub(/^ /, ""); printf "| %s | %s |\n", k, $0 }' "$tmp/allocs.txt"
  echo
  if [ $rc -ne 0 ]; then
    echo "STEADY STATE IS NOT ZERO: see above"
    status=1
  fi
  echo
}

# -------------------------------------------------------------------- go
gobench() {
  if ! command -v "$GO" >/dev/null 2>&1; then
    echo "## go: not measured ($GO not installed)"
    echo
    return
  fi
  gotmp=$tmp/go
  mkdir -p "$gotmp"
  # GOPATH mode, no module, no network, a private cache: works offline and
  # for any user.
  if ! (cd "$gotmp" && GOCACHE=$gotmp/cache GOPATH=$gotmp/path GOPROXY=off \
    GO111MODULE=off GOFLAGS="" "$GO" build -o "$gotmp/hdrbench" "$here/go/main.go"); then
    echo "## go: build failed"
    status=1
    return
  fi
  threads=$(echo $THREADS | tr ' ' ',')
  "$gotmp/hdrbench" -runs "$RUNS" -ms "$MS" -threads "$threads" >"$tmp/go.txt" ||
    status=1
  g=$tmp/go.txt
  echo "## go: $("$GO" version | awk '{ print $3 }'), http.Header, GOMAXPROCS=$(nproc)"
  echo
  echo "| single goroutine, 10 present | ns/op |"
  echo "|---|---:|"
  for l in go-mutex go-rwmutex go-none; do
    echo "| $l Header.Set | $(get "$g" "$l" set1 ns) |"
  done
  echo "| make(http.Header) + 10 Set | $(get "$g" go fill10 ns) |"
  echo
  for work in set mix; do
    echo "### one shared header, workload $work (millions of ops/s)"
    echo
    if [ -s "$tmp/contention.txt" ]; then
      echo "| goroutines/threads | go-mutex | go-rwmutex | libfrb-spin | libfrb/go-mutex |"
      echo "|---:|---:|---:|---:|---:|"
    else
      echo "| goroutines | go-mutex | go-rwmutex |"
      echo "|---:|---:|---:|"
    fi
    for t in $THREADS; do
      m=$(get "$g" go-mutex shared "$work" "$t")
      w=$(get "$g" go-rwmutex shared "$work" "$t")
      if [ -s "$tmp/contention.txt" ]; then
        s=$(get "$tmp/contention.txt" libfrb-spin shared "$work" "$t")
        echo "| $t | $(mops "$m") | $(mops "$w") | $(mops "$s") | $(ratio "$s" "$m") |"
      else
        echo "| $t | $(mops "$m") | $(mops "$w") |"
      fi
    done
    echo
    printf "64/2: go-mutex %s; go-rwmutex %s" \
      "$(ratio "$(get "$g" go-mutex shared "$work" 64)" "$(get "$g" go-mutex shared "$work" 2)")" \
      "$(ratio "$(get "$g" go-rwmutex shared "$work" 64)" "$(get "$g" go-rwmutex shared "$work" 2)")"
    if [ -s "$tmp/contention.txt" ]; then
      printf "; libfrb-spin %s" \
        "$(ratio "$(get "$tmp/contention.txt" libfrb-spin shared "$work" 64)" \
          "$(get "$tmp/contention.txt" libfrb-spin shared "$work" 2)")"
    fi
    echo
    echo
  done
  echo "unguarded: $(grep '^go crash' "$g" | cut -d' ' -f3-)"
  echo
  if [ -s "$tmp/ops.keep" ]; then
    s=$(get "$tmp/ops.keep" libfrb-spin set 10)
    m=$(get "$g" go-mutex set1 ns)
    fs=$(get "$tmp/ops.keep" libfrb-spin fill 10)
    fg=$(get "$g" go fill10 ns)
    echo "libfrb set (10 present) $s ns vs Go sync.Mutex Header.Set $m ns: libfrb is $(ratio "$m" "$s")x Go's speed."
    echo "libfrb reset + 10 sets $fs ns vs Go make(http.Header) + 10 Set $fg ns: libfrb is $(ratio "$fg" "$fs")x Go's speed."
    echo
  fi
}

# ----------------------------------------------------------------- sweep
sweep() {
  raw=$tmp/sweep.txt
  : >"$raw"
  if [ ! -x "$BENCH_BIN/sweep" ]; then
    echo "run.sh: $BENCH_BIN/sweep missing (make bench-build)" >&2
    status=1
    return
  fi
  r=0
  while [ $r -lt "$RUNS" ]; do
    "$BENCH_BIN/sweep" "${SWEEP_SCALE:-0.3}" >>"$raw" || status=1
    r=$((r + 1))
  done
  echo "## sweep: ns per call with N fields present (median of $RUNS runs), and the ratio to N=4"
  echo
  echo "| op | 4 | 16 | 64 | 256 | 1000 | 4000 | 256/4 | 1000/4 | 4000/4 |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for op in set add get del cookie; do
    line="| $op |"
    for n in 4 16 64 256 1000 4000; do
      line="$line $(get "$raw" sweep $op $n) |"
    done
    b=$(get "$raw" sweep $op 4)
    for n in 256 1000 4000; do
      line="$line $(ratio "$(get "$raw" sweep $op $n)" "$b") |"
    done
    echo "$line"
  done
  echo
}

# ---------------------------------------------------------- Go side by side
# gobuild SRC OUT: GOPATH mode, no module, no network, a private cache.
gobuild() {
  mkdir -p "$tmp/go"
  (cd "$tmp/go" && GOCACHE=$tmp/go/cache GOPATH=$tmp/go/path GOPROXY=off \
    GO111MODULE=off GOFLAGS="" "$GO" build -o "$2" "$1")
}

load1() { cut -d' ' -f1 /proc/loadavg; }

# gosweep: libfrb and Go alternate, RUNS rounds, one process of each per
# round (each a median of 7 inner rounds); the ratios are medians of the
# per-round ratios, since two figures taken seconds apart share the load.
gosweep() {
  raw=$tmp/gosweep.txt
  sc=${GOSCALE:-0.3}
  : >"$raw"
  for b in sweep ops-spin; do
    if [ ! -x "$BENCH_BIN/$b" ]; then
      echo "run.sh: $BENCH_BIN/$b missing (make bench-build)" >&2
      status=1
      return
    fi
  done
  if ! command -v "$GO" >/dev/null 2>&1; then
    echo "## gosweep: not measured ($GO not installed)"
    echo
    return
  fi
  if ! gobuild "$here/gosweep/main.go" "$tmp/gosweep"; then
    echo "## gosweep: go build failed"
    status=1
    return
  fi
  loads=
  started=$(date +%s)
  r=0
  while [ $r -lt "$RUNS" ]; do
    loads="$loads $(load1)"
    # Alternate which side goes first, so that neither always gets the
    # calmer half of a round.
    if [ $((r % 2)) -eq 0 ]; then
      "$BENCH_BIN/sweep" "$sc" >>"$raw" || status=1
      "$BENCH_BIN/ops-spin" "$sc" | grep '^libfrb-spin set 10 ' >>"$raw" || status=1
      "$tmp/gosweep" -scale "$sc" >>"$raw" || status=1
    else
      "$tmp/gosweep" -scale "$sc" >>"$raw" || status=1
      "$BENCH_BIN/sweep" "$sc" >>"$raw" || status=1
      "$BENCH_BIN/ops-spin" "$sc" | grep '^libfrb-spin set 10 ' >>"$raw" || status=1
    fi
    r=$((r + 1))
  done
  loads="$loads $(load1)"
  gopairs
  echo "## gosweep: libfrb beside Go $("$GO" version | awk '{ print $3 }') http.Header + sync.Mutex, single thread"
  echo
  echo "$RUNS rounds, libfrb and Go alternating (scale $sc; GOMAXPROCS unset, so"
  echo "Go's collector may use the other core). 1-minute load average at each"
  echo "round's start and at the end:$loads. Took $(($(date +%s) - started)) s."
  echo
  echo "### Set with 10 fields present (bench/ops set 10 against the same calls in Go)"
  echo
  rr=$(awk '$1 == "libfrb-spin" { x[++n] = $NF } $1 == "goset10" { y[++m] = $NF }
    END { for (i = 1; i <= n && i <= m; i++) if (x[i] > 0) printf " %.2f", y[i] / x[i] }' "$raw")
  echo "| libfrb frb_header_set ns | Go Lock+Header.Set+Unlock ns | Go/libfrb (speed ratio) | per round |"
  echo "|---:|---:|---:|---|"
  echo "| $(get "$raw" libfrb-spin set 10) | $(get "$raw" goset10 set 10) | $(rpair "$raw" "goset10 set 10" "libfrb-spin set 10") |$rr |"
  echo
  echo "Short pairs: $PAIRS pairs of one libfrb and one Go process run back to"
  echo "back (order alternating), each the fastest of 7 runs of $PAIR_ITERS sets"
  echo "with $PAIR_N fields present (bench/sweep -c, bench/gosweep -count): the two"
  echo "figures of a pair are some 20 ms apart instead of seconds, and outside"
  echo "load can only add time. Loads at the start and end: $pair_loads."
  echo
  echo "| libfrb set ns | Go set ns | Go/libfrb, median of pairs | quartiles of the pairs' ratios |"
  echo "|---:|---:|---:|---|"
  echo "| $(get "$tmp/pairs.txt" sweep set "$PAIR_N") | $(get "$tmp/pairs.txt" gosweep set "$PAIR_N") | $(rpair "$tmp/pairs.txt" "gosweep set $PAIR_N" "sweep set $PAIR_N") | $(quartiles "$tmp/pairs.txt" "gosweep set $PAIR_N" "sweep set $PAIR_N") |"
  echo
  echo "Issue 9 asks for at least 2x (aim 3x)."
  echo
  echo "### Header-count sweep: ns per call with N fields present"
  echo
  echo "Go/libfrb is Go's ns over libfrb's (above 1: libfrb is faster), the"
  echo "median of per-round ratios. cookie is frb_cookie_add against"
  echo "http.SetCookie; cookieadd is an add of a formatted Set-Cookie value on"
  echo "both sides."
  echo
  echo "| op | | 4 | 16 | 64 | 256 | 1000 | 4000 | 256/4 | 1000/4 | 4000/4 |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for op in set add get del cookie cookieadd; do
    for side in sweep gosweep; do
      [ $side = sweep ] && label=libfrb || label=Go
      line="| $op | $label ns |"
      for n in 4 16 64 256 1000 4000; do
        line="$line $(get "$raw" $side $op $n) |"
      done
      for n in 256 1000 4000; do
        line="$line $(rpair "$raw" "$side $op $n" "$side $op 4") |"
      done
      echo "$line"
    done
    line="| $op | Go/libfrb |"
    for n in 4 16 64 256 1000 4000; do
      line="$line $(rpair "$raw" "gosweep $op $n" "sweep $op $n") |"
    done
    echo "$line | | |"
  done
  echo
}

# gopairs: many short libfrb/Go pairs of set, for issue 9's ratio on set.
gopairs() {
  PAIRS=${PAIRS:-31}
  PAIR_N=${PAIR_N:-16}
  PAIR_ITERS=${PAIR_ITERS:-20000}
  : >"$tmp/pairs.txt"
  pair_loads=$(load1)
  k=0
  while [ $k -lt "$PAIRS" ]; do
    c="$BENCH_BIN/sweep -c set $PAIR_N $PAIR_ITERS 7"
    g="$tmp/gosweep -count set,$PAIR_N,$PAIR_ITERS,7"
    if [ $((k % 2)) -eq 0 ]; then
      $c >>"$tmp/pairs.txt" && $g >>"$tmp/pairs.txt" || status=1
    else
      $g >>"$tmp/pairs.txt" && $c >>"$tmp/pairs.txt" || status=1
    fi
    k=$((k + 1))
  done
  pair_loads="$pair_loads, $(load1)"
}

# quartiles FILE KEY1 KEY2: first and third quartile of the per-pair ratios
quartiles() {
  awk -v k1="$2" -v k2="$3" '
    { v = $NF; $NF = ""; k = $0; gsub(/^ +| +$/, "", k)
      if (k == k1) x[++n1] = v; else if (k == k2) y[++n2] = v }
    END { for (i = 1; i <= n1 && i <= n2; i++) if (y[i] > 0) print x[i] / y[i] }' "$1" |
    sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.2f-%.2f", v[int((NR + 3) / 4)], v[int((3 * NR + 3) / 4)] }'
}

# goinstr: instructions per call under callgrind, which counts the same
# however loaded the machine is.  Two runs of A and B calls; (I_B - I_A) /
# (B - A) leaves out start-up and the fill of the N fields.  Go runs with
# GOMAXPROCS=1 (callgrind serialises threads anyway; the collector's work
# is in the count) and asyncpreemptoff=1 (callgrind aborts on Go's
# preemption signal).
goinstr() {
  a=${INSTR_A:-32000}
  b=${INSTR_B:-288000}
  if ! command -v valgrind >/dev/null 2>&1; then
    echo "## goinstr: not measured (valgrind not installed)"
    echo
    return
  fi
  if [ ! -x "$BENCH_BIN/sweep" ]; then
    echo "run.sh: $BENCH_BIN/sweep missing (make bench-build)" >&2
    status=1
    return
  fi
  if ! command -v "$GO" >/dev/null 2>&1 || ! gobuild "$here/gosweep/main.go" "$tmp/gosweep"; then
    echo "## goinstr: not measured (no go, or go build failed)"
    echo
    return
  fi
  started=$(date +%s)
  echo "## goinstr: instructions per call (callgrind), libfrb beside Go http.Header + sync.Mutex"
  echo
  echo "(I(${b} calls) - I(${a} calls)) / $((b - a)), one run each. libfrb's counts"
  echo "repeat exactly; Go's moved by up to 15% between two runs (at 4000 fields:"
  echo "the collector's cycles fall differently), so compare Go's across runs."
  echo "The blocks are those of the timed runs, whose untimed steps callgrind"
  echo "counts too: add, cookie and cookieadd include 1/16 of the Del that"
  echo "undoes each block of 16 lines; del includes the add of the line it"
  echo "deletes (an add+del pair)."
  echo
  echo "| op | N | libfrb | Go | Go/libfrb |"
  echo "|---|---:|---:|---:|---:|"
  for op in ${INSTR_OPS:-set add get del cookie cookieadd}; do
    for n in ${INSTR_N:-4 16 256 4000}; do
      c=$(instr_c "$op" "$n" "$a" "$b")
      g=$(instr_go "$op" "$n" "$a" "$b")
      echo "| $op | $n | ${c:-failed} | ${g:-failed} | $(ratio "$g" "$c") |"
    done
  done
  echo
  echo "(goinstr took $(($(date +%s) - started)) s, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
}

# callgrind_ir OUT CMD...: total instructions of one run of CMD.
callgrind_ir() {
  out=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>&1 ||
    return 1
  awk '/^(summary|totals):/ { print $2; exit }' "$out"
}

instr_c() {
  ia=$(callgrind_ir "$tmp/cg.c" "$BENCH_BIN/sweep" -c "$1" "$2" "$3") &&
    ib=$(callgrind_ir "$tmp/cg.c" "$BENCH_BIN/sweep" -c "$1" "$2" "$4") &&
    echo $(((ib - ia) / ($4 - $3)))
}

instr_go() {
  ia=$(GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 callgrind_ir "$tmp/cg.go" \
    "$tmp/gosweep" -count "$1,$2,$3") &&
    ib=$(GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1 callgrind_ir "$tmp/cg.go" \
      "$tmp/gosweep" -count "$1,$2,$4") &&
    echo $(((ib - ia) / ($4 - $3)))
}

[ $# -eq 0 ] && set -- contention ops sweep allocs go
echo "# libfrb benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
for section in "$@"; do
  case $section in
  contention) contention ;;
  ops) ops ;;
  sweep) sweep ;;
  allocs) allocs ;;
  go) gobench ;;
  gosweep) gosweep ;;
  goinstr) goinstr ;;
  *)
    echo "run.sh: unknown section $section" >&2
    status=2
    ;;
  esac
done
exit $status
