/* frb_header_set(3), _add(3), _setf(3), _del(3), _get(3) and
 * frb_set_limit(3): header names, values, single-valued fields, the head
 * limit. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CT_DEFAULT "Content-Type: text/plain; charset=utf-8\r\n"

/* Finishes the bodiless response and checks every byte of it: the status
 * line, the given header lines, "Content-Length: 0" and the final CRLF. */
static void expect_head(struct fixture *f, const char *lines) {
  size_t n = strlen(lines) + 128;
  char *want = malloc(n);

  assert_non_null(want);
  finish_ok(f->r);
  snprintf(want, n, "Status: 200 OK\r\n%sContent-Length: 0\r\n\r\n", lines);
  expect_sink(&f->s, want);
  free(want);
}

/* ----------------------------------------------------------- names (5) */

static const char tchars[] = "!#$%&'*+-.^_`|~0123456789"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "abcdefghijklmnopqrstuvwxyz";

static void test_name_accepts_every_tchar(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, tchars, "v"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "x", "1"), FRB_OK);
  expect_head(f, "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "abcdefghijklmnopqrstuvwxyz: v\r\nx: 1\r\n");
}

static void test_name_rejects_non_token_bytes(void **state) {
  struct fixture *f = *state;
  char name[4] = "a?b";
  char buf[8];

  assert_int_equal(frb_header_set(f->r, "", "v"), FRB_EINVAL);
  assert_int_equal(frb_header_add(f->r, "", "v"), FRB_EINVAL);
  assert_int_equal(frb_header_setf(f->r, "", "v"), FRB_EINVAL);
  for (int c = 1; c < 256; c++) {
    if (strchr(tchars, c))
      continue;
    for (int pos = 0; pos < 3; pos++) {
      memcpy(name, "a?b", 4);
      name[pos] = (char)c;
      assert_int_equal(frb_header_set(f->r, name, "v"), FRB_EINVAL);
      assert_int_equal(frb_header_add(f->r, name, "v"), FRB_EINVAL);
      assert_int_equal(frb_header_setf(f->r, name, "%s", "v"), FRB_EINVAL);
      assert_int_equal(frb_header_del(f->r, name), FRB_EINVAL);
      assert_int_equal(frb_header_get(f->r, name, buf, sizeof buf), FRB_EINVAL);
    }
  }
  expect_head(f, "");
}

static void test_name_status_refused(void **state) {
  struct fixture *f = *state;
  static const char *const names[] = {"Status", "status", "STATUS", "sTaTuS"};

  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(frb_header_set(f->r, names[i], "302"), FRB_EINVAL);
    assert_int_equal(frb_header_add(f->r, names[i], "302"), FRB_EINVAL);
    assert_int_equal(frb_header_setf(f->r, names[i], "%d", 302), FRB_EINVAL);
  }
  /* Names that merely contain it are ordinary. */
  assert_int_equal(frb_header_add(f->r, "X-Status", "1"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Statuss", "2"), FRB_OK);
  expect_head(f, "X-Status: 1\r\nStatuss: 2\r\n");
}

static void test_name_transfer_encoding_refused(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "Transfer-Encoding", "chunked"),
                   FRB_EINVAL);
  assert_int_equal(frb_header_add(f->r, "transfer-encoding", "chunked"),
                   FRB_EINVAL);
  assert_int_equal(frb_header_setf(f->r, "TRANSFER-ENCODING", "%s", "gzip"),
                   FRB_EINVAL);
  expect_head(f, "");
}

static void test_name_lookup_is_case_insensitive(void **state) {
  struct fixture *f = *state;
  char buf[16];

  assert_int_equal(frb_header_set(f->r, "X-Mixed-Case", "1"), FRB_OK);
  assert_int_equal(frb_header_get(f->r, "x-mixed-case", buf, sizeof buf), 1);
  assert_string_equal(buf, "1");
  assert_int_equal(frb_header_get(f->r, "X-MIXED-CASE", buf, sizeof buf), 1);
  assert_int_equal(frb_header_set(f->r, "X-MIXED-case", "2"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Other", "o"), FRB_OK);
  assert_int_equal(frb_header_del(f->r, "other"), FRB_OK);
  /* '-' and '_' are different bytes, not case variants. */
  assert_int_equal(frb_header_get(f->r, "X_Mixed_Case", buf, sizeof buf),
                   FRB_ENOTFOUND);
  expect_head(f, "X-Mixed-Case: 2\r\n");
}

static void test_name_output_keeps_first_spelling(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "x-request-ID", "a"), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "X-Request-Id", "b"), FRB_OK);
  assert_int_equal(frb_header_setf(f->r, "X-REQUEST-ID", "%s", "c"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "vary", "Accept"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Vary", "Origin"), FRB_OK);
  expect_head(f, "x-request-ID: c\r\nvary: Accept\r\nvary: Origin\r\n");
}

/* ---------------------------------------------------- set / add / del */

static void test_set_replaces_all_keeping_first_position(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_add(f->r, "A", "1"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "B", "x"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "a", "2"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "C", "y"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "A", "3"), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "a", "a much longer value"), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "B", ""), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "D", "new"), FRB_OK);
  expect_head(f, "A: a much longer value\r\nB: \r\nC: y\r\nD: new\r\n");
}

static void test_add_appends_in_insertion_order(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_add(f->r, "Vary", "1"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Link", "<a>"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Vary", "2"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Vary", "2"), FRB_OK);
  expect_head(f, "Vary: 1\r\nLink: <a>\r\nVary: 2\r\nVary: 2\r\n");
}

static void test_set_cookie_never_joined(void **state) {
  struct fixture *f = *state;
  char buf[64];

  assert_int_equal(frb_header_add(f->r, "Set-Cookie", "a=1; Path=/"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Set-Cookie",
                                  "b=2; Expires=Sun, 06 Nov 1994 08:49:37 GMT"),
                   FRB_OK);
  assert_int_equal(frb_header_add(f->r, "set-cookie", "c=3"), FRB_OK);
  assert_int_equal(frb_header_get(f->r, "Set-Cookie", buf, sizeof buf), 11);
  assert_string_equal(buf, "a=1; Path=/");
  expect_head(f, "Set-Cookie: a=1; Path=/\r\n"
                 "Set-Cookie: b=2; Expires=Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                 "Set-Cookie: c=3\r\n");
}

static void test_del_removes_every_occurrence(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_add(f->r, "A", "1"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "B", "x"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "a", "2"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "C", "y"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "A", "3"), FRB_OK);
  assert_int_equal(frb_header_del(f->r, "a"), FRB_OK);
  assert_int_equal(frb_header_del(f->r, "A"), FRB_ENOTFOUND);
  assert_int_equal(frb_header_del(f->r, "C"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "A", "4"), FRB_OK);
  expect_head(f, "B: x\r\nA: 4\r\n");
}

static void test_del_missing_is_enotfound(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_del(f->r, "X-Nothing"), FRB_ENOTFOUND);
  assert_int_equal(frb_header_add(f->r, "X-Something", "1"), FRB_OK);
  assert_int_equal(frb_header_del(f->r, "X-Some"), FRB_ENOTFOUND);
  assert_int_equal(frb_header_del(f->r, "X-Somethings"), FRB_ENOTFOUND);
  expect_head(f, "X-Something: 1\r\n");
}

/* ----------------------------------------------------------------- get */

static void test_get_copies_first_value_nul_terminated(void **state) {
  struct fixture *f = *state;
  char buf[32];

  memset(buf, 'Z', sizeof buf);
  assert_int_equal(frb_header_add(f->r, "X-A", "first"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "x-a", "second"), FRB_OK);
  assert_int_equal(frb_header_get(f->r, "X-a", buf, sizeof buf), 5);
  assert_memory_equal(buf, "first\0ZZ", 8);
  assert_int_equal(frb_header_get(f->r, "X-B", buf, sizeof buf), FRB_ENOTFOUND);
  assert_int_equal(frb_header_set(f->r, "X-E", "  "), FRB_OK);
  assert_int_equal(frb_header_get(f->r, "X-E", buf, 1), 0);
  assert_int_equal(buf[0], '\0');
}

static void test_get_erange_when_size_not_above_length(void **state) {
  struct fixture *f = *state;
  char buf[8];

  assert_int_equal(frb_header_set(f->r, "X-A", "abcde"), FRB_OK);
  memset(buf, 'Z', sizeof buf);
  assert_int_equal(frb_header_get(f->r, "X-A", buf, 5), FRB_ERANGE);
  assert_int_equal(frb_header_get(f->r, "X-A", buf, 1), FRB_ERANGE);
  assert_int_equal(frb_header_get(f->r, "X-A", buf, 0), FRB_ERANGE);
  assert_int_equal(frb_header_get(f->r, "X-A", NULL, 0), FRB_ERANGE);
  assert_memory_equal(buf, "ZZZZZZZZ", 8); /* untouched on ERANGE */
  /* The exact boundary: room for the value and its NUL. */
  assert_int_equal(frb_header_get(f->r, "X-A", buf, 6), 5);
  assert_memory_equal(buf, "abcde\0ZZ", 8);
  assert_int_equal(frb_header_set(f->r, "X-E", ""), FRB_OK);
  assert_int_equal(frb_header_get(f->r, "X-E", buf, 0), FRB_ERANGE);
}

/* ---------------------------------------------------------------- setf */

static void test_setf_formats_value(void **state) {
  struct fixture *f = *state;
  char buf[128];

  assert_int_equal(
      frb_header_setf(f->r, "X-F", "%d|%zu|%lld|%x|%s|%.2f|%c|%%|%05u", -5,
                      (size_t)7, 1LL << 40, 255u, "str", 1.5, 'c', 42u),
      FRB_OK);
  assert_int_equal(frb_header_get(f->r, "X-F", buf, sizeof buf), 40);
  assert_string_equal(buf, "-5|7|1099511627776|ff|str|1.50|c|%|00042");
  /* setf is a set: it replaces. */
  assert_int_equal(frb_header_add(f->r, "X-F", "dup"), FRB_OK);
  assert_int_equal(frb_header_setf(f->r, "x-f", "%s", "  trimmed\t"), FRB_OK);
  expect_head(f, "X-F: trimmed\r\n");
}

static void test_setf_big_value_over_256_bytes(void **state) {
  struct fixture *f = *state;
  char *big = repeat('b', 3000);
  char *want = malloc(4000);
  char buf[3100];

  assert_non_null(want);
  for (size_t n = 250; n <= 3000; n += 250) {
    assert_int_equal(frb_header_setf(f->r, "X-Big", "<%.*s>", (int)n, big),
                     FRB_OK);
    assert_int_equal(frb_header_get(f->r, "X-Big", buf, sizeof buf),
                     (int)n + 2);
    assert_int_equal(buf[0], '<');
    assert_int_equal(buf[n + 1], '>');
    assert_int_equal(strspn(buf + 1, "b"), n);
  }
  assert_int_equal(frb_header_setf(f->r, "X-Pad", "%0*d", 300, 7), FRB_OK);
  snprintf(want, 4000, "X-Big: <%s>\r\nX-Pad: %0*d\r\n", big, 300, 7);
  expect_head(f, want);
  free(big);
  free(want);
}

/* frb_header_setf with a format that is no literal, which -Wformat rightly
 * objects to: here that is the point.  With 'lead', an int (65) comes
 * before the pointer a %n would write through. */
static int setf_unchecked(frb_response *r, const char *fmt, int lead, void *p) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
#pragma GCC diagnostic ignored "-Wformat"
  return lead ? frb_header_setf(r, "X-N", fmt, 65, p)
              : frb_header_setf(r, "X-N", fmt, p);
#pragma GCC diagnostic pop
}

/* Every format is refused, and nothing is written through the pointer. */
static void expect_all_refused(struct fixture *f, const char *const *fmts,
                               size_t n, int lead) {
  long long sink_var = 0;

  for (size_t i = 0; i < n; i++)
    assert_int_equal(setf_unchecked(f->r, fmts[i], lead, &sink_var),
                     FRB_EINVAL);
  assert_int_equal(sink_var, 0);
}

/* %n writes through a pointer: the misuse a header value must refuse. */
static void test_setf_refuses_percent_n(void **state) {
  struct fixture *f = *state;
  static const char *const fmts[] = {"%n",  "a%nb", "%5n",     "%hhn", "%ln",
                                     "%zn", "%1$n", "%-08.3n", "%%%n"};

  expect_all_refused(f, fmts, sizeof fmts / sizeof fmts[0], 0);
  /* "%%n" is a literal percent sign followed by n, not a conversion. */
  assert_int_equal(frb_header_setf(f->r, "X-P", "%%n%s", "!"), FRB_OK);
  expect_head(f, "X-P: %n!\r\n");
}

/* The C23 length modifiers that glibc 2.37 reads (%wN, %wfN) end in a %n
 * just the same. */
static void test_setf_refuses_c23_width_percent_n(void **state) {
  struct fixture *f = *state;
  static const char *const fmts[] = {"%w32n",  "%wf64n",  "%w8n",
                                     "%wf16n", "%1$w64n", "x%-3w16n"};

  expect_all_refused(f, fmts, sizeof fmts / sizeof fmts[0], 0);
  expect_head(f, "");
}

/* %n after conversions that the library formats itself: still refused as a
 * whole, and nothing is written through the pointer. */
static void test_setf_refuses_percent_n_after_other_conversions(void **state) {
  struct fixture *f = *state;
  static const char *const fmts[] = {"%d%n", "%5u|%hhn", "x%x%%%ln", "%-3i%zn",
                                     "%c%1$n"};

  expect_all_refused(f, fmts, sizeof fmts / sizeof fmts[0], 1);
  expect_head(f, "");
}

/* The value is vsnprintf's, whether the library formats it itself (the
 * common conversions) or leaves it to vsnprintf (a float, %p, %o, a NULL
 * %s), below and above the 256 bytes formatted on the stack. */
#define SETF_SAME(...)                                                         \
  do {                                                                         \
    snprintf(want, sizeof want, __VA_ARGS__);                                  \
    assert_int_equal(frb_header_setf(f->r, "X-V", __VA_ARGS__), FRB_OK);       \
    assert_int_equal(frb_header_get(f->r, "X-V", got, sizeof got),             \
                     (int)strlen(want));                                       \
    assert_string_equal(got, want);                                            \
  } while (0)

static void test_setf_value_is_vsnprintfs(void **state) {
  struct fixture *f = *state;
  const char *volatile null = NULL;
  char want[2048], got[2048];
  char *pad = repeat('p', 600);

  SETF_SAME("req-%u", 4294967295u);
  SETF_SAME("%d|%i|%+05d|%-4d|", INT_MIN, INT_MAX, -7, 3);
  SETF_SAME("%lld/%llu/%#llx", LLONG_MIN, ULLONG_MAX, ULLONG_MAX);
  SETF_SAME("%zu %jd %td %hhu", SIZE_MAX, INTMAX_MIN, (ptrdiff_t)-5,
            (unsigned char)200);
  SETF_SAME("%.*s;%-*s|%c%%", 3, "abcdef", 6, "ab", 'z');
  SETF_SAME("%s", null);
  SETF_SAME("<%.3s>", null);
  SETF_SAME("%.2f %p %o %e", 1.5, (void *)0x10, 8u, 1e300);
  SETF_SAME("%s|%300d|%#x", pad, -1, 255u);
  SETF_SAME("%.1e|%s|%s", 2.5, pad, null);
  free(pad);
}

/* frb_cookie_add(3): Domain is a host name (no port, no path, no scheme),
 * Path starts with '/' (RFC 6265bis 5.6.3-4). */
static void test_cookie_domain_host_and_path_slash(void **state) {
  struct fixture *f = *state;
  static const char *const bad_domains[] = {
      "example.com:8080", "example.com/x", "http://example.com", "a b.com",
      "exa_mple.com",     "[::1]",         "example..com",       "."};
  static const char *const bad_paths[] = {"x", "relative/path", "?q=1", "%2F"};
  struct frb_cookie c = {0};

  for (size_t i = 0; i < sizeof bad_domains / sizeof *bad_domains; i++) {
    c.domain = bad_domains[i];
    if (frb_cookie_add(f->r, "a", "b", &c) != FRB_EINVAL)
      fail_msg("Domain=%s accepted", bad_domains[i]);
  }
  c.domain = NULL;
  for (size_t i = 0; i < sizeof bad_paths / sizeof *bad_paths; i++) {
    c.path = bad_paths[i];
    if (frb_cookie_add(f->r, "a", "b", &c) != FRB_EINVAL)
      fail_msg("Path=%s accepted", bad_paths[i]);
  }
  c.domain = ".Example-1.com";
  c.path = "/a/b";
  assert_int_equal(frb_cookie_add(f->r, "a", "b", &c), FRB_OK);
  expect_head(f, "Set-Cookie: a=b; Path=/a/b; Domain=.Example-1.com\r\n");
}

static void test_setf_invalid_name_is_einval(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_setf(f->r, "", "%d", 1), FRB_EINVAL);
  assert_int_equal(frb_header_setf(f->r, "a b", "%d", 1), FRB_EINVAL);
  assert_int_equal(frb_header_setf(f->r, "a:b", "%d", 1), FRB_EINVAL);
  assert_int_equal(frb_header_setf(f->r, "Status", "%d", 1), FRB_EINVAL);
  assert_int_equal(frb_header_setf(f->r, NULL, "%d", 1), FRB_EINVAL);
  expect_head(f, "");
}

/* -------------------------------------------------------- values (6) */

static void test_value_rejects_cr_lf_nul(void **state) {
  struct fixture *f = *state;
  static const char *const bad[] = {"\r",      "\n",     "\r\n",
                                    "a\rb",    "a\nb",   "ok\r\nInjected: 1",
                                    "end\r\n", "\nstart"};

  assert_int_equal(frb_header_set(f->r, "X", "keep"), FRB_OK);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(frb_header_set(f->r, "X", bad[i]), FRB_EINVAL);
    assert_int_equal(frb_header_add(f->r, "Y", bad[i]), FRB_EINVAL);
    assert_int_equal(frb_header_setf(f->r, "X", "%s", bad[i]), FRB_EINVAL);
  }
  /* A NUL can only reach a value through a format: it must be refused,
   * not silently cut the value short. */
  assert_int_equal(frb_header_setf(f->r, "X", "a%cb", '\0'), FRB_EINVAL);
  assert_int_equal(frb_header_setf(f->r, "Y", "%c", '\0'), FRB_EINVAL);
  expect_head(f, "X: keep\r\n");
}

static void test_value_rejects_other_controls_and_del(void **state) {
  struct fixture *f = *state;
  char v[4] = "a?b";

  for (int c = 1; c < 0x80; c++) {
    if (c >= 0x20 && c != 0x7f)
      continue;
    if (c == '\t')
      continue;
    for (int pos = 0; pos < 3; pos++) {
      memcpy(v, "a?b", 4);
      v[pos] = (char)c;
      assert_int_equal(frb_header_set(f->r, "X", v), FRB_EINVAL);
      assert_int_equal(frb_header_add(f->r, "X", v), FRB_EINVAL);
      assert_int_equal(frb_header_setf(f->r, "X", "%s", v), FRB_EINVAL);
    }
  }
  expect_head(f, "");
}

/* Values and names long enough for the 16-byte steps of the value check
 * and the 8-byte steps of the name hash: a bad byte anywhere, in the
 * vector body or the tail, is refused. */
static void
test_bad_byte_at_every_position_of_long_value_and_name(void **state) {
  static const char bad[] = {'\0' + 1, '\r', '\n', 0x1f, 0x7f};
  struct fixture *f = *state;
  char v[41], n[21];

  /* Every length too: up to 16 bytes are checked a word at a time, with
   * overlapping loads whose edges must see every byte. */
  for (int len = 1; len <= 40; len++)
    for (int pos = 0; pos < len; pos++)
      for (unsigned b = 0; b < sizeof bad; b++) {
        memset(v, 'a', (size_t)len);
        v[len] = '\0';
        v[pos] = bad[b];
        assert_int_equal(frb_header_set(f->r, "X", v), FRB_EINVAL);
        v[pos] = pos > 0 && pos < len - 1 ? '\t' : (char)0x80;
        assert_int_equal(frb_header_set(f->r, "X", v), FRB_OK);
        v[pos] = (char)0xff;
        assert_int_equal(frb_header_set(f->r, "X", v), FRB_OK);
      }
  for (int pos = 0; pos < 20; pos++) {
    memset(n, 'N', 20);
    n[20] = '\0';
    n[pos] = ':';
    assert_int_equal(frb_header_set(f->r, n, "v"), FRB_EINVAL);
    n[pos] = ' ';
    assert_int_equal(frb_header_set(f->r, n, "v"), FRB_EINVAL);
  }
}

static void test_value_accepts_htab_vchar_obs_text(void **state) {
  struct fixture *f = *state;
  char vchar[0x7f - 0x21 + 1], obs[0x80 + 1];
  char want[512];

  for (int c = 0x21; c < 0x7f; c++)
    vchar[c - 0x21] = (char)c;
  vchar[sizeof vchar - 1] = '\0';
  for (int c = 0x80; c < 0x100; c++)
    obs[c - 0x80] = (char)c;
  obs[sizeof obs - 1] = '\0';
  assert_int_equal(frb_header_set(f->r, "X-V", vchar), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "X-O", obs), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "X-T", "a\tb c"), FRB_OK);
  snprintf(want, sizeof want, "X-V: %s\r\nX-O: %s\r\nX-T: a\tb c\r\n", vchar,
           obs);
  expect_head(f, want);
}

static void test_value_trims_leading_trailing_sp_htab(void **state) {
  struct fixture *f = *state;
  char buf[16];

  assert_int_equal(frb_header_set(f->r, "X-S", " \t a \t b \t "), FRB_OK);
  assert_int_equal(frb_header_get(f->r, "X-S", buf, sizeof buf), 5);
  assert_string_equal(buf, "a \t b");
  assert_int_equal(frb_header_add(f->r, "X-A", "\t\tv"), FRB_OK);
  assert_int_equal(frb_header_setf(f->r, "X-F", " %d ", 5), FRB_OK);
  expect_head(f, "X-S: a \t b\r\nX-A: v\r\nX-F: 5\r\n");
}

static void test_value_empty_allowed(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "X-E", ""), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "X-W", " \t "), FRB_OK);
  assert_int_equal(frb_header_setf(f->r, "X-F", "%s", ""), FRB_OK);
  expect_head(f, "X-E: \r\nX-W: \r\nX-F: \r\n");
}

static void test_rejected_call_leaves_response_unchanged(void **state) {
  struct fixture *f = *state;
  char *big = repeat('v', 5000);

  assert_int_equal(frb_header_add(f->r, "A", "1"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "B", "2"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "A", "3"), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "Location", "/x"), FRB_OK);
  /* Each refusal for a different reason, each on an existing field. */
  assert_int_equal(frb_header_set(f->r, "A", "x\ry"), FRB_EINVAL);
  assert_int_equal(frb_header_set(f->r, "A", big), FRB_ETOOBIG);
  assert_int_equal(frb_header_add(f->r, "B", big), FRB_ETOOBIG);
  assert_int_equal(frb_header_setf(f->r, "A", "%s", big), FRB_ETOOBIG);
  assert_int_equal(frb_header_add(f->r, "location", "/y"), FRB_EINVAL);
  assert_int_equal(frb_header_set(f->r, "A B", "1"), FRB_EINVAL);
  assert_int_equal(frb_header_set(f->r, "Content-Length", "1x"), FRB_EINVAL);
  assert_int_equal(frb_set_status_reason(f->r, 200, big), FRB_ETOOBIG);
  assert_int_equal(frb_set_status_reason(f->r, 200, "a\nb"), FRB_EINVAL);
  assert_int_equal(frb_header_del(f->r, "C"), FRB_ENOTFOUND);
  free(big);
  expect_head(f, "A: 1\r\nB: 2\r\nA: 3\r\nLocation: /x\r\n");
}

/* ---------------------------------------------- single-valued fields (7) */

static void test_single_valued_add_when_present_is_einval(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_add(f->r, "Content-Type", "text/html"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "content-type", "text/css"),
                   FRB_EINVAL);
  assert_int_equal(frb_header_add(f->r, "Location", "/a"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "LOCATION", "/b"), FRB_EINVAL);
  assert_int_equal(frb_header_add(f->r, "Content-Length", "0"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Content-length", "0"), FRB_EINVAL);
  /* set replaces the single value; add is fine again once it is gone. */
  assert_int_equal(frb_header_set(f->r, "content-TYPE", "text/csv"), FRB_OK);
  assert_int_equal(frb_header_del(f->r, "Location"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Location", "/c"), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\nContent-Type: text/csv\r\n"
                     "Content-Length: 0\r\nLocation: /c\r\n\r\n");
}

static void test_content_length_must_be_decimal_digits(void **state) {
  struct fixture *f = *state;
  static const char *const bad[] = {"",    " ",        "-1",  "+1",
                                    "1.0", "0x1",      "1 2", "12a",
                                    "1e3", "\xd9\xa1", "1,2"};

  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(frb_header_set(f->r, "Content-Length", bad[i]),
                     FRB_EINVAL);
    assert_int_equal(frb_header_add(f->r, "content-length", bad[i]),
                     FRB_EINVAL);
    assert_int_equal(frb_header_setf(f->r, "Content-Length", "%s", bad[i]),
                     FRB_EINVAL);
  }
  assert_int_equal(frb_header_set(f->r, "Content-Length", "007"), FRB_OK);
  assert_int_equal(frb_header_setf(f->r, "Content-Length", " %d ", 0), FRB_OK);
  finish_ok(f->r);
  /* An explicit Content-Length is the caller's: libfrb adds none. */
  expect_sink(&f->s, "Status: 200 OK\r\nContent-Length: 0\r\n\r\n");
}

/* A count beyond INT64_MAX is refused: nginx answers 502 to it. */
static void test_content_length_fits_int64(void **state) {
  struct fixture *f = *state;

  assert_int_equal(
      frb_header_set(f->r, "Content-Length", "9223372036854775808"),
      FRB_EINVAL);
  assert_int_equal(
      frb_header_set(f->r, "Content-Length", "10000000000000000000"),
      FRB_EINVAL);
  assert_int_equal(
      frb_header_set(f->r, "Content-Length", "9223372036854775807"), FRB_OK);
  assert_int_equal(
      frb_header_set(f->r, "Content-Length", "0000000000000000001"), FRB_OK);
  assert_int_equal(frb_write(f->r, "1", 1), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s,
              "Status: 200 OK\r\n"
              "Content-Length: 0000000000000000001\r\n" CT_DEFAULT "\r\n1");
}

/* ----------------------------------------------------- head size (8) */

/* Sets X-Fill so that the head (final CRLF included) is exactly 'total'
 * bytes, given the status line and the other lines already present. */
static int fill_head_to(frb_response *r, size_t current_without_fill,
                        size_t total) {
  /* "X-Fill: " + value + CRLF, then the final CRLF. */
  size_t vlen = total - current_without_fill - 8 - 2 - 2;
  char *v = repeat('f', vlen);
  int rc = frb_header_set(r, "X-Fill", v);
  free(v);
  return rc;
}

static void test_head_limit_default_4087_accepted(void **state) {
  struct fixture *f = *state;
  const char *status = "Status: 204 No Content\r\n"; /* no automatic fields */
  size_t base = strlen(status) + strlen("A: 1\r\n");

  assert_int_equal(frb_set_status(f->r, 204), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "A", "1"), FRB_OK);
  assert_int_equal(fill_head_to(f->r, base, FRB_DEFAULT_HEAD_BYTES), FRB_OK);
  finish_ok(f->r);
  assert_int_equal(FRB_DEFAULT_HEAD_BYTES, 4087);
  assert_int_equal(f->s.len, 4087);
  assert_int_equal(f->s.writes, 1);
  assert_memory_equal(f->s.buf, "Status: 204 No Content\r\nA: 1\r\nX-Fill: ff",
                      40);
  assert_memory_equal(f->s.buf + 4087 - 5, "f\r\n\r\n", 5);
}

static void test_head_limit_4088_refused_unchanged(void **state) {
  struct fixture *f = *state;
  size_t base = strlen("Status: 204 No Content\r\n");
  char *v;

  assert_int_equal(frb_set_status(f->r, 204), FRB_OK);
  assert_int_equal(fill_head_to(f->r, base, 4088), FRB_ETOOBIG);
  assert_int_equal(fill_head_to(f->r, base, 4087), FRB_OK);
  /* Every mutation that grows the head by a byte is refused now. */
  assert_int_equal(frb_header_add(f->r, "Y", ""), FRB_ETOOBIG);
  assert_int_equal(fill_head_to(f->r, base, 4088), FRB_ETOOBIG);
  assert_int_equal(frb_set_status_reason(f->r, 204, "No Contentt"),
                   FRB_ETOOBIG);
  /* Same size is fine: a different 10-byte reason. */
  assert_int_equal(frb_set_status_reason(f->r, 204, "Nothing!!!"), FRB_OK);
  finish_ok(f->r);
  assert_int_equal(f->s.len, 4087);
  v = repeat('f', 4087 - base - 12);
  assert_memory_equal(f->s.buf, "Status: 204 Nothing!!!\r\nX-Fill: ", 32);
  assert_memory_equal(f->s.buf + 32, v, strlen(v));
  assert_memory_equal(f->s.buf + 32 + strlen(v), "\r\n\r\n", 4);
  free(v);
}

/* frb_set_limit(3): the room for the fields libfrb adds itself (the default
 * Content-Type, Content-Length as long as the body buffer allows) is kept
 * free when the caller's fields are admitted, so the call that crosses the
 * limit is the one refused, and frb_finish, frb_flush_headers and an
 * overflowing frb_write never find the head too big. */
#define CL_RESERVED (sizeof "Content-Length: 65536\r\n" - 1)
#define CT_RESERVED (sizeof CT_DEFAULT - 1)

static void test_head_limit_reserves_auto_fields_for_finish(void **state) {
  struct fixture *f = *state;
  size_t base = strlen("Status: 200 OK\r\n");
  size_t room = 4087 - CT_RESERVED - CL_RESERVED;

  assert_int_equal(fill_head_to(f->r, base, room + 1), FRB_ETOOBIG);
  assert_int_equal(fill_head_to(f->r, base, room), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Y", ""), FRB_ETOOBIG);
  assert_int_equal(frb_write(f->r, "body", 4), FRB_OK);
  finish_ok(f->r);
  /* Content-Length: 4 took less than its reserve. */
  assert_int_equal(f->s.len,
                   room + CT_RESERVED + strlen("Content-Length: 4\r\n") + 4);
}

static void test_head_limit_reserve_follows_body_buffer(void **state) {
  struct fixture *f = *state;
  size_t base = strlen("Status: 200 OK\r\n");
  const char *cl9 = "Content-Length: 9\r\n";

  /* A 9-byte buffer: Content-Length takes one digit at most. */
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 9), FRB_OK);
  assert_int_equal(fill_head_to(f->r, base, 4087 - CT_RESERVED - strlen(cl9)),
                   FRB_OK);
  /* Ten bytes would need a second digit, which no longer fits. */
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 10), FRB_ETOOBIG);
  assert_int_equal(frb_write(f->r, "123456789", 9), FRB_OK);
  finish_ok(f->r);
  assert_int_equal(f->s.len, 4087 + 9);
}

static void test_head_limit_reserve_for_flush_and_streaming(void **state) {
  struct fixture *f = *state;
  size_t base = strlen("Status: 200 OK\r\n");
  size_t room = 4087 - CT_RESERVED - strlen("Content-Length: 10\r\n");
  char big[100];

  memset(big, 'b', sizeof big);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 10), FRB_OK);
  assert_int_equal(fill_head_to(f->r, base, room + 1), FRB_ETOOBIG);
  assert_int_equal(fill_head_to(f->r, base, room), FRB_OK);
  /* The buffer overflows: the head goes out with this write. */
  assert_int_equal(frb_write(f->r, big, sizeof big), FRB_OK);
  assert_int_equal(frb_headers_sent(f->r), 1);
  finish_ok(f->r);
  assert_int_equal(f->s.len, room + CT_RESERVED + sizeof big);
  /* And through frb_flush_headers. */
  sink_clear(&f->s);
  assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
  assert_int_equal(fill_head_to(f->r, base, room + 1), FRB_ETOOBIG);
  assert_int_equal(fill_head_to(f->r, base, room), FRB_OK);
  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(f->s.len, room + CT_RESERVED);
}

/* Removing the caller's Content-Type brings back the default's reserve:
 * refused when that no longer fits. */
static void test_head_limit_del_content_type_can_be_etoobig(void **state) {
  struct fixture *f = *state;
  size_t base = strlen("Status: 200 OK\r\nContent-Type: a/b\r\n");

  assert_int_equal(frb_header_set(f->r, "Content-Type", "a/b"), FRB_OK);
  assert_int_equal(fill_head_to(f->r, base, 4087 - CL_RESERVED), FRB_OK);
  assert_int_equal(frb_header_del(f->r, "Content-Type"), FRB_ETOOBIG);
  assert_int_equal(frb_header_set(f->r, "Content-Type", "text/html"),
                   FRB_ETOOBIG);
  assert_int_equal(frb_header_set(f->r, "Content-Type", "a/c"), FRB_OK);
  /* A Content-Length of the caller's frees its reserve. */
  assert_int_equal(frb_header_set(f->r, "Content-Length", "0"), FRB_OK);
  finish_ok(f->r);
  assert_int_equal(f->s.len,
                   4087 - CL_RESERVED + strlen("Content-Length: 0\r\n"));
}

static void test_set_limit_head_bounds_64_to_16mib(void **state) {
  struct fixture *f = *state;
  size_t base = strlen("Status: 204 No Content\r\n");
  char *big = repeat('m', 1 << 20);

  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 0), FRB_EINVAL);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 63), FRB_EINVAL);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 16777217),
                   FRB_EINVAL);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, (size_t)-1),
                   FRB_EINVAL);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 16777216), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "X-Big", big), FRB_OK); /* > 4087 */
  assert_int_equal(frb_header_del(f->r, "X-Big"), FRB_OK);
  /* A 204 needs no room for libfrb's own fields. */
  assert_int_equal(frb_set_status(f->r, 204), FRB_OK);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 64), FRB_OK);
  assert_int_equal(fill_head_to(f->r, base, 65), FRB_ETOOBIG);
  assert_int_equal(fill_head_to(f->r, base, 64), FRB_OK);
  finish_ok(f->r);
  assert_int_equal(f->s.len, 64);
  assert_memory_equal(f->s.buf + 60, "\r\n\r\n", 4);
  free(big);
}

static void test_set_limit_head_below_current_head_is_etoobig(void **state) {
  struct fixture *f = *state;
  size_t base = strlen("Status: 200 OK\r\n");
  size_t own = CT_RESERVED + CL_RESERVED;

  assert_int_equal(fill_head_to(f->r, base, 200), FRB_OK);
  /* The head with the room kept for libfrb's own fields: 200 + 64. */
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 199 + own),
                   FRB_ETOOBIG);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 64), FRB_ETOOBIG);
  /* The limit is unchanged (still 4087), so the head can still grow. */
  assert_int_equal(fill_head_to(f->r, base, 4087 - own), FRB_OK);
  assert_int_equal(fill_head_to(f->r, base, 4088 - own), FRB_ETOOBIG);
  /* Exactly the current size is allowed; then nothing more fits. */
  assert_int_equal(fill_head_to(f->r, base, 200), FRB_OK);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 200 + own),
                   FRB_OK);
  assert_int_equal(frb_header_add(f->r, "Y", ""), FRB_ETOOBIG);
}

static void test_set_limit_after_head_sent_is_esent(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 8192), FRB_ESENT);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 10), FRB_ESENT);
  assert_int_equal(frb_set_limit(f->r, (enum frb_limit)99, 10), FRB_EINVAL);
}

static void test_set_limit_unknown_limit_is_einval(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_set_limit(f->r, (enum frb_limit)99, 4096), FRB_EINVAL);
  assert_int_equal(frb_set_limit(f->r, (enum frb_limit) - 1, 4096), FRB_EINVAL);
  expect_head(f, "");
}

/* ----------------------------------------------------- wire form (3) */

static void test_head_never_obs_fold_or_http_status_line(void **state) {
  struct fixture *f = *state;
  struct parsed p;

  assert_int_equal(frb_header_add(f->r, "A", "\t folded?"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "B", " \t"), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "C", "x\ty"), FRB_OK);
  assert_int_equal(frb_set_status_reason(f->r, 200, "HTTP/1.1 200 OK"), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 HTTP/1.1 200 OK\r\nA: folded?\r\nB: \r\n"
                     "C: x\ty\r\nContent-Length: 0\r\n\r\n");
  /* The strict parser refuses obs-fold and bare CR or LF. */
  parse_or_fail(&f->s, &p);
  assert_int_equal(p.nfields, 4);
  assert_int_equal(p.head_len, f->s.len);
  assert_null(strstr(f->s.buf, "\r\n "));
  assert_null(strstr(f->s.buf, "\r\n\t"));
  assert_int_equal(strncmp(f->s.buf, "HTTP/", 5) != 0, 1);
  parsed_free(&p);
}

/* --------------------------------------------------- after the head (3) */

static void test_header_calls_after_head_sent_are_esent(void **state) {
  struct fixture *f = *state;
  char buf[8];

  assert_int_equal(frb_header_set(f->r, "A", "1"), FRB_OK);
  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "A", "2"), FRB_ESENT);
  assert_int_equal(frb_header_set(f->r, "B", "2"), FRB_ESENT);
  assert_int_equal(frb_header_add(f->r, "A", "2"), FRB_ESENT);
  assert_int_equal(frb_header_setf(f->r, "A", "%d", 2), FRB_ESENT);
  assert_int_equal(frb_header_del(f->r, "A"), FRB_ESENT);
  assert_int_equal(frb_header_del(f->r, "Missing"), FRB_ESENT);
  assert_int_equal(frb_header_get(f->r, "A", buf, sizeof buf), 1);
  assert_int_equal(frb_flush_headers(f->r), FRB_ESENT);
  finish_ok(f->r);
  assert_int_equal(frb_finish(f->r), FRB_ESENT);
  assert_int_equal(frb_flush_headers(f->r), FRB_ESENT);
  expect_sink(&f->s, "Status: 200 OK\r\nA: 1\r\n" CT_DEFAULT "\r\n");
  assert_int_equal(f->s.writes, 1);
}

/* frb_set_limit(3) FRB_LIMIT_FIELDS: h2o answers 503 to a head of more than
 * 100 lines, Status included; libfrb counts the lines it adds itself too,
 * and refuses the call that would cross the count. */
static void test_field_count_default_100_lines_with_own_fields(void **state) {
  struct fixture *f = *state;
  char name[16];
  struct parsed p;

  assert_int_equal(FRB_DEFAULT_FIELDS, 100);
  /* Status + 97 + Content-Type + Content-Length = 100 lines. */
  for (int i = 0; i < 97; i++) {
    snprintf(name, sizeof name, "F%d", i);
    assert_int_equal(frb_header_add(f->r, name, "v"), FRB_OK);
  }
  assert_int_equal(frb_header_add(f->r, "F97", "v"), FRB_ETOOBIG);
  assert_int_equal(frb_header_set(f->r, "F3", "replaced"), FRB_OK);
  assert_int_equal(frb_cookie_add(f->r, "c", "v", NULL), FRB_ETOOBIG);
  /* The caller's own Content-Type takes the line kept for the default. */
  assert_int_equal(frb_header_set(f->r, "Content-Type", "a/b"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "F97", "v"), FRB_ETOOBIG);
  assert_int_equal(frb_write(f->r, "x", 1), FRB_OK);
  finish_ok(f->r);
  parse_or_fail(&f->s, &p);
  assert_int_equal(p.nfields + 1, 100);
  parsed_free(&p);
}

static void test_field_count_limit_settable(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_FIELDS, 2), FRB_ETOOBIG);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_FIELDS, 0), FRB_EINVAL);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_FIELDS, 4), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "A", "1"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "B", "2"), FRB_ETOOBIG);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_FIELDS, 3), FRB_ETOOBIG);
  assert_int_equal(frb_set_status(f->r, 204), FRB_OK); /* no own fields */
  assert_int_equal(frb_header_add(f->r, "B", "2"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "C", "3"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "D", "4"), FRB_ETOOBIG);
  assert_int_equal(frb_set_status(f->r, 200), FRB_ETOOBIG);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 204 No Content\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
}

/* A sink other than libfcgi's frames nothing: the buffer less the byte
 * nginx keeps spare. */
static void test_server_buffer_plain_sink_is_buffer_minus_one(void **state) {
  struct fixture *f = *state;
  size_t base = strlen("Status: 204 No Content\r\n");

  assert_int_equal(frb_set_status(f->r, 204), FRB_OK);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_SERVER_BUFFER, 10000), FRB_OK);
  assert_int_equal(fill_head_to(f->r, base, 10000), FRB_ETOOBIG);
  assert_int_equal(fill_head_to(f->r, base, 9999), FRB_OK);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_SERVER_BUFFER, 9999),
                   FRB_ETOOBIG);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_SERVER_BUFFER, 64),
                   FRB_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_name_accepts_every_tchar),
      T(test_name_rejects_non_token_bytes),
      T(test_name_status_refused),
      T(test_name_transfer_encoding_refused),
      T(test_name_lookup_is_case_insensitive),
      T(test_name_output_keeps_first_spelling),
      T(test_set_replaces_all_keeping_first_position),
      T(test_add_appends_in_insertion_order),
      T(test_set_cookie_never_joined),
      T(test_setf_refuses_c23_width_percent_n),
      T(test_setf_refuses_percent_n_after_other_conversions),
      T(test_setf_value_is_vsnprintfs),
      T(test_cookie_domain_host_and_path_slash),
      T(test_del_removes_every_occurrence),
      T(test_del_missing_is_enotfound),
      T(test_get_copies_first_value_nul_terminated),
      T(test_get_erange_when_size_not_above_length),
      T(test_setf_formats_value),
      T(test_setf_big_value_over_256_bytes),
      T(test_setf_refuses_percent_n),
      T(test_setf_invalid_name_is_einval),
      T(test_value_rejects_cr_lf_nul),
      T(test_value_rejects_other_controls_and_del),
      T(test_bad_byte_at_every_position_of_long_value_and_name),
      T(test_value_accepts_htab_vchar_obs_text),
      T(test_value_trims_leading_trailing_sp_htab),
      T(test_value_empty_allowed),
      T(test_rejected_call_leaves_response_unchanged),
      T(test_single_valued_add_when_present_is_einval),
      T(test_content_length_must_be_decimal_digits),
      T(test_content_length_fits_int64),
      T(test_head_limit_default_4087_accepted),
      T(test_head_limit_4088_refused_unchanged),
      T(test_head_limit_reserves_auto_fields_for_finish),
      T(test_field_count_default_100_lines_with_own_fields),
      T(test_field_count_limit_settable),
      T(test_server_buffer_plain_sink_is_buffer_minus_one),
      T(test_head_limit_reserve_follows_body_buffer),
      T(test_head_limit_reserve_for_flush_and_streaming),
      T(test_head_limit_del_content_type_can_be_etoobig),
      T(test_set_limit_head_bounds_64_to_16mib),
      T(test_set_limit_head_below_current_head_is_etoobig),
      T(test_set_limit_after_head_sent_is_esent),
      T(test_set_limit_unknown_limit_is_einval),
      T(test_head_never_obs_fold_or_http_status_line),
      T(test_header_calls_after_head_sent_are_esent),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
