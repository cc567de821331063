#!/bin/sh
# bench/ab.sh: contention binaries against each other, in alternated rounds.
#
#   bench/ab.sh REF PROG...
#
# Each PROG is a bench/contention build, as a path or as NAME=PATH (the
# name labels its column; by default the file name).  REF is one of them,
# by name: the denominator of the ratios.
#
# Environment: RUNS (rounds, default 9), MS (ms per run, 200), THREADS
# ("1 2 4 8 16 64"), WORKS ("set distinct"), MODE (shared), RAW (keep the
# raw lines in this file).
#
# Each round runs, for each workload and thread count, every program once,
# one after another, so that load that drifts hits them alike; a figure is
# the median over the rounds, a ratio the median of the ratios within a
# round.  Prints Markdown.  Like bench/run.sh it reports and never fails on
# a time; written to compare builds of the lock with each other (e.g. before
# and after a change) where bench/run.sh compares one build's five locks.
set -u
[ $# -ge 2 ] || {
  echo "usage: bench/ab.sh REF PROG..." >&2
  exit 2
}
ref=$1
shift
names=
for p in "$@"; do
  names="$names ${p%%=*}"
  case $p in *=*) ;; *) names="${names%"$p"}$(basename "$p")" ;; esac
done
case " $names " in *" $ref "*) ;; *)
  echo "bench/ab.sh: $ref is none of:$names" >&2
  exit 2
  ;;
esac
RUNS=${RUNS:-9}
MS=${MS:-200}
THREADS=${THREADS:-1 2 4 8 16 64}
WORKS=${WORKS:-set distinct}
MODE=${MODE:-shared}
raw=${RAW:-$(mktemp "${TMPDIR:-/tmp}/frb-ab.XXXXXX")}
: >"$raw"
status=0

echo "# bench/ab.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
r=0
while [ "$r" -lt "$RUNS" ]; do
  for w in $WORKS; do
    for t in $THREADS; do
      for p in "$@"; do
        path=${p#*=}
        name=${p%%=*}
        [ "$name" = "$p" ] && name=$(basename "$p")
        v=$("$path" -m "$MODE" -w "$w" -t "$t" -d "$MS" | awk '{ print $NF }')
        [ -n "$v" ] || status=1
        echo "$name $r $w $t ${v:-0}" >>"$raw"
      done
    done
  done
  r=$((r + 1))
done
echo "After the runs: load $(cut -d' ' -f1-3 /proc/loadavg). Millions of ops/s (median of $RUNS rounds of $MS ms), then each program / $ref (median of per-round ratios)."
echo
for w in $WORKS; do
  echo "### $MODE response, workload $w"
  echo
  awk -v ref="$ref" -v w="$w" -v threads="$THREADS" -v progs="$names" '
    function med(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
        if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n ? a[int((n + 1) / 2)] : 0
    }
    $3 == w { v[$1, $2, $4] = $5; rounds[$2] = 1 }
    END {
      np = split(progs, p, " "); nt = split(threads, ts, " ")
      head = "| threads |"; line = "|---:|"
      for (i = 1; i <= np; i++) { head = head " " p[i] " |"; line = line "---:|" }
      for (i = 1; i <= np; i++) if (p[i] != ref) { head = head " " p[i] "/" ref " |"; line = line "---:|" }
      print head; print line
      for (k = 1; k <= nt; k++) {
        t = ts[k]; out = "| " t " |"
        for (i = 1; i <= np; i++) {
          n = 0; for (r in rounds) a[++n] = v[p[i], r, t] / 1e6
          out = out sprintf(" %.2f |", med(a, n))
        }
        for (i = 1; i <= np; i++) if (p[i] != ref) {
          n = 0; for (r in rounds) if (v[ref, r, t] > 0) a[++n] = v[p[i], r, t] / v[ref, r, t]
          out = out sprintf(" %.2f |", med(a, n))
        }
        print out
      }
      if (index(" " threads " ", " 2 ") && index(" " threads " ", " 64 ")) {
        out = "\n64 threads / 2 threads (median of per-round ratios):"
        for (i = 1; i <= np; i++) {
          n = 0; for (r in rounds) if (v[p[i], r, 2] > 0) a[++n] = v[p[i], r, 64] / v[p[i], r, 2]
          out = out sprintf(" %s %.2f;", p[i], med(a, n))
        }
        print out
      }
    }' "$raw"
  echo
done
[ -n "${RAW:-}" ] || rm -f "$raw"
exit $status
