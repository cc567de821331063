/*
 * bench/sweep: single-thread ns per frb_header_set, _add, _get, _del and
 * frb_cookie_add with 4, 16, 64, 256, 1000 and 4000 fields already present
 * (the head limit raised to the largest), to show whether a call's cost
 * depends on how many fields the head holds.  Each figure is the median of
 * ROUNDS rounds; add, del and cookie time blocks of BLOCK calls on top of
 * the n fields and undo them untimed.
 *
 *   bench/sweep [scale]        prints "sweep OP N NS" lines
 *   bench/sweep -c OP N ITERS  runs ITERS calls of OP once, for instruction
 *                              counts under callgrind (bench/run.sh goinstr)
 *   bench/sweep -c OP N ITERS ROUNDS   prints the fastest of ROUNDS runs
 *
 * cookieadd is frb_header_add of a formatted "Set-Cookie" value, the
 * counterpart of Go's Header.Add("Set-Cookie", ...) in bench/gosweep.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frb.h"

#define ROUNDS 7
#define BLOCK 16
#define MAXF 4000

static char names[MAXF][24], vals[2][MAXF][16], blk[BLOCK][16];

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int null_sink(void *ctx, const void *buf, size_t len) {
  (void)ctx;
  (void)buf;
  (void)len;
  return 0;
}

static void check(int rc, const char *what) {
  if (rc < 0) {
    fprintf(stderr, "sweep: %s: %s\n", what, frb_strerror(rc));
    exit(1);
  }
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

enum op { SET, ADD, GET, DEL, COOKIE, COOKIEADD, NOPS };
static const char *const op_name[] = {"set", "add",    "get",
                                      "del", "cookie", "cookieadd"};
static char cookie_line[BLOCK][16];

static double round_ns(frb_response *r, enum op op, int n, long iters) {
  char buf[64];
  double t0, sum = 0;
  long done = 0;

  check(frb_reset(r, null_sink, NULL), "reset");
  check(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 16u * 1024 * 1024), "limit");
  /* The default of FRB_DEFAULT_FIELDS lines would stop the fill at 100. */
  check(frb_set_limit(r, FRB_LIMIT_FIELDS, 2 * MAXF), "limit");
  for (int i = 0; i < n; i++)
    check(frb_header_set(r, names[i], vals[0][i]), "fill");
  t0 = now_ns();
  switch (op) {
  case SET:
    for (long i = 0; i < iters; i++)
      check(frb_header_set(r, names[i % n], vals[i & 1][i % n]), "set");
    return (now_ns() - t0) / (double)iters;
  case GET:
    for (long i = 0; i < iters; i++)
      check(frb_header_get(r, names[i % n], buf, sizeof buf), "get");
    return (now_ns() - t0) / (double)iters;
  case ADD:
  case DEL:
  case COOKIE:
  case COOKIEADD:
    while (done < iters) {
      if (op == DEL)
        for (int i = 0; i < BLOCK; i++)
          check(frb_header_add(r, blk[i], "v"), "add");
      t0 = now_ns();
      for (int i = 0; i < BLOCK; i++) {
        if (op == ADD)
          check(frb_header_add(r, "X-Add", vals[i & 1][i]), "add");
        else if (op == DEL)
          check(frb_header_del(r, blk[i]), "del");
        else if (op == COOKIE)
          check(frb_cookie_add(r, blk[i], "v", NULL), "cookie");
        else
          check(frb_header_add(r, "Set-Cookie", cookie_line[i]), "cookieadd");
      }
      sum += now_ns() - t0;
      if (op != DEL)
        check(frb_header_del(r, op == ADD ? "X-Add" : "Set-Cookie"), "undo");
      done += BLOCK;
    }
    return sum / (double)done;
  default: return 0;
  }
}

/* -c OP N ITERS: one run and no output, so that two runs of different
 * ITERS under callgrind differ only by the calls.  -c OP N ITERS ROUNDS:
 * that many runs, and the fastest printed, for short paired runs beside
 * bench/gosweep on a busy machine (outside load only ever adds time). */
static int count_mode(frb_response *r, int argc, char **argv) {
  int n = atoi(argv[3]), rounds = argc > 5 ? atoi(argv[5]) : 0;
  long iters = atol(argv[4]);
  double best = 0;

  if (n < 1 || n > MAXF || iters < 1 || rounds < 0)
    return 2;
  for (int op = SET; op < NOPS; op++) {
    if (strcmp(argv[2], op_name[op]) != 0)
      continue;
    if (rounds == 0) {
      round_ns(r, (enum op)op, n, iters);
      return 0;
    }
    for (int k = 0; k < rounds; k++) {
      double v = round_ns(r, (enum op)op, n, iters);
      if (k == 0 || v < best)
        best = v;
    }
    printf("sweep %s %d %.1f\n", op_name[op], n, best);
    return 0;
  }
  return 2;
}

static void make_names(void) {
  for (int i = 0; i < MAXF; i++) {
    snprintf(names[i], sizeof names[i], "X-Header-%04d", i);
    snprintf(vals[0][i], sizeof vals[0][i], "value-%06d", i);
    snprintf(vals[1][i], sizeof vals[1][i], "other-%06d", i);
  }
  for (int i = 0; i < BLOCK; i++) {
    snprintf(blk[i], sizeof blk[i], "X-Blk-%02d", i);
    snprintf(cookie_line[i], sizeof cookie_line[i], "X-Blk-%02d=v", i);
  }
}

int main(int argc, char **argv) {
  static const int counts[] = {4, 16, 64, 256, 1000, 4000};
  double scale = argc > 1 ? atof(argv[1]) : 1.0, v[ROUNDS];
  frb_response *r = frb_new(null_sink, NULL);
  int rc;

  if (!r)
    return 1;
  make_names();
  if ((argc == 5 || argc == 6) && strcmp(argv[1], "-c") == 0) {
    rc = count_mode(r, argc, argv);
    frb_free(r);
    return rc;
  }
  if (scale <= 0)
    return 1;
  for (int op = SET; op < NOPS; op++)
    for (unsigned c = 0; c < sizeof counts / sizeof counts[0]; c++) {
      long iters = (long)(100000 * scale);
      for (int k = 0; k < ROUNDS; k++)
        v[k] =
            round_ns(r, (enum op)op, counts[c], iters < BLOCK ? BLOCK : iters);
      qsort(v, ROUNDS, sizeof v[0], cmp);
      printf("sweep %s %d %.1f\n", op_name[op], counts[c], v[ROUNDS / 2]);
      fflush(stdout);
    }
  frb_free(r);
  return 0;
}
