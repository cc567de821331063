/*
 * The lock that guards a response's header state.  The implementation is
 * chosen at compile time so that bench/contention can build the very same
 * header store with each alternative; the library always uses FRB_LOCK_SPIN.
 */
#ifndef FRB_LOCK_H
#define FRB_LOCK_H

#include <stdatomic.h>
#include <pthread.h>
#include <sched.h>

#define FRB_LOCK_SPIN 1   /* test-and-test-and-set, pause, then yield */
#define FRB_LOCK_MUTEX 2  /* pthread_mutex_t */
#define FRB_LOCK_RWLOCK 3 /* pthread_rwlock_t, readers share */
#define FRB_LOCK_PSPIN 4  /* glibc pthread_spin_lock: never yields */
#define FRB_LOCK_NONE 5   /* no lock: single-threaded floor for benchmarks */

#ifndef FRB_LOCK_IMPL
#define FRB_LOCK_IMPL FRB_LOCK_SPIN
#endif

#if FRB_LOCK_IMPL == FRB_LOCK_SPIN

/* Spins this many times before giving the CPU away: long enough to cover a
 * critical section (tens of ns), short enough that a preempted holder is not
 * waited out by 63 spinning threads on 2 cores (see BENCHMARKS.md). */
#define FRB_SPIN_LIMIT 64

typedef struct {
  atomic_int held;
} frb_lock_t;

static inline void frb_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static inline int frb_lock_init(frb_lock_t *l) {
  atomic_init(&l->held, 0);
  return 0;
}
static inline void frb_lock_destroy(frb_lock_t *l) {
  (void)l;
}

static inline void frb_lock(frb_lock_t *l) {
  for (;;) {
    if (!atomic_exchange_explicit(&l->held, 1, memory_order_acquire))
      return;
    /* Wait on a plain load so that the cache line stays shared. */
    for (unsigned spins = 0;
         atomic_load_explicit(&l->held, memory_order_relaxed);) {
      if (++spins < FRB_SPIN_LIMIT) {
        frb_cpu_relax();
      } else {
        sched_yield();
        spins = 0;
      }
    }
  }
}
static inline void frb_unlock(frb_lock_t *l) {
  atomic_store_explicit(&l->held, 0, memory_order_release);
}
#define frb_lock_rd frb_lock
#define frb_unlock_rd frb_unlock

#elif FRB_LOCK_IMPL == FRB_LOCK_MUTEX

typedef pthread_mutex_t frb_lock_t;
static inline int frb_lock_init(frb_lock_t *l) {
  return pthread_mutex_init(l, NULL);
}
#define frb_lock_destroy pthread_mutex_destroy
#define frb_lock pthread_mutex_lock
#define frb_unlock pthread_mutex_unlock
#define frb_lock_rd pthread_mutex_lock
#define frb_unlock_rd pthread_mutex_unlock

#elif FRB_LOCK_IMPL == FRB_LOCK_RWLOCK

typedef pthread_rwlock_t frb_lock_t;
static inline int frb_lock_init(frb_lock_t *l) {
  return pthread_rwlock_init(l, NULL);
}
#define frb_lock_destroy pthread_rwlock_destroy
#define frb_lock pthread_rwlock_wrlock
#define frb_unlock pthread_rwlock_unlock
#define frb_lock_rd pthread_rwlock_rdlock
#define frb_unlock_rd pthread_rwlock_unlock

#elif FRB_LOCK_IMPL == FRB_LOCK_PSPIN

typedef pthread_spinlock_t frb_lock_t;
static inline int frb_lock_init(frb_lock_t *l) {
  return pthread_spin_init(l, PTHREAD_PROCESS_PRIVATE);
}
#define frb_lock_destroy pthread_spin_destroy
#define frb_lock pthread_spin_lock
#define frb_unlock pthread_spin_unlock
#define frb_lock_rd pthread_spin_lock
#define frb_unlock_rd pthread_spin_unlock

#elif FRB_LOCK_IMPL == FRB_LOCK_NONE

typedef int frb_lock_t;
static inline int frb_lock_init(frb_lock_t *l) {
  *l = 0;
  return 0;
}
#define frb_lock_destroy(l) ((void)(l))
#define frb_lock(l) ((void)(l))
#define frb_unlock(l) ((void)(l))
#define frb_lock_rd(l) ((void)(l))
#define frb_unlock_rd(l) ((void)(l))

#else
#error "unknown FRB_LOCK_IMPL"
#endif

#endif /* FRB_LOCK_H */
