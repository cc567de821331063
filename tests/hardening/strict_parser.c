/* The strict head parser: see strict_parser.h.  Written from RFC 9112
 * sections 2.1, 4 and 5 and RFC 3875 section 6.3, with no tolerance. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strict_parser.h"

int sp_is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
      (c >= 'A' && c <= 'Z'))
    return 1;
  return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int sp_is_field_byte(unsigned char c) {
  return c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7e) || c >= 0x80;
}

static unsigned char fold(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

int sp_name_eq(const char *a, size_t alen, const char *b, size_t blen) {
  if (alen != blen)
    return 0;
  for (size_t i = 0; i < alen; i++)
    if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
      return 0;
  return 1;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;

  if (err && errlen) {
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* Finds the CRLF that ends the line starting at p; any other CR or LF, and
 * any NUL, is an error. */
static const char *line_end(const char *p, const char *end) {
  for (const char *q = p; q < end; q++) {
    if (*q == '\r')
      return (q + 1 < end && q[1] == '\n') ? q : NULL;
    if (*q == '\n' || *q == '\0')
      return NULL;
  }
  return NULL;
}

static int parse_status(const char *p, const char *eol, struct sp_head *h,
                        char *err, size_t errlen) {
  static const char prefix[] = "Status: ";
  size_t n = (size_t)(eol - p);

  if (n < sizeof prefix - 1 + 5 || memcmp(p, prefix, sizeof prefix - 1) != 0)
    return fail(err, errlen, "first line is not 'Status: NNN reason'");
  p += sizeof prefix - 1;
  for (int i = 0; i < 3; i++)
    if (p[i] < '0' || p[i] > '9')
      return fail(err, errlen, "status code is not 3 digits");
  h->status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
  if (h->status < 200 || h->status > 599)
    return fail(err, errlen, "status %d outside 200..599", h->status);
  if (p[3] != ' ')
    return fail(err, errlen, "no SP after status code");
  h->reason = p + 4;
  h->reason_len = (size_t)(eol - h->reason);
  if (h->reason_len == 0)
    return fail(err, errlen, "empty reason phrase");
  for (size_t i = 0; i < h->reason_len; i++)
    if (!sp_is_field_byte((unsigned char)h->reason[i]))
      return fail(err, errlen, "bad byte 0x%02x in reason",
                  (unsigned char)h->reason[i]);
  return 0;
}

/* field-line = field-name ":" SP field-value, the form libfrb writes. */
static int parse_field(const char *p, const char *eol, struct sp_field *f,
                       char *err, size_t errlen) {
  const char *q = p;

  while (q < eol && sp_is_tchar((unsigned char)*q))
    q++;
  if (q == p)
    return fail(err, errlen, "field line without a token name (obs-fold?)");
  if (q == eol || *q != ':')
    return fail(err, errlen, "bad byte 0x%02x in field name",
                q == eol ? 0 : (unsigned char)*q);
  f->name = p;
  f->name_len = (size_t)(q - p);
  q++;
  if (q == eol || *q != ' ')
    return fail(err, errlen, "no SP after ':' in %.*s", (int)f->name_len,
                f->name);
  q++;
  f->value = q;
  f->value_len = (size_t)(eol - q);
  for (size_t i = 0; i < f->value_len; i++)
    if (!sp_is_field_byte((unsigned char)q[i]))
      return fail(err, errlen, "bad byte 0x%02x in value of %.*s",
                  (unsigned char)q[i], (int)f->name_len, f->name);
  if (f->value_len &&
      (q[0] == ' ' || q[0] == '\t' || eol[-1] == ' ' || eol[-1] == '\t'))
    return fail(err, errlen, "untrimmed value of %.*s", (int)f->name_len,
                f->name);
  return 0;
}

static int add_field(struct sp_head *h, size_t *cap, const struct sp_field *f) {
  if (h->nfields == *cap) {
    size_t ncap = *cap ? *cap * 2 : 16;
    struct sp_field *nf = realloc(h->fields, ncap * sizeof *nf);
    if (!nf)
      return -1;
    h->fields = nf;
    *cap = ncap;
  }
  h->fields[h->nfields++] = *f;
  return 0;
}

static int check_semantics(struct sp_head *h, unsigned flags, char *err,
                           size_t errlen) {
  static const char *const single[] = {"Content-Type", "Content-Length",
                                       "Location"};
  const struct sp_field *cl;

  if (sp_count(h, "Status"))
    return fail(err, errlen, "a second Status line");
  if (sp_count(h, "Transfer-Encoding"))
    return fail(err, errlen, "Transfer-Encoding from a CGI application");
  for (size_t i = 0; i < sizeof single / sizeof *single; i++)
    if (sp_count(h, single[i]) > 1)
      return fail(err, errlen, "%s appears %zu times", single[i],
                  sp_count(h, single[i]));
  if ((cl = sp_find(h, "Content-Length", 0)) != NULL) {
    size_t n = 0;
    int overflow = 0;
    /* 1*DIGIT (RFC 9110 8.6); any length is grammatical. */
    if (cl->value_len == 0)
      return fail(err, errlen, "empty Content-Length");
    for (size_t i = 0; i < cl->value_len; i++) {
      if (cl->value[i] < '0' || cl->value[i] > '9')
        return fail(err, errlen, "Content-Length not digits");
      overflow |= n > ((size_t)-1 - 9) / 10;
      n = n * 10 + (size_t)(cl->value[i] - '0');
    }
    if ((flags & SP_BODY_IS_WHOLE) && (overflow || n != h->body_len))
      return fail(err, errlen, "Content-Length %zu but body has %zu bytes", n,
                  h->body_len);
  }
  return 0;
}

int sp_parse(const char *buf, size_t len, unsigned flags, struct sp_head *h,
             char *err, size_t errlen) {
  const char *p = buf, *end = buf + len, *eol;
  size_t cap = 0;

  memset(h, 0, sizeof *h);
  if (len == 0)
    return fail(err, errlen, "no output at all");
  if (!(eol = line_end(p, end)))
    return fail(err, errlen, "first line not ended by CRLF");
  if (parse_status(p, eol, h, err, errlen) != 0)
    return -1;
  p = eol + 2;
  for (;;) {
    struct sp_field f;
    if (!(eol = line_end(p, end))) {
      sp_head_free(h);
      return fail(err, errlen, "line %zu not ended by CRLF or has CR/LF/NUL",
                  h->nfields + 2);
    }
    if (eol == p)
      break;
    if (parse_field(p, eol, &f, err, errlen) != 0 ||
        add_field(h, &cap, &f) != 0) {
      sp_head_free(h);
      return -1;
    }
    p = eol + 2;
  }
  h->head_len = (size_t)(eol + 2 - buf);
  h->body = eol + 2;
  h->body_len = (size_t)(end - h->body);
  if (check_semantics(h, flags, err, errlen) != 0) {
    sp_head_free(h);
    return -1;
  }
  return 0;
}

void sp_head_free(struct sp_head *h) {
  free(h->fields);
  h->fields = NULL;
  h->nfields = 0;
}

const struct sp_field *sp_find(const struct sp_head *h, const char *name,
                               size_t idx) {
  size_t n = strlen(name);

  for (size_t i = 0; i < h->nfields; i++)
    if (sp_name_eq(h->fields[i].name, h->fields[i].name_len, name, n) &&
        idx-- == 0)
      return &h->fields[i];
  return NULL;
}

size_t sp_count(const struct sp_head *h, const char *name) {
  size_t n = 0;

  while (sp_find(h, name, n))
    n++;
  return n;
}

int sp_out_sink(void *ctx, const void *buf, size_t len) {
  struct sp_out *o = ctx;

  if (!(o->buf = realloc(o->buf, o->len + len + 1)))
    abort();
  memcpy(o->buf + o->len, buf, len);
  o->len += len;
  return 0;
}
