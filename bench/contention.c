/*
 * bench/contention: T threads set and add headers on ONE shared response
 * (or, with -m private, each on a response of its own) for a fixed time and
 * print the operations per second.
 *
 * The library sources are compiled into this program once per lock
 * (bench/locks.h, chosen through src/lock.h's FRB_LOCK_OVERRIDE), so every
 * binary runs the very same header store and differs only in the lock.  One run
 * prints one figure; bench/run.sh repeats the runs, interleaving the locks, and
 * takes medians and ratios.
 *
 * Three workloads.  "distinct" (-w distinct): each thread sets four names
 * of its own, so no two threads touch one field.  "set" (-w set): every
 * operation sets one of the 10 headers already present, as bench/go does with
 * http.Header.Set.  "mix" (the default), per thread, in a cycle of 8: four sets
 * of one of the 10 headers already present, three adds of "X-Add", and one set
 * of "X-Add" that folds the added lines back into one.  The head therefore
 * stays at 11 to about 14 lines whatever T is, so a change with T is the lock's
 * doing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frb.h"
#include "lock.h"

#define NPRESENT 10
#define MAX_THREADS 1024

#define LOCK_NAME FRB__LOCK_NAME

static const char *const present[NPRESENT] = {
    "Content-Type", "Cache-Control",         "X-Request-Id",    "Vary",
    "ETag",         "Last-Modified",         "X-Frame-Options", "Server-Timing",
    "Expires",      "X-Content-Type-Options"};

struct shared {
  atomic_int go; /* 1: start, 2: stop */
  atomic_int ready;
  int private_mode;
  int set_only;
  int distinct; /* each thread sets 4 names of its own */
  frb_response *one;
};

struct worker {
  pthread_t tid;
  struct shared *sh;
  frb_response *own;
  unsigned long ops;
  int failed;
  char names[4][24]; /* -w distinct */
  char pad[64];      /* keep the counters of two threads off one cache line */
};

static int null_sink(void *ctx, const void *buf, size_t len) {
  (void)ctx;
  (void)buf;
  (void)len;
  return 0;
}

static int fill(frb_response *r) {
  for (int i = 0; i < NPRESENT; i++)
    if (frb_header_set(r, present[i], "some-value-0000") != FRB_OK)
      return -1;
  return 0;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *const values[4] = {"some-value-0001", "some-value-0002",
                                      "some-value-0003", "some-value-0004"};

/* Eight sets; returns nonzero if any of them failed. */
static int sets(frb_response *r, unsigned long n) {
  int bad = 0;

  for (unsigned long k = n; k < n + 8; k++)
    bad |= frb_header_set(r, present[k % NPRESENT], values[k & 3]);
  return bad;
}

/* One cycle of 8 operations; returns nonzero if any of them failed. */
static int cycle(frb_response *r, unsigned long n) {
  int bad = 0;

  bad |= frb_header_set(r, present[n % NPRESENT], values[n & 3]);
  bad |= frb_header_add(r, "X-Add", "a-value");
  bad |= frb_header_set(r, present[(n + 3) % NPRESENT], values[(n + 1) & 3]);
  bad |= frb_header_add(r, "X-Add", "a-value");
  bad |= frb_header_set(r, present[(n + 5) % NPRESENT], values[(n + 2) & 3]);
  bad |= frb_header_add(r, "X-Add", "a-value");
  bad |= frb_header_set(r, present[(n + 7) % NPRESENT], values[(n + 3) & 3]);
  bad |= frb_header_set(r, "X-Add", "a-value");
  return bad;
}

/* Eight sets of the thread's own four names: threads never touch the same
 * field, so the cost of a set should not grow with the thread count. */
static int own_sets(frb_response *r, const struct worker *w, unsigned long n) {
  int bad = 0;

  for (int k = 0; k < 8; k++)
    bad |= frb_header_set(r, w->names[k & 3], values[(n + (unsigned)k) & 3]);
  return bad;
}

static void *run(void *arg) {
  struct worker *w = arg;
  frb_response *r = w->sh->private_mode ? w->own : w->sh->one;
  int (*step)(frb_response *, unsigned long) = w->sh->set_only ? sets : cycle;
  unsigned long n = 0;

  atomic_fetch_add(&w->sh->ready, 1);
  while (atomic_load_explicit(&w->sh->go, memory_order_acquire) == 0)
    sched_yield();
  while (atomic_load_explicit(&w->sh->go, memory_order_relaxed) == 1) {
    if (w->sh->distinct ? own_sets(r, w, n) : step(r, n))
      w->failed = 1;
    n += 8;
  }
  w->ops = n;
  return NULL;
}

static void usage(void) {
  fprintf(stderr, "usage: contention [-m shared|private] [-w mix|set|distinct] "
                  "[-t threads] [-d milliseconds]\n"
                  "prints: lock mode workload threads ops_per_second\n");
  exit(2);
}

int main(int argc, char **argv) {
  static struct worker workers[MAX_THREADS];
  struct shared sh = {0};
  int threads = 2, ms = 250, opt;
  struct timespec pause;
  double t0, t1;
  unsigned long total = 0;
  int failed = 0;

  while ((opt = getopt(argc, argv, "m:w:t:d:")) != -1) {
    switch (opt) {
    case 'm':
      if (strcmp(optarg, "private") == 0)
        sh.private_mode = 1;
      else if (strcmp(optarg, "shared") != 0)
        usage();
      break;
    case 'w':
      if (strcmp(optarg, "set") == 0)
        sh.set_only = 1;
      else if (strcmp(optarg, "distinct") == 0)
        sh.distinct = 1;
      else if (strcmp(optarg, "mix") != 0)
        usage();
      break;
    case 't': threads = atoi(optarg); break;
    case 'd': ms = atoi(optarg); break;
    default: usage();
    }
  }
  if (threads < 1 || threads > MAX_THREADS || ms < 1)
    usage();

  if (!(sh.one = frb_new(null_sink, NULL)) || fill(sh.one))
    return 1;
  /* Distinct names: up to 4 lines a thread on top of the 10, more than the
   * default field limit (100) from 23 threads on. */
  if (sh.distinct &&
      (frb_set_limit(sh.one, FRB_LIMIT_HEAD_BYTES, 256u * 1024) != FRB_OK ||
       frb_set_limit(sh.one, FRB_LIMIT_FIELDS,
                     (size_t)NPRESENT + 8 + 4 * (size_t)threads) != FRB_OK))
    return 1;
  for (int i = 0; i < threads; i++) {
    workers[i].sh = &sh;
    for (int k = 0; k < 4; k++)
      snprintf(workers[i].names[k], sizeof workers[i].names[k], "X-T%d-%d", i,
               k);
    if (sh.private_mode &&
        (!(workers[i].own = frb_new(null_sink, NULL)) || fill(workers[i].own)))
      return 1;
    if ((errno = pthread_create(&workers[i].tid, NULL, run, &workers[i]))) {
      perror("pthread_create");
      return 1;
    }
  }
  while (atomic_load(&sh.ready) < threads)
    sched_yield();

  pause.tv_sec = ms / 1000;
  pause.tv_nsec = (long)(ms % 1000) * 1000000L;
  t0 = now();
  atomic_store_explicit(&sh.go, 1, memory_order_release);
  nanosleep(&pause, NULL);
  atomic_store_explicit(&sh.go, 2, memory_order_relaxed);
  /* Counted to the last join: work done after the stop is in the count, and
   * so is the time a collapsing lock needs to let everyone see the stop. */
  for (int i = 0; i < threads; i++) {
    pthread_join(workers[i].tid, NULL);
    total += workers[i].ops;
    failed |= workers[i].failed;
    frb_free(workers[i].own);
  }
  t1 = now();
  frb_free(sh.one);
  if (failed) {
    fprintf(stderr, "contention: a header call failed\n");
    return 1;
  }
  printf("%s %s %s %d %.0f\n", LOCK_NAME,
         sh.private_mode ? "private" : "shared",
         sh.distinct   ? "distinct"
         : sh.set_only ? "set"
                       : "mix",
         threads, (double)total / (t1 - t0));
  return 0;
}
