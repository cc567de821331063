/*
 * A response's life: creation, reuse, release, its limits, and the growth
 * of its head store, which alone allocates on the store's behalf.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "locked.h"

FRB_EXTERN frb_response *frb_new(frb_write_fn write, void *ctx) {
  frb_response *r;

  if (!write || !(r = frb__malloc(sizeof *r)))
    return NULL;
  memset(r, 0, sizeof *r);
  if (frb__head_init(&r->head) != FRB_OK)
    goto fail_head;
  if (frb__lock_init(&r->lock) != 0)
    goto fail_lock;
  if (pthread_mutex_init(&r->io, NULL) != 0)
    goto fail_io;
  r->body_limit = FRB_DEFAULT_BODY_BUFFER;
  r->write = write;
  r->ctx = ctx;
  atomic_init(&r->state, FRB_ST_OPEN);
  return r;
fail_io:
  frb__lock_destroy(&r->lock);
fail_lock:
  frb__head_free(&r->head);
fail_head:
  frb__free(r);
  return NULL;
}

FRB_EXTERN frb_response *frb_new_fd(int fd) {
  struct stat st;

  if (fd < 0 || fstat(fd, &st) != 0)
    return NULL;
  /* send(MSG_NOSIGNAL) is one syscall; pipes need the signal-mask dance. */
  return frb_new(S_ISSOCK(st.st_mode) ? frb__sock_sink : frb__fd_sink,
                 (void *)(intptr_t)fd);
}

FRB_EXTERN int frb_reset(frb_response *r, frb_write_fn write, void *ctx) {
  if (!r || !write)
    return FRB_EINVAL;
  pthread_mutex_lock(&r->io);
  frb__lock(&r->lock);
  frb__head_start(&r->head);
  atomic_store_explicit(&r->state, FRB_ST_OPEN, memory_order_relaxed);
  frb__unlock(&r->lock);
  r->write = write;
  r->ctx = ctx;
  r->failed = 0;
  r->head_sent = 0;
  r->body_sent = 0;
  r->body_len = 0;
  pthread_mutex_unlock(&r->io);
  return FRB_OK;
}

FRB_EXTERN void frb_free(frb_response *r) {
  if (!r)
    return;
  frb__lock_destroy(&r->lock);
  pthread_mutex_destroy(&r->io);
  frb__head_free(&r->head);
  frb__free(r->body);
  frb__free(r);
}

/* Allocates with no lock held, then swaps the new room in unless the head
 * has been claimed meanwhile: a claimed head is being written from its
 * buffer and must not move. */
int frb__grow(frb_response *r, const struct frb_need *need) {
  char *nb = NULL;
  struct frb_field *nf = NULL;

  if (need->buf && !(nb = frb__malloc(need->buf)))
    return FRB_ENOMEM;
  if (need->fields && !(nf = frb__malloc(need->fields * sizeof *nf))) {
    frb__free(nb);
    return FRB_ENOMEM;
  }
  frb__lock(&r->lock);
  if (frb__is_open(r))
    frb__head_adopt(&r->head, need, &nb, &nf);
  frb__unlock(&r->lock);
  frb__free(nb);
  frb__free(nf);
  return FRB_OK;
}

static int head_limit_step(frb_response *r, const void *arg,
                           struct frb_need *need) {
  (void)need;
  return frb__head_set_limit(&r->head, *(const size_t *)arg);
}

static int set_body_limit(frb_response *r, size_t value) {
  int rc = FRB_OK;

  pthread_mutex_lock(&r->io);
  if (!frb__is_open(r))
    rc = FRB_ESENT;
  else if (value < r->body_len)
    rc = FRB_ETOOBIG;
  else
    r->body_limit = value;
  pthread_mutex_unlock(&r->io);
  return rc;
}

FRB_EXTERN int frb_set_limit(frb_response *r, enum frb_limit which,
                             size_t value) {
  if (!r)
    return FRB_EINVAL;
  switch (which) {
  case FRB_LIMIT_HEAD_BYTES:
    if (value < FRB_MIN_HEAD_BYTES || value > FRB_MAX_HEAD_BYTES)
      return FRB_EINVAL;
    return frb__run_locked(r, head_limit_step, &value);
  case FRB_LIMIT_BODY_BUFFER: return set_body_limit(r, value);
  default: return FRB_EINVAL;
  }
}

FRB_EXTERN int frb_headers_sent(frb_response *r) {
  if (!r)
    return FRB_EINVAL;
  return !frb__is_open(r);
}
