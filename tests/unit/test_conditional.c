/* frb_preconditions: RFC 9110 13.2.2 order, weak and strong comparison, the
 * 304 it makes (15.4.5), and the three HTTP-date formats (5.6.7), one test
 * per rule documented in frb_preconditions(3). */
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define LM "Sun, 06 Nov 1994 08:49:37 GMT"
#define LM_PLUS_1 "Sun, 06 Nov 1994 08:49:38 GMT"
#define LM_MINUS_1 "Sun, 06 Nov 1994 08:49:36 GMT"

/* A 200 with a representation: strong ETag "v1", Last-Modified LM. */
static void representation(frb_response *r) {
  assert_int_equal(frb_header_set(r, "ETag", "\"v1\""), FRB_OK);
  assert_int_equal(frb_header_set(r, "Last-Modified", LM), FRB_OK);
  assert_int_equal(frb_header_set(r, "Content-Type", "text/html"), FRB_OK);
  assert_int_equal(frb_header_set(r, "Content-Length", "5"), FRB_OK);
  assert_int_equal(frb_header_set(r, "Content-Encoding", "gzip"), FRB_OK);
  assert_int_equal(frb_header_set(r, "Content-Language", "en"), FRB_OK);
  assert_int_equal(frb_header_set(r, "Cache-Control", "max-age=60"), FRB_OK);
  assert_int_equal(frb_header_set(r, "Vary", "Accept-Encoding"), FRB_OK);
  assert_int_equal(frb_header_set(r, "Expires", LM), FRB_OK);
  assert_int_equal(frb_header_set(r, "Content-Location", "/a"), FRB_OK);
  assert_int_equal(frb_header_set(r, "Set-Cookie", "s=1"), FRB_OK);
}

static int outcome(frb_response *r, const char *method, const char *im,
                   const char *inm, const char *ims, const char *ius) {
  struct frb_request_conditions q = {method, im, inm, ims, ius};
  return frb_preconditions(r, &q);
}

static void expect_status(frb_response *r, int code) {
  assert_int_equal(frb_get_status(r), code);
}

static void test_null_arguments_are_refused(void **state) {
  struct fixture *f = *state;
  struct frb_request_conditions q = {0};

  assert_int_equal(frb_preconditions(NULL, &q), FRB_EINVAL);
  assert_int_equal(frb_preconditions(f->r, NULL), FRB_EINVAL);
  q.method = "";
  assert_int_equal(frb_preconditions(f->r, &q), FRB_EINVAL);
}

static void test_no_conditions_pass(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "GET", NULL, NULL, NULL, NULL),
                   FRB_PRECONDITION_PASSED);
  expect_status(f->r, 200);
}

static void test_non_2xx_ignores_conditions(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(frb_set_status(f->r, 404), FRB_OK);
  assert_int_equal(outcome(f->r, "GET", "\"nope\"", "\"v1\"", NULL, NULL),
                   FRB_PRECONDITION_PASSED);
  expect_status(f->r, 404);
}

static void test_connect_options_trace_ignore_conditions(void **state) {
  struct fixture *f = *state;
  static const char *const m[] = {"OPTIONS", "TRACE", "CONNECT"};

  representation(f->r);
  for (size_t i = 0; i < sizeof m / sizeof *m; i++)
    assert_int_equal(outcome(f->r, m[i], "\"v0\"", "\"v1\"", NULL, NULL),
                     FRB_PRECONDITION_PASSED);
  expect_status(f->r, 200);
}

static void test_if_none_match_weak_match_gives_304(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "GET", NULL, "\"x\", W/\"v1\"", NULL, NULL),
                   FRB_PRECONDITION_NOT_MODIFIED);
  expect_status(f->r, 304);
}

static void test_if_none_match_on_weak_etag_matches(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "ETag", "W/\"v1\""), FRB_OK);
  assert_int_equal(outcome(f->r, "HEAD", NULL, "\"v1\"", NULL, NULL),
                   FRB_PRECONDITION_NOT_MODIFIED);
}

static void test_304_keeps_validators_and_drops_representation(void **state) {
  struct fixture *f = *state;
  struct parsed p;

  representation(f->r);
  assert_int_equal(frb_header_set(f->r, "Date", LM), FRB_OK);
  assert_int_equal(outcome(f->r, NULL, NULL, "\"v1\"", NULL, NULL),
                   FRB_PRECONDITION_NOT_MODIFIED);
  assert_int_equal(frb_write(f->r, "x", 1), FRB_EINVAL); /* no body */
  finish_ok(f->r);
  parse_or_fail(&f->s, &p);
  assert_int_equal(p.status, 304);
  assert_string_equal(field_value(&p, "ETag", 0), "\"v1\"");
  assert_string_equal(field_value(&p, "Last-Modified", 0), LM);
  assert_string_equal(field_value(&p, "Cache-Control", 0), "max-age=60");
  assert_string_equal(field_value(&p, "Vary", 0), "Accept-Encoding");
  assert_string_equal(field_value(&p, "Date", 0), LM);
  assert_string_equal(field_value(&p, "Expires", 0), LM);
  assert_string_equal(field_value(&p, "Content-Location", 0), "/a");
  assert_string_equal(field_value(&p, "Set-Cookie", 0), "s=1");
  assert_int_equal(count_field(&p, "Content-Type"), 0);
  assert_int_equal(count_field(&p, "Content-Length"), 0);
  assert_int_equal(count_field(&p, "Content-Encoding"), 0);
  assert_int_equal(count_field(&p, "Content-Language"), 0);
  assert_int_equal(p.body_len, 0);
  parsed_free(&p);
}

static void test_if_none_match_on_unsafe_method_gives_412(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "PUT", NULL, "\"v1\"", NULL, NULL),
                   FRB_PRECONDITION_FAILED);
  expect_status(f->r, 412);
}

static void test_if_none_match_star_matches_any(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "GET", NULL, " * ", NULL, NULL),
                   FRB_PRECONDITION_NOT_MODIFIED);
}

static void test_if_none_match_mismatch_changes_nothing(void **state) {
  struct fixture *f = *state;
  char buf[32];

  representation(f->r);
  assert_int_equal(outcome(f->r, "GET", NULL, "\"v2\", \"V1\"", NULL, NULL),
                   FRB_PRECONDITION_PASSED);
  expect_status(f->r, 200);
  assert_int_equal(frb_header_get(f->r, "Content-Type", buf, sizeof buf), 9);
}

static void test_if_match_uses_strong_comparison(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "PUT", "\"v0\",\"v1\"", NULL, NULL, NULL),
                   FRB_PRECONDITION_PASSED);
  assert_int_equal(outcome(f->r, "PUT", "W/\"v1\"", NULL, NULL, NULL),
                   FRB_PRECONDITION_FAILED);
  expect_status(f->r, 412);
}

static void test_if_match_fails_on_weak_etag(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "ETag", "W/\"v1\""), FRB_OK);
  assert_int_equal(outcome(f->r, "PUT", "\"v1\"", NULL, NULL, NULL),
                   FRB_PRECONDITION_FAILED);
}

static void test_if_match_fails_without_etag(void **state) {
  struct fixture *f = *state;

  assert_int_equal(outcome(f->r, "PUT", "\"v1\"", NULL, NULL, NULL),
                   FRB_PRECONDITION_FAILED);
}

static void test_if_match_star_passes(void **state) {
  struct fixture *f = *state;

  assert_int_equal(outcome(f->r, "DELETE", "*", NULL, NULL, NULL),
                   FRB_PRECONDITION_PASSED);
}

static void test_if_match_is_evaluated_before_if_none_match(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "GET", "\"v0\"", "\"v1\"", NULL, NULL),
                   FRB_PRECONDITION_FAILED);
}

static void test_if_match_overrides_if_unmodified_since(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "PUT", "\"v1\"", NULL, NULL, LM_MINUS_1),
                   FRB_PRECONDITION_PASSED);
}

static void test_if_unmodified_since(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "PUT", NULL, NULL, NULL, LM),
                   FRB_PRECONDITION_PASSED);
  assert_int_equal(outcome(f->r, "PUT", NULL, NULL, NULL, LM_MINUS_1),
                   FRB_PRECONDITION_FAILED);
}

static void test_if_modified_since(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "GET", NULL, NULL, LM_MINUS_1, NULL),
                   FRB_PRECONDITION_PASSED);
  assert_int_equal(outcome(f->r, "GET", NULL, NULL, LM_PLUS_1, NULL),
                   FRB_PRECONDITION_NOT_MODIFIED);
}

static void test_if_modified_since_equal_date_is_not_modified(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "GET", NULL, NULL, LM, NULL),
                   FRB_PRECONDITION_NOT_MODIFIED);
}

static void test_if_modified_since_only_for_get_and_head(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "POST", NULL, NULL, LM, NULL),
                   FRB_PRECONDITION_PASSED);
}

static void test_if_none_match_overrides_if_modified_since(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "GET", NULL, "\"v2\"", LM, NULL),
                   FRB_PRECONDITION_PASSED);
}

static void test_date_conditions_without_last_modified_ignored(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "ETag", "\"v1\""), FRB_OK);
  assert_int_equal(outcome(f->r, "GET", NULL, NULL, LM, NULL),
                   FRB_PRECONDITION_PASSED);
  assert_int_equal(outcome(f->r, "PUT", NULL, NULL, NULL, LM_MINUS_1),
                   FRB_PRECONDITION_PASSED);
}

/* The three formats of RFC 9110 5.6.7, and the same instant in each. */
static void test_all_three_date_formats(void **state) {
  struct fixture *f = *state;
  static const char *const same[] = {LM, "Sunday, 06-Nov-94 08:49:37 GMT",
                                     "Sun Nov  6 08:49:37 1994",
                                     "  Sun, 06 Nov 1994 08:49:37 GMT\t"};
  static const char *const later[] = {
      LM_MINUS_1, "Sunday, 06-Nov-94 08:49:36 GMT", "Sun Nov  6 08:49:36 1994"};

  representation(f->r);
  for (size_t i = 0; i < sizeof same / sizeof *same; i++)
    assert_int_equal(outcome(f->r, "PUT", NULL, NULL, NULL, same[i]),
                     FRB_PRECONDITION_PASSED);
  for (size_t i = 0; i < sizeof later / sizeof *later; i++) {
    assert_int_equal(frb_set_status(f->r, 200), FRB_OK);
    assert_int_equal(outcome(f->r, "PUT", NULL, NULL, NULL, later[i]),
                     FRB_PRECONDITION_FAILED);
  }
}

/* An invalid If-Unmodified-Since is ignored (RFC 9110 13.1.4).  Each is
 * earlier than Last-Modified as it reads, so accepting one gives a 412. */
static void test_invalid_dates_are_ignored(void **state) {
  struct fixture *f = *state;
  static const char *const bad[] = {"Sun, 06 Nov 1994 08:49:36 gmt",
                                    "sun, 06 Nov 1994 08:49:36 GMT",
                                    "Sun, 31 Apr 1994 08:49:36 GMT",
                                    "Sun, 29 Feb 1900 08:49:36 GMT",
                                    "Sat, 05 Nov 1994 24:00:00 GMT",
                                    "Sun, 06 Nov 1994 07:60:00 GMT",
                                    "Sun, 6 Nov 1994 08:49:36 GMT",
                                    "Sun, 06 Nov 1994 08:49:36 GMTX",
                                    "Sunday, 06-Nov-1994 08:49:36 GMT",
                                    "Sun Nov 06 08:49:36 1994 x",
                                    "Sun Nov  0 08:49:36 1994",
                                    "1994-11-06T08:49:36Z",
                                    "",
                                    "Sun, 06 Nov 1994 08:49:36 UTC"};

  representation(f->r);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(outcome(f->r, "PUT", NULL, NULL, NULL, bad[i]) * 1000 +
                         (int)i,
                     FRB_PRECONDITION_PASSED * 1000 + (int)i);
}

/* A leap second and 29 February of a leap year are real dates. */
static void test_leap_day_and_leap_second_are_valid(void **state) {
  struct fixture *f = *state;

  assert_int_equal(
      frb_header_set(f->r, "Last-Modified", "Tue, 01 Mar 2000 00:00:00 GMT"),
      FRB_OK);
  assert_int_equal(
      outcome(f->r, "PUT", NULL, NULL, NULL, "Tue, 29 Feb 2000 23:59:60 GMT"),
      FRB_PRECONDITION_PASSED);
  assert_int_equal(
      outcome(f->r, "PUT", NULL, NULL, NULL, "Tue, 29 Feb 2000 23:59:59 GMT"),
      FRB_PRECONDITION_FAILED);
}

/* RFC 850 two-digit years: within 50 years of now, else the past century. */
static void test_rfc850_two_digit_year_window(void **state) {
  struct fixture *f = *state;

  /* 69 is 2069 (well within 50 years after any date before 2019+50). */
  assert_int_equal(
      frb_header_set(f->r, "Last-Modified", "Thu, 01 Jan 2060 00:00:00 GMT"),
      FRB_OK);
  assert_int_equal(outcome(f->r, "PUT", NULL, NULL, NULL,
                           "Wednesday, 01-Jan-59 00:00:00 GMT"),
                   FRB_PRECONDITION_FAILED);
  assert_int_equal(frb_set_status(f->r, 200), FRB_OK);
  assert_int_equal(
      outcome(f->r, "PUT", NULL, NULL, NULL, "Tuesday, 01-Jan-61 00:00:00 GMT"),
      FRB_PRECONDITION_PASSED);
}

static void test_malformed_response_etag_is_refused(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "ETag", "v1"), FRB_OK);
  assert_int_equal(outcome(f->r, "GET", NULL, "\"v1\"", NULL, NULL),
                   FRB_EINVAL);
  expect_status(f->r, 200);
}

static void test_malformed_response_last_modified_is_refused(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "Last-Modified", "yesterday"), FRB_OK);
  assert_int_equal(outcome(f->r, "GET", NULL, NULL, LM, NULL), FRB_EINVAL);
  expect_status(f->r, 200);
}

static void test_304_refused_after_body_was_buffered(void **state) {
  struct fixture *f = *state;
  char buf[32];

  representation(f->r);
  assert_int_equal(frb_write(f->r, "hello", 5), FRB_OK);
  assert_int_equal(outcome(f->r, "GET", NULL, "\"v1\"", NULL, NULL),
                   FRB_EINVAL);
  expect_status(f->r, 200);
  assert_int_equal(frb_header_get(f->r, "Content-Type", buf, sizeof buf), 9);
}

static void test_after_head_sent_is_esent(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(outcome(f->r, "GET", NULL, "\"v1\"", NULL, NULL), FRB_ESENT);
}

static void test_etag_is_never_rewritten(void **state) {
  struct fixture *f = *state;
  char buf[32];

  assert_int_equal(frb_header_set(f->r, "ETag", "W/\"v1\""), FRB_OK);
  assert_int_equal(outcome(f->r, "GET", NULL, "\"v1\"", NULL, NULL),
                   FRB_PRECONDITION_NOT_MODIFIED);
  assert_int_equal(frb_header_get(f->r, "ETag", buf, sizeof buf), 6);
  assert_string_equal(buf, "W/\"v1\"");
}

static void test_malformed_if_match_fails(void **state) {
  struct fixture *f = *state;

  representation(f->r);
  assert_int_equal(outcome(f->r, "PUT", NULL, NULL, NULL, NULL),
                   FRB_PRECONDITION_PASSED);
  assert_int_equal(outcome(f->r, "PUT", "v1", NULL, NULL, NULL),
                   FRB_PRECONDITION_FAILED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_null_arguments_are_refused),
      T(test_no_conditions_pass),
      T(test_non_2xx_ignores_conditions),
      T(test_connect_options_trace_ignore_conditions),
      T(test_if_none_match_weak_match_gives_304),
      T(test_if_none_match_on_weak_etag_matches),
      T(test_304_keeps_validators_and_drops_representation),
      T(test_if_none_match_on_unsafe_method_gives_412),
      T(test_if_none_match_star_matches_any),
      T(test_if_none_match_mismatch_changes_nothing),
      T(test_if_match_uses_strong_comparison),
      T(test_if_match_fails_on_weak_etag),
      T(test_if_match_fails_without_etag),
      T(test_if_match_star_passes),
      T(test_if_match_is_evaluated_before_if_none_match),
      T(test_if_match_overrides_if_unmodified_since),
      T(test_if_unmodified_since),
      T(test_if_modified_since),
      T(test_if_modified_since_equal_date_is_not_modified),
      T(test_if_modified_since_only_for_get_and_head),
      T(test_if_none_match_overrides_if_modified_since),
      T(test_date_conditions_without_last_modified_ignored),
      T(test_all_three_date_formats),
      T(test_invalid_dates_are_ignored),
      T(test_leap_day_and_leap_second_are_valid),
      T(test_rfc850_two_digit_year_window),
      T(test_malformed_response_etag_is_refused),
      T(test_malformed_response_last_modified_is_refused),
      T(test_304_refused_after_body_was_buffered),
      T(test_after_head_sent_is_esent),
      T(test_etag_is_never_rewritten),
      T(test_malformed_if_match_fails),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
