/* frb(3) ERRORS: FRB_ENOMEM leaves the response unchanged, for every call
 * that allocates.  This program is built from the library's sources with
 * -DFRB_ALLOC_HOOKS, so that every allocation the library makes goes
 * through the hooks below and the k-th one (and every later one) can fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Allocations left before failing; negative: never fail.  One thread. */
static long alloc_budget = -1;
static long alloc_failures;

static int should_fail(void) {
  if (alloc_budget < 0)
    return 0;
  if (alloc_budget == 0) {
    alloc_failures++;
    return 1;
  }
  alloc_budget--;
  return 0;
}

void *frb_hook_malloc(size_t size);
void *frb_hook_realloc(void *ptr, size_t size);
void frb_hook_free(void *ptr);

void *frb_hook_malloc(size_t size) {
  return should_fail() ? NULL : malloc(size);
}

void *frb_hook_realloc(void *ptr, size_t size) {
  return should_fail() ? NULL : realloc(ptr, size);
}

void frb_hook_free(void *ptr) {
  free(ptr);
}

static void fail_after(long k) {
  alloc_budget = k;
  alloc_failures = 0;
}

static void never_fail(void) {
  alloc_budget = -1;
}

/* Brings a response into a state where the operation needs memory. */
typedef void (*prep_fn)(frb_response *r);
typedef int (*op_fn)(frb_response *r);

/* For k = 0, 1, ...: prepares two responses alike, runs op on one with only
 * k allocations allowed.  While op answers FRB_ENOMEM, the two responses
 * must finish byte for byte alike (nothing changed) and nothing may have
 * been sent.  Ends when op succeeds, which it must within 8 steps. */
static void check_enomem_unchanged(prep_fn prep, op_fn op) {
  int failed_once = 0;

  for (long k = 0; k < 8; k++) {
    struct sink sa, sb;
    frb_response *a, *b;
    int rc;

    sink_init(&sa);
    sink_init(&sb);
    a = new_on(&sa);
    b = new_on(&sb);
    prep(a);
    prep(b);
    fail_after(k);
    rc = op(a);
    never_fail();
    if (rc == FRB_OK) {
      assert_true(failed_once); /* the operation did need memory */
      frb_free(a);
      frb_free(b);
      sink_destroy(&sa);
      sink_destroy(&sb);
      return;
    }
    assert_int_equal(rc, FRB_ENOMEM);
    assert_true(alloc_failures > 0);
    failed_once = 1;
    assert_int_equal(sa.len, 0);
    assert_int_equal(frb_headers_sent(a), 0);
    assert_int_equal(frb_finish(a), FRB_OK);
    assert_int_equal(frb_finish(b), FRB_OK);
    expect_bytes("after ENOMEM", sa.buf, sa.len, sb.buf, sb.len);
    frb_free(a);
    frb_free(b);
    sink_destroy(&sa);
    sink_destroy(&sb);
  }
  fail_msg("the operation still failed with 8 allocations allowed");
}

static void prep_plain(frb_response *r) {
  assert_int_equal(frb_header_add(r, "A", "1"), FRB_OK);
  assert_int_equal(frb_write(r, "body", 4), FRB_OK);
}

/* 8 field slots and a 256-byte buffer, both full: the next add needs both. */
static void prep_full(frb_response *r) {
  char name[8];

  for (int i = 0; i < 8; i++) {
    snprintf(name, sizeof name, "H%d", i);
    /* "Hi: " + 23 + CRLF = 29 bytes; 16 + 8 * 29 = 248 of 256 */
    assert_int_equal(frb_header_add(r, name, "vvvvvvvvvvvvvvvvvvvvvvv"),
                     FRB_OK);
  }
}

static int op_set_grows_buffer(frb_response *r) {
  char v[600];

  memset(v, 'g', sizeof v - 1);
  v[sizeof v - 1] = '\0';
  return frb_header_set(r, "X-Grow", v);
}

static int op_add_grows_buffer_and_fields(frb_response *r) {
  return frb_header_add(r, "X-Ninth", "value");
}

static int op_replace_grows_in_place(frb_response *r) {
  char v[600];

  memset(v, 'r', sizeof v - 1);
  v[sizeof v - 1] = '\0';
  return frb_header_set(r, "H3", v);
}

static int op_setf_big_value(frb_response *r) {
  return frb_header_setf(r, "X-F", "%0400d", 1);
}

static int op_status_reason_grows(frb_response *r) {
  char reason[300];

  memset(reason, 'R', sizeof reason - 1);
  reason[sizeof reason - 1] = '\0';
  return frb_set_status_reason(r, 299, reason);
}

static int op_write_grows_body(frb_response *r) {
  char body[5000];

  memset(body, 'w', sizeof body);
  return frb_write(r, body, sizeof body);
}

/* The head is exactly 256 bytes: finishing needs room for Content-Length. */
static void prep_head_full(frb_response *r) {
  char v[236];

  memset(v, 'f', sizeof v - 1);
  v[sizeof v - 1] = '\0';
  /* 16 + "X: " + 235 + CRLF = 256 */
  assert_int_equal(frb_header_set(r, "X", v), FRB_OK);
}

static int op_finish_needs_room(frb_response *r) {
  return frb_finish(r);
}

/* ------------------------------------------------------ response tools */

static int op_content_type_long_charset(frb_response *r) {
  char cs[400];

  memset(cs, 'c', sizeof cs - 1);
  cs[sizeof cs - 1] = '\0';
  return frb_set_content_type(r, "text/html", cs);
}

/* A download name whose Content-Disposition needs the heap. */
static int op_send_file_long_name(frb_response *r) {
  char name[300];
  struct frb_send_file_opts o = {name};

  memset(name, 'n', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  return frb_send_file(r, "/p/f", FRB_SENDFILE_NGINX, &o);
}

/* An ETag longer than the first read buffer, and a request that matches. */
static void prep_long_etag(frb_response *r) {
  char etag[1200];

  memset(etag, 'e', sizeof etag - 1);
  etag[0] = etag[sizeof etag - 2] = '"';
  etag[sizeof etag - 1] = '\0';
  assert_int_equal(frb_header_set(r, "ETag", etag), FRB_OK);
}

static int op_preconditions_long_etag(frb_response *r) {
  struct frb_request_conditions q = {"GET", NULL, "*", NULL, NULL};
  int rc = frb_preconditions(r, &q);

  return rc == FRB_PRECONDITION_NOT_MODIFIED ? FRB_OK : rc;
}

static void test_alloc_failure_tools_are_enomem_unchanged(void **state) {
  (void)state;
  check_enomem_unchanged(prep_plain, op_content_type_long_charset);
  check_enomem_unchanged(prep_long_etag, op_preconditions_long_etag);
}

/* frb_send_file(3): after FRB_ENOMEM the file field is not set (a server
 * never acts on a half-made response); the first allocation, the
 * Content-Disposition value, fails before anything changes. */
static void test_alloc_failure_send_file_sets_no_file_field(void **state) {
  int failed_once = 0;

  (void)state;
  for (long k = 0; k < 8; k++) {
    struct sink s;
    frb_response *r;
    char buf[8];
    int rc;

    sink_init(&s);
    r = new_on(&s);
    prep_full(r);
    fail_after(k);
    rc = op_send_file_long_name(r);
    never_fail();
    if (rc == FRB_OK) {
      assert_true(failed_once);
      assert_int_equal(frb_header_get(r, "X-Accel-Redirect", buf, sizeof buf),
                       4);
      frb_free(r);
      sink_destroy(&s);
      return;
    }
    assert_int_equal(rc, FRB_ENOMEM);
    failed_once = 1;
    assert_int_equal(frb_header_get(r, "X-Accel-Redirect", buf, sizeof buf),
                     FRB_ENOTFOUND);
    if (k == 0)
      assert_int_equal(frb_header_get(r, "Content-Disposition", NULL, 0),
                       FRB_ENOTFOUND);
    finish_ok(r);
    frb_free(r);
    sink_destroy(&s);
  }
  fail_msg("frb_send_file still failed with 8 allocations allowed");
}

/* A freeze that ran out of memory froze nothing. */
static void test_alloc_failure_freeze_freezes_nothing(void **state) {
  int failed_once = 0;

  (void)state;
  for (long k = 0; k < 8; k++) {
    struct sink s;
    frb_response *r;
    int rc;

    sink_init(&s);
    r = new_on(&s);
    fail_after(k);
    rc = frb_header_freeze(r, "X-F");
    never_fail();
    if (rc == FRB_OK) {
      assert_true(failed_once);
      assert_int_equal(frb_header_set(r, "X-F", "1"), FRB_EFROZEN);
      frb_free(r);
      sink_destroy(&s);
      return;
    }
    assert_int_equal(rc, FRB_ENOMEM);
    failed_once = 1;
    assert_int_equal(frb_header_set(r, "X-F", "1"), FRB_OK);
    frb_free(r);
    sink_destroy(&s);
  }
  fail_msg("frb_header_freeze still failed with 8 allocations allowed");
}

static void test_alloc_failure_set_is_enomem_unchanged(void **state) {
  (void)state;
  check_enomem_unchanged(prep_plain, op_set_grows_buffer);
  check_enomem_unchanged(prep_full, op_replace_grows_in_place);
}

static void test_alloc_failure_add_is_enomem_unchanged(void **state) {
  (void)state;
  check_enomem_unchanged(prep_full, op_add_grows_buffer_and_fields);
}

static void test_alloc_failure_setf_is_enomem_unchanged(void **state) {
  (void)state;
  check_enomem_unchanged(prep_plain, op_setf_big_value);
}

static void test_alloc_failure_status_is_enomem_unchanged(void **state) {
  (void)state;
  check_enomem_unchanged(prep_full, op_status_reason_grows);
}

static void test_alloc_failure_write_is_enomem_unchanged(void **state) {
  (void)state;
  check_enomem_unchanged(prep_plain, op_write_grows_body);
}

/* frb_finish(3): a head that cannot be sent for want of memory is replaced
 * by libfrb's fixed 500, which needs none; the error is still returned and
 * the response is over. */
#define FALLBACK_500                                                           \
  "Status: 500 Internal Server Error\r\n"                                      \
  "Content-Type: text/plain; charset=utf-8\r\n"                                \
  "Content-Length: 0\r\n\r\n"

static void check_fallback(int (*op)(frb_response *r)) {
  struct sink s;
  frb_response *r;

  sink_init(&s);
  r = new_on(&s);
  prep_head_full(r);
  assert_int_equal(frb_write(r, "body", 4), FRB_OK);
  fail_after(0);
  assert_int_equal(op(r), FRB_ENOMEM);
  never_fail();
  expect_sink(&s, FALLBACK_500);
  assert_int_equal(frb_headers_sent(r), 1);
  assert_int_equal(frb_write(r, "x", 1), FRB_ESENT);
  assert_int_equal(frb_header_set(r, "A", "b"), FRB_ESENT);
  frb_finish(r);
  expect_sink(&s, FALLBACK_500);
  frb_free(r);
  sink_destroy(&s);
}

static int op_flush(frb_response *r) {
  return frb_flush_headers(r);
}

static void test_alloc_failure_finish_sends_fixed_500(void **state) {
  (void)state;
  check_fallback(op_finish_needs_room);
  check_fallback(op_flush);
}

static void test_alloc_failure_in_new_returns_null(void **state) {
  struct sink s;
  frb_response *r = NULL;
  long k;

  (void)state;
  sink_init(&s);
  for (k = 0; k < 8 && !r; k++) {
    fail_after(k);
    r = frb_new(sink_write, &s);
    never_fail();
  }
  assert_true(k > 1); /* at least one failure was survived */
  assert_non_null(r);
  assert_int_equal(frb_finish(r), FRB_OK);
  expect_sink(&s, "Status: 200 OK\r\nContent-Length: 0\r\n\r\n");
  frb_free(r);
  sink_destroy(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_alloc_failure_set_is_enomem_unchanged),
      cmocka_unit_test(test_alloc_failure_add_is_enomem_unchanged),
      cmocka_unit_test(test_alloc_failure_setf_is_enomem_unchanged),
      cmocka_unit_test(test_alloc_failure_status_is_enomem_unchanged),
      cmocka_unit_test(test_alloc_failure_write_is_enomem_unchanged),
      cmocka_unit_test(test_alloc_failure_finish_sends_fixed_500),
      cmocka_unit_test(test_alloc_failure_in_new_returns_null),
      cmocka_unit_test(test_alloc_failure_tools_are_enomem_unchanged),
      cmocka_unit_test(test_alloc_failure_freeze_freezes_nothing),
      cmocka_unit_test(test_alloc_failure_send_file_sets_no_file_field),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
