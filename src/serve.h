/* Private to the FastCGI server loop (serve.c, listen.c, request.c). */
#ifndef FRB_SERVE_H
#define FRB_SERVE_H

#include <poll.h>
#include <pthread.h>
#include <sys/types.h>

#include "internal.h"
#include "frb_fcgi.h"

struct frb_request {
  FCGX_Request fcgx;
  frb_response *r; /* reused for every request of one worker */
};

struct frb__server;

struct frb__worker {
  struct frb__server *s;
  pthread_t tid;
  int fd; /* the connection being served, or -1; guarded by s->mu */
  struct frb_request req;
};

struct frb__listener {
  int fd;
  int owned;      /* we created it: close it on the way out */
  char path[108]; /* the unix socket we bound, removed on the way out */
  dev_t dev;
  ino_t ino;
};

/* Everything lives on frb_fcgi_serve's stack or heap: no global state. */
struct frb__server {
  struct frb_fcgi_config cfg; /* defaults filled in */
  frb_handler handler;
  void *ctx;
  struct frb__listener ln;
  int wake_fd;   /* pipe, read end: interrupts the leader's poll */
  int wake_fd_w; /* its write end */

  pthread_mutex_t mu;
  pthread_cond_t follow; /* idle workers wait here to lead */
  pthread_cond_t quiet;  /* the supervisor waits here for the drain */
  int has_leader;
  int stopping;
  int busy;      /* workers inside a request */
  int nconns;    /* connections open, idle or busy */
  int *returned; /* kept connections handed back, not yet polled */
  int nreturned;

  /* Owned by the leader alone: [0] listener, [1] wake_fd, then every idle
   * kept connection. */
  struct pollfd *set;
  int nset;
  int cursor; /* where the next scan for a ready connection starts */

  struct frb__worker *workers;
};

/* listen.c */
int frb__listen_open(struct frb__server *s);
void frb__listen_close(struct frb__server *s);
void frb__report(const struct frb__server *s, const char *what, int errnum);

/* request.c: serves one request on fd; returns 1 if the web server keeps
 * the connection open for another, 0 if it was closed. */
int frb__serve_one(struct frb__worker *w, int fd);
void frb__worker_init(struct frb__worker *w, struct frb__server *s);
void frb__worker_free(struct frb__worker *w);

#endif /* FRB_SERVE_H */
