/* Set-Cookie lines by draft-ietf-httpbis-rfc6265bis.  The grammar is checked
 * here so that a cookie can never carry a ';' or a control byte that would
 * smuggle an attribute or split the head. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E: no space,
 * DQUOTE, comma, semicolon or backslash.  One bit a byte value below 128,
 * so the test is a shift and no branch. */
#define OCTETS_LO                                                              \
  (((~0ull) << 0x21) & ~(1ull << 0x22) & ~(1ull << 0x2C) & ~(1ull << 0x3B))
#define OCTETS_HI (((1ull << (0x7F - 64)) - 1) & ~(1ull << (0x5C - 64)))

static inline int cookie_octet(unsigned char c) {
  uint64_t bits = c < 64 ? OCTETS_LO : OCTETS_HI;

  return c < 128 && ((bits >> (c & 63)) & 1);
}

/* cookie-value = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE ) */
static int cookie_value_ok(const char *v, size_t len) {
  if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
    v++;
    len -= 2;
  }
  for (size_t i = 0; i < len; i++)
    if (!cookie_octet((unsigned char)v[i]))
      return 0;
  return 1;
}

/* av-octet = %x20-3A / %x3C-7E: attribute values stop at ';'.  Leading or
 * trailing spaces would be trimmed by the browser, so the value would not be
 * the one asked for: refuse them. */
static int attr_value_ok(const char *v, size_t len) {
  if (len == 0 || v[0] == ' ' || v[len - 1] == ' ')
    return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)v[i];
    if (c < 0x20 || c == ';' || c > 0x7E)
      return 0;
  }
  return 1;
}

/* The caller's strings with their lengths, each measured once. */
struct cookie_text {
  const char *name, *value;
  size_t name_len, value_len, path_len, domain_len;
};

static int is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Domain is a host name (RFC 6265bis 5.6.3; RFC 1123 labels): letters,
 * digits and inner hyphens, dot-separated, one leading dot tolerated.  No
 * port, path, scheme or IP literal: browsers drop such a cookie. */
static int domain_ok(const char *d) {
  size_t label = 0;

  if (*d == '.')
    d++;
  for (; *d; d++) {
    unsigned char c = (unsigned char)*d;
    if (c == '.') {
      if (label == 0 || d[-1] == '-')
        return 0;
      label = 0;
    } else if (is_alnum(c) || (c == '-' && label > 0)) {
      label++;
    } else {
      return 0;
    }
  }
  return label > 0 && d[-1] != '-';
}

/* The name's length is known already: no strlen on each test. */
#define HAS_PREFIX_NOCASE(s, len, prefix)                                      \
  ((len) >= sizeof prefix - 1 && frb__name_eq(s, prefix, sizeof prefix - 1))

/* The cookie prefixes and SameSite=None / Partitioned only work with Secure;
 * browsers silently drop such cookies, so refuse them up front. */
static int attrs_ok(const struct cookie_text *t, const struct frb_cookie *c) {
  const char *name = t->name;
  size_t name_len = t->name_len;

  /* A Path that does not start with '/' is replaced by the default path
   * (RFC 6265bis 5.6.4): the cookie would not go where it was meant to. */
  if (c->path && (!attr_value_ok(c->path, t->path_len) || c->path[0] != '/'))
    return 0;
  if (c->domain &&
      (!attr_value_ok(c->domain, t->domain_len) || !domain_ok(c->domain)))
    return 0;
  if (c->same_site < FRB_SAMESITE_DEFAULT || c->same_site > FRB_SAMESITE_NONE)
    return 0;
  if (!c->secure && (c->same_site == FRB_SAMESITE_NONE || c->partitioned ||
                     HAS_PREFIX_NOCASE(name, name_len, "__Secure-") ||
                     HAS_PREFIX_NOCASE(name, name_len, "__Host-")))
    return 0;
  if (HAS_PREFIX_NOCASE(name, name_len, "__Host-") &&
      (c->domain || !c->path || strcmp(c->path, "/") != 0))
    return 0;
  /* IMF-fixdate has a four-digit year; cookies predate nothing before 1601. */
  if (c->expires &&
      (c->expires < -11644473600LL || c->expires > 253402300799LL))
    return 0;
  return 1;
}

/* Longest text the fixed attributes can take; the variable parts are added
 * by cookie_len. */
#define FIXED_ATTRS                                                            \
  (sizeof "; Expires=Sun, 06 Nov 1994 08:49:37 GMT" +                          \
   sizeof "; Max-Age=18446744073709551615" + sizeof "; Secure" +               \
   sizeof "; HttpOnly" + sizeof "; SameSite=Strict" + sizeof "; Partitioned")

static size_t cookie_len(const struct cookie_text *t,
                         const struct frb_cookie *c) {
  return t->name_len + 1 + t->value_len + FIXED_ATTRS +
         (c->path ? sizeof "; Path=" + t->path_len : 0) +
         (c->domain ? sizeof "; Domain=" + t->domain_len : 0);
}

static char *put_bytes(char *out, const char *s, size_t len) {
  frb__copy(out, s, len);
  return out + len;
}

static size_t format_cookie(char *out, const struct cookie_text *t,
                            const struct frb_cookie *c) {
  static const char *const same_site[] = {NULL, "; SameSite=Strict",
                                          "; SameSite=Lax", "; SameSite=None"};
  char *p = put_bytes(out, t->name, t->name_len);

  *p++ = '=';
  p = put_bytes(p, t->value, t->value_len);
  if (c->path)
    p = put_bytes(frb__put_str(p, "; Path="), c->path, t->path_len);
  if (c->domain)
    p = put_bytes(frb__put_str(p, "; Domain="), c->domain, t->domain_len);
  if (c->expires)
    p = frb__put_date(frb__put_str(p, "; Expires="), c->expires);
  /* Max-Age <= 0 means "expire now"; Go and browsers agree on 0. */
  if (c->has_max_age)
    p = frb__put_uint(frb__put_str(p, "; Max-Age="),
                      c->max_age > 0 ? (unsigned long long)c->max_age : 0, 1);
  if (c->secure)
    p = frb__put_str(p, "; Secure");
  if (c->http_only)
    p = frb__put_str(p, "; HttpOnly");
  if (same_site[c->same_site])
    p = frb__put_str(p, same_site[c->same_site]);
  if (c->partitioned)
    p = frb__put_str(p, "; Partitioned");
  return (size_t)(p - out);
}

FRB_EXTERN int frb_cookie_add(frb_response *r, const char *name,
                              const char *value,
                              const struct frb_cookie *attrs) {
  static const struct frb_cookie none;
  struct frb_field_arg a;
  struct cookie_text t = {name, value, 0, 0, 0, 0};
  char small[512], *line = small;
  long name_len;
  size_t len;
  int rc;

  if (!r || !name || !value)
    return FRB_EINVAL;
  if (!attrs)
    attrs = &none;
  if ((name_len = frb__token_len(name)) < 0)
    return FRB_EINVAL;
  t.name_len = (size_t)name_len;
  t.value_len = strlen(value);
  t.path_len = attrs->path ? strlen(attrs->path) : 0;
  t.domain_len = attrs->domain ? strlen(attrs->domain) : 0;
  if (!cookie_value_ok(value, t.value_len) || !attrs_ok(&t, attrs))
    return FRB_EINVAL;
  len = cookie_len(&t, attrs);
  if (len > FRB_MAX_HEAD_BYTES)
    return FRB_ETOOBIG;
  if (len > sizeof small && !(line = frb__malloc(len)))
    return FRB_ENOMEM;
  a = *frb__known_arg(FRB_KIND_SET_COOKIE);
  a.value = line;
  a.value_len = (uint32_t)format_cookie(line, &t, attrs);
  a.match_len = (uint32_t)t.name_len + 1; /* "name=" */
  a.chash = frb__bytes_hash(name, (uint32_t)t.name_len);
  rc = frb__set_field(r, &a);
  if (line != small)
    frb__free(line);
  return rc;
}
