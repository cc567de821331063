/*
 * Eight threads build one response at the same time, then one flush prints
 * it as a CGI response on stdout.  No web server needed:
 *
 *   ./examples/threads
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <frb.h>

#define NTHREADS 8

struct part {
  frb_response *r;
  int id;
};

static void check(int rc, const char *what) {
  if (rc != FRB_OK) {
    fprintf(stderr, "threads: %s: %s\n", what, frb_strerror(rc));
    exit(1);
  }
}

/* Each thread sets its own header, adds a line to a shared one, and sets a
 * cookie: the order of the shared lines is whatever the threads raced to. */
static void *contribute(void *arg) {
  const struct part *p = arg;
  char name[32], cookie[32], id[16];
  struct frb_cookie attrs = {
      .path = "/", .http_only = 1, .same_site = FRB_SAMESITE_LAX};

  snprintf(name, sizeof name, "X-Part-%d", p->id);
  snprintf(cookie, sizeof cookie, "part%d", p->id);
  check(frb_header_setf(p->r, name, "computed by thread %d", p->id), name);
  snprintf(id, sizeof id, "%d", p->id);
  check(frb_header_add(p->r, "X-Parts", id), "X-Parts");
  check(frb_cookie_add(p->r, cookie, "1", &attrs), cookie);
  return NULL;
}

int main(void) {
  pthread_t tid[NTHREADS];
  struct part parts[NTHREADS];
  frb_response *r = frb_new_fd(1);

  if (!r) {
    fprintf(stderr, "threads: cannot create the response\n");
    return 1;
  }
  check(frb_header_set(r, "Content-Type", "text/plain; charset=utf-8"),
        "Content-Type");
  for (int i = 0; i < NTHREADS; i++) {
    parts[i] = (struct part){r, i};
    if (pthread_create(&tid[i], NULL, contribute, &parts[i]) != 0) {
      fprintf(stderr, "threads: pthread_create failed\n");
      return 1;
    }
  }
  for (int i = 0; i < NTHREADS; i++)
    pthread_join(tid[i], NULL);
  check(frb_write(r, "eight threads, one head\n", 24), "write");
  check(frb_finish(r), "finish");
  frb_free(r);
  return 0;
}
