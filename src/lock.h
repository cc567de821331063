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

#define FRB_LOCK_SPIN 1   /* TTAS, exponential pause backoff, then yield */
#define FRB_LOCK_MUTEX 2  /* pthread_mutex_t */
#define FRB_LOCK_RWLOCK 3 /* pthread_rwlock_t, readers share */
#define FRB_LOCK_PSPIN 4  /* glibc pthread_spin_lock: never yields */
#define FRB_LOCK_NONE 5   /* no lock: single-threaded floor for benchmarks */
#define FRB_LOCK_FUTEX 6  /* spin briefly, then park on a futex (benchmark) */

#ifndef FRB_LOCK_IMPL
#define FRB_LOCK_IMPL FRB_LOCK_SPIN
#endif

/* The two locks built on one atomic word (the library's spinlock, and the
 * futex lock it is benchmarked against) share these. */
#if FRB_LOCK_IMPL == FRB_LOCK_SPIN || FRB_LOCK_IMPL == FRB_LOCK_FUTEX
typedef struct {
  atomic_int word;
} frb_lock_t;

static inline void frb_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

static inline int frb_lock_init(frb_lock_t *l) {
  atomic_init(&l->word, 0);
  return 0;
}
static inline void frb_lock_destroy(frb_lock_t *l) {
  (void)l;
}
#endif

#if FRB_LOCK_IMPL == FRB_LOCK_SPIN

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

static inline void frb_lock(frb_lock_t *l) {
  unsigned backoff = 1, spun = 0;

  /* Test before test-and-set: a failed exchange would also take the line. */
  while (atomic_load_explicit(&l->word, memory_order_relaxed) ||
         atomic_exchange_explicit(&l->word, 1, memory_order_acquire)) {
    for (unsigned i = 0; i < backoff; i++)
      frb_cpu_relax();
    spun += backoff;
    if (backoff < FRB_BACKOFF_MAX)
      backoff *= 2;
    if (spun >= FRB_SPIN_LIMIT) {
      sched_yield();
      spun = 0;
    }
  }
}
static inline void frb_unlock(frb_lock_t *l) {
  atomic_store_explicit(&l->word, 0, memory_order_release);
}
#define frb_lock_rd frb_lock
#define frb_unlock_rd frb_unlock

#elif FRB_LOCK_IMPL == FRB_LOCK_FUTEX

#ifndef FRB_FUTEX_SPIN
#define FRB_FUTEX_SPIN 16
#endif

/* Not the library's lock: bench/contention-futex measures it against the
 * spinlock (BENCHMARKS.md says why the spinlock won).
 * lock.c: the two system calls, kept out of this header because syscall()
 * needs _GNU_SOURCE. */
void frb__futex_wait(atomic_int *word, int expected);
void frb__futex_wake_one(atomic_int *word);

/* 0 free, 1 held, 2 held and a waiter may be parked (Drepper, "Futexes are
 * tricky", mutex 3). */

static inline int frb_lock_try(frb_lock_t *l) {
  int free_state = 0;
  return atomic_compare_exchange_strong_explicit(
      &l->word, &free_state, 1, memory_order_acquire, memory_order_relaxed);
}

static inline void frb_lock(frb_lock_t *l) {
  if (frb_lock_try(l))
    return;
  /* A holder finishes in tens of ns: a short spin catches it without a
   * system call; anyone already parked means the wait will be long. */
  for (unsigned i = 0; i < FRB_FUTEX_SPIN; i++) {
    int c = atomic_load_explicit(&l->word, memory_order_relaxed);
    if (c == 0 && frb_lock_try(l))
      return;
    if (c == 2)
      break;
    frb_cpu_relax();
  }
  while (atomic_exchange_explicit(&l->word, 2, memory_order_acquire) != 0)
    frb__futex_wait(&l->word, 2);
}
static inline void frb_unlock(frb_lock_t *l) {
  if (atomic_exchange_explicit(&l->word, 0, memory_order_release) == 2)
    frb__futex_wake_one(&l->word);
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
