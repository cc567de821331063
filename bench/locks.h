/*
 * The locks libfrb's spinlock is measured against.  bench/ compiles the
 * library's own sources with -DFRB_LOCK_OVERRIDE='"locks.h"' and one of
 * BENCH_LOCK_MUTEX, _RWLOCK, _PSPIN, _FUTEX or _NONE, so that every
 * benchmark binary runs the very same header store around another lock.
 * Each variant provides what src/lock.h provides: frb__lock_t, _init,
 * _destroy, frb__lock, frb__unlock, the _rd pair and FRB__LOCK_NAME.
 */
#ifndef FRB_BENCH_LOCKS_H
#define FRB_BENCH_LOCKS_H

#include <pthread.h>
#include <stdatomic.h>

#if defined(BENCH_LOCK_MUTEX)

#define FRB__LOCK_NAME "pthread_mutex"
typedef pthread_mutex_t frb__lock_t;
static inline int frb__lock_init(frb__lock_t *l) {
  return pthread_mutex_init(l, NULL);
}
#define frb__lock_destroy pthread_mutex_destroy
#define frb__lock pthread_mutex_lock
#define frb__unlock pthread_mutex_unlock
#define frb__lock_rd pthread_mutex_lock
#define frb__unlock_rd pthread_mutex_unlock

#elif defined(BENCH_LOCK_RWLOCK)

#define FRB__LOCK_NAME "pthread_rwlock"
typedef pthread_rwlock_t frb__lock_t;
static inline int frb__lock_init(frb__lock_t *l) {
  return pthread_rwlock_init(l, NULL);
}
#define frb__lock_destroy pthread_rwlock_destroy
#define frb__lock pthread_rwlock_wrlock
#define frb__unlock pthread_rwlock_unlock
#define frb__lock_rd pthread_rwlock_rdlock
#define frb__unlock_rd pthread_rwlock_unlock

#elif defined(BENCH_LOCK_PSPIN)

/* glibc's pthread_spin_lock never yields. */
#define FRB__LOCK_NAME "pthread_spin"
typedef pthread_spinlock_t frb__lock_t;
static inline int frb__lock_init(frb__lock_t *l) {
  return pthread_spin_init(l, PTHREAD_PROCESS_PRIVATE);
}
#define frb__lock_destroy pthread_spin_destroy
#define frb__lock pthread_spin_lock
#define frb__unlock pthread_spin_unlock
#define frb__lock_rd pthread_spin_lock
#define frb__unlock_rd pthread_spin_unlock

#elif defined(BENCH_LOCK_NONE)

/* No lock: the single-threaded floor. */
#define FRB__LOCK_NAME "none"
typedef int frb__lock_t;
static inline int frb__lock_init(frb__lock_t *l) {
  *l = 0;
  return 0;
}
#define frb__lock_destroy(l) ((void)(l))
#define frb__lock(l) ((void)(l))
#define frb__unlock(l) ((void)(l))
#define frb__lock_rd(l) ((void)(l))
#define frb__unlock_rd(l) ((void)(l))

#elif defined(BENCH_LOCK_FUTEX)

/* Spin briefly, then park on a futex: 0 free, 1 held, 2 held and a waiter
 * may be parked (Drepper, "Futexes are tricky", mutex 3).  BENCHMARKS.md
 * says why the spinlock won.  The system calls live in futex.c, which alone
 * needs _GNU_SOURCE. */
#ifndef FRB_FUTEX_SPIN
#define FRB_FUTEX_SPIN 16
#endif
#define FRB__LOCK_NAME "futex-park"
typedef struct {
  atomic_int word;
} frb__lock_t;
void bench_futex_wait(atomic_int *word, int expected);
void bench_futex_wake_one(atomic_int *word);

static inline int frb__lock_init(frb__lock_t *l) {
  atomic_init(&l->word, 0);
  return 0;
}
static inline void frb__lock_destroy(frb__lock_t *l) {
  (void)l;
}
static inline int bench_futex_try(frb__lock_t *l) {
  int free_state = 0;
  return atomic_compare_exchange_strong_explicit(
      &l->word, &free_state, 1, memory_order_acquire, memory_order_relaxed);
}
static inline void frb__lock(frb__lock_t *l) {
  if (bench_futex_try(l))
    return;
  /* A holder finishes in tens of ns: a short spin catches it without a
   * system call; anyone already parked means the wait will be long. */
  for (unsigned i = 0; i < FRB_FUTEX_SPIN; i++) {
    int c = atomic_load_explicit(&l->word, memory_order_relaxed);
    if (c == 0 && bench_futex_try(l))
      return;
    if (c == 2)
      break;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  while (atomic_exchange_explicit(&l->word, 2, memory_order_acquire) != 0)
    bench_futex_wait(&l->word, 2);
}
static inline void frb__unlock(frb__lock_t *l) {
  if (atomic_exchange_explicit(&l->word, 0, memory_order_release) == 2)
    bench_futex_wake_one(&l->word);
}
#define frb__lock_rd frb__lock
#define frb__unlock_rd frb__unlock

#else
#error                                                                         \
    "bench/locks.h: define one of BENCH_LOCK_MUTEX, _RWLOCK, _PSPIN, _FUTEX, _NONE"
#endif

#endif /* FRB_BENCH_LOCKS_H */
