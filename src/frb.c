/*
 * The response: a header store guarded by a spinlock, and a sink guarded by
 * a mutex.
 *
 * Lock order is io, then lock.  Header calls take only 'lock' and never do
 * I/O or allocate while holding it: a step that needs more room reports how
 * much (FRB__GROW), the room is allocated with no lock held, swapped in under
 * the lock, and the step is run again.  Output calls take 'io' first, so the
 * head always precedes the body and each frb_write stays contiguous.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

#define FRB__GROW 1 /* internal: the locked step needs more room */

#define STATUS_PREFIX "Status: "
#define CT_LINE "Content-Type: " FRB_DEFAULT_CONTENT_TYPE "\r\n"
#define INITIAL_CAP 256u
#define INITIAL_FIELDS 8u

struct frb_need {
  uint32_t buf;    /* bytes of head buffer wanted, 0 if enough */
  uint32_t fields; /* field slots wanted, 0 if enough */
};

typedef int (*locked_fn)(frb_response *r, const void *arg,
                         struct frb_need *need);

static inline int body_forbidden(int status) {
  return status == 204 || status == 304;
}

static inline int is_open(const frb_response *r) {
  return atomic_load_explicit(&r->state, memory_order_relaxed) == FRB_ST_OPEN;
}

static inline char *header_region(const frb_response *r) {
  return r->buf + r->status_len;
}

/* ---------------------------------------------------------------- room */

static int want_room(const frb_response *r, size_t bytes, uint32_t nfields,
                     struct frb_need *need) {
  int short_of_room = 0;

  if (r->len + bytes > r->cap) {
    size_t want = r->cap * 2u;
    if (want < r->len + bytes)
      want = r->len + bytes;
    need->buf = (uint32_t)want;
    short_of_room = 1;
  }
  if (r->nfields + nfields > r->fields_cap) {
    uint32_t want = r->fields_cap * 2u;
    if (want < r->nfields + nfields)
      want = r->nfields + nfields;
    need->fields = want;
    short_of_room = 1;
  }
  return short_of_room ? FRB__GROW : FRB_OK;
}

/* Allocates with no lock held, then swaps the new room in unless another
 * thread got there first or the head has been claimed: a claimed head is
 * being written from r->buf and must not move. */
static int grow(frb_response *r, const struct frb_need *need) {
  char *nb = NULL;
  struct frb_field *nf = NULL;

  if (need->buf && !(nb = frb__malloc(need->buf)))
    return FRB_ENOMEM;
  if (need->fields && !(nf = frb__malloc(need->fields * sizeof *nf))) {
    frb__free(nb);
    return FRB_ENOMEM;
  }
  frb_lock(&r->lock);
  if (is_open(r)) {
    if (nb && need->buf > r->cap) {
      char *old = r->buf;
      memcpy(nb, old, r->len);
      r->buf = nb;
      r->cap = need->buf;
      nb = old;
    }
    if (nf && need->fields > r->fields_cap) {
      struct frb_field *old = r->fields;
      memcpy(nf, old, r->nfields * sizeof *nf);
      r->fields = nf;
      r->fields_cap = need->fields;
      nf = old;
    }
  }
  frb_unlock(&r->lock);
  frb__free(nb);
  frb__free(nf);
  return FRB_OK;
}

/* Runs one step under the lock, growing and retrying while it asks to. */
static inline __attribute__((always_inline)) int
run_locked(frb_response *r, locked_fn step, const void *arg) {
  for (;;) {
    struct frb_need need = {0, 0};
    int rc;

    frb_lock(&r->lock);
    rc = step(r, arg, &need);
    frb_unlock(&r->lock);
    if (rc != FRB__GROW)
      return rc;
    if ((rc = grow(r, &need)) != FRB_OK)
      return rc;
  }
}

/* -------------------------------------------------------------- fields */

static inline uint32_t line_len(uint32_t name_len, uint32_t value_len) {
  return name_len + 2 + value_len + 2; /* "Name: value\r\n" */
}

/* Same name, and for a cookie also the same "name=" at the start of the
 * value (a->match_len bytes of a->value). */
static inline int field_matches(const frb_response *r,
                                const struct frb_field *f,
                                const struct frb_field_arg *a) {
  const char *line = header_region(r) + f->off;

  if (f->hash != a->hash || f->name_len != a->name_len ||
      !frb__name_eq(line, a->name, a->name_len))
    return 0;
  return a->match_len == 0 ||
         (f->len - f->name_len - 4 >= a->match_len &&
          memcmp(line + f->name_len + 2, a->value, a->match_len) == 0);
}

static long find_field(const frb_response *r, const struct frb_field_arg *a,
                       uint32_t from) {
  for (uint32_t i = from; i < r->nfields; i++)
    if (field_matches(r, &r->fields[i], a))
      return (long)i;
  return -1;
}

static void put_value(char *line, uint32_t name_len, const char *value,
                      uint32_t value_len) {
  char *p = line + name_len;
  *p++ = ':';
  *p++ = ' ';
  memcpy(p, value, value_len);
  p += value_len;
  *p++ = '\r';
  *p = '\n';
}

/* Caller has checked the limit and the room. */
static void append_field(frb_response *r, const struct frb_field_arg *a) {
  struct frb_field *f = &r->fields[r->nfields++];

  f->off = r->len - r->status_len;
  f->len = line_len(a->name_len, a->value_len);
  f->hash = a->hash;
  f->name_len = a->name_len;
  memcpy(r->buf + r->len, a->name, a->name_len);
  put_value(r->buf + r->len, a->name_len, a->value, a->value_len);
  r->len += f->len;
}

/* Moves everything after line i so that line i becomes new_len bytes long. */
static void resize_line(frb_response *r, uint32_t i, uint32_t new_len) {
  struct frb_field *f = &r->fields[i];
  char *h = header_region(r);
  uint32_t end = f->off + f->len;
  uint32_t delta = new_len - f->len; /* modulo 2^32: may shrink */

  memmove(h + f->off + new_len, h + end, r->len - r->status_len - end);
  for (uint32_t j = i + 1; j < r->nfields; j++)
    r->fields[j].off += delta;
  f->len = new_len;
  r->len += delta;
}

static void remove_field(frb_response *r, uint32_t i) {
  resize_line(r, i, 0);
  memmove(&r->fields[i], &r->fields[i + 1],
          (r->nfields - i - 1) * sizeof *r->fields);
  r->nfields--;
}

/* Removes every match after 'first', last one first so offsets stay valid. */
static void remove_later(frb_response *r, const struct frb_field_arg *a,
                         uint32_t first) {
  for (uint32_t j = r->nfields; j-- > first + 1;)
    if (field_matches(r, &r->fields[j], a))
      remove_field(r, j);
}

static uint32_t bytes_of_later(const frb_response *r,
                               const struct frb_field_arg *a, uint32_t first) {
  uint32_t sum = 0;
  long j = (long)first;

  while ((j = find_field(r, a, (uint32_t)j + 1)) >= 0)
    sum += r->fields[j].len;
  return sum;
}

static inline int fits(const frb_response *r, size_t head_len) {
  return head_len + 2 <= r->head_limit; /* + the final CRLF */
}

/* What a set will do: which line it rewrites (-1: appends one) and by how
 * many bytes the head changes.  Nothing is modified. */
struct set_plan {
  long first;
  uint32_t new_len; /* of the rewritten or appended line */
  uint32_t later;   /* bytes of the later lines of the same field */
  int64_t delta;
};

static void plan_set(const frb_response *r, const struct frb_field_arg *a,
                     struct set_plan *p) {
  const struct frb_field *f;

  if ((p->first = find_field(r, a, 0)) < 0) {
    p->new_len = line_len(a->name_len, a->value_len);
    p->delta = p->new_len;
    return;
  }
  f = &r->fields[p->first];
  /* The first occurrence keeps its place and its spelling. */
  p->new_len = line_len(f->name_len, a->value_len);
  p->later = bytes_of_later(r, a, (uint32_t)p->first);
  p->delta = (int64_t)p->new_len - f->len - p->later;
}

static void apply_set(frb_response *r, const struct frb_field_arg *a,
                      const struct set_plan *p) {
  struct frb_field *f;

  if (p->first < 0) {
    append_field(r, a);
    return;
  }
  f = &r->fields[p->first];
  if (p->later)
    remove_later(r, a, (uint32_t)p->first);
  if (p->new_len != f->len)
    resize_line(r, (uint32_t)p->first, p->new_len);
  put_value(header_region(r) + f->off, f->name_len, a->value, a->value_len);
}

/* Checks the limit and the room for a change of 'delta' bytes that may add
 * 'nfields' lines.  Removals happen before growth, so the peak is the end
 * size. */
static int admit(const frb_response *r, int64_t delta, uint32_t nfields,
                 struct frb_need *need) {
  if (!fits(r, (size_t)((int64_t)r->len + delta)))
    return FRB_ETOOBIG;
  return want_room(r, delta > 0 ? (size_t)delta : 0, nfields, need);
}

static int set_step(frb_response *r, const void *arg, struct frb_need *need) {
  const struct frb_field_arg *a = arg;
  struct set_plan p;
  int rc;

  if (!is_open(r))
    return FRB_ESENT;
  plan_set(r, a, &p);
  if ((rc = admit(r, p.delta, p.first < 0, need)) != FRB_OK)
    return rc;
  apply_set(r, a, &p);
  return FRB_OK;
}

static int is_single_valued(enum frb_kind k) {
  return k == FRB_KIND_CONTENT_TYPE || k == FRB_KIND_CONTENT_LENGTH ||
         k == FRB_KIND_LOCATION;
}

static int add_step(frb_response *r, const void *arg, struct frb_need *need) {
  const struct frb_field_arg *a = arg;
  struct frb_field_arg spelled;
  uint32_t new_len = line_len(a->name_len, a->value_len);
  long first;
  int rc;

  if (!is_open(r))
    return FRB_ESENT;
  first = find_field(r, a, 0);
  if (is_single_valued(a->kind) && first >= 0)
    return FRB_EINVAL;
  if (!fits(r, (size_t)r->len + new_len))
    return FRB_ETOOBIG;
  if ((rc = want_room(r, new_len, 1, need)) != FRB_OK)
    return rc;
  if (first >= 0) {
    /* Every line of a field keeps the spelling of its first set/add; the
     * copy reads from below r->len, so it cannot overlap the new line. */
    spelled = *a;
    spelled.name = header_region(r) + r->fields[first].off;
    a = &spelled;
  }
  append_field(r, a);
  return FRB_OK;
}

static int del_step(frb_response *r, const void *arg, struct frb_need *need) {
  const struct frb_field_arg *a = arg;
  long first;

  (void)need;
  if (!is_open(r))
    return FRB_ESENT;
  if ((first = find_field(r, a, 0)) < 0)
    return FRB_ENOTFOUND;
  remove_later(r, a, (uint32_t)first);
  remove_field(r, (uint32_t)first);
  return FRB_OK;
}

/* 1*DIGIT, and no more than a signed 64-bit count: nginx refuses a longer
 * Content-Length as invalid and answers 502. */
static int content_length_ok(const struct frb_field_arg *a) {
  static const char max[] = "9223372036854775807";

  if (!frb__is_digits(a->value, a->value_len) || a->value_len > sizeof max - 1)
    return 0;
  return a->value_len < sizeof max - 1 ||
         memcmp(a->value, max, sizeof max - 1) <= 0;
}

/* Checks what every header call checks, before the lock is taken. */
static int prepare(const char *name, const char *value,
                   struct frb_field_arg *a) {
  int rc;

  if (!name || !value)
    return FRB_EINVAL;
  if ((rc = frb__check_name(name, a)) != FRB_OK)
    return rc;
  if (a->kind == FRB_KIND_STATUS || a->kind == FRB_KIND_TRANSFER_ENCODING)
    return FRB_EINVAL;
  if ((rc = frb__check_value(value, a)) != FRB_OK)
    return rc;
  if (a->kind == FRB_KIND_CONTENT_LENGTH && !content_length_ok(a))
    return FRB_EINVAL;
  return FRB_OK;
}

static inline __attribute__((always_inline)) int header_call(frb_response *r,
                                                             const char *name,
                                                             const char *value,
                                                             locked_fn step) {
  struct frb_field_arg a;
  int rc;

  if (!r)
    return FRB_EINVAL;
  if ((rc = prepare(name, value, &a)) != FRB_OK)
    return rc;
  return run_locked(r, step, &a);
}

FRB_EXTERN int frb_header_set(frb_response *r, const char *name,
                              const char *value) {
  return header_call(r, name, value, set_step);
}

FRB_EXTERN int frb_header_add(frb_response *r, const char *name,
                              const char *value) {
  return header_call(r, name, value, add_step);
}

FRB_EXTERN int frb_header_setf(frb_response *r, const char *name,
                               const char *fmt, ...) {
  char small[256];
  char *value = small;
  va_list ap;
  int n, rc;

  if (!r || !name || !fmt || frb__format_has_n(fmt))
    return FRB_EINVAL;
  va_start(ap, fmt);
  n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0)
    return FRB_EINVAL;
  if ((size_t)n >= sizeof small) {
    if ((size_t)n > FRB_MAX_HEAD_BYTES)
      return FRB_ETOOBIG;
    if (!(value = frb__malloc((size_t)n + 1)))
      return FRB_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(value, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  /* A %c of 0 would silently cut the value short: refuse it like any other
   * NUL in a value. */
  rc = memchr(value, '\0', (size_t)n) ? FRB_EINVAL
                                      : frb_header_set(r, name, value);
  if (value != small)
    frb__free(value);
  return rc;
}

FRB_EXTERN int frb_header_del(frb_response *r, const char *name) {
  struct frb_field_arg a;

  if (!r || !name || frb__check_name(name, &a) != FRB_OK)
    return FRB_EINVAL;
  return run_locked(r, del_step, &a);
}

FRB_EXTERN int frb_header_get(frb_response *r, const char *name, char *buf,
                              size_t size) {
  struct frb_field_arg a;
  const struct frb_field *f;
  uint32_t vlen;
  long i;
  int rc;

  if (!r || !name || (!buf && size) || frb__check_name(name, &a) != FRB_OK)
    return FRB_EINVAL;
  frb_lock_rd(&r->lock);
  if ((i = find_field(r, &a, 0)) < 0) {
    rc = FRB_ENOTFOUND;
  } else {
    f = &r->fields[i];
    vlen = f->len - f->name_len - 4;
    if (size <= vlen) {
      rc = FRB_ERANGE;
    } else {
      memcpy(buf, header_region(r) + f->off + f->name_len + 2, vlen);
      buf[vlen] = '\0';
      rc = (int)vlen;
    }
  }
  frb_unlock_rd(&r->lock);
  return rc;
}

/* -------------------------------------------------------------- status */

struct status_arg {
  int code;
  const char *reason;
  size_t reason_len;
};

static uint32_t status_line_len(const struct status_arg *s) {
  return (uint32_t)(sizeof STATUS_PREFIX - 1 + 4 + s->reason_len + 2);
}

static void apply_status(frb_response *r, const struct status_arg *s) {
  uint32_t old_len = r->status_len, new_len = status_line_len(s);
  char *p = r->buf;

  memmove(r->buf + new_len, r->buf + old_len, r->len - old_len);
  memcpy(p, STATUS_PREFIX, sizeof STATUS_PREFIX - 1);
  p += sizeof STATUS_PREFIX - 1;
  *p++ = (char)('0' + s->code / 100);
  *p++ = (char)('0' + s->code / 10 % 10);
  *p++ = (char)('0' + s->code % 10);
  *p++ = ' ';
  memcpy(p, s->reason, s->reason_len);
  p += s->reason_len;
  *p++ = '\r';
  *p = '\n';
  r->len = r->len - old_len + new_len;
  r->status_len = new_len;
  r->status = s->code;
}

static int status_step(frb_response *r, const void *arg,
                       struct frb_need *need) {
  const struct status_arg *s = arg;
  int rc;

  if (!is_open(r))
    return FRB_ESENT;
  if (body_forbidden(s->code) && r->has_body)
    return FRB_EINVAL;
  if ((rc = admit(r, (int64_t)status_line_len(s) - r->status_len, 0, need)) !=
      FRB_OK)
    return rc;
  apply_status(r, s);
  return FRB_OK;
}

/* CGI and FastCGI cannot carry 1xx interim responses (RFC 3875 6.3.3). */
static inline int code_ok(int code) {
  return code >= 200 && code <= 599;
}

FRB_EXTERN int frb_set_status_reason(frb_response *r, int code,
                                     const char *reason) {
  struct status_arg s = {code, reason, 0};
  int rc;

  if (!r || !reason || !code_ok(code))
    return FRB_EINVAL;
  if ((rc = frb__check_reason(reason, &s.reason_len)) != FRB_OK)
    return rc;
  return run_locked(r, status_step, &s);
}

FRB_EXTERN int frb_set_status(frb_response *r, int code) {
  if (!r || !code_ok(code))
    return FRB_EINVAL;
  return frb_set_status_reason(r, code, frb__reason(code));
}

FRB_EXTERN int frb_get_status(frb_response *r) {
  int code;

  if (!r)
    return FRB_EINVAL;
  frb_lock_rd(&r->lock);
  code = r->status;
  frb_unlock_rd(&r->lock);
  return code;
}

struct redirect_arg {
  struct status_arg status;
  struct frb_field_arg location;
};

/* Status and Location in one critical section: no flush can send one
 * without the other. */
static int redirect_step(frb_response *r, const void *arg,
                         struct frb_need *need) {
  const struct redirect_arg *a = arg;
  int64_t ds = (int64_t)status_line_len(&a->status) - r->status_len;
  struct set_plan p;
  int rc;

  if (!is_open(r))
    return FRB_ESENT;
  plan_set(r, &a->location, &p);
  if (!fits(r, (size_t)((int64_t)r->len + ds + p.delta)))
    return FRB_ETOOBIG;
  if ((rc = want_room(
           r, (size_t)(ds > 0 ? ds : 0) + (p.delta > 0 ? (size_t)p.delta : 0),
           p.first < 0, need)) != FRB_OK)
    return rc;
  apply_status(r, &a->status);
  apply_set(r, &a->location, &p);
  return FRB_OK;
}

FRB_EXTERN int frb_redirect(frb_response *r, int code, const char *location) {
  struct redirect_arg a;
  int rc;

  /* 304 is a cache validation answer, not a redirect, and takes no body. */
  if (!r || code < 300 || code > 399 || code == 304)
    return FRB_EINVAL;
  if ((rc = prepare("Location", location, &a.location)) != FRB_OK)
    return rc;
  if (a.location.value_len == 0)
    return FRB_EINVAL;
  a.status.code = code;
  a.status.reason = frb__reason(code);
  a.status.reason_len = strlen(a.status.reason);
  return run_locked(r, redirect_step, &a);
}

/* Used by frb_cookie_add: set the field whose value starts with the first
 * a->match_len bytes of a->value, or append it. */
int frb__set_matching(frb_response *r, const struct frb_field_arg *a) {
  return run_locked(r, set_step, a);
}

/* ------------------------------------------------------- life and limits */

static void start_head(frb_response *r) {
  static const char line[] = STATUS_PREFIX "200 OK\r\n";

  memcpy(r->buf, line, sizeof line - 1);
  r->status_len = r->len = sizeof line - 1;
  r->nfields = 0;
  r->status = 200;
  r->has_body = 0;
  atomic_store_explicit(&r->state, FRB_ST_OPEN, memory_order_relaxed);
}

FRB_EXTERN frb_response *frb_new(frb_write_fn write, void *ctx) {
  frb_response *r;

  if (!write || !(r = frb__malloc(sizeof *r)))
    return NULL;
  memset(r, 0, sizeof *r);
  r->buf = frb__malloc(INITIAL_CAP);
  r->fields = frb__malloc(INITIAL_FIELDS * sizeof *r->fields);
  if (!r->buf || !r->fields || frb_lock_init(&r->lock) != 0)
    goto fail;
  if (pthread_mutex_init(&r->io, NULL) != 0) {
    frb_lock_destroy(&r->lock);
    goto fail;
  }
  r->cap = INITIAL_CAP;
  r->fields_cap = INITIAL_FIELDS;
  r->head_limit = FRB_DEFAULT_HEAD_BYTES;
  r->body_limit = FRB_DEFAULT_BODY_BUFFER;
  r->write = write;
  r->ctx = ctx;
  atomic_init(&r->state, FRB_ST_OPEN);
  start_head(r);
  return r;
fail:
  frb__free(r->buf);
  frb__free(r->fields);
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
  frb_lock(&r->lock);
  start_head(r);
  frb_unlock(&r->lock);
  r->write = write;
  r->ctx = ctx;
  r->failed = 0;
  r->body_len = 0;
  pthread_mutex_unlock(&r->io);
  return FRB_OK;
}

FRB_EXTERN void frb_free(frb_response *r) {
  if (!r)
    return;
  frb_lock_destroy(&r->lock);
  pthread_mutex_destroy(&r->io);
  frb__free(r->buf);
  frb__free(r->fields);
  frb__free(r->body);
  frb__free(r);
}

static int head_limit_step(frb_response *r, const void *arg,
                           struct frb_need *need) {
  size_t value = *(const size_t *)arg;

  (void)need;
  if (!is_open(r))
    return FRB_ESENT;
  if (r->len + 2 > value)
    return FRB_ETOOBIG;
  r->head_limit = value;
  return FRB_OK;
}

static int set_body_limit(frb_response *r, size_t value) {
  int rc = FRB_OK;

  pthread_mutex_lock(&r->io);
  if (!is_open(r))
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
    return run_locked(r, head_limit_step, &value);
  case FRB_LIMIT_BODY_BUFFER: return set_body_limit(r, value);
  default: return FRB_EINVAL;
  }
}

/* -------------------------------------------------------------- output */

struct claim_arg {
  int finish;                     /* frb_finish: the whole body is known */
  size_t body_len;                /* bytes buffered, for Content-Length */
  const struct frb_field_arg *ct; /* "Content-Type", prepared */
  const struct frb_field_arg *cl; /* "Content-Length", prepared */
  uint32_t *head_len;             /* out: bytes to write */
};

/* Adds the automatic fields, closes the head and marks it sent: from here
 * on the header calls answer FRB_ESENT and r->buf does not change until the
 * io holder has written it. */
static int claim_step(frb_response *r, const void *arg, struct frb_need *need) {
  const struct claim_arg *c = arg;
  struct frb_field_arg cl = *c->cl;
  char digits[24];
  int add_ct, add_cl, rc;
  size_t extra;

  if (!is_open(r))
    return FRB_ESENT;
  add_ct = !body_forbidden(r->status) && (!c->finish || c->body_len > 0) &&
           find_field(r, c->ct, 0) < 0;
  add_cl =
      c->finish && !body_forbidden(r->status) && find_field(r, c->cl, 0) < 0;
  cl.value = digits;
  cl.value_len = (uint32_t)(frb__put_uint(digits, c->body_len, 1) - digits);
  extra = (add_ct ? sizeof CT_LINE - 1 : 0) +
          (add_cl ? line_len(cl.name_len, cl.value_len) : 0);
  if (!fits(r, r->len + extra))
    return FRB_ETOOBIG;
  if ((rc = want_room(r, extra + 2, 2, need)) != FRB_OK)
    return rc;
  if (add_ct)
    append_field(r, c->ct);
  if (add_cl)
    append_field(r, &cl);
  r->buf[r->len] = '\r';
  r->buf[r->len + 1] = '\n';
  *c->head_len = r->len + 2;
  atomic_store_explicit(&r->state, FRB_ST_SENT, memory_order_relaxed);
  return FRB_OK;
}

static int sink(frb_response *r, const void *buf, size_t len) {
  if (r->write(r->ctx, buf, len) != 0) {
    r->failed = 1;
    return FRB_EIO;
  }
  return FRB_OK;
}

/* Called with io held: claims the head and writes it, then any body that
 * was held back, so that nothing can come between them. */
static int send_head(frb_response *r, int finish) {
  static const char ct_name[] = "Content-Type", cl_name[] = "Content-Length";
  struct frb_field_arg ct, cl;
  uint32_t head_len = 0;
  struct claim_arg c = {finish, r->body_len, &ct, &cl, &head_len};
  int rc;

  frb__check_name(ct_name, &ct);
  frb__check_name(cl_name, &cl);
  ct.value = FRB_DEFAULT_CONTENT_TYPE;
  ct.value_len = sizeof FRB_DEFAULT_CONTENT_TYPE - 1;
  if ((rc = run_locked(r, claim_step, &c)) != FRB_OK)
    return rc;
  /* The head cannot change any more: write it without the spinlock. */
  if ((rc = sink(r, r->buf, head_len)) != FRB_OK)
    return rc;
  if (r->body_len > 0) {
    rc = sink(r, r->body, r->body_len);
    r->body_len = 0;
  }
  return rc;
}

FRB_EXTERN int frb_flush_headers(frb_response *r) {
  int rc;

  if (!r)
    return FRB_EINVAL;
  pthread_mutex_lock(&r->io);
  if (r->failed)
    rc = FRB_EIO;
  else if (!is_open(r))
    rc = FRB_ESENT;
  else
    rc = send_head(r, 0);
  pthread_mutex_unlock(&r->io);
  return rc;
}

/* arg: non-NULL when the bytes are about to be buffered, which from then on
 * rules out a 204 or 304 status. */
static int body_step(frb_response *r, const void *arg, struct frb_need *need) {
  (void)need;
  if (body_forbidden(r->status))
    return FRB_EINVAL;
  if (arg)
    r->has_body = 1;
  return FRB_OK;
}

static const int buffering = 1;

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
    return body_forbidden(r->status) ? FRB_EINVAL : sink(r, buf, len);
  if (len <= r->body_limit - r->body_len) {
    if ((rc = reserve_body(r, r->body_len + len)) != FRB_OK ||
        (rc = run_locked(r, body_step, &buffering)) != FRB_OK)
      return rc;
    memcpy(r->body + r->body_len, buf, len);
    r->body_len += len;
    return FRB_OK;
  }
  /* The body outgrew its buffer: send the head and stream from here on. */
  if ((rc = run_locked(r, body_step, NULL)) != FRB_OK ||
      (rc = send_head(r, 0)) != FRB_OK)
    return rc;
  return sink(r, buf, len);
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
    if (is_open(r))
      rc = send_head(r, 1);
    /* A head that could not be claimed (too big, no memory) leaves the
     * response open so that the caller can mend it and finish again. */
    if (rc == FRB_OK || rc == FRB_EIO)
      atomic_store_explicit(&r->state, FRB_ST_DONE, memory_order_relaxed);
  }
  pthread_mutex_unlock(&r->io);
  return rc;
}

FRB_EXTERN int frb_headers_sent(frb_response *r) {
  if (!r)
    return FRB_EINVAL;
  return !is_open(r);
}
