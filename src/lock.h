/*
 * The lock that guards a response's header store: a spinlock with
 * exponential backoff that parks its waiter on a futex (Linux) or yields the
 * CPU (elsewhere) when a wait runs long.  bench/ builds the very same store
 * around other locks to measure this one against them: it names a header of
 * its own in FRB_LOCK_OVERRIDE, which must provide the same five names.  The
 * library never sets it.
 */
#ifndef FRB_LOCK_H
#define FRB_LOCK_H

#ifdef FRB_LOCK_OVERRIDE
#include FRB_LOCK_OVERRIDE
#else

#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
/* unistd.h declares syscall() only under _DEFAULT_SOURCE, and the library
 * asks for _XOPEN_SOURCE alone. */
long syscall(long number, ...);
#endif

#define FRB__LOCK_NAME "libfrb-spin"

/* 0 free, 1 held, 2 held and a waiter may be parked on the futex (Drepper,
 * "Futexes are tricky", mutex 2).  Only Linux ever stores 2. */
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
 * and ran at 0.4x of pthread_mutex).  After FRB_SPIN_LIMIT pauses (a pause
 * takes 40-50 ns on an AMD EPYC, so 10-25 us) the wait is long: the holder was
 * preempted or many threads queue, and spinning on would burn the CPU the
 * holder needs.  Then it parks on the futex until an unlock wakes it.
 * sched_yield, used before, kept every waiter runnable: under outside load (77
 * interleaved rounds) it fell to 0.80x of pthread_mutex at 16 threads and kept
 * 0.79 of its 2-thread throughput at 64, where parking gives 0.96x and 1.02
 * (BENCHMARKS.md, "Issue 9: the lock").  The price is the exchange in unlock: 5
 * ns per uncontended lock and unlock instead of 2.5.  pthread_spin_lock never
 * gives the CPU away, and collapses 50-fold at 64 threads. */
#ifndef FRB_BACKOFF_MAX
#define FRB_BACKOFF_MAX 256
#endif
#ifndef FRB_SPIN_LIMIT
#define FRB_SPIN_LIMIT 256
#endif

/* Returns 1 with the lock taken, 0 once the spin budget is spent. */
static inline int frb__lock_spin(frb__lock_t *l) {
  unsigned backoff = 1, spun = 0;

  while (spun < FRB_SPIN_LIMIT) {
    int free_state = 0;
    /* Test before test-and-set: a failed exchange would also take the line. */
    if (atomic_load_explicit(&l->word, memory_order_relaxed) == 0 &&
        atomic_compare_exchange_weak_explicit(&l->word, &free_state, 1,
                                              memory_order_acquire,
                                              memory_order_relaxed))
      return 1;
    for (unsigned i = 0; i < backoff; i++)
      frb__cpu_relax();
    spun += backoff;
    if (backoff < FRB_BACKOFF_MAX)
      backoff *= 2;
  }
  return 0;
}

#if defined(__linux__)
/* A parked thread takes the lock with 2, not 1: other threads may still be
 * parked, and only a 2 makes their unlocker wake one of them. */
static __attribute__((unused, noinline, cold)) void
frb__lock_wait(frb__lock_t *l) {
  if (frb__lock_spin(l))
    return;
  while (atomic_exchange_explicit(&l->word, 2, memory_order_acquire) != 0)
    /* Returns at once if the word is no longer 2; a wake-up, EINTR or
     * EAGAIN all send the thread round the loop to try again. */
    syscall(SYS_futex, &l->word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
}

static __attribute__((unused, noinline, cold)) void
frb__lock_wake(frb__lock_t *l) {
  syscall(SYS_futex, &l->word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
#else
static __attribute__((unused, noinline, cold)) void
frb__lock_wait(frb__lock_t *l) {
  while (!frb__lock_spin(l))
    sched_yield();
}
#endif

static inline void frb__lock(frb__lock_t *l) {
  int free_state = 0;

  if (!atomic_compare_exchange_strong_explicit(
          &l->word, &free_state, 1, memory_order_acquire, memory_order_relaxed))
    frb__lock_wait(l);
}

static inline void frb__unlock(frb__lock_t *l) {
#if defined(__linux__)
  /* An exchange, not a store: the old value says whether anyone parked. */
  if (atomic_exchange_explicit(&l->word, 0, memory_order_release) == 2)
    frb__lock_wake(l);
#else
  atomic_store_explicit(&l->word, 0, memory_order_release);
#endif
}

/* Readers take the same lock: a reader-writer lock measured slower at every
 * thread count (BENCHMARKS.md), but bench/ keeps the distinction. */
#define frb__lock_rd frb__lock
#define frb__unlock_rd frb__unlock

#endif /* FRB_LOCK_OVERRIDE */
#endif /* FRB_LOCK_H */
