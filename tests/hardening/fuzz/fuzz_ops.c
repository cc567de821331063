/*
 * libFuzzer harness: an operation sequence read from the input is applied to
 * a response with a memory sink and, in parallel, to a reference model of the
 * documented semantics written here from the rules (not from src/).  Checked
 * after every call and at the end of every response:
 *   - the return code is the one the model predicts (so a rejected call is
 *     rejected for the documented reason, and an accepted one is accepted);
 *   - a rejected call changed nothing: status and every header, read back
 *     through frb_get_status/frb_header_get, still equal the model;
 *   - the bytes on the wire equal the model's bytes exactly, so every
 *     accepted header appears as accepted (trimmed), in order, once;
 *   - the head never exceeds the limit in force when it was sent;
 *   - the output parses with the strict parser (CRLF only, no CR/LF/NUL in
 *     a line, one head, Status first, single-valued fields once).
 */
#include <stdarg.h>

#include "frb.h"
#include "internal.h"
#include "fuzz_common.h"
#include "../strict_parser.h"

enum { ST_OPEN, ST_SENT, ST_DONE };

struct mline {
  char *name;
  char *value;
  size_t nlen, vlen;
};

struct model {
  int status;
  char *reason;
  size_t reason_len;
  struct mline *lines;
  size_t n, cap;
  size_t head_limit, body_limit;
  size_t max_lines; /* FRB_LIMIT_FIELDS */
  int state;
  int has_body;    /* bytes were buffered while open */
  size_t body_len; /* bytes buffered, not yet sent */
  char *body;
  int user_cl; /* Content-Length came from the caller */
  struct fz_sink expect;
};

static frb_response *resp;
static struct fz_sink wire;
static struct model m;

/* ------------------------------------------------------------ reference */

static int ref_value_byte(unsigned char c) {
  return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int ref_name_ok(const char *s) {
  if (!*s)
    return 0;
  for (; *s; s++)
    if (!sp_is_tchar((unsigned char)*s))
      return 0;
  return 1;
}

static int is_name(const char *a, const char *b) {
  return sp_name_eq(a, strlen(a), b, strlen(b));
}

/* Trims SP/HTAB; returns 0 if a forbidden byte is present. */
static int ref_value(const char *v, const char **out, size_t *len) {
  size_t n = strlen(v), s = 0;

  for (size_t i = 0; i < n; i++)
    if (!ref_value_byte((unsigned char)v[i]))
      return 0;
  while (s < n && (v[s] == ' ' || v[s] == '\t'))
    s++;
  while (n > s && (v[n - 1] == ' ' || v[n - 1] == '\t'))
    n--;
  *out = v + s;
  *len = n - s;
  return 1;
}

static size_t line_len(size_t nlen, size_t vlen) {
  return nlen + 2 + vlen + 2;
}

static size_t head_len(void) {
  size_t h = 8 + 4 + m.reason_len + 2;

  for (size_t i = 0; i < m.n; i++)
    h += line_len(m.lines[i].nlen, m.lines[i].vlen);
  return h;
}

static size_t digits_of(size_t v) {
  size_t n = 1;

  while (v >= 10) {
    v /= 10;
    n++;
  }
  return n;
}

/* The head after a change: its bytes and lines (Status excluded), its
 * status, and whether a Content-Type / Content-Length is in it. */
struct after {
  size_t bytes, lines;
  int status, ct, cl;
};

/* frb_set_limit(3): the head with the room for every field libfrb may add
 * itself stays within the byte and line limits. */
static int fits_after(const struct after *a) {
  size_t bytes = a->bytes + 2, lines = a->lines + 1;
  int nobody = a->status == 204 || a->status == 205 || a->status == 304;

  if (!nobody && !a->ct) {
    bytes += line_len(12, sizeof FRB_DEFAULT_CONTENT_TYPE - 1);
    lines++;
  }
  if (a->status != 204 && a->status != 304 && !a->cl) {
    bytes += line_len(14, a->status == 205 ? 1 : digits_of(m.body_limit));
    lines++;
  }
  return bytes <= m.head_limit && lines <= m.max_lines;
}

static long find(const char *name, size_t from);

static struct after now(void) {
  struct after a = {head_len(), m.n, m.status, find("Content-Type", 0) >= 0,
                    find("Content-Length", 0) >= 0};
  return a;
}

/* The status rules: no caller Content-Length on 204/205/304; no status
 * move to a code that cannot carry a Location while one is set. */
static int rules_ok(const struct after *a) {
  int nobody = a->status == 204 || a->status == 205 || a->status == 304;

  if (a->cl && nobody)
    return 0;
  if (find("Location", 0) >= 0 && a->status != m.status &&
      !(a->status == 201 || (a->status >= 300 && a->status <= 399)))
    return 0;
  return 1;
}

static int admit(const struct after *a) {
  if (!rules_ok(a))
    return FRB_EINVAL;
  return fits_after(a) ? FRB_OK : FRB_ETOOBIG;
}

static void note_name(struct after *a, const char *name, int present) {
  if (is_name(name, "Content-Type"))
    a->ct = present;
  if (is_name(name, "Content-Length"))
    a->cl = present;
}

static long find(const char *name, size_t from) {
  for (size_t i = from; i < m.n; i++)
    if (is_name(m.lines[i].name, name))
      return (long)i;
  return -1;
}

static char *dupn(const char *s, size_t n) {
  char *d = malloc(n + 1);

  if (!d)
    abort();
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static void append_line(const char *name, const char *v, size_t vlen) {
  if (m.n == m.cap) {
    m.cap = m.cap ? m.cap * 2 : 16;
    if (!(m.lines = realloc(m.lines, m.cap * sizeof *m.lines)))
      abort();
  }
  m.lines[m.n].name = dupn(name, strlen(name));
  m.lines[m.n].nlen = strlen(name);
  m.lines[m.n].value = dupn(v, vlen);
  m.lines[m.n].vlen = vlen;
  m.n++;
}

static void remove_line(size_t i) {
  free(m.lines[i].name);
  free(m.lines[i].value);
  memmove(&m.lines[i], &m.lines[i + 1], (m.n - i - 1) * sizeof *m.lines);
  m.n--;
}

static void set_reason(int code, const char *reason, size_t len) {
  free(m.reason);
  m.reason = dupn(reason, len);
  m.reason_len = len;
  m.status = code;
}

static void model_reset(void) {
  while (m.n)
    remove_line(m.n - 1);
  set_reason(200, "OK", 2);
  m.state = ST_OPEN;
  m.has_body = 0;
  m.body_len = 0;
  m.user_cl = 0;
  m.expect.len = 0;
}

static int forbidden(void) {
  return m.status == 204 || m.status == 205 || m.status == 304;
}

/* Shared by set, add and setf: the checks made before the lock. */
static int ref_prepare(const char *name, const char *value, const char **v,
                       size_t *vlen) {
  if (!ref_name_ok(name) || is_name(name, "Status") ||
      is_name(name, "Transfer-Encoding") || !ref_value(value, v, vlen))
    return FRB_EINVAL;
  if (is_name(name, "Content-Length")) {
    if (*vlen == 0)
      return FRB_EINVAL;
    for (size_t i = 0; i < *vlen; i++)
      if ((*v)[i] < '0' || (*v)[i] > '9')
        return FRB_EINVAL;
    /* At most INT64_MAX. */
    if (*vlen > 19 ||
        (*vlen == 19 && memcmp(*v, "9223372036854775807", 19) > 0))
      return FRB_EINVAL;
  }
  if ((is_name(name, "Content-Type") || is_name(name, "Location")) &&
      *vlen == 0)
    return FRB_EINVAL;
  return FRB_OK;
}

static int model_set(const char *name, const char *value) {
  const char *v;
  size_t vlen, h;
  long first;
  int rc;

  if ((rc = ref_prepare(name, value, &v, &vlen)) != FRB_OK)
    return rc;
  if (m.state != ST_OPEN)
    return FRB_ESENT;
  struct after a = now();
  note_name(&a, name, 1);
  if ((first = find(name, 0)) < 0) {
    a.bytes += line_len(strlen(name), vlen);
    a.lines++;
    if ((rc = admit(&a)) != FRB_OK)
      return rc;
    append_line(name, v, vlen);
  } else {
    h = head_len();
    for (long j = first; j >= 0; j = find(name, (size_t)j + 1))
      h -= line_len(m.lines[j].nlen, m.lines[j].vlen);
    a.bytes = h + line_len(m.lines[first].nlen, vlen);
    if ((rc = admit(&a)) != FRB_OK)
      return rc;
    for (long j; (j = find(name, (size_t)first + 1)) >= 0;)
      remove_line((size_t)j);
    free(m.lines[first].value);
    m.lines[first].value = dupn(v, vlen);
    m.lines[first].vlen = vlen;
  }
  if (is_name(name, "Content-Length"))
    m.user_cl = 1;
  return FRB_OK;
}

static int model_add(const char *name, const char *value) {
  const char *v;
  size_t vlen;
  int rc;

  if ((rc = ref_prepare(name, value, &v, &vlen)) != FRB_OK)
    return rc;
  if (m.state != ST_OPEN)
    return FRB_ESENT;
  if ((is_name(name, "Content-Type") || is_name(name, "Content-Length") ||
       is_name(name, "Location")) &&
      find(name, 0) >= 0)
    return FRB_EINVAL;
  struct after a = now();
  note_name(&a, name, 1);
  a.bytes += line_len(strlen(name), vlen);
  a.lines++;
  if ((rc = admit(&a)) != FRB_OK)
    return rc;
  /* Every line of a field is spelled as its first set/add was. */
  append_line(find(name, 0) >= 0 ? m.lines[find(name, 0)].name : name, v, vlen);
  if (is_name(name, "Content-Length"))
    m.user_cl = 1;
  return FRB_OK;
}

static int model_del(const char *name) {
  long j;

  if (!ref_name_ok(name))
    return FRB_EINVAL;
  if (m.state != ST_OPEN)
    return FRB_ESENT;
  if (find(name, 0) < 0)
    return FRB_ENOTFOUND;
  if (is_name(name, "Content-Type") || is_name(name, "Content-Length") ||
      is_name(name, "Location")) {
    struct after a = now();
    note_name(&a, name, 0);
    for (long i = find(name, 0); i >= 0; i = find(name, (size_t)i + 1))
      a.bytes -= line_len(m.lines[i].nlen, m.lines[i].vlen);
    if (!fits_after(&a))
      return FRB_ETOOBIG;
  }
  while ((j = find(name, 0)) >= 0)
    remove_line((size_t)j);
  if (is_name(name, "Content-Length"))
    m.user_cl = 0;
  return FRB_OK;
}

static int model_status(int code, const char *reason) {
  size_t rlen = strlen(reason);

  if (code < 200 || code > 599 || rlen == 0)
    return FRB_EINVAL;
  for (size_t i = 0; i < rlen; i++)
    if (!ref_value_byte((unsigned char)reason[i]))
      return FRB_EINVAL;
  if (m.state != ST_OPEN)
    return FRB_ESENT;
  if ((code == 204 || code == 205 || code == 304) && m.has_body)
    return FRB_EINVAL;
  struct after a = now();
  a.bytes = a.bytes - m.reason_len + rlen;
  a.status = code;
  int rc = admit(&a);
  if (rc != FRB_OK)
    return rc;
  set_reason(code, reason, rlen);
  return FRB_OK;
}

/* The head as flush/finish sends it, automatic fields included. */
static int model_claim(int finish) {
  static const char ct[] = FRB_DEFAULT_CONTENT_TYPE;
  char digits[32], line[64];
  int add_ct, add_cl;
  size_t extra = 0, h;

  add_ct = !forbidden() && (!finish || m.body_len > 0) &&
           find("Content-Type", 0) < 0;
  add_cl = finish && m.status != 204 && m.status != 304 &&
           find("Content-Length", 0) < 0;
  snprintf(digits, sizeof digits, "%zu", m.body_len);
  if (add_ct)
    extra += line_len(12, sizeof ct - 1);
  if (add_cl)
    extra += line_len(14, strlen(digits));
  /* The room was kept when the fields were admitted. */
  FZ_CHECK(head_len() + extra + 2 <= m.head_limit, "own fields do not fit");
  if (add_ct)
    append_line("Content-Type", ct, sizeof ct - 1);
  if (add_cl)
    append_line("Content-Length", digits, strlen(digits));
  h = head_len() + 2;
  FZ_CHECK(h <= m.head_limit, "head %zu > limit %zu", h, m.head_limit);
  snprintf(line, sizeof line, "Status: %03d ", m.status);
  fz_append(&m.expect, line, strlen(line));
  fz_append(&m.expect, m.reason, m.reason_len);
  fz_append(&m.expect, "\r\n", 2);
  for (size_t i = 0; i < m.n; i++) {
    fz_append(&m.expect, m.lines[i].name, m.lines[i].nlen);
    fz_append(&m.expect, ": ", 2);
    fz_append(&m.expect, m.lines[i].value, m.lines[i].vlen);
    fz_append(&m.expect, "\r\n", 2);
  }
  fz_append(&m.expect, "\r\n", 2);
  fz_append(&m.expect, m.body, m.body_len);
  m.body_len = 0;
  m.state = ST_SENT;
  return FRB_OK;
}

static int model_write(const char *buf, size_t len) {
  int rc;

  if (m.state == ST_DONE)
    return FRB_ESENT;
  if (len == 0)
    return FRB_OK;
  if (m.state == ST_SENT) {
    if (forbidden())
      return FRB_EINVAL;
    fz_append(&m.expect, buf, len);
    return FRB_OK;
  }
  if (forbidden())
    return FRB_EINVAL;
  if (len <= m.body_limit - m.body_len) {
    if (!(m.body = realloc(m.body, m.body_len + len)))
      abort();
    memcpy(m.body + m.body_len, buf, len);
    m.body_len += len;
    m.has_body = 1;
    return FRB_OK;
  }
  if ((rc = model_claim(0)) != FRB_OK)
    return rc;
  fz_append(&m.expect, buf, len);
  return FRB_OK;
}

static int model_finish(void) {
  int rc = FRB_OK;

  if (m.state == ST_DONE)
    return FRB_ESENT;
  if (m.state == ST_OPEN)
    rc = model_claim(1);
  if (rc == FRB_OK)
    m.state = ST_DONE;
  return rc;
}

static int model_head_limit(size_t value) {
  size_t old = m.head_limit;
  struct after a;

  if (value < 64 || value > 16u * 1024 * 1024)
    return FRB_EINVAL;
  if (m.state != ST_OPEN)
    return FRB_ESENT;
  m.head_limit = value;
  a = now();
  if (!fits_after(&a)) {
    m.head_limit = old;
    return FRB_ETOOBIG;
  }
  return FRB_OK;
}

static int model_limit(int which, size_t value) {
  struct after a;
  size_t old;

  if (which == FRB_LIMIT_HEAD_BYTES)
    return model_head_limit(value);
  /* The memory sink frames nothing: the buffer less nginx's spare byte. */
  if (which == FRB_LIMIT_SERVER_BUFFER)
    return value < 2 || value > 16u * 1024 * 1024 ? FRB_EINVAL
                                                  : model_head_limit(value - 1);
  if (which == FRB_LIMIT_FIELDS) {
    if (value < 1 || value > UINT32_MAX)
      return FRB_EINVAL;
    if (m.state != ST_OPEN)
      return FRB_ESENT;
    old = m.max_lines;
    m.max_lines = value;
    a = now();
    if (!fits_after(&a)) {
      m.max_lines = old;
      return FRB_ETOOBIG;
    }
    return FRB_OK;
  }
  if (which != FRB_LIMIT_BODY_BUFFER)
    return FRB_EINVAL;
  if (m.state != ST_OPEN)
    return FRB_ESENT;
  if (value < m.body_len)
    return FRB_ETOOBIG;
  old = m.body_limit;
  m.body_limit = value;
  a = now();
  if (!fits_after(&a)) {
    m.body_limit = old;
    return FRB_ETOOBIG;
  }
  return FRB_OK;
}

/* ------------------------------------------------------------- checking */

static void expect_rc(const char *what, int got, int want) {
  FZ_CHECK(got == want, "%s returned %d (%s), model says %d (%s)", what, got,
           frb_strerror(got), want, frb_strerror(want));
}

/* The response, read back through the API, equals the model. */
static void check_snapshot(void) {
  char buf[8192];

  FZ_CHECK(frb_get_status(resp) == m.status, "status %d, model %d",
           frb_get_status(resp), m.status);
  FZ_CHECK(frb_headers_sent(resp) == (m.state != ST_OPEN), "headers_sent");
  for (size_t i = 0; i < m.n; i++) {
    const struct mline *l = &m.lines[find(m.lines[i].name, 0)];
    int rc = frb_header_get(resp, m.lines[i].name, buf, sizeof buf);
    if (l->vlen >= sizeof buf) {
      FZ_CHECK(rc == FRB_ERANGE, "get %s: %d", l->name, rc);
      continue;
    }
    FZ_CHECK(rc == (int)l->vlen && memcmp(buf, l->value, l->vlen) == 0,
             "get %s returned %d '%s', model '%s'", l->name, rc, buf, l->value);
  }
}

static void check_output(void) {
  struct sp_head h;
  char err[160];

  FZ_CHECK(wire.len == m.expect.len &&
               memcmp(wire.buf ? wire.buf : "",
                      m.expect.buf ? m.expect.buf : "", wire.len) == 0,
           "wire (%zu bytes):\n%.*s\nmodel (%zu bytes):\n%.*s", wire.len,
           (int)wire.len, wire.buf, m.expect.len, (int)m.expect.len,
           m.expect.buf);
  if (wire.len == 0)
    return;
  FZ_CHECK(sp_parse(wire.buf, wire.len,
                    m.state == ST_DONE && !m.user_cl ? SP_BODY_IS_WHOLE : 0, &h,
                    err, sizeof err) == 0,
           "strict parser: %s\n%.*s", err, (int)wire.len, wire.buf);
  FZ_CHECK(h.head_len <= m.head_limit, "head %zu > limit", h.head_len);
  sp_head_free(&h);
}

/* ------------------------------------------------------------ operations */

static const char *const names[] = {"X-A",
                                    "x-a",
                                    "X-B",
                                    "Content-Type",
                                    "content-type",
                                    "Content-Length",
                                    "Location",
                                    "Status",
                                    "Transfer-Encoding",
                                    "Set-Cookie",
                                    "",
                                    "Bad Name",
                                    "X:Y",
                                    "X-\xc3\xa9",
                                    "Cache-Control",
                                    "X-A\r\nX-Evil"};

static char *take_name(struct fz_in *in) {
  uint8_t b = fz_u8(in);

  if (b & 0x80)
    return fz_str(in);
  b %= sizeof names / sizeof *names;
  return dupn(names[b], strlen(names[b]));
}

/* Raw bytes, or a long run of one byte wrapped in whitespace: the limits are
 * reached only with values longer than a fuzz input usually is. */
static char *take_value(struct fz_in *in) {
  uint8_t b = fz_u8(in);
  size_t n;
  char *s;

  if (b < 0xe0)
    return fz_str(in);
  n = fz_u16(in) % 5000;
  if (!(s = malloc(n + 3)))
    abort();
  s[0] = (b & 1) ? ' ' : 'v';
  memset(s + 1, (char)(fz_u8(in) | 1), n);
  s[n + 1] = (b & 2) ? '\t' : 'w';
  s[n + 2] = '\0';
  return s;
}

static int take_code(struct fz_in *in) {
  static const int special[] = {-1,  0,   99,         100,
                                199, 200, 204,        304,
                                599, 600, 2147483647, -2147483647 - 1};
  uint8_t b = fz_u8(in);

  if (b < sizeof special / sizeof *special)
    return special[b];
  return 150 + (int)(fz_u16(in) % 500);
}

static void op_header(int op, struct fz_in *in) {
  char *name = take_name(in), *value = take_value(in);
  char formatted[16384];
  int got, want, k;

  switch (op) {
  case 0:
    want = model_set(name, value);
    got = frb_header_set(resp, name, value);
    break;
  case 1:
    want = model_add(name, value);
    got = frb_header_add(resp, name, value);
    break;
  default:
    k = fz_u8(in);
    if (k & 1) {
      snprintf(formatted, sizeof formatted, "%d;%s", k, value);
      want = model_set(name, formatted);
      got = frb_header_setf(resp, name, "%d;%s", k, value);
    } else {
      want = model_set(name, value);
      got = frb_header_setf(resp, name, "%s", value);
    }
    break;
  }
  expect_rc(op == 0 ? "set" : op == 1 ? "add" : "setf", got, want);
  if (got != FRB_OK)
    check_snapshot();
  free(name);
  free(value);
}

static void op_get(struct fz_in *in) {
  char *name = take_name(in);
  size_t size = fz_u8(in) % 64;
  char *buf = malloc(size ? size : 1);
  long i = ref_name_ok(name) ? find(name, 0) : -1;
  int got = frb_header_get(resp, name, buf, size);

  if (!ref_name_ok(name))
    expect_rc("get", got, FRB_EINVAL);
  else if (i < 0)
    expect_rc("get", got, FRB_ENOTFOUND);
  else if (size <= m.lines[i].vlen)
    expect_rc("get", got, FRB_ERANGE);
  else
    FZ_CHECK(got == (int)m.lines[i].vlen &&
                 memcmp(buf, m.lines[i].value, m.lines[i].vlen + 1) == 0,
             "get %s", name);
  free(buf);
  free(name);
}

static void op_status(int with_reason, struct fz_in *in) {
  int code = take_code(in), got, want;

  if (with_reason) {
    char *reason = fz_str(in);
    want = model_status(code, reason);
    got = frb_set_status_reason(resp, code, reason);
    free(reason);
  } else {
    want = code >= 200 && code <= 599 ? model_status(code, frb__reason(code))
                                      : FRB_EINVAL;
    got = frb_set_status(resp, code);
  }
  expect_rc("status", got, want);
  if (got != FRB_OK)
    check_snapshot();
}

static void op_write(struct fz_in *in, unsigned serial) {
  uint8_t b = fz_u8(in);
  size_t len = (b & 0x80) ? fz_u16(in) * 2u : b;
  char *buf = malloc(len ? len : 1);

  for (size_t i = 0; i < len; i++)
    buf[i] = (char)('a' + (serial + i) % 26);
  expect_rc("write", frb_write(resp, buf, len), model_write(buf, len));
  free(buf);
}

static void op_limit(struct fz_in *in) {
  uint8_t b = fz_u8(in);
  int which = b & 7;
  size_t value;

  if (which > 3)
    which = b; /* an out-of-range enum value */
  value = (b & 4) ? fz_u32(in) : fz_u16(in);
  if (b & 8)
    value = (size_t)-1 - (b >> 4);
  expect_rc("set_limit", frb_set_limit(resp, (enum frb_limit)which, value),
            model_limit(which, value));
}

static void end_response(void) {
  check_snapshot();
  check_output();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct fz_in in = {data, size};
  unsigned serial = 0;

  memset(&m, 0, sizeof m);
  memset(&wire, 0, sizeof wire);
  m.head_limit = FRB_DEFAULT_HEAD_BYTES;
  m.body_limit = FRB_DEFAULT_BODY_BUFFER;
  m.max_lines = FRB_DEFAULT_FIELDS;
  model_reset();
  if (!(resp = frb_new(fz_sink_write, &wire)))
    abort();
  while (in.n > 0) {
    uint8_t op = fz_u8(&in);
    serial++;
    switch (op % 13) {
    case 0:
    case 1:
    case 2: op_header(op % 13, &in); break;
    case 3: {
      char *name = take_name(&in);
      int want = model_del(name);
      expect_rc("del", frb_header_del(resp, name), want);
      free(name);
      break;
    }
    case 4: op_get(&in); break;
    case 5:
    case 6: op_status(op % 13 == 6, &in); break;
    case 7: op_write(&in, serial); break;
    case 8:
      expect_rc("flush", frb_flush_headers(resp),
                m.state == ST_OPEN ? model_claim(0) : FRB_ESENT);
      break;
    case 9: expect_rc("finish", frb_finish(resp), model_finish()); break;
    case 10: op_limit(&in); break;
    case 11:
      end_response();
      expect_rc("reset", frb_reset(resp, fz_sink_write, &wire), FRB_OK);
      wire.len = 0;
      model_reset();
      break;
    default: check_snapshot(); break;
    }
  }
  expect_rc("finish", frb_finish(resp), model_finish());
  end_response();
  frb_free(resp);
  model_reset();
  free(m.lines);
  free(m.reason);
  free(m.body);
  free(m.expect.buf);
  free(wire.buf);
  return 0;
}
