/* Set-Cookie lines by draft-ietf-httpbis-rfc6265bis.  The grammar is checked
 * here so that a cookie can never carry a ';' or a control byte that would
 * smuggle an attribute or split the head. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E: no space,
 * DQUOTE, comma, semicolon or backslash. */
static int cookie_octet(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
         (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
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
static int attr_value_ok(const char *v) {
  size_t len = strlen(v);

  if (len == 0 || v[0] == ' ' || v[len - 1] == ' ')
    return 0;
  for (; *v; v++) {
    unsigned char c = (unsigned char)*v;
    if (c < 0x20 || c == ';' || c > 0x7E)
      return 0;
  }
  return 1;
}

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
static int attrs_ok(const char *name, size_t name_len,
                    const struct frb_cookie *c) {
  /* A Path that does not start with '/' is replaced by the default path
   * (RFC 6265bis 5.6.4): the cookie would not go where it was meant to. */
  if (c->path && (!attr_value_ok(c->path) || c->path[0] != '/'))
    return 0;
  if (c->domain && (!attr_value_ok(c->domain) || !domain_ok(c->domain)))
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

static size_t cookie_len(size_t name_len, size_t value_len,
                         const struct frb_cookie *c) {
  return name_len + 1 + value_len + FIXED_ATTRS +
         (c->path ? sizeof "; Path=" + strlen(c->path) : 0) +
         (c->domain ? sizeof "; Domain=" + strlen(c->domain) : 0);
}

static size_t format_cookie(char *out, const char *name, const char *value,
                            const struct frb_cookie *c) {
  static const char *const same_site[] = {NULL, "; SameSite=Strict",
                                          "; SameSite=Lax", "; SameSite=None"};
  char *p = frb__put_str(frb__put_str(frb__put_str(out, name), "="), value);

  if (c->path)
    p = frb__put_str(frb__put_str(p, "; Path="), c->path);
  if (c->domain)
    p = frb__put_str(frb__put_str(p, "; Domain="), c->domain);
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
  struct frb_field_arg a, cookie_name;
  char small[512], *line = small;
  size_t len, value_len;
  int rc;

  if (!r || !name || !value)
    return FRB_EINVAL;
  if (!attrs)
    attrs = &none;
  value_len = strlen(value);
  if (frb__check_name(name, &cookie_name) != FRB_OK ||
      !cookie_value_ok(value, value_len) ||
      !attrs_ok(name, cookie_name.name_len, attrs))
    return FRB_EINVAL;
  len = cookie_len(cookie_name.name_len, value_len, attrs);
  if (len > FRB_MAX_HEAD_BYTES)
    return FRB_ETOOBIG;
  if (len > sizeof small && !(line = frb__malloc(len)))
    return FRB_ENOMEM;
  a = *frb__known_arg(FRB_KIND_SET_COOKIE);
  a.value = line;
  a.value_len = (uint32_t)format_cookie(line, name, value, attrs);
  a.match_len = cookie_name.name_len + 1; /* "name=" */
  a.chash = frb__bytes_hash(name, cookie_name.name_len);
  rc = frb__set_field(r, &a);
  if (line != small)
    frb__free(line);
  return rc;
}
