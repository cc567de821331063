/*
 * bench/ops_mhd: an outside reference point for bench/ops, the same header
 * work done on a libmicrohttpd response (MHD_add_response_header and
 * friends).  libmicrohttpd has no "set": it is measured as a delete of the
 * old line plus an add of the new one.  Built by bench/run.sh only when
 * pkg-config finds libmicrohttpd; never needed by 'make bench-build'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "ops_common.h"

static void check(int ok, const char *what) {
  if (!ok) {
    fprintf(stderr, "ops_mhd: %s failed\n", what);
    exit(1);
  }
}

static struct MHD_Response *fresh(int n) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  check(r != NULL, "create");
  for (int i = 0; i < n; i++)
    check(MHD_add_response_header(r, names[i], vals[0][i]) == MHD_YES, "fill");
  return r;
}

enum op { OP_SET, OP_ADD, OP_GET, OP_DEL, OP_FILL };
static const char *const op_name[] = {"set", "add", "get", "del", "fill"};

static double round_ns(enum op op, int n, long iters, double clk) {
  struct MHD_Response *r = fresh(n);
  /* which value each present header holds now, for the delete in "set" */
  unsigned char cur[MAXN] = {0};
  double t0, sum = 0, res = 0;
  long done = 0;

  switch (op) {
  case OP_SET:
    t0 = now_ns();
    for (long i = 0; i < iters; i++) {
      int k = (int)(i % n);
      check(MHD_del_response_header(r, names[k], vals[cur[k]][k]) == MHD_YES,
            "del");
      cur[k] ^= 1;
      check(MHD_add_response_header(r, names[k], vals[cur[k]][k]) == MHD_YES,
            "add");
    }
    res = (now_ns() - t0) / (double)iters;
    break;
  case OP_GET:
    t0 = now_ns();
    for (long i = 0; i < iters; i++)
      check(MHD_get_response_header(r, names[i % n]) != NULL, "get");
    res = (now_ns() - t0) / (double)iters;
    break;
  case OP_ADD:
    while (done < iters) {
      t0 = now_ns();
      for (int i = 0; i < BLOCK; i++)
        check(MHD_add_response_header(r, blk_names[i], vals[0][i]) == MHD_YES,
              "add");
      sum += now_ns() - t0 - clk;
      for (int i = 0; i < BLOCK; i++)
        check(MHD_del_response_header(r, blk_names[i], vals[0][i]) == MHD_YES,
              "del");
      done += BLOCK;
    }
    res = sum / (double)done;
    break;
  case OP_DEL:
    while (done < iters) {
      for (int i = 0; i < BLOCK; i++)
        check(MHD_add_response_header(r, blk_names[i], vals[0][i]) == MHD_YES,
              "add");
      t0 = now_ns();
      for (int i = 0; i < BLOCK; i++)
        check(MHD_del_response_header(r, blk_names[i], vals[0][i]) == MHD_YES,
              "del");
      sum += now_ns() - t0 - clk;
      done += BLOCK;
    }
    res = sum / (double)done;
    break;
  case OP_FILL: /* a new response with n headers, destroyed */
    t0 = now_ns();
    for (long i = 0; i < iters; i++)
      MHD_destroy_response(fresh(n));
    res = (now_ns() - t0) / (double)iters;
    break;
  }
  MHD_destroy_response(r);
  return res;
}

int main(int argc, char **argv) {
  static const int counts[] = {10, 100};
  double scale = argc > 1 ? atof(argv[1]) : 1.0;
  double clk;

  if (scale <= 0)
    scale = 1.0;
  make_names();
  clk = clock_cost();
  for (int op = OP_SET; op <= OP_FILL; op++) {
    for (unsigned c = 0; c < sizeof counts / sizeof counts[0]; c++) {
      int n = counts[c];
      long iters = (long)((op == OP_FILL ? 20000 : 200000) * scale *
                          (n == 10 ? 1 : 0.25));
      double v[ROUNDS];
      if (iters < BLOCK)
        iters = BLOCK;
      for (int k = 0; k < ROUNDS; k++)
        v[k] = round_ns((enum op)op, n, iters, clk);
      printf("libmicrohttpd %s %d %.1f\n", op_name[op], n, median(v, ROUNDS));
    }
  }
  return 0;
}
