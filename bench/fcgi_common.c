/* See fcgi_common.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcgi_common.h"

#define MAX_THREADS 256

struct worker {
  pthread_t tid;
  int fd;
  bench_handler handler;
};

static void *worker_main(void *arg) {
  struct worker *w = arg;
  struct bench_thread t = {NULL};
  FCGX_Request req;

  FCGX_InitRequest(&req, w->fd, 0);
  while (FCGX_Accept_r(&req) >= 0)
    w->handler(&t, &req);
  return NULL;
}

/* libfcgi's own SIGTERM handler only sets a flag that idle threads never
 * look at: a benchmark responder just ends. */
static void on_signal(int sig) {
  (void)sig;
  _exit(0);
}

int bench_fcgi_main(int argc, char **argv, const char *name,
                    bench_handler handler) {
  static struct worker workers[MAX_THREADS];
  struct sigaction sa;
  int nthreads = 4, opt, fd;
  mode_t old;

  while ((opt = getopt(argc, argv, "t:")) != -1) {
    if (opt != 't' || (nthreads = atoi(optarg)) < 1 || nthreads > MAX_THREADS) {
      fprintf(stderr, "usage: %s [-t THREADS] unix:PATH\n", name);
      return 2;
    }
  }
  if (optind != argc - 1 || strncmp(argv[optind], "unix:", 5) != 0) {
    fprintf(stderr, "usage: %s [-t THREADS] unix:PATH\n", name);
    return 2;
  }
  if (FCGX_Init() != 0)
    return 1;
  old = umask(0); /* the server's worker user must be able to connect */
  fd = FCGX_OpenSocket(argv[optind] + 5, 128);
  umask(old);
  if (fd < 0) {
    fprintf(stderr, "%s: cannot listen on %s\n", name, argv[optind]);
    return 1;
  }
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  for (int i = 0; i < nthreads; i++) {
    workers[i] = (struct worker){.fd = fd, .handler = handler};
    if ((errno = pthread_create(&workers[i].tid, NULL, worker_main,
                                &workers[i])) != 0) {
      perror("pthread_create");
      return 1;
    }
  }
  fprintf(stderr, "%s: %d threads, ready\n", name, nthreads);
  for (int i = 0; i < nthreads; i++)
    pthread_join(workers[i].tid, NULL);
  return 0;
}
