/* frb_set_status(3), frb_set_status_reason(3), frb_get_status(3): the
 * Status line. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Finishes the (bodiless) response and checks the whole head. */
static void expect_status_line(struct fixture *f, const char *line) {
  char want[512];

  finish_ok(f->r);
  snprintf(want, sizeof want, "%s\r\nContent-Length: 0\r\n\r\n", line);
  expect_sink(&f->s, want);
}

static void test_status_default_is_200_ok(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_get_status(f->r), 200);
  expect_status_line(f, "Status: 200 OK");
}

static void test_status_accepts_200_to_599(void **state) {
  struct fixture *f = *state;

  for (int code = 200; code <= 599; code++) {
    assert_int_equal(frb_set_status(f->r, code), FRB_OK);
    assert_int_equal(frb_get_status(f->r), code);
    assert_int_equal(frb_set_status_reason(f->r, code, "R"), FRB_OK);
  }
  expect_status_line(f, "Status: 599 R");
}

static void test_status_rejects_codes_outside_200_599(void **state) {
  struct fixture *f = *state;
  static const int bad[] = {INT_MIN, -200, -1,  0,   1,   99,   100,  101,
                            102,     103,  199, 600, 999, 1000, 2000, INT_MAX};

  assert_int_equal(frb_set_status(f->r, 404), FRB_OK);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(frb_set_status(f->r, bad[i]), FRB_EINVAL);
    assert_int_equal(frb_set_status_reason(f->r, bad[i], "X"), FRB_EINVAL);
    assert_int_equal(frb_get_status(f->r), 404);
  }
  expect_status_line(f, "Status: 404 Not Found");
}

static const struct {
  int code;
  const char *reason;
} table[] = {
    {200, "OK"},
    {201, "Created"},
    {202, "Accepted"},
    {203, "Non-Authoritative Information"},
    {204, "No Content"},
    {205, "Reset Content"},
    {206, "Partial Content"},
    {300, "Multiple Choices"},
    {301, "Moved Permanently"},
    {302, "Found"},
    {303, "See Other"},
    {304, "Not Modified"},
    {305, "Use Proxy"},
    {307, "Temporary Redirect"},
    {308, "Permanent Redirect"},
    {400, "Bad Request"},
    {401, "Unauthorized"},
    {402, "Payment Required"},
    {403, "Forbidden"},
    {404, "Not Found"},
    {405, "Method Not Allowed"},
    {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"},
    {408, "Request Timeout"},
    {409, "Conflict"},
    {410, "Gone"},
    {411, "Length Required"},
    {412, "Precondition Failed"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {415, "Unsupported Media Type"},
    {416, "Range Not Satisfiable"},
    {417, "Expectation Failed"},
    {421, "Misdirected Request"},
    {422, "Unprocessable Content"},
    {426, "Upgrade Required"},
    {428, "Precondition Required"},
    {429, "Too Many Requests"},
    {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"},
    {501, "Not Implemented"},
    {502, "Bad Gateway"},
    {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
    {505, "HTTP Version Not Supported"},
    {511, "Network Authentication Required"},
};

/* Finishes a response with this status; 204/304 get no Content-Length. */
static void expect_reason(struct fixture *f, int code, const char *reason) {
  char want[512];

  sink_clear(&f->s);
  assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
  assert_int_equal(frb_set_status(f->r, code), FRB_OK);
  finish_ok(f->r);
  snprintf(want, sizeof want, "Status: %d %s\r\n%s\r\n", code, reason,
           code == 204 || code == 304 ? "" : "Content-Length: 0\r\n");
  expect_sink(&f->s, want);
}

static void test_status_reason_from_rfc9110_table(void **state) {
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    expect_reason(*state, table[i].code, table[i].reason);
}

static void test_status_unknown_code_gets_class_phrase(void **state) {
  expect_reason(*state, 207, "Successful");
  expect_reason(*state, 299, "Successful");
  expect_reason(*state, 306, "Redirection");
  expect_reason(*state, 399, "Redirection");
  expect_reason(*state, 418, "Client Error");
  expect_reason(*state, 499, "Client Error");
  expect_reason(*state, 506, "Server Error");
  expect_reason(*state, 599, "Server Error");
}

static void
test_status_custom_reason_accepts_htab_sp_vchar_obs_text(void **state) {
  struct fixture *f = *state;

  assert_int_equal(
      frb_set_status_reason(f->r, 299, "\tA b~!\x80\xff:;\"(x)\t "), FRB_OK);
  expect_status_line(f, "Status: 299 \tA b~!\x80\xff:;\"(x)\t ");
}

static void test_status_custom_reason_rejects_empty_controls_del(void **state) {
  struct fixture *f = *state;
  char reason[4] = "a?b";

  assert_int_equal(frb_set_status_reason(f->r, 418, "Teapot"), FRB_OK);
  assert_int_equal(frb_set_status_reason(f->r, 500, ""), FRB_EINVAL);
  assert_int_equal(frb_set_status_reason(f->r, 500, NULL), FRB_EINVAL);
  for (int c = 1; c < 0x20; c++) {
    if (c == '\t')
      continue;
    reason[1] = (char)c;
    assert_int_equal(frb_set_status_reason(f->r, 500, reason), FRB_EINVAL);
  }
  reason[1] = 0x7f;
  assert_int_equal(frb_set_status_reason(f->r, 500, reason), FRB_EINVAL);
  assert_int_equal(frb_get_status(f->r), 418);
  expect_status_line(f, "Status: 418 Teapot");
}

static void test_status_change_keeps_headers_in_place(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_add(f->r, "A", "1"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "B", "2"), FRB_OK);
  assert_int_equal(frb_set_status_reason(f->r, 503, "A much longer reason"),
                   FRB_OK);
  assert_int_equal(frb_set_status(f->r, 201), FRB_OK);
  finish_ok(f->r);
  expect_sink(
      &f->s,
      "Status: 201 Created\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n");
}

static void test_get_status_reports_current_code(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_get_status(f->r), 200);
  assert_int_equal(frb_set_status(f->r, 302), FRB_OK);
  assert_int_equal(frb_get_status(f->r), 302);
  assert_int_equal(frb_set_status_reason(f->r, 451, "Legal"), FRB_OK);
  assert_int_equal(frb_get_status(f->r), 451);
  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(frb_get_status(f->r), 451);
  assert_int_equal(frb_get_status(NULL), FRB_EINVAL);
}

/* Rule 3: a CGI "Status:" line, never an HTTP/1.x status line. */
static void test_status_line_is_cgi_never_http(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_set_status(f->r, 500), FRB_OK);
  assert_int_equal(frb_write(f->r, "x", 1), FRB_OK);
  finish_ok(f->r);
  assert_null(strstr(f->s.buf, "HTTP/"));
  expect_sink(&f->s, "Status: 500 Internal Server Error\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n"
                     "Content-Length: 1\r\n\r\nx");
}

static void test_status_after_head_sent_is_esent_unchanged(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_set_status(f->r, 201), FRB_OK);
  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(frb_set_status(f->r, 404), FRB_ESENT);
  assert_int_equal(frb_set_status_reason(f->r, 404, "Nope"), FRB_ESENT);
  assert_int_equal(frb_get_status(f->r), 201);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 201 Created\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n\r\n");
}

/* frb_set_status(3), frb_header_set(3): RFC 9110 8.6, 10.2.2, 15.3.5-6,
 * 15.4.5.  Content-Length is refused on 204, 205 and 304 (libfrb writes
 * "Content-Length: 0" on a 205 itself), in either order; a status that
 * cannot carry a Location (neither 201 nor 3xx) is refused while one is
 * set; an empty Content-Type or Location is refused. */
static void test_status_no_body_codes_refuse_content_length(void **state) {
  struct fixture *f = *state;
  static const int codes[] = {204, 205, 304};

  for (int i = 0; i < 3; i++) {
    sink_clear(&f->s);
    assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
    assert_int_equal(frb_header_set(f->r, "Content-Length", "0"), FRB_OK);
    assert_int_equal(frb_set_status(f->r, codes[i]), FRB_EINVAL);
    assert_int_equal(frb_get_status(f->r), 200);
    assert_int_equal(frb_header_del(f->r, "Content-Length"), FRB_OK);
    assert_int_equal(frb_set_status(f->r, codes[i]), FRB_OK);
    assert_int_equal(frb_header_set(f->r, "Content-Length", "0"), FRB_EINVAL);
    assert_int_equal(frb_header_add(f->r, "content-length", "0"), FRB_EINVAL);
    finish_ok(f->r);
  }
  expect_sink(&f->s, "Status: 304 Not Modified\r\n\r\n");
}

static void test_status_205_gets_content_length_zero_no_body(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_set_status(f->r, 205), FRB_OK);
  assert_int_equal(frb_write(f->r, "x", 1), FRB_EINVAL);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 205 Reset Content\r\nContent-Length: 0\r\n\r\n");
}

static void
test_status_moving_off_redirect_with_location_refused(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_redirect(f->r, 302, "/next"), FRB_OK);
  assert_int_equal(frb_set_status(f->r, 404), FRB_EINVAL);
  assert_int_equal(frb_set_status(f->r, 200), FRB_EINVAL);
  assert_int_equal(frb_set_status(f->r, 201), FRB_OK);
  assert_int_equal(frb_set_status(f->r, 307), FRB_OK);
  assert_int_equal(frb_get_status(f->r), 307);
  assert_int_equal(frb_header_del(f->r, "Location"), FRB_OK);
  assert_int_equal(frb_set_status(f->r, 404), FRB_OK);
}

static void test_status_empty_content_type_or_location_refused(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "Content-Type", ""), FRB_EINVAL);
  assert_int_equal(frb_header_set(f->r, "Content-Type", "  \t "), FRB_EINVAL);
  assert_int_equal(frb_header_add(f->r, "Location", ""), FRB_EINVAL);
  assert_int_equal(frb_header_setf(f->r, "location", "%s", " "), FRB_EINVAL);
  expect_status_line(f, "Status: 200 OK");
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_status_default_is_200_ok),
      T(test_status_accepts_200_to_599),
      T(test_status_rejects_codes_outside_200_599),
      T(test_status_reason_from_rfc9110_table),
      T(test_status_unknown_code_gets_class_phrase),
      T(test_status_custom_reason_accepts_htab_sp_vchar_obs_text),
      T(test_status_custom_reason_rejects_empty_controls_del),
      T(test_status_change_keeps_headers_in_place),
      T(test_get_status_reports_current_code),
      T(test_status_line_is_cgi_never_http),
      T(test_status_after_head_sent_is_esent_unchanged),
      T(test_status_no_body_codes_refuse_content_length),
      T(test_status_205_gets_content_length_zero_no_body),
      T(test_status_moving_off_redirect_with_location_refused),
      T(test_status_empty_content_type_or_location_refused),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
