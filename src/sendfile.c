/* Handing a file over to the web server (X-Accel-Redirect, X-Sendfile),
 * with an optional download name (RFC 6266 and RFC 8187), and Content-Type
 * from its parts (RFC 9110 8.3.1).
 *
 * Rules for the path, checked before anything changes:
 * - every byte is VCHAR or obs-text: no NUL, CR, LF, other controls, DEL or
 *   space (a space would be trimmed from the end of a field value, and no
 *   sane file to hand over needs one);
 * - it starts with '/' (an absolute path, or an absolute URI path);
 * - no segment is "." or "..": servers normalise them away or refuse them,
 *   and either way the file served would not be the one named;
 * - for X-Accel-Redirect also no '?', '#', '%' or '\': nginx splits the
 *   arguments at '?', and a percent-escape or a backslash could spell "..".
 *   A named location ("@name") is not a file and is refused. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const field_name[] = {NULL, "X-Accel-Redirect", "X-Sendfile",
                                         "X-Sendfile"};

static int path_byte_ok(unsigned char c, enum frb_sendfile_server s) {
  if (c <= 0x20 || c == 0x7f)
    return 0;
  return s != FRB_SENDFILE_NGINX ||
         (c != '?' && c != '#' && c != '%' && c != '\\' && c < 0x80);
}

/* A segment is what lies between two '/' (or a '/' and the end). */
static int dot_segment(const char *seg, size_t len) {
  return (len == 1 && seg[0] == '.') ||
         (len == 2 && seg[0] == '.' && seg[1] == '.');
}

static int path_ok(const char *path, enum frb_sendfile_server s) {
  const char *seg = path + 1;

  if (path[0] != '/')
    return 0;
  for (const char *p = path; *p; p++)
    if (!path_byte_ok((unsigned char)*p, s))
      return 0;
  for (const char *p = seg;; p++) {
    if (*p == '/' || *p == '\0') {
      if (dot_segment(seg, (size_t)(p - seg)))
        return 0;
      if (*p == '\0')
        return 1;
      seg = p + 1;
    }
  }
}

/* Length of the UTF-8 sequence at s (1..4), or 0 when it is not one: an
 * overlong form, a surrogate or a code point past U+10FFFF included. */
static size_t utf8_len(const unsigned char *s) {
  unsigned char c = s[0];
  size_t n;
  unsigned long cp;

  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4, cp = c & 0x07;
  else
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

/* attr-char = ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." /
 *             "^" / "_" / "`" / "|" / "~"                     (RFC 8187) */
static int attr_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (c && strchr("!#$&+-.^_`|~", c));
}

/* The fallback for filename= is printable ASCII inside a quoted-string:
 * each non-ASCII character becomes one '_', and so do '"' and '\' (which
 * would need escapes that browsers handle differently) and '%' (which some
 * browsers decode). */
static char fallback_char(unsigned char c) {
  return c >= 0x80 || c == '"' || c == '\\' || c == '%' ? '_' : (char)c;
}

/* Checks the name (valid UTF-8, no control byte, not empty) and returns the
 * length of the field value it needs, or 0 when it is refused. */
static size_t disposition_len(const char *name) {
  static const char fixed[] = "attachment; filename=\"\"; filename*=UTF-8''";
  const unsigned char *s = (const unsigned char *)name;
  size_t len = sizeof fixed - 1, n;

  if (!*s)
    return 0;
  for (; *s; s += n) {
    if (*s < 0x20 || *s == 0x7f || !(n = utf8_len(s)))
      return 0;
    len += 1 + (n == 1 && attr_char(*s) ? 1 : 3 * n);
  }
  return len;
}

static void format_disposition(char *out, const char *name) {
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *s;
  char *p = out;
  size_t n;

  p += strlen(strcpy(p, "attachment; filename=\""));
  for (s = (const unsigned char *)name; *s; s += n) {
    n = utf8_len(s);
    *p++ = fallback_char(*s);
  }
  p += strlen(strcpy(p, "\"; filename*=UTF-8''"));
  for (s = (const unsigned char *)name; *s; s++) {
    if (attr_char(*s)) {
      *p++ = (char)*s;
    } else {
      *p++ = '%';
      *p++ = hex[*s >> 4];
      *p++ = hex[*s & 15];
    }
  }
  *p = '\0';
}

/* The Content-Disposition value for name, in small (size bytes) or on the
 * heap: built before anything changes, so that running out of memory
 * leaves the response as it was. */
static int make_disposition(const char *name, char *small, size_t size,
                            char **out) {
  size_t len = disposition_len(name);

  if (len == 0)
    return FRB_EINVAL;
  if (len > FRB_MAX_HEAD_BYTES)
    return FRB_ETOOBIG;
  *out = small;
  if (len >= size && !(*out = frb__malloc(len + 1)))
    return FRB_ENOMEM;
  format_disposition(*out, name);
  return FRB_OK;
}

/* The other server's field goes first (a server passes a field it does not
 * know on to the client, and with it the path), the file field last, so
 * that a failure on the way never leaves a file field that the server
 * would act on. */
static int apply(frb_response *r, const char *path,
                 enum frb_sendfile_server server, const char *disposition) {
  const char *other =
      field_name[server == FRB_SENDFILE_NGINX ? FRB_SENDFILE_APACHE
                                              : FRB_SENDFILE_NGINX];
  int rc = frb_header_del(r, other);

  if (rc != FRB_OK && rc != FRB_ENOTFOUND)
    return rc;
  if (disposition &&
      (rc = frb_header_set(r, "Content-Disposition", disposition)) != FRB_OK)
    return rc;
  return frb_header_set(r, field_name[server], path);
}

FRB_EXTERN int frb_send_file(frb_response *r, const char *path,
                             enum frb_sendfile_server server,
                             const struct frb_send_file_opts *opts) {
  const char *name = opts ? opts->attachment : NULL;
  char small[512], *disposition = NULL;
  int rc;

  if (!r || !path || server < FRB_SENDFILE_NGINX ||
      server > FRB_SENDFILE_LIGHTTPD || !path_ok(path, server))
    return FRB_EINVAL;
  if (name && (rc = make_disposition(name, small, sizeof small,
                                     &disposition)) != FRB_OK)
    return rc;
  rc = frb_headers_sent(r) ? FRB_ESENT : apply(r, path, server, disposition);
  if (disposition && disposition != small)
    frb__free(disposition);
  return rc;
}

/* tchar (RFC 9110 5.6.2) */
static int tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static size_t token_len(const char *s) {
  size_t n = 0;

  while (tchar((unsigned char)s[n]))
    n++;
  return n;
}

/* type "/" subtype, both tokens, and nothing else. */
static int media_type_ok(const char *t) {
  size_t n = token_len(t);

  if (n == 0 || t[n] != '/')
    return 0;
  t += n + 1;
  n = token_len(t);
  return n > 0 && t[n] == '\0';
}

FRB_EXTERN int frb_set_content_type(frb_response *r, const char *type,
                                    const char *charset) {
  static const char param[] = "; charset=";
  char small[256], *value = small;
  size_t tl, cl;
  int rc;

  if (!r || !type || !media_type_ok(type) ||
      (charset && (!*charset || charset[token_len(charset)])))
    return FRB_EINVAL;
  if (!charset)
    return frb_header_set(r, "Content-Type", type);
  tl = strlen(type);
  cl = strlen(charset);
  if (tl + cl > FRB_MAX_HEAD_BYTES)
    return FRB_ETOOBIG;
  if (tl + sizeof param + cl > sizeof small &&
      !(value = frb__malloc(tl + sizeof param + cl)))
    return FRB_ENOMEM;
  memcpy(value, type, tl);
  memcpy(value + tl, param, sizeof param - 1);
  memcpy(value + tl + sizeof param - 1, charset, cl + 1);
  rc = frb_header_set(r, "Content-Type", value);
  if (value != small)
    frb__free(value);
  return rc;
}
