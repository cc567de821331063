/* Socket and signal plumbing shared by the FastCGI examples. */
#include <errno.h>
#include <fcgiapp.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

/* Examples are programs, not library code: a little process-wide state for
 * the signal thread is fine here. */
static atomic_int stopping;
static char unix_path[PATH_MAX];

int ex_listen(const char *spec) {
  int fd;

  if (FCGX_Init() != 0) {
    fprintf(stderr, "FCGX_Init failed\n");
    return -1;
  }
  if (!spec)
    return 0; /* the process manager handed us a listening socket */
  if (strncmp(spec, "unix:", 5) == 0) {
    const char *path = spec + 5;
    if (!*path || strlen(path) >= sizeof unix_path) {
      fprintf(stderr, "bad unix socket path in '%s'\n", spec);
      return -1;
    }
    unlink(path); /* a stale socket from a killed run would fail bind */
    if ((fd = FCGX_OpenSocket(path, 128)) < 0) {
      fprintf(stderr, "cannot listen on %s: %s\n", path, strerror(errno));
      return -1;
    }
    /* libfcgi does not chmod the socket; nginx and Apache connect as
     * their worker user, not as the user that started us. */
    if (chmod(path, 0666) != 0) {
      fprintf(stderr, "chmod %s: %s\n", path, strerror(errno));
      close(fd);
      return -1;
    }
    snprintf(unix_path, sizeof unix_path, "%s", path);
    return fd;
  }
  if (!strchr(spec, ':')) {
    fprintf(stderr, "socket must be unix:PATH or HOST:PORT, not '%s'\n", spec);
    return -1;
  }
  if ((fd = FCGX_OpenSocket(spec, 128)) < 0) {
    fprintf(stderr, "cannot listen on %s: %s\n", spec, strerror(errno));
    return -1;
  }
  return fd;
}

struct watcher {
  sigset_t set;
  int fd;
};

static struct watcher watcher;

static void *wait_for_signal(void *arg) {
  struct watcher *w = arg;
  int sig = 0;

  while (sigwait(&w->set, &sig) != 0)
    ;
  atomic_store(&stopping, 1);
  fprintf(stderr, "%s: stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  /* shutdown() wakes every thread blocked in accept() on this socket (it
   * then fails with EINVAL); close() alone would not. */
  shutdown(w->fd, SHUT_RDWR);
  return NULL;
}

/* Only reached if a signal slips past the mask (it never should): makes
 * sure the disposition is not "ignore", which a shell gives to background
 * jobs for SIGINT and which would discard the signal before sigwait. */
static void note_signal(int sig) {
  (void)sig;
  atomic_store(&stopping, 1);
}

int ex_stop_on_signals(int listen_fd) {
  struct sigaction sa;
  pthread_t tid;
  int rc;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = note_signal; /* no SA_RESTART */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  /* A client that goes away must show up as a write error, not kill us. */
  signal(SIGPIPE, SIG_IGN);

  sigemptyset(&watcher.set);
  sigaddset(&watcher.set, SIGTERM);
  sigaddset(&watcher.set, SIGINT);
  watcher.fd = listen_fd;
  if ((rc = pthread_sigmask(SIG_BLOCK, &watcher.set, NULL)) != 0 ||
      (rc = pthread_create(&tid, NULL, wait_for_signal, &watcher)) != 0) {
    fprintf(stderr, "cannot watch for signals: %s\n", strerror(rc));
    return -1;
  }
  pthread_detach(tid);
  return 0;
}

int ex_stopping(void) {
  return atomic_load(&stopping);
}

void ex_cleanup(void) {
  if (unix_path[0])
    unlink(unix_path);
}
