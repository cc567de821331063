/*
 * libFuzzer harness for frb_cookie_add and frb_redirect.  A sequence of
 * cookies, redirects, status changes and Set-Cookie deletions is applied to
 * one response; then the response is finished and its head read back with
 * the strict parser.  Checked:
 *   - an accepted cookie breaks none of the rules of draft-ietf-httpbis-
 *     rfc6265bis (name a token, value *cookie-octet or quoted, attribute
 *     values without CTL or ';', SameSite=None/Partitioned/__Secure-/__Host-
 *     with Secure, __Host- with Path=/ and no Domain), so nothing the caller
 *     passes can add an attribute or a header line;
 *   - every Set-Cookie line on the wire matches the 6265bis grammar and
 *     carries exactly the attributes of the last accepted call for its
 *     cookie name (case-sensitive), one line per name, none from a rejected
 *     call;
 *   - a rejected call changed nothing (status, Location, Set-Cookie count);
 *   - an accepted redirect leaves its 3xx status and exactly its Location.
 */
#include <time.h>

#include "frb.h"
#include "internal.h"
#include "fuzz_common.h"
#include "../strict_parser.h"

#define MAX_COOKIES 64

struct cookie_model {
  char *name, *value, *path, *domain;
  struct frb_cookie attrs;
};

static struct cookie_model cookies[MAX_COOKIES];
static size_t ncookies;
static int status;
static char *location; /* trimmed, NULL if none */

/* -------------------------------------------------------------- grammar */

static int cookie_octet(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
         (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

static int cookie_value_ok(const char *v, size_t n) {
  if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
    v++;
    n -= 2;
  }
  for (size_t i = 0; i < n; i++)
    if (!cookie_octet((unsigned char)v[i]))
      return 0;
  return 1;
}

static int token_ok(const char *s, size_t n) {
  if (n == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!sp_is_tchar((unsigned char)s[i]))
      return 0;
  return 1;
}

/* av-octet = %x20-3A / %x3C-7E */
static int av_ok(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == ';' || (unsigned char)s[i] > 0x7e)
      return 0;
  return 1;
}

static int has_prefix(const char *s, const char *p) {
  return sp_name_eq(s, strlen(s) < strlen(p) ? strlen(s) : strlen(p), p,
                    strlen(p));
}

/* A host name: dot-separated labels of letters, digits and inner hyphens,
 * one leading dot tolerated (RFC 6265bis 5.6.3, RFC 1123). */
static int host_ok(const char *d) {
  const char *label;

  if (*d == '.')
    d++;
  do {
    label = d;
    while (((*d >= '0' && *d <= '9') ||
            ((*d | 0x20) >= 'a' && (*d | 0x20) <= 'z')) ||
           (*d == '-' && d > label))
      d++;
    if (d == label || d[-1] == '-')
      return 0;
  } while (*d == '.' && *++d);
  return *d == '\0' && d[-1] != '.';
}

/* What an accepted cookie must satisfy, whatever else the library refuses. */
static void check_accepted(const char *name, const char *value,
                           const struct frb_cookie *c) {
  FZ_CHECK(token_ok(name, strlen(name)), "cookie name '%s' accepted", name);
  FZ_CHECK(cookie_value_ok(value, strlen(value)), "value '%s' accepted", value);
  FZ_CHECK(!c->path || av_ok(c->path, strlen(c->path)), "path accepted");
  FZ_CHECK(!c->domain || av_ok(c->domain, strlen(c->domain)),
           "domain accepted");
  FZ_CHECK(!c->domain || host_ok(c->domain), "Domain '%s' is no host name",
           c->domain);
  FZ_CHECK(!c->path || c->path[0] == '/', "Path '%s' without a leading /",
           c->path);
  FZ_CHECK(c->secure ||
               (c->same_site != FRB_SAMESITE_NONE && !c->partitioned &&
                !has_prefix(name, "__Secure-") && !has_prefix(name, "__Host-")),
           "cookie '%s' needs Secure", name);
  FZ_CHECK(!has_prefix(name, "__Host-") ||
               (!c->domain && c->path && strcmp(c->path, "/") == 0),
           "__Host- cookie '%s' with Domain or Path other than /", name);
  FZ_CHECK(c->same_site >= FRB_SAMESITE_DEFAULT &&
               c->same_site <= FRB_SAMESITE_NONE,
           "same_site %d accepted", (int)c->same_site);
}

/* --------------------------------------------------------------- model */

static char *dup_or_null(const char *s) {
  char *d;

  if (!s)
    return NULL;
  if (!(d = strdup(s)))
    abort();
  return d;
}

static void forget(struct cookie_model *c) {
  free(c->name);
  free(c->value);
  free(c->path);
  free(c->domain);
}

static void remember(const char *name, const char *value,
                     const struct frb_cookie *attrs) {
  static const struct frb_cookie none;
  struct cookie_model *c = NULL;

  for (size_t i = 0; i < ncookies; i++)
    if (strcmp(cookies[i].name, name) == 0)
      c = &cookies[i];
  if (c) {
    forget(c);
  } else {
    FZ_CHECK(ncookies < MAX_COOKIES, "too many cookies");
    c = &cookies[ncookies++];
  }
  c->attrs = attrs ? *attrs : none;
  c->name = dup_or_null(name);
  c->value = dup_or_null(value);
  c->path = dup_or_null(c->attrs.path);
  c->domain = dup_or_null(c->attrs.domain);
}

static void forget_all(void) {
  for (size_t i = 0; i < ncookies; i++)
    forget(&cookies[i]);
  ncookies = 0;
}

/* ---------------------------------------------------------- wire check */

static const char *imf_fixdate(long long t, char *buf, size_t size) {
  time_t tt = (time_t)t;
  struct tm tm;

  FZ_CHECK(gmtime_r(&tt, &tm) != NULL, "gmtime %lld", t);
  strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

/* Splits "; attr" off the front of s; returns its length, or 0 at the end. */
static size_t next_attr(const char **s, const char *end) {
  const char *p = *s, *q;

  if (p == end)
    return 0;
  FZ_CHECK(end - p > 2 && p[0] == ';' && p[1] == ' ', "attribute separator");
  p += 2;
  for (q = p; q < end && *q != ';'; q++)
    ;
  *s = p;
  return (size_t)(q - p);
}

static int attr_is(const char *a, size_t n, const char *want) {
  return n == strlen(want) && memcmp(a, want, n) == 0;
}

static void check_cookie_line(const struct sp_field *f) {
  const char *p = f->value, *end = f->value + f->value_len, *eq, *semi;
  const struct cookie_model *c = NULL;
  char date[64], buf[64];
  unsigned seen = 0;
  size_t n;

  eq = memchr(p, '=', f->value_len);
  FZ_CHECK(eq != NULL, "Set-Cookie without '='");
  semi = memchr(eq, ';', (size_t)(end - eq));
  if (!semi)
    semi = end;
  FZ_CHECK(token_ok(p, (size_t)(eq - p)), "cookie name on the wire");
  FZ_CHECK(cookie_value_ok(eq + 1, (size_t)(semi - eq - 1)),
           "cookie value on the wire");
  for (size_t i = 0; i < ncookies; i++)
    if (strlen(cookies[i].name) == (size_t)(eq - p) &&
        memcmp(cookies[i].name, p, (size_t)(eq - p)) == 0)
      c = &cookies[i];
  FZ_CHECK(c != NULL, "Set-Cookie %.*s from no accepted call",
           (int)f->value_len, f->value);
  FZ_CHECK(strlen(c->value) == (size_t)(semi - eq - 1) &&
               memcmp(c->value, eq + 1, strlen(c->value)) == 0,
           "cookie %s value", c->name);
  for (p = semi; (n = next_attr(&p, end)) != 0; p += n) {
    unsigned bit;
    if (n > 5 && memcmp(p, "Path=", 5) == 0) {
      bit = 1;
      FZ_CHECK(c->path && attr_is(p + 5, n - 5, c->path), "Path");
    } else if (n > 7 && memcmp(p, "Domain=", 7) == 0) {
      bit = 2;
      FZ_CHECK(c->domain && attr_is(p + 7, n - 7, c->domain), "Domain");
    } else if (n > 8 && memcmp(p, "Expires=", 8) == 0) {
      bit = 4;
      FZ_CHECK(c->attrs.expires &&
                   attr_is(p + 8, n - 8,
                           imf_fixdate(c->attrs.expires, date, sizeof date)),
               "Expires=%.*s for %lld", (int)n - 8, p + 8, c->attrs.expires);
    } else if (n > 8 && memcmp(p, "Max-Age=", 8) == 0) {
      bit = 8;
      snprintf(buf, sizeof buf, "%lld",
               c->attrs.max_age > 0 ? c->attrs.max_age : 0);
      FZ_CHECK(c->attrs.has_max_age && attr_is(p + 8, n - 8, buf),
               "Max-Age=%.*s for %lld", (int)n - 8, p + 8, c->attrs.max_age);
    } else if (attr_is(p, n, "Secure")) {
      bit = 16;
      FZ_CHECK(c->attrs.secure, "Secure");
    } else if (attr_is(p, n, "HttpOnly")) {
      bit = 32;
      FZ_CHECK(c->attrs.http_only, "HttpOnly");
    } else if (attr_is(p, n, "Partitioned")) {
      bit = 64;
      FZ_CHECK(c->attrs.partitioned, "Partitioned");
    } else {
      static const char *const ss[] = {"", "SameSite=Strict", "SameSite=Lax",
                                       "SameSite=None"};
      bit = 128;
      FZ_CHECK(c->attrs.same_site > 0 && c->attrs.same_site <= 3 &&
                   attr_is(p, n, ss[c->attrs.same_site]),
               "unexpected attribute '%.*s'", (int)n, p);
    }
    FZ_CHECK(!(seen & bit), "attribute '%.*s' twice", (int)n, p);
    seen |= bit;
  }
  FZ_CHECK(!c->path == !(seen & 1) && !c->domain == !(seen & 2) &&
               !c->attrs.expires == !(seen & 4) &&
               !c->attrs.has_max_age == !(seen & 8) &&
               !c->attrs.secure == !(seen & 16) &&
               !c->attrs.http_only == !(seen & 32) &&
               !c->attrs.partitioned == !(seen & 64) &&
               !c->attrs.same_site == !(seen & 128),
           "attributes missing from '%.*s' (seen %#x)", (int)f->value_len,
           f->value, seen);
}

static void check_wire(const struct fz_sink *wire) {
  const struct sp_field *f;
  struct sp_head h;
  char err[160];

  FZ_CHECK(sp_parse(wire->buf, wire->len, SP_BODY_IS_WHOLE, &h, err,
                    sizeof err) == 0,
           "strict parser: %s\n%.*s", err, (int)wire->len, wire->buf);
  FZ_CHECK(h.status == status, "status %d, model %d", h.status, status);
  FZ_CHECK(sp_count(&h, "Set-Cookie") == ncookies,
           "%zu Set-Cookie lines, %zu cookies", sp_count(&h, "Set-Cookie"),
           ncookies);
  for (size_t i = 0; (f = sp_find(&h, "Set-Cookie", i)) != NULL; i++)
    check_cookie_line(f);
  f = sp_find(&h, "Location", 0);
  FZ_CHECK(!location == !f, "Location presence");
  if (f)
    FZ_CHECK(f->value_len == strlen(location) &&
                 memcmp(f->value, location, f->value_len) == 0,
             "Location '%.*s', model '%s'", (int)f->value_len, f->value,
             location);
  sp_head_free(&h);
}

/* A rejected call changed nothing that the API can read. */
static void check_unchanged(frb_response *r) {
  char buf[8192];
  int rc = frb_header_get(r, "Location", buf, sizeof buf);

  FZ_CHECK(frb_get_status(r) == status, "status changed by a rejected call");
  if (location)
    FZ_CHECK(rc >= 0 && strcmp(buf, location) == 0, "Location changed");
  else
    FZ_CHECK(rc == FRB_ENOTFOUND, "Location appeared");
}

/* ------------------------------------------------------------ operations */

static const char *const cookie_names[] = {
    "SID", "sid", "__Secure-id", "__Host-id", "__host-x", "a b",
    "a;b", "",    "lang",        "a=b",       "\xc3\xa9"};
static const char *const cookie_values[] = {
    "",        "abc",  "\"quoted\"",
    "\"",      "a;b",  "a b",
    "a,b",     "a\\b", "x\r\nSet-Cookie: evil=1",
    "deleted", "%41"};
static const char *const paths[] = {
    "/", "/app", "", " /x", "/a;Secure", "/\x7f", "/p\r\n", "/\xc3\xa9"};

static char *pick(struct fz_in *in, const char *const *dict, size_t n) {
  uint8_t b = fz_u8(in);

  if (b & 0x80)
    return fz_str(in);
  return dup_or_null(dict[b % n]);
}

static long long pick_time(struct fz_in *in) {
  static const long long special[] = {0,
                                      1,
                                      -1,
                                      784111777,
                                      -11644473600LL,
                                      -11644473601LL,
                                      253402300799LL,
                                      253402300800LL,
                                      9223372036854775807LL,
                                      -9223372036854775807LL - 1};
  uint8_t b = fz_u8(in);

  if (b < sizeof special / sizeof *special)
    return special[b];
  return (long long)((uint64_t)fz_u32(in) << 32 | fz_u32(in));
}

static void op_cookie(frb_response *r, struct fz_in *in) {
  char *name =
      pick(in, cookie_names, sizeof cookie_names / sizeof *cookie_names);
  char *value =
      pick(in, cookie_values, sizeof cookie_values / sizeof *cookie_values);
  uint8_t flags = fz_u8(in);
  struct frb_cookie c;
  size_t before = ncookies;
  int rc;

  memset(&c, 0, sizeof c);
  c.path = (flags & 1) ? pick(in, paths, sizeof paths / sizeof *paths) : NULL;
  c.domain = (flags & 2) ? fz_str(in) : NULL;
  c.has_max_age = (flags & 4) != 0;
  c.max_age = c.has_max_age ? pick_time(in) : 0;
  c.expires = (flags & 8) ? pick_time(in) : 0;
  c.secure = (flags & 16) != 0;
  c.http_only = (flags & 32) != 0;
  c.partitioned = (flags & 64) != 0;
  c.same_site = (enum frb_samesite)(fz_u8(in) % 6 - 1);
  rc = frb_cookie_add(r, name, value, (flags & 128) ? NULL : &c);
  if (rc == FRB_OK) {
    check_accepted(name, value, (flags & 128) ? &(struct frb_cookie){0} : &c);
    remember(name, value, (flags & 128) ? NULL : &c);
  } else {
    FZ_CHECK(rc == FRB_EINVAL || rc == FRB_ETOOBIG, "cookie rc %d", rc);
    FZ_CHECK(ncookies == before, "model");
    check_unchanged(r);
  }
  free(name);
  free(value);
  free((char *)c.path);
  free((char *)c.domain);
}

static void op_redirect(frb_response *r, struct fz_in *in) {
  static const char *const locs[] = {
      "/",          "https://example.com/a?b=c;d",
      "  /trim  ",  "",
      "/a\r\nX: y", "\t",
      "/\xc3\xa9"};
  int code = 290 + fz_u8(in) % 120;
  char *loc = pick(in, locs, sizeof locs / sizeof *locs);
  int rc = frb_redirect(r, code, loc);

  if (rc == FRB_OK) {
    struct frb_field_arg a;
    FZ_CHECK(code >= 300 && code <= 399, "redirect with status %d", code);
    FZ_CHECK(frb__check_value(loc, &a) == FRB_OK && a.value_len > 0,
             "redirect to a bad location");
    free(location);
    location = strndup(a.value, a.value_len);
    status = code;
  } else {
    check_unchanged(r);
  }
  free(loc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fz_in in = {data, size};
  struct fz_sink wire = {0};
  frb_response *r = frb_new(fz_sink_write, &wire);
  int code;

  if (!r)
    abort();
  status = 200;
  while (in.n > 0) {
    switch (fz_u8(&in) % 5) {
    case 0:
    case 1: op_cookie(r, &in); break;
    case 2: op_redirect(r, &in); break;
    case 3:
      code = 200 + fz_u8(&in) % 8 * 50;
      if (frb_set_status(r, code) == FRB_OK) {
        /* A Location stays only with a status that can carry it. */
        FZ_CHECK(!location || code == status || code == 201 ||
                     (code >= 300 && code <= 399),
                 "status %d accepted with a Location", code);
        status = code;
      }
      break;
    default:
      if (frb_header_del(r, "Set-Cookie") == FRB_OK)
        forget_all();
      FZ_CHECK(frb_header_get(r, "Set-Cookie", NULL, 0) == FRB_ENOTFOUND,
               "Set-Cookie left after del");
      break;
    }
  }
  if (frb_finish(r) == FRB_OK)
    check_wire(&wire);
  frb_free(r);
  forget_all();
  free(location);
  location = NULL;
  free(wire.buf);
  return 0;
}
