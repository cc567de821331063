/* Conditional requests (RFC 9110 13): the request's If-Match, If-None-Match,
 * If-Modified-Since and If-Unmodified-Since against the validators that the
 * application put in the response itself (ETag, Last-Modified), so that the
 * two can never disagree.  Built on the public calls: each read and change
 * is one locked step of its own. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "tools.h"

struct etag {
  const char *opaque; /* DQUOTE *etagc DQUOTE */
  size_t len;
  int weak;
};

static int is_ows(char c) {
  return c == ' ' || c == '\t';
}

/* etagc = %x21 / %x23-7E / obs-text */
static int etagc(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c != 0x7f);
}

/* entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, at *s; moves *s past it. */
static int parse_etag(const char **s, const char *end, struct etag *t) {
  const char *p = *s;

  t->weak = end - p >= 2 && p[0] == 'W' && p[1] == '/';
  if (t->weak)
    p += 2;
  if (p == end || *p != '"')
    return 0;
  t->opaque = p++;
  while (p < end && etagc((unsigned char)*p))
    p++;
  if (p == end || *p != '"')
    return 0;
  t->len = (size_t)(++p - t->opaque);
  *s = p;
  return 1;
}

/* The next member of #entity-tag (empty members are allowed, RFC 9110
 * 5.6.1): 1 with *t, 0 at the end, -1 when malformed. */
static int next_etag(const char **s, const char *end, struct etag *t) {
  const char *p = *s;

  while (p < end && (is_ows(*p) || *p == ','))
    p++;
  if (p == end)
    return 0;
  if (!parse_etag(&p, end, t))
    return -1;
  while (p < end && is_ows(*p))
    p++;
  if (p < end && *p != ',')
    return -1;
  *s = p;
  return 1;
}

static int same_opaque(const struct etag *a, const struct etag *b) {
  return a->len == b->len && memcmp(a->opaque, b->opaque, a->len) == 0;
}

static int is_star(const char *v) {
  while (is_ows(*v))
    v++;
  if (*v++ != '*')
    return 0;
  while (is_ows(*v))
    v++;
  return *v == '\0';
}

/* Does the list hold a tag equal to 'cur'?  Strong comparison (If-Match)
 * needs both tags strong; weak comparison (If-None-Match) ignores W/.  A
 * malformed list matches nothing after the fault. */
static int list_matches(const char *list, const struct etag *cur, int strong) {
  const char *p = list, *end = list + strlen(list);
  struct etag t;

  if (!cur)
    return 0;
  while (next_etag(&p, end, &t) == 1)
    if (same_opaque(&t, cur) && (!strong || (!t.weak && !cur->weak)))
      return 1;
  return 0;
}

/* The response's validators, read once. */
struct validators {
  struct etag etag;
  int has_etag;
  long long last_modified;
  int has_last_modified;
  char *etag_buf;
};

/* frb_header_get into a buffer that grows until the value fits. */
static int get_alloc(frb_response *r, const char *name, char **out) {
  size_t size = 256;
  int rc;

  for (;;) {
    char *buf = frb__malloc(size);
    if (!buf)
      return FRB_ENOMEM;
    rc = frb_header_get(r, name, buf, size);
    if (rc >= 0) {
      *out = buf;
      return rc;
    }
    frb__free(buf);
    if (rc != FRB_ERANGE || size > FRB_MAX_HEAD_BYTES)
      return rc;
    size *= 4;
  }
}

static int read_validators(frb_response *r, struct validators *v) {
  char date[64];
  const char *p;
  int rc;

  memset(v, 0, sizeof *v);
  rc = get_alloc(r, "ETag", &v->etag_buf);
  if (rc >= 0) {
    p = v->etag_buf;
    if (!parse_etag(&p, p + rc, &v->etag) || p != v->etag_buf + rc)
      return FRB_EINVAL; /* the application's own ETag is malformed */
    v->has_etag = 1;
  } else if (rc != FRB_ENOTFOUND) {
    return rc;
  }
  rc = frb_header_get(r, "Last-Modified", date, sizeof date);
  if (rc >= 0) {
    if (frb__parse_http_date(date, (size_t)rc, (long long)time(NULL),
                             &v->last_modified) != 0)
      return FRB_EINVAL;
    v->has_last_modified = 1;
  } else if (rc == FRB_ERANGE) {
    return FRB_EINVAL; /* no HTTP-date is that long */
  } else if (rc != FRB_ENOTFOUND) {
    return rc;
  }
  return FRB_OK;
}

/* A date condition that cannot be evaluated (invalid date, or no
 * Last-Modified) is ignored (RFC 9110 13.1.3, 13.1.4): -1. */
static int modified_since(const struct validators *v, const char *field) {
  long long t;

  if (!v->has_last_modified ||
      frb__parse_http_date(field, strlen(field), (long long)time(NULL), &t))
    return -1;
  return v->last_modified > t;
}

/* RFC 9110 13.1: these select no representation, so they take no
 * conditions. */
static int ignores_conditions(const char *m) {
  return m && (strcmp(m, "CONNECT") == 0 || strcmp(m, "OPTIONS") == 0 ||
               strcmp(m, "TRACE") == 0);
}

static int is_get_or_head(const char *m) {
  return !m || strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/* RFC 9110 13.2.2, steps 1 to 4, on a resource that exists (the response
 * is a 2xx).  Step 5 (If-Range) belongs to range requests. */
static int evaluate(const struct frb_request_conditions *q,
                    const struct validators *v) {
  const struct etag *cur = v->has_etag ? &v->etag : NULL;

  if (q->if_match) {
    if (!is_star(q->if_match) && !list_matches(q->if_match, cur, 1))
      return FRB_PRECONDITION_FAILED;
  } else if (q->if_unmodified_since &&
             modified_since(v, q->if_unmodified_since) == 1) {
    return FRB_PRECONDITION_FAILED;
  }
  if (q->if_none_match) {
    if (is_star(q->if_none_match) || list_matches(q->if_none_match, cur, 0))
      return is_get_or_head(q->method) ? FRB_PRECONDITION_NOT_MODIFIED
                                       : FRB_PRECONDITION_FAILED;
  } else if (q->if_modified_since && is_get_or_head(q->method) &&
             modified_since(v, q->if_modified_since) == 0) {
    return FRB_PRECONDITION_NOT_MODIFIED;
  }
  return FRB_PRECONDITION_PASSED;
}

/* RFC 9110 15.4.5: a 304 keeps ETag, Last-Modified, Cache-Control, Vary,
 * Date, Expires and Content-Location, and should carry no other
 * representation metadata.  Fields that are not representation metadata
 * (Set-Cookie, security headers) stay.  A frozen name stays too. */
static int to_not_modified(frb_response *r) {
  static const char *const drop[] = {"Content-Type", "Content-Encoding",
                                     "Content-Language", "Content-Range"};
  char cl[24];
  int had_cl = frb_header_get(r, "Content-Length", cl, sizeof cl) >= 0;
  int rc;

  /* A 304 refuses a Content-Length (frb_set_status(3)): it goes first, and
   * comes back if the status cannot change after all. */
  if (had_cl && (rc = frb_header_del(r, "Content-Length")) != FRB_OK)
    return rc;
  if ((rc = frb_set_status(r, 304)) != FRB_OK) {
    if (had_cl)
      frb_header_set(r, "Content-Length", cl);
    return rc;
  }
  for (size_t i = 0; rc == FRB_OK && i < sizeof drop / sizeof *drop; i++) {
    int d = frb_header_del(r, drop[i]);
    if (d != FRB_OK && d != FRB_ENOTFOUND && d != FRB_EFROZEN)
      rc = d;
  }
  return rc;
}

FRB_EXTERN int frb_preconditions(frb_response *r,
                                 const struct frb_request_conditions *req) {
  struct validators v;
  int status, outcome, rc;

  if (!r || !req || (req->method && !*req->method))
    return FRB_EINVAL;
  if ((status = frb_get_status(r)) < 0)
    return status;
  if (frb_headers_sent(r))
    return FRB_ESENT;
  /* RFC 9110 13.2.1: conditions are ignored unless the answer would have
   * been a 2xx (a 404 stays a 404). */
  if (status < 200 || status > 299 || ignores_conditions(req->method))
    return FRB_PRECONDITION_PASSED;
  if ((rc = read_validators(r, &v)) != FRB_OK) {
    frb__free(v.etag_buf);
    return rc;
  }
  outcome = evaluate(req, &v);
  frb__free(v.etag_buf);
  if (outcome == FRB_PRECONDITION_NOT_MODIFIED)
    rc = to_not_modified(r);
  else if (outcome == FRB_PRECONDITION_FAILED)
    rc = frb_set_status(r, 412);
  return rc == FRB_OK ? outcome : rc;
}
