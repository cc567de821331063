/* Sinks for file descriptors: CGI writes the response to stdout. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* A non-blocking descriptor would otherwise turn a full pipe into EIO. */
static int wait_writable(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLOUT};
  int n;

  do
    n = poll(&p, 1, -1);
  while (n < 0 && errno == EINTR);
  return n == 1 ? 0 : -1;
}

/* write(2) to a pipe whose reader is gone raises SIGPIPE, which would kill a
 * CGI process whose client went away.  A library must not change signal
 * dispositions, so block it in this thread, and consume the one we caused. */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len) {
  sigset_t pipe_set, old, pending;
  ssize_t n;
  int saved, was_pending;

  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  sigpending(&pending);
  was_pending = sigismember(&pending, SIGPIPE);
  n = write(fd, buf, len);
  saved = errno;
  if (n < 0 && saved == EPIPE && !was_pending) {
    const struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
      ;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  errno = saved;
  return n;
}

static ssize_t send_nosigpipe(int fd, const void *buf, size_t len) {
  return send(fd, buf, len, MSG_NOSIGNAL);
}

static int write_all(int fd, const char *p, size_t len,
                     ssize_t (*op)(int, const void *, size_t)) {
  while (len > 0) {
    ssize_t n = op(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_writable(fd) == 0)
        continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int frb__fd_sink(void *ctx, const void *buf, size_t len) {
  return write_all((int)(intptr_t)ctx, buf, len, write_nosigpipe);
}

/* For a process that ignores SIGPIPE (see frb__sigpipe_ignored): a write
 * into a dead pipe then fails with EPIPE and raises nothing, so the one
 * system call of the write is all it takes. */
int frb__fd_sink_sigign(void *ctx, const void *buf, size_t len) {
  return write_all((int)(intptr_t)ctx, buf, len, write);
}

/* Whether SIGPIPE's disposition is SIG_IGN now.  The disposition is
 * process-wide, and frb_new_fd(3) documents that a program which ignores
 * SIGPIPE when it creates a response must keep ignoring it while that
 * response writes; the thread masks of other threads play no part. */
int frb__sigpipe_ignored(void) {
  struct sigaction sa;

  return sigaction(SIGPIPE, NULL, &sa) == 0 && !(sa.sa_flags & SA_SIGINFO) &&
         sa.sa_handler == SIG_IGN;
}

int frb__sock_sink(void *ctx, const void *buf, size_t len) {
  return write_all((int)(intptr_t)ctx, buf, len, send_nosigpipe);
}
