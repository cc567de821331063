/*
 * The status code and its reason phrase, and frb_redirect, which sets a 3xx
 * status and Location together (RFC 3875 6.2.3).
 */
#include <string.h>

#include "locked.h"

static int status_step(frb_response *r, const void *arg,
                       struct frb_need *need) {
  return frb__head_status(&r->head, arg, need);
}

/* CGI and FastCGI cannot carry 1xx interim responses (RFC 3875 6.3.3). */
static inline int code_ok(int code) {
  return code >= 200 && code <= 599;
}

FRB_EXTERN int frb_set_status_reason(frb_response *r, int code,
                                     const char *reason) {
  struct frb_status_arg s = {code, reason, 0};
  int rc;

  if (!r || !reason || !code_ok(code))
    return FRB_EINVAL;
  if ((rc = frb__check_reason(reason, &s.reason_len)) != FRB_OK)
    return rc;
  return frb__run_locked(r, status_step, &s);
}

/* libfrb's own phrases (text.c) are valid reason-phrases: only their
 * length is needed. */
FRB_EXTERN int frb_set_status(frb_response *r, int code) {
  struct frb_status_arg s = {code, NULL, 0};

  if (!r || !code_ok(code))
    return FRB_EINVAL;
  s.reason = frb__reason(code);
  s.reason_len = strlen(s.reason);
  return frb__run_locked(r, status_step, &s);
}

FRB_EXTERN int frb_get_status(frb_response *r) {
  int code;

  if (!r)
    return FRB_EINVAL;
  frb__lock_rd(&r->lock);
  code = r->head.status;
  frb__unlock_rd(&r->lock);
  return code;
}

struct redirect_arg {
  struct frb_status_arg status;
  struct frb_field_arg location;
};

static int redirect_step(frb_response *r, const void *arg,
                         struct frb_need *need) {
  const struct redirect_arg *a = arg;

  if (frb__is_frozen(r, &a->location))
    return FRB_EFROZEN;
  return frb__head_redirect(&r->head, &a->status, &a->location, need);
}

FRB_EXTERN int frb_redirect(frb_response *r, int code, const char *location) {
  struct redirect_arg a;
  int rc;

  /* 304 is a cache validation answer, not a redirect, and takes no body. */
  if (!r || code < 300 || code > 399 || code == 304)
    return FRB_EINVAL;
  if ((rc = frb__prepare_field("Location", location, &a.location)) != FRB_OK)
    return rc;
  if (a.location.value_len == 0)
    return FRB_EINVAL;
  a.status.code = code;
  a.status.reason = frb__reason(code);
  a.status.reason_len = strlen(a.status.reason);
  return frb__run_locked(r, redirect_step, &a);
}
