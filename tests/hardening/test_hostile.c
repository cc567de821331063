/*
 * Hostile input, table-driven: every public function with NULL pointers,
 * empty strings, names with every byte, values with every control byte,
 * 1 MiB values, SIZE_MAX lengths, out-of-range status codes, %n formats,
 * and calls after frb_finish.  Each must return its documented error (the
 * RETURN VALUES of its manual page) and nothing may crash under ASan+UBSan.
 * After each group the response is finished and what reached the sink must
 * parse with the strict parser, so no rejected input leaked onto the wire.
 * Prints the number of inputs tried.  Output is TAP.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frb.h"
#include "strict_parser.h"

/* Huge requests must come back as NULL, not abort the sanitizer builds. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
  return "allocator_may_return_null=1";
}
const char *__tsan_default_options(void);
const char *__tsan_default_options(void) {
  return "allocator_may_return_null=1";
}

static unsigned long inputs, group_failures;

static void expect(int got, int want, const char *what, int detail) {
  inputs++;
  if (got != want) {
    group_failures++;
    printf("# %s (0x%02x): got %d (%s), want %d (%s)\n", what, detail, got,
           frb_strerror(got), want, frb_strerror(want));
  }
}

#define EXPECT(call, want) expect((call), (want), #call, 0)

static frb_response *fresh(struct sp_out *o) {
  frb_response *r;

  o->buf = NULL;
  o->len = 0;
  if (!(r = frb_new(sp_out_sink, o)))
    abort();
  /* The groups pile up thousands of fields on one response. */
  if (frb_set_limit(r, FRB_LIMIT_FIELDS, 1u << 20) != FRB_OK)
    abort();
  return r;
}

/* Finishes r (unless already done) and checks the wire with the strict
 * parser; then releases everything. */
static void close_and_check(frb_response *r, struct sp_out *o) {
  struct sp_head h;
  char err[160];
  int rc = frb_finish(r);

  if (rc != FRB_OK && rc != FRB_ESENT)
    expect(rc, FRB_OK, "closing finish", 0);
  if (o->len && sp_parse(o->buf, o->len, 0, &h, err, sizeof err) != 0) {
    group_failures++;
    printf("# wire does not parse: %s\n", err);
  } else if (o->len) {
    sp_head_free(&h);
  }
  frb_free(r);
  free(o->buf);
}

static int tchar(unsigned c) {
  return c < 256 && c && (sp_is_tchar((unsigned char)c));
}

/* ---------------------------------------------------------------- groups */

static void null_pointers(void) {
  struct sp_out o;
  frb_response *r = fresh(&o);
  char buf[8];

  EXPECT(frb_new(NULL, NULL) == NULL, 1);
  EXPECT(frb_new_fd(-1) == NULL, 1);
  EXPECT(frb_new_fd(INT_MAX) == NULL, 1);
  EXPECT(frb_new_fd(INT_MIN) == NULL, 1);
  EXPECT(frb_reset(NULL, sp_out_sink, &o), FRB_EINVAL);
  EXPECT(frb_reset(r, NULL, &o), FRB_EINVAL);
  frb_free(NULL);
  EXPECT(frb_set_status(NULL, 200), FRB_EINVAL);
  EXPECT(frb_set_status_reason(NULL, 200, "OK"), FRB_EINVAL);
  EXPECT(frb_set_status_reason(r, 200, NULL), FRB_EINVAL);
  EXPECT(frb_get_status(NULL), FRB_EINVAL);
  EXPECT(frb_header_set(NULL, "X", "v"), FRB_EINVAL);
  EXPECT(frb_header_set(r, NULL, "v"), FRB_EINVAL);
  EXPECT(frb_header_set(r, "X", NULL), FRB_EINVAL);
  EXPECT(frb_header_add(NULL, "X", "v"), FRB_EINVAL);
  EXPECT(frb_header_add(r, NULL, "v"), FRB_EINVAL);
  EXPECT(frb_header_add(r, "X", NULL), FRB_EINVAL);
  EXPECT(frb_header_setf(NULL, "X", "%d", 1), FRB_EINVAL);
  EXPECT(frb_header_setf(r, NULL, "%d", 1), FRB_EINVAL);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-security"
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  EXPECT(frb_header_setf(r, "X", NULL), FRB_EINVAL);
#pragma GCC diagnostic pop
  EXPECT(frb_header_del(NULL, "X"), FRB_EINVAL);
  EXPECT(frb_header_del(r, NULL), FRB_EINVAL);
  EXPECT(frb_header_get(NULL, "X", buf, sizeof buf), FRB_EINVAL);
  EXPECT(frb_header_get(r, NULL, buf, sizeof buf), FRB_EINVAL);
  EXPECT(frb_header_get(r, "X", NULL, 8), FRB_EINVAL);
  EXPECT(frb_header_get(r, "X", NULL, 0), FRB_ENOTFOUND);
  EXPECT(frb_redirect(NULL, 302, "/"), FRB_EINVAL);
  EXPECT(frb_redirect(r, 302, NULL), FRB_EINVAL);
  EXPECT(frb_cookie_add(NULL, "a", "b", NULL), FRB_EINVAL);
  EXPECT(frb_cookie_add(r, NULL, "b", NULL), FRB_EINVAL);
  EXPECT(frb_cookie_add(r, "a", NULL, NULL), FRB_EINVAL);
  EXPECT(frb_set_limit(NULL, FRB_LIMIT_HEAD_BYTES, 4096), FRB_EINVAL);
  EXPECT(frb_flush_headers(NULL), FRB_EINVAL);
  EXPECT(frb_write(NULL, "x", 1), FRB_EINVAL);
  EXPECT(frb_write(r, NULL, 1), FRB_EINVAL);
  EXPECT(frb_write(r, NULL, 0), FRB_OK);
  EXPECT(frb_finish(NULL), FRB_EINVAL);
  EXPECT(frb_headers_sent(NULL), FRB_EINVAL);
  EXPECT(frb_strerror(INT_MIN) != NULL, 1);
  EXPECT(frb_strerror(INT_MAX) != NULL, 1);
  EXPECT(frb_get_status(r), 200);
  close_and_check(r, &o);
}

static void empty_strings(void) {
  struct sp_out o;
  frb_response *r = fresh(&o);
  char buf[8];

  EXPECT(frb_header_set(r, "", "v"), FRB_EINVAL);
  EXPECT(frb_header_add(r, "", "v"), FRB_EINVAL);
  EXPECT(frb_header_setf(r, "", "%s", "v"), FRB_EINVAL);
  EXPECT(frb_header_del(r, ""), FRB_EINVAL);
  EXPECT(frb_header_get(r, "", buf, sizeof buf), FRB_EINVAL);
  EXPECT(frb_header_set(r, "X-Empty", ""), FRB_OK);
  EXPECT(frb_header_get(r, "X-Empty", buf, sizeof buf), 0);
  EXPECT(frb_header_add(r, "X-Empty", " \t "), FRB_OK);
  EXPECT(frb_header_setf(r, "X-Fmt", "%s", ""), FRB_OK);
  EXPECT(frb_header_setf(r, "X-Fmt2", "%s", ""), FRB_OK);
  EXPECT(frb_header_set(r, "Content-Length", ""), FRB_EINVAL);
  EXPECT(frb_set_status_reason(r, 200, ""), FRB_EINVAL);
  EXPECT(frb_redirect(r, 302, ""), FRB_EINVAL);
  EXPECT(frb_redirect(r, 302, "  "), FRB_EINVAL);
  EXPECT(frb_cookie_add(r, "", "v", NULL), FRB_EINVAL);
  EXPECT(frb_cookie_add(r, "c", "", NULL), FRB_OK);
  EXPECT(frb_write(r, "", 0), FRB_OK);
  close_and_check(r, &o);
}

/* Every byte as a one-byte name and inside a name. */
static void name_bytes(void) {
  struct sp_out o;
  frb_response *r = fresh(&o);
  char alone[2], inside[8], buf[16];

  EXPECT(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 1u << 20), FRB_OK);
  for (unsigned c = 1; c < 256; c++) {
    int ok = tchar(c);
    alone[0] = (char)c;
    alone[1] = '\0';
    snprintf(inside, sizeof inside, "X%cY", (char)c);
    /* "a".."z" were set already as "A".."Z": lookup ignores case. */
    expect(frb_header_get(r, alone, buf, sizeof buf),
           !ok                    ? FRB_EINVAL
           : c >= 'a' && c <= 'z' ? 1
                                  : FRB_ENOTFOUND,
           "get byte name", (int)c);
    expect(frb_header_set(r, alone, "v"), ok ? FRB_OK : FRB_EINVAL,
           "set byte name", (int)c);
    expect(frb_header_add(r, inside, "v"), ok ? FRB_OK : FRB_EINVAL,
           "add name with byte", (int)c);
    expect(frb_header_setf(r, inside, "%u", c), ok ? FRB_OK : FRB_EINVAL,
           "setf name with byte", (int)c);
    expect(frb_header_del(r, inside), ok ? FRB_OK : FRB_EINVAL,
           "del name with byte", (int)c);
    expect(frb_cookie_add(r, inside, "v", NULL), ok ? FRB_OK : FRB_EINVAL,
           "cookie name with byte", (int)c);
  }
  close_and_check(r, &o);
}

/* Every control byte, and DEL, at the start, inside and at the end of a
 * value; HTAB is the one allowed control and is trimmed at the edges. */
static void value_bytes(void) {
  struct sp_out o;
  frb_response *r = fresh(&o);
  char v[3][8];

  EXPECT(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 1u << 20), FRB_OK);
  for (unsigned c = 1; c < 256; c++) {
    int ok = c == '\t' || (c >= 0x20 && c != 0x7f);
    int cookie_ok = c >= 0x21 && c <= 0x7e && !strchr("\",;\\", (int)c);
    snprintf(v[0], sizeof v[0], "%ca", (char)c);
    snprintf(v[1], sizeof v[1], "a%cb", (char)c);
    snprintf(v[2], sizeof v[2], "a%c", (char)c);
    for (int i = 0; i < 3; i++) {
      expect(frb_header_set(r, "X-V", v[i]), ok ? FRB_OK : FRB_EINVAL,
             "set value byte", (int)c);
      expect(frb_header_add(r, "X-W", v[i]), ok ? FRB_OK : FRB_EINVAL,
             "add value byte", (int)c);
      expect(frb_header_setf(r, "X-F", "%s", v[i]), ok ? FRB_OK : FRB_EINVAL,
             "setf value byte", (int)c);
      /* 302: the redirect below leaves a Location, which a 200 may not
       * keep. */
      expect(frb_set_status_reason(r, 302, v[i]), ok ? FRB_OK : FRB_EINVAL,
             "reason byte", (int)c);
      expect(frb_redirect(r, 302, v[1]), ok ? FRB_OK : FRB_EINVAL,
             "location byte", (int)c);
      expect(frb_cookie_add(r, "c", v[1], NULL),
             cookie_ok ? FRB_OK : FRB_EINVAL, "cookie value byte", (int)c);
    }
  }
  close_and_check(r, &o);
}

static void huge_values(void) {
  const size_t mib = 1u << 20;
  char *big = malloc(17 * mib + 1);
  struct frb_cookie c = {0};
  struct sp_out o;
  frb_response *r = fresh(&o);

  memset(big, 'x', 17 * mib);
  big[mib] = '\0';
  EXPECT(frb_header_set(r, "X-Big", big), FRB_ETOOBIG);
  EXPECT(frb_header_add(r, "X-Big", big), FRB_ETOOBIG);
  EXPECT(frb_header_setf(r, "X-Big", "%s", big), FRB_ETOOBIG);
  EXPECT(frb_set_status_reason(r, 200, big), FRB_ETOOBIG);
  EXPECT(frb_redirect(r, 302, big), FRB_ETOOBIG);
  EXPECT(frb_cookie_add(r, "c", big, NULL), FRB_ETOOBIG);
  c.path = big;
  big[0] = '/'; /* a Path starts with '/' */
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_ETOOBIG);
  big[0] = 'x';
  EXPECT(frb_header_get(r, "X-Big", NULL, 0), FRB_ENOTFOUND);
  /* With the largest head limit a 1 MiB value fits; 17 MiB never does. */
  EXPECT(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 16u * mib), FRB_OK);
  EXPECT(frb_header_set(r, "X-Big", big), FRB_OK);
  EXPECT(frb_header_get(r, "X-Big", NULL, 0), FRB_ERANGE);
  big[mib] = 'x';
  big[17 * mib] = '\0';
  EXPECT(frb_header_set(r, "X-Bigger", big), FRB_ETOOBIG);
  EXPECT(frb_header_setf(r, "X-Bigger", "%s", big), FRB_ETOOBIG);
  EXPECT(frb_header_del(r, "X-Big"), FRB_OK);
  /* A 1 MiB body outgrows the buffer and streams. */
  EXPECT(frb_write(r, big, mib), FRB_OK);
  EXPECT(frb_headers_sent(r), 1);
  close_and_check(r, &o);
  free(big);
}

static void size_max_lengths(void) {
  struct sp_out o;
  frb_response *r = fresh(&o);
  char buf[64];

  EXPECT(frb_header_set(r, "X-S", "value"), FRB_OK);
  EXPECT(frb_header_get(r, "X-S", buf, SIZE_MAX), 5);
  EXPECT(frb_header_get(r, "X-S", buf, 5), FRB_ERANGE);
  EXPECT(frb_header_get(r, "X-S", buf, 6), 5);
  EXPECT(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, SIZE_MAX), FRB_EINVAL);
  EXPECT(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 0), FRB_EINVAL);
  EXPECT(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 63), FRB_EINVAL);
  EXPECT(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 16777217), FRB_EINVAL);
  /* 64 is valid, but not below this head and the room it keeps for the
   * default Content-Type and Content-Length. */
  EXPECT(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 64), FRB_ETOOBIG);
  EXPECT(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 4087), FRB_OK);
  EXPECT(frb_set_limit(r, (enum frb_limit) - 1, 1), FRB_EINVAL);
  EXPECT(frb_set_limit(r, (enum frb_limit)99, 1), FRB_EINVAL);
  EXPECT(frb_set_limit(r, (enum frb_limit)INT_MAX, 1), FRB_EINVAL);
  /* No object is larger than PTRDIFF_MAX: such a length is a bug. */
  EXPECT(frb_write(r, buf, SIZE_MAX), FRB_EINVAL);
  EXPECT(frb_write(r, buf, (size_t)PTRDIFF_MAX + 1), FRB_EINVAL);
  /* A body buffer as large as memory: the write cannot be buffered. */
  EXPECT(frb_set_limit(r, FRB_LIMIT_BODY_BUFFER, SIZE_MAX), FRB_OK);
  EXPECT(frb_write(r, buf, (size_t)1 << 46), FRB_ENOMEM);
  EXPECT(frb_set_limit(r, FRB_LIMIT_BODY_BUFFER, 0), FRB_OK);
  EXPECT(frb_write(r, "abc", 3), FRB_OK);
  EXPECT(frb_set_limit(r, FRB_LIMIT_BODY_BUFFER, 10), FRB_ESENT);
  close_and_check(r, &o);
}

static void status_codes(void) {
  static const int bad_codes[] = {-1,  0,   99,      100,     199,
                                  600, 999, INT_MAX, INT_MIN, 1000};
  struct sp_out o;
  frb_response *r = fresh(&o);

  for (size_t i = 0; i < sizeof bad_codes / sizeof *bad_codes; i++) {
    expect(frb_set_status(r, bad_codes[i]), FRB_EINVAL, "status",
           bad_codes[i] & 0xff);
    expect(frb_set_status_reason(r, bad_codes[i], "X"), FRB_EINVAL,
           "status with reason", bad_codes[i] & 0xff);
    expect(frb_redirect(r, bad_codes[i], "/"), FRB_EINVAL, "redirect code",
           bad_codes[i] & 0xff);
  }
  EXPECT(frb_get_status(r), 200);
  for (int code = 200; code <= 599; code++)
    expect(frb_set_status(r, code), FRB_OK, "status", code & 0xff);
  for (int code = 200; code <= 599; code++)
    expect(frb_redirect(r, code, "/x"),
           code >= 300 && code <= 399 && code != 304 ? FRB_OK : FRB_EINVAL,
           "redirect", code & 0xff);
  /* A status that cannot carry the Location is refused until it goes. */
  EXPECT(frb_set_status(r, 200), FRB_EINVAL);
  EXPECT(frb_header_del(r, "Location"), FRB_OK);
  EXPECT(frb_set_status(r, 200), FRB_OK);
  EXPECT(frb_write(r, "body", 4), FRB_OK);
  EXPECT(frb_set_status(r, 204), FRB_EINVAL);
  EXPECT(frb_set_status(r, 304), FRB_EINVAL);
  EXPECT(frb_get_status(r), 200);
  close_and_check(r, &o);
}

/* Formats that glibc runs as %n, however they are dressed. */
static void percent_n(void) {
  static const char *const formats[] = {
      "%n",   "abc%n", "%hhn",  "%hn",  "%ln",  "%lln",      "%jn",
      "%zn",  "%tn",   "%Ln",   "%qn",  "%Zn",  "%In",       "%'n",
      "%-5n", "%05n",  "%1$n",  "%*n",  "%.*n", "%.5n",      "% n",
      "%+#n", "% %%n", "%5%%n", "%%%n", "%s%n", "%.ll % -n", "%-%%n"};
  struct sp_out o;
  frb_response *r = fresh(&o);
  long long target[4];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-security"
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
  for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
    memset(target, 0x5a, sizeof target);
    expect(frb_header_setf(r, "X-N", formats[i], 1, target, target, target),
           FRB_EINVAL, formats[i], (int)i);
    if (target[0] != 0x5a5a5a5a5a5a5a5aLL) {
      group_failures++;
      printf("# %s wrote through the pointer\n", formats[i]);
    }
  }
  /* Literal "%%n" prints "%n" and writes nothing: it is accepted. */
  EXPECT(frb_header_setf(r, "X-N", "100%%n"), FRB_OK);
#pragma GCC diagnostic pop
  EXPECT(frb_header_get(r, "X-N", NULL, 0), FRB_ERANGE);
  close_and_check(r, &o);
}

static void after_finish(void) {
  struct sp_out o;
  frb_response *r = fresh(&o);
  char buf[16];

  EXPECT(frb_header_set(r, "X-A", "1"), FRB_OK);
  EXPECT(frb_write(r, "hi", 2), FRB_OK);
  EXPECT(frb_finish(r), FRB_OK);
  EXPECT(frb_header_set(r, "X-A", "2"), FRB_ESENT);
  EXPECT(frb_header_add(r, "X-B", "2"), FRB_ESENT);
  EXPECT(frb_header_setf(r, "X-A", "%d", 2), FRB_ESENT);
  EXPECT(frb_header_del(r, "X-A"), FRB_ESENT);
  EXPECT(frb_set_status(r, 500), FRB_ESENT);
  EXPECT(frb_set_status_reason(r, 500, "No"), FRB_ESENT);
  EXPECT(frb_redirect(r, 302, "/"), FRB_ESENT);
  EXPECT(frb_cookie_add(r, "c", "v", NULL), FRB_ESENT);
  EXPECT(frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 8192), FRB_ESENT);
  EXPECT(frb_set_limit(r, FRB_LIMIT_BODY_BUFFER, 8192), FRB_ESENT);
  EXPECT(frb_flush_headers(r), FRB_ESENT);
  EXPECT(frb_write(r, "more", 4), FRB_ESENT);
  EXPECT(frb_write(r, "", 0), FRB_ESENT);
  EXPECT(frb_finish(r), FRB_ESENT);
  EXPECT(frb_headers_sent(r), 1);
  EXPECT(frb_header_get(r, "X-A", buf, sizeof buf), 1);
  EXPECT(frb_get_status(r), 200);
  /* A reset response is open again. */
  EXPECT(frb_reset(r, sp_out_sink, &o), FRB_OK);
  EXPECT(frb_headers_sent(r), 0);
  EXPECT(frb_header_get(r, "X-A", buf, sizeof buf), FRB_ENOTFOUND);
  close_and_check(r, &o);
}

static void hostile_cookies(void) {
  struct sp_out o;
  frb_response *r = fresh(&o);
  struct frb_cookie c = {0};

  c.same_site = (enum frb_samesite) - 1;
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_EINVAL);
  c.same_site = (enum frb_samesite)4;
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_EINVAL);
  c.same_site = FRB_SAMESITE_NONE;
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_EINVAL);
  c.same_site = FRB_SAMESITE_DEFAULT;
  c.path = "/a;Secure";
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_EINVAL);
  c.path = "/a\r\nX-Evil: 1";
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_EINVAL);
  c.path = NULL;
  c.domain = "example.com\n";
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_EINVAL);
  c.domain = NULL;
  EXPECT(frb_cookie_add(r, "c", "v; Domain=evil", &c), FRB_EINVAL);
  EXPECT(frb_cookie_add(r, "c=d", "v", &c), FRB_EINVAL);
  EXPECT(frb_cookie_add(r, "__Host-c", "v", &c), FRB_EINVAL);
  EXPECT(frb_cookie_add(r, "__Secure-c", "v", &c), FRB_EINVAL);
  c.partitioned = 1;
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_EINVAL);
  c.partitioned = 0;
  c.expires = LLONG_MAX;
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_EINVAL);
  c.expires = LLONG_MIN;
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_EINVAL);
  c.expires = 0;
  c.has_max_age = 1;
  c.max_age = LLONG_MIN;
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_OK);
  c.max_age = LLONG_MAX;
  EXPECT(frb_cookie_add(r, "c", "v", &c), FRB_OK);
  close_and_check(r, &o);
}

int main(void) {
  static const struct {
    const char *name;
    void (*run)(void);
  } groups[] = {
      {"NULL pointers", null_pointers},
      {"empty strings", empty_strings},
      {"names with every byte 0x01-0xff", name_bytes},
      {"values with every control byte", value_bytes},
      {"1 MiB and 17 MiB values", huge_values},
      {"SIZE_MAX lengths and limits", size_max_lengths},
      {"status codes out of range", status_codes},
      {"%n formats", percent_n},
      {"use after frb_finish", after_finish},
      {"hostile cookie attributes", hostile_cookies},
  };
  const size_t n = sizeof groups / sizeof *groups;
  unsigned long failed = 0;

  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("1..%zu\n", n);
  for (size_t i = 0; i < n; i++) {
    unsigned long before = inputs;
    group_failures = 0;
    groups[i].run();
    printf("%s %zu - %s (%lu inputs)\n", group_failures ? "not ok" : "ok",
           i + 1, groups[i].name, inputs - before);
    failed += group_failures != 0;
  }
  printf("# hostile inputs tried: %lu\n", inputs);
  return failed ? 1 : 0;
}
