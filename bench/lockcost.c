/*
 * bench/lockcost: the uncontended cost of src/lock.h, one lock and one
 * unlock around an increment, in ns of the thread's own CPU time (best of
 * 7 rounds of 20 million), which a busy machine disturbs far less than
 * wall-clock time.  Not built by make; to compare two versions of the lock:
 *
 *   cc -O2 -std=c11 -D_XOPEN_SOURCE=700 -Isrc bench/lockcost.c -o lockcost
 *   cc -O2 -std=c11 -D_XOPEN_SOURCE=700 -IOLD/src bench/lockcost.c -o lc-old
 */
#include <stdio.h>
#include <time.h>

#include "lock.h"

static double cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(void) {
  static frb__lock_t l;
  static volatile long count;
  const long n = 20000000;
  double best = 1e30;

  frb__lock_init(&l);
  for (int r = 0; r < 7; r++) {
    double t0 = cpu_ns(), d;
    for (long i = 0; i < n; i++) {
      frb__lock(&l);
      count = count + 1;
      frb__unlock(&l);
    }
    d = (cpu_ns() - t0) / (double)n;
    if (d < best)
      best = d;
  }
  frb__lock_destroy(&l);
  printf("%s %.2f ns per lock+unlock\n", FRB__LOCK_NAME, best);
  return 0;
}
