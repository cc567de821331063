/*
 * The lock that guards a response's header store: a test-and-test-and-set
 * spinlock with exponential backoff that yields the CPU when a wait runs
 * long.  bench/ builds the very same store around other locks to measure
 * this one against them: it names a header of its own in FRB_LOCK_OVERRIDE,
 * which must provide the same five names.  The library never sets it.
 */
#ifndef FRB_LOCK_H
#define FRB_LOCK_H

#ifdef FRB_LOCK_OVERRIDE
#include FRB_LOCK_OVERRIDE
#else

#include <sched.h>
#include <stdatomic.h>

#define FRB__LOCK_NAME "libfrb-spin"

typedef struct {
  atomic_int word;
} frb__lock_t;

static inline void frb__cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static inline int frb__lock_init(frb__lock_t *l) {
  atomic_init(&l->word, 0);
  return 0;
}

static inline void frb__lock_destroy(frb__lock_t *l) {
  (void)l;
}

/* A waiter backs off exponentially, 1, 2, 4 ... FRB_BACKOFF_MAX pause hints
 * between looks at the lock, so that it does not pull the cache line away
 * from a holder that is about to take the lock again (with 2 threads on 2
 * cores, waiting on a plain load handed the line over on every operation
 * and ran at 0.4x of pthread_mutex).  After FRB_SPIN_LIMIT pauses it gives
 * the CPU away, so that a preempted holder can run: pthread_spin_lock never
 * does, and collapses 50-fold at 64 threads.  Figures: BENCHMARKS.md. */
#ifndef FRB_BACKOFF_MAX
#define FRB_BACKOFF_MAX 256
#endif
#ifndef FRB_SPIN_LIMIT
#define FRB_SPIN_LIMIT 256
#endif

static inline void frb__lock(frb__lock_t *l) {
  unsigned backoff = 1, spun = 0;

  /* Test before test-and-set: a failed exchange would also take the line. */
  while (atomic_load_explicit(&l->word, memory_order_relaxed) ||
         atomic_exchange_explicit(&l->word, 1, memory_order_acquire)) {
    for (unsigned i = 0; i < backoff; i++)
      frb__cpu_relax();
    spun += backoff;
    if (backoff < FRB_BACKOFF_MAX)
      backoff *= 2;
    if (spun >= FRB_SPIN_LIMIT) {
      sched_yield();
      spun = 0;
    }
  }
}

static inline void frb__unlock(frb__lock_t *l) {
  atomic_store_explicit(&l->word, 0, memory_order_release);
}

/* Readers take the same lock: a reader-writer lock measured slower at every
 * thread count (BENCHMARKS.md), but bench/ keeps the distinction. */
#define frb__lock_rd frb__lock
#define frb__unlock_rd frb__unlock

#endif /* FRB_LOCK_OVERRIDE */
#endif /* FRB_LOCK_H */
