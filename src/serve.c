/*
 * frb_fcgi_serve: a FastCGI server loop that no connection can starve.
 *
 * libfcgi's own loop ties a thread to a connection the web server keeps
 * open (FCGI_KEEP_CONN): FCGX_Accept_r then blocks reading that one
 * descriptor, so with Apache enablereuse=on and more kept connections than
 * threads, requests wait on connections that no thread watches.  Here the
 * workers take turns as leader (leader/followers): the leader polls the
 * listening socket and every idle kept connection, takes one that has a
 * request waiting, hands leadership to an idle worker and serves it
 * itself; a kept connection then goes back into the poll set.  libfcgi
 * only parses records, on a descriptor given to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "serve.h"

enum { SLOT_LISTEN, SLOT_WAKE, SLOT_FIRST_CONN };

static void wake_leader(struct frb__server *s) {
  static const char one = 1;
  ssize_t n;

  do /* a full pipe already holds a wake-up */
    n = write(s->wake_fd_w, &one, 1);
  while (n < 0 && errno == EINTR);
}

static void drain_wake(struct frb__server *s) {
  char buf[64];

  while (read(s->wake_fd, buf, sizeof buf) > 0)
    ;
}

static void add_conn(struct frb__server *s, int fd) {
  s->set[s->nset++] = (struct pollfd){.fd = fd, .events = POLLIN};
}

/* Called with mu held. */
static void merge_returned(struct frb__server *s) {
  for (int i = 0; i < s->nreturned; i++)
    add_conn(s, s->returned[i]);
  s->nreturned = 0;
}

/* The first connection with a request (or a hang-up) waiting, scanning from
 * a moving start so that every connection gets its turn. */
static int take_ready(struct frb__server *s) {
  int n = s->nset - SLOT_FIRST_CONN;

  for (int k = 0; k < n; k++) {
    int i = SLOT_FIRST_CONN + (s->cursor + k) % n;
    if (s->set[i].revents) {
      int fd = s->set[i].fd;
      s->set[i] = s->set[--s->nset];
      s->cursor = i - SLOT_FIRST_CONN + 1;
      return fd;
    }
  }
  return -1;
}

static int would_block(int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  return poll(&p, 1, 0) == 0;
}

/* Called with mu held, released around the system calls.  Returns a new
 * connection with its first request already readable, or -1; one still
 * silent waits in the poll set instead of holding a worker. */
static int accept_one(struct frb__server *s) {
  int fd, err;

  pthread_mutex_unlock(&s->mu);
  do
    fd = accept(s->ln.fd, NULL, NULL);
  while (fd < 0 && errno == EINTR);
  err = errno;
  if (fd >= 0)
    fcntl(fd, F_SETFD, FD_CLOEXEC);
  else if (err != EAGAIN && err != EWOULDBLOCK && err != ECONNABORTED) {
    /* EMFILE and the like: say so and give the system a moment rather
     * than spin on a listener that stays readable. */
    const struct timespec pause = {0, 100 * 1000 * 1000};
    frb__report(s, "accept", err);
    nanosleep(&pause, NULL);
  }
  pthread_mutex_lock(&s->mu);
  if (fd < 0)
    return -1;
  s->nconns++;
  if (would_block(fd)) {
    add_conn(s, fd);
    return -1;
  }
  return fd;
}

/* Called with mu held by the leader; returns a connection to serve, or -1
 * when stopping. */
static int lead(struct frb__server *s) {
  int n, fd;

  for (;;) {
    merge_returned(s);
    if (s->stopping)
      return -1;
    /* At the connection limit new connections wait in the backlog. */
    s->set[SLOT_LISTEN].fd = s->nconns < s->cfg.max_connections ? s->ln.fd : -1;
    pthread_mutex_unlock(&s->mu);
    n = poll(s->set, (nfds_t)s->nset, -1);
    if (n < 0 && errno != EINTR)
      frb__report(s, "poll", errno);
    if (n > 0 && s->set[SLOT_WAKE].revents)
      drain_wake(s);
    pthread_mutex_lock(&s->mu);
    if (n <= 0 || s->stopping)
      continue;
    if ((fd = take_ready(s)) >= 0)
      return fd;
    if (s->set[SLOT_LISTEN].revents && (fd = accept_one(s)) >= 0)
      return fd;
  }
}

/* Called with mu held after a request: the connection goes back to be
 * polled, or is counted out. */
static void put_back(struct frb__server *s, int fd, int kept) {
  if (kept && s->stopping) {
    close(fd);
    kept = 0;
  }
  if (!kept) {
    s->nconns--;
    return;
  }
  s->returned[s->nreturned++] = fd;
  if (s->has_leader)
    wake_leader(s);
}

static void *worker_main(void *arg) {
  struct frb__worker *w = arg;
  struct frb__server *s = w->s;
  int fd, kept;

  pthread_mutex_lock(&s->mu);
  for (;;) {
    while (!s->stopping && s->has_leader)
      pthread_cond_wait(&s->follow, &s->mu);
    if (s->stopping)
      break;
    s->has_leader = 1;
    fd = lead(s);
    s->has_leader = 0;
    pthread_cond_signal(&s->follow);
    if (s->stopping)
      pthread_cond_broadcast(&s->quiet);
    if (fd < 0)
      continue;
    w->fd = fd;
    s->busy++;
    pthread_mutex_unlock(&s->mu);
    kept = frb__serve_one(w, fd);
    pthread_mutex_lock(&s->mu);
    w->fd = -1;
    s->busy--;
    put_back(s, fd, kept);
    if (s->stopping && s->busy == 0)
      pthread_cond_broadcast(&s->quiet);
  }
  pthread_mutex_unlock(&s->mu);
  frb__worker_free(w);
  return NULL;
}

/* ---------------------------------------------------------- supervisor */

static int normalize(struct frb__server *s, const struct frb_fcgi_config *c) {
  struct frb_fcgi_config *d = &s->cfg;

  if (c) {
    if (c->version < 0 || c->version > FRB_FCGI_CONFIG_VERSION)
      return FRB_EINVAL;
    *d = *c;
  }
  d->unix_mode = d->unix_mode ? d->unix_mode : 0660;
  d->workers = d->workers ? d->workers : 4;
  d->backlog = d->backlog ? d->backlog : 128;
  d->max_connections = d->max_connections ? d->max_connections : 1024;
  d->drain_timeout_ms = d->drain_timeout_ms ? d->drain_timeout_ms : 10000;
  if (d->unix_mode > 07777 || d->workers < 1 || d->workers > 4096 ||
      d->backlog < 1 || d->max_connections < 1 ||
      d->max_connections > 1024 * 1024 || d->drain_timeout_ms < 0)
    return FRB_EINVAL;
  return FRB_OK;
}

static int open_wake_pipe(struct frb__server *s) {
  int p[2];

  if (pipe(p) != 0)
    return -1;
  for (int i = 0; i < 2; i++) {
    fcntl(p[i], F_SETFD, FD_CLOEXEC);
    fcntl(p[i], F_SETFL, O_NONBLOCK);
  }
  s->wake_fd = p[0];
  s->wake_fd_w = p[1];
  return 0;
}

static int setup(struct frb__server *s) {
  pthread_condattr_t ca;
  size_t cap = (size_t)s->cfg.max_connections;
  int rc;

  s->wake_fd = s->wake_fd_w = -1;
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->follow, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->quiet, &ca);
  pthread_condattr_destroy(&ca);
  s->set = calloc(cap + SLOT_FIRST_CONN, sizeof *s->set);
  s->returned = calloc(cap, sizeof *s->returned);
  s->workers = calloc((size_t)s->cfg.workers, sizeof *s->workers);
  if (!s->set || !s->returned || !s->workers)
    return FRB_ENOMEM;
  if (open_wake_pipe(s) != 0) {
    frb__report(s, "pipe", errno);
    return FRB_EIO;
  }
  if ((rc = frb__listen_open(s)) != FRB_OK)
    return rc;
  s->set[SLOT_LISTEN] = (struct pollfd){.fd = s->ln.fd, .events = POLLIN};
  s->set[SLOT_WAKE] = (struct pollfd){.fd = s->wake_fd, .events = POLLIN};
  s->nset = SLOT_FIRST_CONN;
  return FRB_OK;
}

static void teardown(struct frb__server *s) {
  frb__listen_close(s);
  if (s->wake_fd >= 0) {
    close(s->wake_fd);
    close(s->wake_fd_w);
  }
  free(s->set);
  free(s->returned);
  free(s->workers);
  pthread_cond_destroy(&s->quiet);
  pthread_cond_destroy(&s->follow);
  pthread_mutex_destroy(&s->mu);
}

static int start_workers(struct frb__server *s) {
  int i, rc = 0;

  for (i = 0; i < s->cfg.workers; i++) {
    frb__worker_init(&s->workers[i], s);
    if ((rc = pthread_create(&s->workers[i].tid, NULL, worker_main,
                             &s->workers[i])) != 0)
      break;
  }
  if (i == s->cfg.workers)
    return s->cfg.workers;
  frb__report(s, "pthread_create", rc);
  return i;
}

/* Called with mu held and no leader: nobody else touches the poll set. */
static void close_idle(struct frb__server *s) {
  merge_returned(s);
  for (int i = SLOT_FIRST_CONN; i < s->nset; i++) {
    close(s->set[i].fd);
    s->nconns--;
  }
  s->nset = SLOT_FIRST_CONN;
  /* New connections are refused from here on (ENOENT, ECONNREFUSED), so
   * the web server can fail over instead of queueing on a dying backlog. */
  frb__listen_close(s);
}

static void deadline_in(struct timespec *t, int ms) {
  clock_gettime(CLOCK_MONOTONIC, t);
  t->tv_sec += ms / 1000;
  t->tv_nsec += (long)(ms % 1000) * 1000000L;
  if (t->tv_nsec >= 1000000000L) {
    t->tv_sec++;
    t->tv_nsec -= 1000000000L;
  }
}

/* Stops accepting, lets the requests in flight finish for up to the drain
 * timeout, then shuts their connections down so that their I/O fails and
 * the handlers return. */
static void stop(struct frb__server *s) {
  struct timespec until;

  pthread_mutex_lock(&s->mu);
  s->stopping = 1;
  pthread_cond_broadcast(&s->follow);
  if (s->has_leader)
    wake_leader(s);
  while (s->has_leader)
    pthread_cond_wait(&s->quiet, &s->mu);
  close_idle(s);
  deadline_in(&until, s->cfg.drain_timeout_ms);
  while (s->busy > 0 &&
         pthread_cond_timedwait(&s->quiet, &s->mu, &until) != ETIMEDOUT)
    ;
  if (s->busy > 0) {
    frb__report(s, "drain timeout: shutting down connections in flight",
                ETIMEDOUT);
    for (int i = 0; i < s->cfg.workers; i++)
      if (s->workers[i].fd >= 0)
        shutdown(s->workers[i].fd, SHUT_RDWR);
    while (s->busy > 0)
      pthread_cond_wait(&s->quiet, &s->mu);
  }
  pthread_mutex_unlock(&s->mu);
}

static void wait_for_signal(const sigset_t *set) {
  int sig;

  while (sigwait(set, &sig) != 0)
    ;
}

/* A second SIGTERM during the drain is pending now: consume it, or
 * restoring the caller's mask would deliver it. */
static void consume_pending(const sigset_t *set) {
  const struct timespec zero = {0, 0};

  while (sigtimedwait(set, NULL, &zero) > 0 || errno == EINTR)
    ;
}

static int run(struct frb__server *s, const sigset_t *stop_set) {
  int started, rc;

  if ((rc = setup(s)) != FRB_OK)
    return rc;
  if ((started = start_workers(s)) == s->cfg.workers)
    wait_for_signal(stop_set);
  else
    rc = FRB_EIO;
  stop(s);
  for (int i = 0; i < started; i++)
    pthread_join(s->workers[i].tid, NULL);
  return rc;
}

FRB_EXTERN int frb_fcgi_serve(const struct frb_fcgi_config *cfg,
                              frb_handler handler, void *ctx) {
  struct frb__server s;
  sigset_t stop_set, blocked, old;
  int rc;

  memset(&s, 0, sizeof s);
  s.handler = handler;
  s.ctx = ctx;
  s.ln.fd = -1;
  if (!handler || (rc = normalize(&s, cfg)) != FRB_OK)
    return FRB_EINVAL;
  if (FCGX_Init() != 0) {
    frb__report(&s, "FCGX_Init", EIO);
    return FRB_EIO;
  }
  /* Blocked here and so in every worker: SIGTERM and SIGINT are taken by
   * sigwait, SIGPIPE turns a vanished peer into EPIPE. */
  sigemptyset(&stop_set);
  sigaddset(&stop_set, SIGTERM);
  sigaddset(&stop_set, SIGINT);
  blocked = stop_set;
  sigaddset(&blocked, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &blocked, &old);
  rc = run(&s, &stop_set);
  teardown(&s);
  consume_pending(&stop_set);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return rc;
}
