/* What bench/ops and bench/ops_mhd share: the same header names and values,
 * and the same timing, so that their figures compare. */
#ifndef FRB_BENCH_OPS_COMMON_H
#define FRB_BENCH_OPS_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAXN 100
#define BLOCK 16
#define ROUNDS 7

static char names[MAXN][32];
static char vals[2][MAXN][32];
static char blk_names[BLOCK][16];

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The 10 names are those of a typical response; beyond them, X-Header-NNN. */
static void make_names(void) {
  static const char *const common[10] = {"Content-Type",
                                         "Cache-Control",
                                         "X-Request-Id",
                                         "Vary",
                                         "ETag",
                                         "Last-Modified",
                                         "X-Frame-Options",
                                         "Server-Timing",
                                         "Expires",
                                         "X-Content-Type-Options"};
  for (int i = 0; i < MAXN; i++) {
    if (i < 10)
      snprintf(names[i], sizeof names[i], "%s", common[i]);
    else
      snprintf(names[i], sizeof names[i], "X-Header-%03d", i);
    snprintf(vals[0][i], sizeof vals[0][i], "value-%06d", i);
    snprintf(vals[1][i], sizeof vals[1][i], "other-%06d", i);
  }
  for (int i = 0; i < BLOCK; i++)
    snprintf(blk_names[i], sizeof blk_names[i], "X-Blk-%02d", i);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return v[n / 2];
}

/* What one clock_gettime pair costs, subtracted from timed blocks. */
static double clock_cost(void) {
  double v[ROUNDS];
  for (int k = 0; k < ROUNDS; k++) {
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
      double a = now_ns();
      double b = now_ns();
      sum += b - a;
    }
    v[k] = sum / 100000;
  }
  return median(v, ROUNDS);
}

#endif /* FRB_BENCH_OPS_COMMON_H */
