/* Shared helpers for the unit tests; see util.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* ---------------------------------------------------------------- sinks */

void sink_init_failing(struct sink *s, size_t fail_at) {
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->mu, NULL);
  s->cap = 256;
  s->buf = malloc(s->cap);
  assert_non_null(s->buf);
  s->buf[0] = '\0';
  s->fail_at = fail_at;
}

void sink_init(struct sink *s) {
  sink_init_failing(s, SIZE_MAX);
}

void sink_clear(struct sink *s) {
  pthread_mutex_lock(&s->mu);
  s->len = 0;
  s->buf[0] = '\0';
  s->writes = 0;
  pthread_mutex_unlock(&s->mu);
}

void sink_destroy(struct sink *s) {
  pthread_mutex_destroy(&s->mu);
  free(s->buf);
  s->buf = NULL;
}

static void append(struct sink *s, const void *buf, size_t len) {
  if (s->len + len + 1 > s->cap) {
    size_t cap = s->cap * 2;
    while (cap < s->len + len + 1)
      cap *= 2;
    s->buf = realloc(s->buf, cap);
    if (!s->buf)
      abort();
    s->cap = cap;
  }
  memcpy(s->buf + s->len, buf, len);
  s->len += len;
  s->buf[s->len] = '\0';
}

int sink_write(void *ctx, const void *buf, size_t len) {
  struct sink *s = ctx;
  int rc = 0;

  pthread_mutex_lock(&s->mu);
  if (s->writes < SINK_MAX_WRITES)
    s->write_len[s->writes] = len;
  s->writes++;
  if (s->fail_at != SIZE_MAX && s->len + len > s->fail_at) {
    append(s, buf, s->fail_at > s->len ? s->fail_at - s->len : 0);
    rc = -1;
  } else {
    append(s, buf, len);
  }
  pthread_mutex_unlock(&s->mu);
  return rc;
}

int sink_fail_always(void *ctx, const void *buf, size_t len) {
  (void)ctx;
  (void)buf;
  (void)len;
  return -1;
}

static void print_escaped(const char *label, const char *p, size_t n) {
  print_error("%s (%zu bytes): \"", label, n);
  for (size_t i = 0; i < n && i < 600; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c == '\r')
      print_error("\\r");
    else if (c == '\n')
      print_error("\\n");
    else if (c < 0x20 || c >= 0x7f)
      print_error("\\x%02x", c);
    else
      print_error("%c", c);
  }
  print_error("%s\"\n", n > 600 ? "..." : "");
}

void expect_bytes(const char *what, const char *got, size_t got_len,
                  const char *want, size_t want_len) {
  if (got_len == want_len && memcmp(got, want, got_len) == 0)
    return;
  print_error("%s differs\n", what);
  print_escaped("want", want, want_len);
  print_escaped("got ", got, got_len);
  fail();
}

void expect_sink(const struct sink *s, const char *expected) {
  expect_bytes("sink", s->buf, s->len, expected, strlen(expected));
}

/* ------------------------------------------------------- strict parser */

static int is_tchar(unsigned char c) {
  return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_vchar_or_obs(unsigned char c) {
  return (c >= 0x21 && c <= 0x7e) || c >= 0x80;
}

static int bad(struct parsed *p, size_t at, const char *why) {
  snprintf(p->err, sizeof p->err, "offset %zu: %s", at, why);
  return -1;
}

/* Length of the line at off, without its CRLF; -1 when the line holds a bare
 * CR or LF or does not end in CRLF. */
static long line_end(const char *b, size_t len, size_t off) {
  for (size_t i = off; i < len; i++) {
    if (b[i] == '\n')
      return -1;
    if (b[i] == '\r')
      return i + 1 < len && b[i + 1] == '\n' ? (long)(i - off) : -1;
  }
  return -1;
}

static int parse_status(const char *b, size_t n, struct parsed *p) {
  static const char prefix[] = "Status: ";
  size_t plen = sizeof prefix - 1;

  if (n < plen + 5 || memcmp(b, prefix, plen) != 0)
    return bad(p, 0, "head does not start with \"Status: NNN R\"");
  for (size_t i = plen; i < plen + 3; i++)
    if (b[i] < '0' || b[i] > '9')
      return bad(p, i, "status code is not three digits");
  p->status =
      (b[plen] - '0') * 100 + (b[plen + 1] - '0') * 10 + (b[plen + 2] - '0');
  if (b[plen + 3] != ' ')
    return bad(p, plen + 3, "no SP after the status code");
  for (size_t i = plen + 4; i < n; i++)
    if (b[i] != '\t' && b[i] != ' ' && !is_vchar_or_obs((unsigned char)b[i]))
      return bad(p, i, "bad byte in the reason phrase");
  if (n - plen - 4 >= sizeof p->reason)
    return bad(p, plen + 4, "reason phrase too long for the parser");
  memcpy(p->reason, b + plen + 4, n - plen - 4);
  p->reason[n - plen - 4] = '\0';
  return 0;
}

static char *dup_n(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d)
    abort();
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

/* field-line = field-name ":" OWS field-value OWS   (RFC 9112 5) */
static int parse_field(const char *b, size_t off, size_t n, struct parsed *p) {
  size_t i = 0, vs, ve;
  struct field *f;

  while (i < n && is_tchar((unsigned char)b[off + i]))
    i++;
  if (i == 0)
    return bad(p, off,
               b[off] == ' ' || b[off] == '\t'
                   ? "obs-fold or whitespace before a field name"
                   : "empty or invalid field name");
  if (i == n || b[off + i] != ':')
    return bad(p, off + i, "field name not followed by ':'");
  vs = i + 1;
  while (vs < n && (b[off + vs] == ' ' || b[off + vs] == '\t'))
    vs++;
  ve = n;
  while (ve > vs && (b[off + ve - 1] == ' ' || b[off + ve - 1] == '\t'))
    ve--;
  for (size_t k = vs; k < ve; k++) {
    unsigned char c = (unsigned char)b[off + k];
    if (c != ' ' && c != '\t' && !is_vchar_or_obs(c))
      return bad(p, off + k, "bad byte in a field value");
  }
  f = realloc(p->fields, (p->nfields + 1) * sizeof *f);
  if (!f)
    abort();
  p->fields = f;
  f[p->nfields].name = dup_n(b + off, i);
  f[p->nfields].value = dup_n(b + off + vs, ve - vs);
  p->nfields++;
  return 0;
}

int parse_response(const char *b, size_t len, struct parsed *p) {
  size_t off;
  long n;

  memset(p, 0, sizeof *p);
  if ((n = line_end(b, len, 0)) < 0)
    return bad(p, 0, "status line not ended by CRLF (or bare CR/LF)");
  if (parse_status(b, (size_t)n, p) != 0)
    return -1;
  off = (size_t)n + 2;
  for (;;) {
    if ((n = line_end(b, len, off)) < 0)
      return bad(p, off, "line not ended by CRLF (or bare CR/LF)");
    if (n == 0)
      break;
    if (parse_field(b, off, (size_t)n, p) != 0)
      return -1;
    off += (size_t)n + 2;
  }
  p->head_len = off + 2;
  p->body = b + p->head_len;
  p->body_len = len - p->head_len;
  return 0;
}

void parsed_free(struct parsed *p) {
  for (size_t i = 0; i < p->nfields; i++) {
    free(p->fields[i].name);
    free(p->fields[i].value);
  }
  free(p->fields);
  p->fields = NULL;
  p->nfields = 0;
}

void parse_or_fail(const struct sink *s, struct parsed *p) {
  if (parse_response(s->buf, s->len, p) != 0) {
    print_error("strict parser: %s\n", p->err);
    print_escaped("input", s->buf, s->len);
    parsed_free(p);
    fail();
  }
}

size_t count_field(const struct parsed *p, const char *name) {
  size_t c = 0;

  for (size_t i = 0; i < p->nfields; i++)
    if (strcasecmp(p->fields[i].name, name) == 0)
      c++;
  return c;
}

const char *field_value(const struct parsed *p, const char *name, size_t idx) {
  for (size_t i = 0; i < p->nfields; i++)
    if (strcasecmp(p->fields[i].name, name) == 0 && idx-- == 0)
      return p->fields[i].value;
  return NULL;
}

/* ------------------------------------------------------------- misc */

int fx_setup(void **state) {
  struct fixture *f = calloc(1, sizeof *f);

  if (!f)
    return -1;
  sink_init(&f->s);
  f->r = frb_new(sink_write, &f->s);
  *state = f;
  return f->r ? 0 : -1;
}

int fx_teardown(void **state) {
  struct fixture *f = *state;

  frb_free(f->r);
  sink_destroy(&f->s);
  free(f);
  return 0;
}

frb_response *new_on(struct sink *s) {
  frb_response *r = frb_new(sink_write, s);
  assert_non_null(r);
  return r;
}

void finish_ok(frb_response *r) {
  assert_int_equal(frb_finish(r), FRB_OK);
}

char *repeat(char c, size_t n) {
  char *s = malloc(n + 1);
  if (!s)
    abort();
  memset(s, c, n);
  s[n] = '\0';
  return s;
}
