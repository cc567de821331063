/* The futex calls behind BENCH_LOCK_FUTEX (bench/locks.h).  syscall() is a
 * GNU extension, so this file alone asks for it. */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "locks.h"

/* A wake-up that finds the word changed (EAGAIN) or a signal (EINTR) just
 * sends the caller round its loop again. */
void bench_futex_wait(atomic_int *word, int expected) {
  syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

void bench_futex_wake_one(atomic_int *word) {
  syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
