/*
 * bench/ops: single-thread cost, in ns per operation, of frb_header_set,
 * _add, _get, _del and of frb_flush_headers followed by frb_reset, with 10
 * and with 100 headers present, and of filling a freshly reset response
 * with 10 or 100 headers ("fill": frb_reset plus that many sets, the
 * counterpart of bench/go's make(http.Header) plus 10 Sets).
 *
 * Built twice from the same sources: with libfrb's lock and with no lock at all
 * (BENCH_LOCK_NONE, the floor), so that bench/run.sh can
 * show what the lock itself costs as a ratio.  Each figure is the median of
 * several rounds; a round that has to rebuild state between operations
 * (add, del, flush) times blocks of operations and subtracts the cost of
 * reading the clock, measured the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frb.h"
#include "lock.h"

#define LOCK_NAME FRB__LOCK_NAME

#include "ops_common.h"
static volatile unsigned long sink_bytes;

static int null_sink(void *ctx, const void *buf, size_t len) {
  (void)ctx;
  (void)buf;
  sink_bytes += len;
  return 0;
}

static void check(int rc, const char *what) {
  if (rc < 0) {
    fprintf(stderr, "ops: %s: %s\n", what, frb_strerror(rc));
    exit(1);
  }
}

static void fill(frb_response *r, int n) {
  for (int i = 0; i < n; i++)
    check(frb_header_set(r, names[i], vals[0][i]), "fill");
}

enum op { OP_SET, OP_ADD, OP_GET, OP_DEL, OP_FLUSH, OP_FILL };
static const char *const op_name[] = {"set", "add",         "get",
                                      "del", "flush+reset", "fill"};

/* One round: ns per operation. */
static double round_ns(frb_response *r, enum op op, int n, long iters,
                       double clk) {
  char buf[64];
  double t0, sum = 0;
  long done = 0;

  check(frb_reset(r, null_sink, NULL), "reset");
  fill(r, n);
  switch (op) {
  case OP_SET: /* replace the value of a header already present */
    t0 = now_ns();
    for (long i = 0; i < iters; i++)
      check(frb_header_set(r, names[i % n], vals[i & 1][i % n]), "set");
    return (now_ns() - t0) / (double)iters;
  case OP_GET:
    t0 = now_ns();
    for (long i = 0; i < iters; i++)
      check(frb_header_get(r, names[i % n], buf, sizeof buf), "get");
    return (now_ns() - t0) / (double)iters;
  case OP_ADD: /* BLOCK adds on top of n headers, then one untimed del */
    while (done < iters) {
      t0 = now_ns();
      for (int i = 0; i < BLOCK; i++)
        check(frb_header_add(r, "X-Add", vals[i & 1][i]), "add");
      sum += now_ns() - t0 - clk;
      check(frb_header_del(r, "X-Add"), "del");
      done += BLOCK;
    }
    return sum / (double)done;
  case OP_DEL: /* untimed adds of BLOCK names, then BLOCK timed dels */
    while (done < iters) {
      for (int i = 0; i < BLOCK; i++)
        check(frb_header_add(r, blk_names[i], vals[0][i]), "add");
      t0 = now_ns();
      for (int i = 0; i < BLOCK; i++)
        check(frb_header_del(r, blk_names[i]), "del");
      sum += now_ns() - t0 - clk;
      done += BLOCK;
    }
    return sum / (double)done;
  case OP_FLUSH: /* flush the n headers, reset; the refill is untimed */
    while (done < iters) {
      t0 = now_ns();
      check(frb_flush_headers(r), "flush");
      check(frb_reset(r, null_sink, NULL), "reset");
      sum += now_ns() - t0 - clk;
      fill(r, n);
      done++;
    }
    return sum / (double)done;
  case OP_FILL: /* a fresh head: reset, then set n new headers */
    t0 = now_ns();
    for (long i = 0; i < iters; i++) {
      check(frb_reset(r, null_sink, NULL), "reset");
      fill(r, n);
    }
    return (now_ns() - t0) / (double)iters;
  }
  return 0;
}

int main(int argc, char **argv) {
  static const int counts[] = {10, 100};
  double scale = argc > 1 ? atof(argv[1]) : 1.0;
  frb_response *r;
  double clk;

  if (scale <= 0)
    scale = 1.0;
  make_names();
  if (!(r = frb_new(null_sink, NULL)))
    return 1;
  /* 100 present plus a block of adds is more than the default 100 lines;
   * frb_reset keeps the limit. */
  check(frb_set_limit(r, FRB_LIMIT_FIELDS, 1000), "limit");
  clk = clock_cost();
  for (int op = OP_SET; op <= OP_FILL; op++) {
    for (unsigned c = 0; c < sizeof counts / sizeof counts[0]; c++) {
      int n = counts[c];
      long iters = (long)((op >= OP_FLUSH ? 20000 : 200000) * scale *
                          (n == 10 ? 1 : 0.25));
      double v[ROUNDS];
      if (iters < BLOCK)
        iters = BLOCK;
      for (int k = 0; k < ROUNDS; k++)
        v[k] = round_ns(r, (enum op)op, n, iters, clk);
      printf("%s %s %d %.1f\n", LOCK_NAME, op_name[op], n, median(v, ROUNDS));
    }
  }
  frb_free(r);
  return 0;
}
