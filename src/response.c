/*
 * A response's life: creation, reuse, release, its limits, and the growth
 * of its head store, which alone allocates on the store's behalf.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "locked.h"

frb_response *frb__new_sink(frb_write_fn write, frb__flush_fn flush,
                            void *ctx) {
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
  r->flush = flush;
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

FRB_EXTERN frb_response *frb_new(frb_write_fn write, void *ctx) {
  return frb__new_sink(write, NULL, ctx);
}

/* RFC 9110 9.1: method names are case-sensitive. */
int frb__is_head_method(const char *method) {
  return method && strcmp(method, "HEAD") == 0;
}

/* send(MSG_NOSIGNAL) is one syscall; pipes need the signal-mask dance
 * unless SIGPIPE is ignored. */
static frb_write_fn fd_sink(int fd) {
  struct stat st;

  if (fd < 0 || fstat(fd, &st) != 0)
    return NULL;
  if (S_ISSOCK(st.st_mode))
    return frb__sock_sink;
  /* write(2) is one syscall when SIGPIPE is ignored (frb_new_fd(3)). */
  return frb__sigpipe_ignored() ? frb__fd_sink_sigign : frb__fd_sink;
}

/* A CGI response goes to standard output, and its request's method is in
 * the environment (RFC 3875 4.1.12). */
static int cgi_head_only(int fd) {
  return fd == STDOUT_FILENO && frb__is_head_method(getenv("REQUEST_METHOD"));
}

FRB_EXTERN frb_response *frb_new_fd(int fd) {
  frb_write_fn write = fd_sink(fd);
  frb_response *r = write ? frb_new(write, (void *)(intptr_t)fd) : NULL;

  if (r)
    r->head_only = cgi_head_only(fd);
  return r;
}

static void free_frozen(struct frb_frozen *list, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    frb__free(list[i].name);
}

/* Frozen names belong to the response being built, not to the object:
 * a reset starts a response with none (the caller freezes again). */
int frb__reset_sink(frb_response *r, frb_write_fn write, frb__flush_fn flush,
                    void *ctx) {
  uint32_t nfrozen;

  if (!r || !write)
    return FRB_EINVAL;
  pthread_mutex_lock(&r->io);
  frb__lock(&r->lock);
  frb__head_start(&r->head);
  nfrozen = r->nfrozen;
  r->nfrozen = 0;
  atomic_store_explicit(&r->state, FRB_ST_OPEN, memory_order_relaxed);
  frb__unlock(&r->lock);
  /* Nobody reads the names any more; free them with no spinlock held. */
  free_frozen(r->frozen, nfrozen);
  r->write = write;
  r->flush = flush;
  r->ctx = ctx;
  r->record_payload = 0;
  r->head_only = 0;
  r->failed = 0;
  r->head_sent = 0;
  r->body_sent = 0;
  r->body_len = 0;
  pthread_mutex_unlock(&r->io);
  return FRB_OK;
}

FRB_EXTERN int frb_reset(frb_response *r, frb_write_fn write, void *ctx) {
  return frb__reset_sink(r, write, NULL, ctx);
}

FRB_EXTERN int frb_reset_fd(frb_response *r, int fd) {
  frb_write_fn write = fd_sink(fd);

  int rc;

  if (!r || !write)
    return FRB_EINVAL;
  if ((rc = frb_reset(r, write, (void *)(intptr_t)fd)) != FRB_OK)
    return rc;
  return frb_set_head_only(r, cgi_head_only(fd));
}

FRB_EXTERN void frb_free(frb_response *r) {
  if (!r)
    return;
  frb__lock_destroy(&r->lock);
  pthread_mutex_destroy(&r->io);
  frb__head_free(&r->head);
  free_frozen(r->frozen, r->nfrozen);
  frb__free(r->frozen);
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
  if (need->fields &&
      !(nf = frb__malloc(frb__head_fields_bytes(need->fields)))) {
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

static uint32_t digits_of(size_t v) {
  uint32_t n = 1;

  while (v >= 10) {
    v /= 10;
    n++;
  }
  return n;
}

static int cl_digits_step(frb_response *r, const void *arg,
                          struct frb_need *need) {
  (void)need;
  return frb__head_set_cl_digits(&r->head, *(const uint32_t *)arg);
}

/* The buffer bounds the Content-Length that frb_finish can write: the head
 * keeps room for that many digits, so a buffer whose length no longer fits
 * is refused. */
static int max_lines_step(frb_response *r, const void *arg,
                          struct frb_need *need) {
  (void)need;
  return frb__head_set_max_lines(&r->head, *(const uint32_t *)arg);
}

static int set_body_limit(frb_response *r, size_t value) {
  uint32_t digits = digits_of(value);
  int rc;

  pthread_mutex_lock(&r->io);
  if (value < r->body_len)
    rc = frb__is_open(r) ? FRB_ETOOBIG : FRB_ESENT;
  else if ((rc = frb__run_locked(r, cl_digits_step, &digits)) == FRB_OK)
    r->body_limit = value;
  pthread_mutex_unlock(&r->io);
  return rc;
}

/* The largest head that, with the 8-byte header of every record it spans,
 * fits in a server buffer of 'value' bytes with one byte spare: nginx
 * drops the body of a head that fills its buffer exactly. */
static size_t head_for_buffer(size_t value, size_t payload) {
  size_t room = value - 1, full, rest;

  if (payload == 0)
    return room;
  full = room / (payload + 8);
  rest = room % (payload + 8);
  return full * payload + (rest > 8 ? rest - 8 : 0);
}

static int set_head_limit(frb_response *r, size_t value) {
  if (value < FRB_MIN_HEAD_BYTES || value > FRB_MAX_HEAD_BYTES)
    return FRB_EINVAL;
  return frb__run_locked(r, head_limit_step, &value);
}

FRB_EXTERN int frb_set_limit(frb_response *r, enum frb_limit which,
                             size_t value) {
  if (!r)
    return FRB_EINVAL;
  switch (which) {
  case FRB_LIMIT_HEAD_BYTES: return set_head_limit(r, value);
  case FRB_LIMIT_SERVER_BUFFER:
    if (value < 2 || value > FRB_MAX_HEAD_BYTES)
      return FRB_EINVAL;
    /* The sink is read under io: frb_reset may change it. */
    pthread_mutex_lock(&r->io);
    value = head_for_buffer(value, r->record_payload);
    pthread_mutex_unlock(&r->io);
    return set_head_limit(r, value);
  case FRB_LIMIT_BODY_BUFFER: return set_body_limit(r, value);
  case FRB_LIMIT_FIELDS: {
    uint32_t lines = (uint32_t)value;
    if (value < 1 || value > UINT32_MAX)
      return FRB_EINVAL;
    return frb__run_locked(r, max_lines_step, &lines);
  }
  default: return FRB_EINVAL;
  }
}

FRB_EXTERN int frb_headers_sent(frb_response *r) {
  if (!r)
    return FRB_EINVAL;
  return !frb__is_open(r);
}
