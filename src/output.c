/*
 * Output: the claim of the head, the body buffer, and the sink.  Every
 * output call holds 'io' from start to end, so the head always precedes the
 * body and each frb_write stays contiguous; the spinlock is taken only to
 * claim the head, never around a write.
 */
#include <stdlib.h>
#include <string.h>

#include "locked.h"

struct claim_arg {
  int finish;         /* frb_finish: the whole body is known */
  int body_follows;   /* body bytes go out with or right after the head */
  size_t body_len;    /* bytes buffered, for Content-Length */
  uint32_t *head_len; /* out: bytes to write */
};

/* Closes the head and marks it sent: from here on the header calls answer
 * FRB_ESENT and the head buffer does not change until the io holder has
 * written it. */
static int claim_step(frb_response *r, const void *arg, struct frb_need *need) {
  const struct claim_arg *c = arg;
  int rc;

  /* The no-body check and the claim are one critical section: checked
   * apart, a 204 could slip in between and head a body. */
  if (c->body_follows && (rc = frb__head_body_ok(&r->head, 1)) != FRB_OK)
    return rc;
  rc = frb__head_close(&r->head, c->finish, c->body_len, need, c->head_len);
  if (rc == FRB_OK)
    atomic_store_explicit(&r->state, FRB_ST_SENT, memory_order_relaxed);
  return rc;
}

/* Fixed bytes that need no allocation: what goes out instead of a head that
 * cannot be sent, so that a response is never silently empty. */
static const char fallback_500[] = "Status: 500 Internal Server Error\r\n"
                                   "Content-Type: text/plain; charset=utf-8\r\n"
                                   "Content-Length: 0\r\n\r\n";

static int sink(frb_response *r, const void *buf, size_t len) {
  if (r->write(r->ctx, buf, len) != 0) {
    r->failed = 1;
    return FRB_EIO;
  }
  if (buf == r->head.buf || buf == fallback_500)
    r->head_sent += len;
  else
    r->body_sent += len;
  return FRB_OK;
}

/* Body bytes after the head: none on the wire for a HEAD answer. */
static int body_out(frb_response *r, const void *buf, size_t len) {
  return r->head_only ? FRB_OK : sink(r, buf, len);
}

/* Called with io held.  The response is over: the header calls answer
 * FRB_ESENT, the held-back body is dropped; 'err' goes back to the caller
 * (a failed sink is also remembered as FRB_EIO for the later calls). */
static int send_fallback(frb_response *r, int err) {
  frb__lock(&r->lock);
  atomic_store_explicit(&r->state, FRB_ST_DONE, memory_order_relaxed);
  frb__unlock(&r->lock);
  r->body_len = 0;
  sink(r, fallback_500, sizeof fallback_500 - 1);
  return err;
}

void frb__bytes_sent(frb_response *r, size_t *head, unsigned long long *body) {
  pthread_mutex_lock(&r->io);
  *head = r->head_sent;
  *body = r->body_sent;
  pthread_mutex_unlock(&r->io);
}

/* Called with io held: claims the head and writes it, then any body that
 * was held back, so that nothing can come between them. */
static int send_head(frb_response *r, int finish, int streaming) {
  uint32_t head_len = 0;
  struct claim_arg c = {finish, streaming || r->body_len > 0, r->body_len,
                        &head_len};
  int rc;

  rc = frb__run_locked(r, claim_step, &c);
  if (rc == FRB_ETOOBIG || rc == FRB_ENOMEM)
    return send_fallback(r, rc);
  if (rc != FRB_OK)
    return rc;
  /* The head cannot change any more: write it without the spinlock. */
  if ((rc = sink(r, r->head.buf, head_len)) != FRB_OK)
    return rc;
  if (r->body_len > 0 && !r->head_only)
    rc = sink(r, r->body, r->body_len);
  r->body_len = 0;
  return rc;
}

FRB_EXTERN int frb_flush_headers(frb_response *r) {
  int rc;

  if (!r)
    return FRB_EINVAL;
  pthread_mutex_lock(&r->io);
  if (r->failed)
    rc = FRB_EIO;
  else if (!frb__is_open(r))
    rc = FRB_ESENT;
  else
    rc = send_head(r, 0, 0);
  pthread_mutex_unlock(&r->io);
  return rc;
}

/* Called with io held: the sink's own buffer goes out too. */
static int push(frb_response *r) {
  if (r->flush && r->flush(r->ctx) != 0) {
    r->failed = 1;
    return FRB_EIO;
  }
  return FRB_OK;
}

FRB_EXTERN int frb_flush(frb_response *r) {
  int rc = FRB_OK;

  if (!r)
    return FRB_EINVAL;
  pthread_mutex_lock(&r->io);
  if (r->failed)
    rc = FRB_EIO;
  else if (atomic_load_explicit(&r->state, memory_order_relaxed) == FRB_ST_DONE)
    rc = FRB_ESENT;
  else if (frb__is_open(r))
    rc = send_head(r, 0, 0);
  if (rc == FRB_OK)
    rc = push(r);
  pthread_mutex_unlock(&r->io);
  return rc;
}

/* The bytes are about to be buffered: from then on a status that forbids a
 * body is refused. */
static int body_step(frb_response *r, const void *arg, struct frb_need *need) {
  (void)arg;
  (void)need;
  return frb__head_body_ok(&r->head, 1);
}

static int reserve_body(frb_response *r, size_t total) {
  size_t cap;
  char *p;

  if (total <= r->body_cap)
    return FRB_OK;
  cap = r->body_cap ? r->body_cap * 2 : 1024;
  if (cap < total)
    cap = total;
  if (cap > r->body_limit)
    cap = r->body_limit;
  if (!(p = frb__realloc(r->body, cap)))
    return FRB_ENOMEM;
  r->body = p;
  r->body_cap = cap;
  return FRB_OK;
}

/* Called with io held. */
static int write_locked(frb_response *r, const void *buf, size_t len) {
  int st = atomic_load_explicit(&r->state, memory_order_relaxed);
  int rc;

  if (r->failed)
    return FRB_EIO;
  if (st == FRB_ST_DONE)
    return FRB_ESENT;
  if (len == 0)
    return FRB_OK;
  if (st == FRB_ST_SENT)
    /* A sent head no longer changes, and io orders this read after it. */
    return (rc = frb__head_body_ok(&r->head, 0)) != FRB_OK
               ? rc
               : body_out(r, buf, len);
  if (len <= r->body_limit - r->body_len) {
    /* A HEAD answer only counts its body: nothing to keep. */
    if ((!r->head_only &&
         (rc = reserve_body(r, r->body_len + len)) != FRB_OK) ||
        (rc = frb__run_locked(r, body_step, NULL)) != FRB_OK)
      return rc;
    if (!r->head_only)
      memcpy(r->body + r->body_len, buf, len);
    r->body_len += len;
    return FRB_OK;
  }
  /* The body outgrew its buffer: send the head and stream from here on. */
  if ((rc = send_head(r, 0, 1)) != FRB_OK)
    return rc;
  return body_out(r, buf, len);
}

FRB_EXTERN int frb_write(frb_response *r, const void *buf, size_t len) {
  int rc;

  /* No object is larger than PTRDIFF_MAX: such a length (a negative ssize_t
   * cast to size_t, say) would make the sink read far past buf. */
  if (!r || (!buf && len) || len > PTRDIFF_MAX)
    return FRB_EINVAL;
  pthread_mutex_lock(&r->io);
  rc = write_locked(r, buf, len);
  pthread_mutex_unlock(&r->io);
  return rc;
}

FRB_EXTERN int frb_set_head_only(frb_response *r, int on) {
  int rc = FRB_OK;

  if (!r)
    return FRB_EINVAL;
  pthread_mutex_lock(&r->io);
  if (frb__is_open(r))
    r->head_only = on != 0;
  else
    rc = FRB_ESENT;
  pthread_mutex_unlock(&r->io);
  return rc;
}

FRB_EXTERN int frb_finish(frb_response *r) {
  int rc = FRB_OK;

  if (!r)
    return FRB_EINVAL;
  pthread_mutex_lock(&r->io);
  if (r->failed) {
    rc = FRB_EIO;
  } else if (atomic_load_explicit(&r->state, memory_order_relaxed) ==
             FRB_ST_DONE) {
    rc = FRB_ESENT;
  } else {
    if (frb__is_open(r))
      rc = send_head(r, 1, 0);
    /* A head refused for its body (a 204 with bytes held back) leaves the
     * response open so that the caller can mend it and finish again. */
    if (rc == FRB_OK || rc == FRB_EIO)
      atomic_store_explicit(&r->state, FRB_ST_DONE, memory_order_relaxed);
  }
  pthread_mutex_unlock(&r->io);
  return rc;
}
