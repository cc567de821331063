/*
 * The header calls: frb_header_set, _add, _setf, _del and _get.  Names and
 * values are validated before the lock is taken, so a refused call never
 * touches the response; the store (head.c) does the rest under the lock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locked.h"

/* 1*DIGIT, and no more than a signed 64-bit count: nginx refuses a longer
 * Content-Length as invalid and answers 502. */
static int content_length_ok(const struct frb_field_arg *a) {
  static const char max[] = "9223372036854775807";

  if (!frb__is_digits(a->value, a->value_len) || a->value_len > sizeof max - 1)
    return 0;
  return a->value_len < sizeof max - 1 ||
         memcmp(a->value, max, sizeof max - 1) <= 0;
}

/* Checks what every call that writes a field checks.  Inline in the
 * header calls, which run it every time. */
static inline __attribute__((always_inline)) int
prepare_field(const char *name, const char *value, struct frb_field_arg *a) {
  int rc;

  if (!name || !value)
    return FRB_EINVAL;
  if ((rc = frb__check_name(name, a)) != FRB_OK)
    return rc;
  if (frb__kind_refused(a->kind))
    return FRB_EINVAL;
  if ((rc = frb__check_value(value, a)) != FRB_OK)
    return rc;
  if (a->kind == FRB_KIND_CONTENT_LENGTH && !content_length_ok(a))
    return FRB_EINVAL;
  /* An empty media type or target is no value at all (RFC 9110 8.3, 10.2.2). */
  if ((a->kind == FRB_KIND_CONTENT_TYPE || a->kind == FRB_KIND_LOCATION) &&
      a->value_len == 0)
    return FRB_EINVAL;
  return FRB_OK;
}

int frb__prepare_field(const char *name, const char *value,
                       struct frb_field_arg *a) {
  return prepare_field(name, value, a);
}

static int set_step(frb_response *r, const void *arg, struct frb_need *need) {
  if (frb__is_frozen(r, arg))
    return FRB_EFROZEN;
  return frb__head_set(&r->head, arg, need);
}

static int add_step(frb_response *r, const void *arg, struct frb_need *need) {
  if (frb__is_frozen(r, arg))
    return FRB_EFROZEN;
  return frb__head_add(&r->head, arg, need);
}

static int del_step(frb_response *r, const void *arg, struct frb_need *need) {
  (void)need;
  if (frb__is_frozen(r, arg))
    return FRB_EFROZEN;
  return frb__head_del(&r->head, arg);
}

/* Sets a prepared field: for a cookie, a->match_len bytes of the value
 * must match too, so each cookie name keeps one line. */
int frb__set_field(frb_response *r, const struct frb_field_arg *a) {
  return frb__run_locked(r, set_step, a);
}

static inline __attribute__((always_inline)) int
header_call(frb_response *r, const char *name, const char *value,
            frb__step_fn step) {
  struct frb_field_arg a;
  int rc;

  if (!r)
    return FRB_EINVAL;
  if ((rc = prepare_field(name, value, &a)) != FRB_OK)
    return rc;
  return frb__run_locked(r, step, &a);
}

FRB_EXTERN int frb_header_set(frb_response *r, const char *name,
                              const char *value) {
  return header_call(r, name, value, set_step);
}

FRB_EXTERN int frb_header_add(frb_response *r, const char *name,
                              const char *value) {
  return header_call(r, name, value, add_step);
}

#define SETF_SMALL 256

/* frb__vformat reads a copy of ap of its own; vsnprintf is given one.  The
 * format attribute tells clang that fmt is the caller's checked format. */
static FRB_PRINTF(4, 0) int run_format(int fast, char *buf, size_t size,
                                       const char *fmt, va_list ap) {
  va_list aq;
  int n;

  if (fast)
    return frb__vformat(buf, size, fmt, ap);
  va_copy(aq, ap);
  n = vsnprintf(buf, size, fmt, aq);
  va_end(aq);
  return n;
}

/* The value into 'small', or, longer, into *value = a new buffer; the length
 * or an error.  ap is only ever read through copies, so that a decline of
 * the fast formatter leaves it whole for vsnprintf. */
static FRB_PRINTF(4, 0) int format_value(int fast, char *small, char **value,
                                         const char *fmt, va_list ap) {
  int n = run_format(fast, small, SETF_SMALL, fmt, ap), m;

  if (n == FRB__FMT_NOT_MINE || (n >= 0 && n < SETF_SMALL))
    return n;
  if (n < 0)
    return FRB_EINVAL;
  if ((size_t)n > FRB_MAX_HEAD_BYTES)
    return FRB_ETOOBIG;
  if (!(*value = frb__malloc((size_t)n + 1)))
    return FRB_ENOMEM;
  m = run_format(fast, *value, (size_t)n + 1, fmt, ap);
  /* Only an argument changed by another thread meanwhile gives another
   * length: what was written is then no value of this format. */
  return m == n ? n : FRB_EINVAL;
}

/* frb__vformat first (a fraction of vsnprintf's cost, the same bytes); what
 * it declines goes to vsnprintf as before, past the %n check. */
FRB_EXTERN int frb_header_setf(frb_response *r, const char *name,
                               const char *fmt, ...) {
  char small[SETF_SMALL];
  char *value = small;
  va_list ap;
  int n, rc, fast = 1;

  if (!r || !name || !fmt)
    return FRB_EINVAL;
  va_start(ap, fmt);
  n = format_value(1, small, &value, fmt, ap);
  if (n == FRB__FMT_NOT_MINE) {
    fast = 0;
    n = frb__format_has_n(fmt) ? FRB_EINVAL
                               : format_value(0, small, &value, fmt, ap);
  }
  va_end(ap);
  /* A %c of 0 (which frb__vformat declines) would silently cut the value
   * short: refuse it like any other NUL in a value. */
  if (n >= 0 && !fast && memchr(value, '\0', (size_t)n))
    n = FRB_EINVAL;
  rc = n < 0 ? n : frb_header_set(r, name, value);
  if (value != small)
    frb__free(value);
  return rc;
}

FRB_EXTERN int frb_header_del(frb_response *r, const char *name) {
  struct frb_field_arg a;

  if (!r || !name || frb__check_name(name, &a) != FRB_OK)
    return FRB_EINVAL;
  return frb__run_locked(r, del_step, &a);
}

/* Reads work after the head is sent too: no open check. */
FRB_EXTERN int frb_header_get(frb_response *r, const char *name, char *buf,
                              size_t size) {
  struct frb_field_arg a;
  int rc;

  if (!r || !name || (!buf && size) || frb__check_name(name, &a) != FRB_OK)
    return FRB_EINVAL;
  frb__lock_rd(&r->lock);
  rc = frb__head_get(&r->head, &a, buf, size);
  frb__unlock_rd(&r->lock);
  return rc;
}
