/* frb_send_file and frb_set_content_type: one test per rule documented in
 * frb_send_file(3) and frb_set_content_type(3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void expect_field(frb_response *r, const char *name, const char *want) {
  char buf[512];
  int n = frb_header_get(r, name, buf, sizeof buf);

  if (!want) {
    assert_int_equal(n, FRB_ENOTFOUND);
    return;
  }
  assert_true(n >= 0);
  assert_string_equal(buf, want);
}

static void test_nginx_sets_x_accel_redirect_only(void **state) {
  struct fixture *f = *state;
  struct parsed p;

  assert_int_equal(frb_header_set(f->r, "X-Sendfile", "/srv/old"), FRB_OK);
  assert_int_equal(
      frb_send_file(f->r, "/protected/a.bin", FRB_SENDFILE_NGINX, NULL),
      FRB_OK);
  finish_ok(f->r);
  parse_or_fail(&f->s, &p);
  assert_int_equal(count_field(&p, "X-Sendfile"), 0);
  assert_int_equal(count_field(&p, "X-Accel-Redirect"), 1);
  assert_string_equal(field_value(&p, "X-Accel-Redirect", 0),
                      "/protected/a.bin");
  assert_int_equal(count_field(&p, "Content-Disposition"), 0);
  parsed_free(&p);
}

static void test_apache_and_lighttpd_set_x_sendfile_only(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "X-Accel-Redirect", "/p/x"), FRB_OK);
  assert_int_equal(
      frb_send_file(f->r, "/srv/files/a b%20?.bin", FRB_SENDFILE_APACHE, NULL),
      FRB_EINVAL); /* a space */
  assert_int_equal(
      frb_send_file(f->r, "/srv/files/a%20?.bin", FRB_SENDFILE_APACHE, NULL),
      FRB_OK);
  expect_field(f->r, "X-Sendfile", "/srv/files/a%20?.bin");
  expect_field(f->r, "X-Accel-Redirect", NULL);
  assert_int_equal(frb_header_set(f->r, "X-Accel-Redirect", "/p/x"), FRB_OK);
  assert_int_equal(
      frb_send_file(f->r, "/srv/b.bin", FRB_SENDFILE_LIGHTTPD, NULL), FRB_OK);
  expect_field(f->r, "X-Sendfile", "/srv/b.bin");
  expect_field(f->r, "X-Accel-Redirect", NULL);
}

static void test_switching_server_removes_the_other_field(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_send_file(f->r, "/a", FRB_SENDFILE_APACHE, NULL),
                   FRB_OK);
  assert_int_equal(frb_send_file(f->r, "/b", FRB_SENDFILE_NGINX, NULL), FRB_OK);
  expect_field(f->r, "X-Sendfile", NULL);
  expect_field(f->r, "X-Accel-Redirect", "/b");
}

static void test_bad_arguments_are_refused(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_send_file(NULL, "/a", FRB_SENDFILE_NGINX, NULL),
                   FRB_EINVAL);
  assert_int_equal(frb_send_file(f->r, NULL, FRB_SENDFILE_NGINX, NULL),
                   FRB_EINVAL);
  assert_int_equal(frb_send_file(f->r, "/a", (enum frb_sendfile_server)0, NULL),
                   FRB_EINVAL);
  assert_int_equal(frb_send_file(f->r, "/a", (enum frb_sendfile_server)4, NULL),
                   FRB_EINVAL);
  assert_int_equal(frb_send_file(f->r, "", FRB_SENDFILE_NGINX, NULL),
                   FRB_EINVAL);
}

/* Each refused path leaves the response as it was. */
static void refuse_path(frb_response *r, const char *path,
                        enum frb_sendfile_server s) {
  assert_int_equal(frb_send_file(r, path, s, NULL), FRB_EINVAL);
  expect_field(r, "X-Accel-Redirect", "/keep");
  expect_field(r, "X-Sendfile", NULL);
}

static void test_paths_with_controls_are_refused(void **state) {
  struct fixture *f = *state;
  static const char *const bad[] = {
      "/a\r\nX-Evil: 1", "/a\nb",  "/a\rb", "/a\tb",
      "/a\x01",          "/a\x7f", "/a ",   "/a b"};

  assert_int_equal(frb_header_set(f->r, "X-Accel-Redirect", "/keep"), FRB_OK);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    refuse_path(f->r, bad[i], FRB_SENDFILE_NGINX);
    refuse_path(f->r, bad[i], FRB_SENDFILE_APACHE);
  }
}

static void test_relative_paths_are_refused(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "X-Accel-Redirect", "/keep"), FRB_OK);
  refuse_path(f->r, "a/b", FRB_SENDFILE_NGINX);
  refuse_path(f->r, "a/b", FRB_SENDFILE_APACHE);
  refuse_path(f->r, "@named", FRB_SENDFILE_NGINX);
}

static void test_dot_segments_are_refused(void **state) {
  struct fixture *f = *state;
  static const char *const bad[] = {
      "/..", "/../etc/passwd", "/a/../b", "/a/..", "/./a", "/a/.", "/a/./b"};

  assert_int_equal(frb_header_set(f->r, "X-Accel-Redirect", "/keep"), FRB_OK);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    refuse_path(f->r, bad[i], FRB_SENDFILE_NGINX);
    refuse_path(f->r, bad[i], FRB_SENDFILE_LIGHTTPD);
  }
  /* Dots inside a name are no dot segments. */
  assert_int_equal(
      frb_send_file(f->r, "/a/..b/.c/...", FRB_SENDFILE_NGINX, NULL), FRB_OK);
}

static void test_nginx_uri_refuses_query_escape_backslash(void **state) {
  struct fixture *f = *state;
  static const char *const bad[] = {"/a?b=1", "/a#f", "/%2e%2e/x", "/a\\..",
                                    "/caf\xc3\xa9"};

  assert_int_equal(frb_header_set(f->r, "X-Accel-Redirect", "/keep"), FRB_OK);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    refuse_path(f->r, bad[i], FRB_SENDFILE_NGINX);
  /* A file path for X-Sendfile may hold them. */
  assert_int_equal(frb_send_file(f->r, "/srv/caf\xc3\xa9 %?#.txt",
                                 FRB_SENDFILE_APACHE, NULL),
                   FRB_EINVAL); /* the space */
  assert_int_equal(
      frb_send_file(f->r, "/srv/caf\xc3\xa9%?#.txt", FRB_SENDFILE_APACHE, NULL),
      FRB_OK);
}

static void test_attachment_ascii_name(void **state) {
  struct fixture *f = *state;
  struct frb_send_file_opts o = {"report-2026.pdf"};

  assert_int_equal(frb_send_file(f->r, "/p/r.pdf", FRB_SENDFILE_NGINX, &o),
                   FRB_OK);
  expect_field(f->r, "Content-Disposition",
               "attachment; filename=\"report-2026.pdf\"; "
               "filename*=UTF-8''report-2026.pdf");
}

static void test_attachment_utf8_name_is_percent_encoded(void **state) {
  struct fixture *f = *state;
  struct frb_send_file_opts o = {
      "na\xc3\xafve r\xc3\xa9sum\xc3\xa9 \xe2\x82\xac.pdf"};

  assert_int_equal(frb_send_file(f->r, "/p/r.pdf", FRB_SENDFILE_APACHE, &o),
                   FRB_OK);
  expect_field(
      f->r, "Content-Disposition",
      "attachment; filename=\"na_ve r_sum_ _.pdf\"; "
      "filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9%20%E2%82%AC.pdf");
}

static void
test_attachment_fallback_replaces_quote_backslash_percent(void **state) {
  struct fixture *f = *state;
  struct frb_send_file_opts o = {"a\"b\\c%d;e'f.txt"};

  assert_int_equal(frb_send_file(f->r, "/p/x", FRB_SENDFILE_NGINX, &o), FRB_OK);
  expect_field(f->r, "Content-Disposition",
               "attachment; filename=\"a_b_c_d;e'f.txt\"; "
               "filename*=UTF-8''a%22b%5Cc%25d%3Be%27f.txt");
}

static void test_attachment_refused_names_change_nothing(void **state) {
  struct fixture *f = *state;
  static const char *const bad[] = {"",
                                    "a\r\nSet-Cookie: x=1",
                                    "a\nb",
                                    "a\tb",
                                    "a\x7f",
                                    "\xc3",
                                    "\xc0\xaf",
                                    "\xed\xa0\x80",
                                    "\xf4\x90\x80\x80",
                                    "\xff"};

  assert_int_equal(frb_header_set(f->r, "X-Accel-Redirect", "/keep"), FRB_OK);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    struct frb_send_file_opts o = {bad[i]};
    assert_int_equal(frb_send_file(f->r, "/p/x", FRB_SENDFILE_NGINX, &o),
                     FRB_EINVAL);
    expect_field(f->r, "X-Accel-Redirect", "/keep");
    expect_field(f->r, "Content-Disposition", NULL);
  }
}

static void test_send_file_after_head_sent_is_esent(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(frb_send_file(f->r, "/p/x", FRB_SENDFILE_NGINX, NULL),
                   FRB_ESENT);
}

static void test_send_file_then_finish_adds_no_content_type(void **state) {
  struct fixture *f = *state;
  struct parsed p;

  assert_int_equal(frb_send_file(f->r, "/p/x", FRB_SENDFILE_NGINX, NULL),
                   FRB_OK);
  finish_ok(f->r);
  parse_or_fail(&f->s, &p);
  assert_int_equal(count_field(&p, "Content-Type"), 0);
  assert_int_equal(p.body_len, 0);
  parsed_free(&p);
}

/* --------------------------------------------------- frb_set_content_type */

static void test_content_type_without_charset(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_set_content_type(f->r, "application/json", NULL),
                   FRB_OK);
  expect_field(f->r, "Content-Type", "application/json");
}

static void test_content_type_with_charset_replaces(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_set_content_type(f->r, "text/plain", NULL), FRB_OK);
  assert_int_equal(frb_set_content_type(f->r, "text/html", "utf-8"), FRB_OK);
  expect_field(f->r, "Content-Type", "text/html; charset=utf-8");
}

static void test_content_type_validates_tokens(void **state) {
  struct fixture *f = *state;
  static const char *const bad_type[] = {"text",
                                         "text/",
                                         "/html",
                                         "text/html; charset=utf-8",
                                         "te xt/html",
                                         "text/ht/ml",
                                         "text/html\r\nX: 1",
                                         "",
                                         "text /html"};
  static const char *const bad_cs[] = {"", "utf 8", "utf-8;x=1", "\"utf-8\"",
                                       "utf-8\r\n"};

  assert_int_equal(frb_set_content_type(f->r, "text/plain", NULL), FRB_OK);
  assert_int_equal(frb_set_content_type(NULL, "text/html", NULL), FRB_EINVAL);
  assert_int_equal(frb_set_content_type(f->r, NULL, NULL), FRB_EINVAL);
  for (size_t i = 0; i < sizeof bad_type / sizeof *bad_type; i++)
    assert_int_equal(frb_set_content_type(f->r, bad_type[i], NULL), FRB_EINVAL);
  for (size_t i = 0; i < sizeof bad_cs / sizeof *bad_cs; i++)
    assert_int_equal(frb_set_content_type(f->r, "text/html", bad_cs[i]),
                     FRB_EINVAL);
  expect_field(f->r, "Content-Type", "text/plain");
  /* Tokens may hold any tchar. */
  assert_int_equal(
      frb_set_content_type(f->r, "application/vnd.a+json", "x-user_def!"),
      FRB_OK);
}

static void test_content_type_after_head_sent_is_esent(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(frb_set_content_type(f->r, "text/html", "utf-8"), FRB_ESENT);
}

static void test_content_type_long_charset_takes_the_heap(void **state) {
  struct fixture *f = *state;
  char *cs = repeat('c', 400);
  char want[512];

  assert_int_equal(frb_set_content_type(f->r, "text/html", cs), FRB_OK);
  snprintf(want, sizeof want, "text/html; charset=%s", cs);
  expect_field(f->r, "Content-Type", want);
  free(cs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_nginx_sets_x_accel_redirect_only),
      T(test_apache_and_lighttpd_set_x_sendfile_only),
      T(test_switching_server_removes_the_other_field),
      T(test_bad_arguments_are_refused),
      T(test_paths_with_controls_are_refused),
      T(test_relative_paths_are_refused),
      T(test_dot_segments_are_refused),
      T(test_nginx_uri_refuses_query_escape_backslash),
      T(test_attachment_ascii_name),
      T(test_attachment_utf8_name_is_percent_encoded),
      T(test_attachment_fallback_replaces_quote_backslash_percent),
      T(test_attachment_refused_names_change_nothing),
      T(test_send_file_after_head_sent_is_esent),
      T(test_send_file_then_finish_adds_no_content_type),
      T(test_content_type_without_charset),
      T(test_content_type_with_charset_replaces),
      T(test_content_type_validates_tokens),
      T(test_content_type_after_head_sent_is_esent),
      T(test_content_type_long_charset_takes_the_heap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
