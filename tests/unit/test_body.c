/* frb_write(3) and frb_finish(3): the body, the automatic Content-Length
 * and Content-Type, no body on 204/304, buffering and streaming. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define CT_DEFAULT "Content-Type: text/plain; charset=utf-8\r\n"

static void
test_finish_empty_body_sends_content_length_0_no_type(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_write(f->r, "", 0), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\nContent-Length: 0\r\n\r\n");
  assert_int_equal(f->s.writes, 1);
}

static void test_finish_sends_buffered_body_with_length_and_type(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_add(f->r, "X-A", "1"), FRB_OK);
  assert_int_equal(frb_write(f->r, "hello", 5), FRB_OK);
  assert_int_equal(frb_write(f->r, " world", 6), FRB_OK);
  assert_int_equal(f->s.len, 0); /* held back until finish */
  assert_int_equal(frb_headers_sent(f->r), 0);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\nX-A: 1\r\n" CT_DEFAULT
                     "Content-Length: 11\r\n\r\nhello world");
  /* The head went out in one sink write, ahead of the body. */
  assert_int_equal(f->s.write_len[0], f->s.len - 11);
}

static void test_body_keeps_caller_content_type_never_sniffed(void **state) {
  struct fixture *f = *state;
  static const char html[] = "<!DOCTYPE html><html><body>x</body></html>";

  /* No Content-Type: the documented default, even for markup. */
  assert_int_equal(frb_write(f->r, html, sizeof html - 1), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\n" CT_DEFAULT
                     "Content-Length: 42\r\n\r\n<!DOCTYPE html><html><body>x"
                     "</body></html>");
  sink_clear(&f->s);
  assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "content-type", "image/png"), FRB_OK);
  assert_int_equal(frb_write(f->r, html, sizeof html - 1), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\ncontent-type: image/png\r\n"
                     "Content-Length: 42\r\n\r\n<!DOCTYPE html><html><body>x"
                     "</body></html>");
}

static void test_body_keeps_caller_content_length(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "Content-Length", "3"), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "Content-Type", "a/b"), FRB_OK);
  assert_int_equal(frb_write(f->r, "abc", 3), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\nContent-Length: 3\r\n"
                     "Content-Type: a/b\r\n\r\nabc");
}

static void test_body_204_304_no_content_length_write_einval(void **state) {
  struct fixture *f = *state;
  static const struct {
    int code;
    const char *want;
  } cases[] = {{204, "Status: 204 No Content\r\n\r\n"},
               {304, "Status: 304 Not Modified\r\n\r\n"}};

  for (size_t i = 0; i < 2; i++) {
    sink_clear(&f->s);
    assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
    assert_int_equal(frb_set_status(f->r, cases[i].code), FRB_OK);
    assert_int_equal(frb_write(f->r, "x", 1), FRB_EINVAL);
    finish_ok(f->r);
    expect_sink(&f->s, cases[i].want);
    /* Also once the head is out, and with flush_headers: no Content-Type. */
    sink_clear(&f->s);
    assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
    assert_int_equal(frb_set_status(f->r, cases[i].code), FRB_OK);
    assert_int_equal(frb_flush_headers(f->r), FRB_OK);
    assert_int_equal(frb_write(f->r, "x", 1), FRB_EINVAL);
    finish_ok(f->r);
    expect_sink(&f->s, cases[i].want);
  }
}

static void
test_set_status_204_304_after_body_buffered_is_einval(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_write(f->r, "abc", 3), FRB_OK);
  assert_int_equal(frb_set_status(f->r, 204), FRB_EINVAL);
  assert_int_equal(frb_set_status(f->r, 304), FRB_EINVAL);
  assert_int_equal(frb_set_status_reason(f->r, 204, "Empty"), FRB_EINVAL);
  assert_int_equal(frb_set_status(f->r, 404), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 404 Not Found\r\n" CT_DEFAULT
                     "Content-Length: 3\r\n\r\nabc");
}

static void test_body_up_to_buffer_limit_is_held_back(void **state) {
  struct fixture *f = *state;
  char *body = repeat('b', FRB_DEFAULT_BODY_BUFFER);
  char head[128];
  int hl;

  assert_int_equal(FRB_DEFAULT_BODY_BUFFER, 65536);
  assert_int_equal(frb_write(f->r, body, FRB_DEFAULT_BODY_BUFFER - 1), FRB_OK);
  assert_int_equal(frb_write(f->r, "!", 1), FRB_OK);
  assert_int_equal(f->s.len, 0);
  assert_int_equal(frb_headers_sent(f->r), 0);
  finish_ok(f->r);
  hl =
      snprintf(head, sizeof head,
               "Status: 200 OK\r\n" CT_DEFAULT "Content-Length: 65536\r\n\r\n");
  assert_int_equal(f->s.len, (size_t)hl + 65536);
  expect_bytes("head", f->s.buf, (size_t)hl, head, (size_t)hl);
  expect_bytes("body", f->s.buf + hl, 65535, body, 65535);
  assert_int_equal(f->s.buf[f->s.len - 1], '!');
  free(body);
}

static void test_body_over_buffer_limit_streams_head_first(void **state) {
  struct fixture *f = *state;
  static const char head[] = "Status: 200 OK\r\nX: y\r\n" CT_DEFAULT "\r\n";

  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 16), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "X", "y"), FRB_OK);
  assert_int_equal(frb_write(f->r, "0123456789", 10), FRB_OK);
  assert_int_equal(f->s.len, 0);
  assert_int_equal(frb_write(f->r, "abcdefghij", 10), FRB_OK);
  /* Head (no Content-Length: the length is unknown), buffer, then the new
   * bytes, in that order. */
  assert_int_equal(frb_headers_sent(f->r), 1);
  expect_sink(&f->s, "Status: 200 OK\r\nX: y\r\n" CT_DEFAULT
                     "\r\n0123456789abcdefghij");
  assert_int_equal(f->s.write_len[0], sizeof head - 1);
  assert_int_equal(frb_header_set(f->r, "X", "z"), FRB_ESENT);
  assert_int_equal(frb_write(f->r, "K", 1), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\nX: y\r\n" CT_DEFAULT
                     "\r\n0123456789abcdefghijK");
}

static void test_body_single_write_over_default_limit_streams(void **state) {
  struct fixture *f = *state;
  size_t n = FRB_DEFAULT_BODY_BUFFER + 1;
  char *body = repeat('s', n);
  static const char head[] = "Status: 200 OK\r\n" CT_DEFAULT "\r\n";

  assert_int_equal(frb_write(f->r, body, n), FRB_OK);
  assert_int_equal(f->s.len, sizeof head - 1 + n);
  expect_bytes("head", f->s.buf, sizeof head - 1, head, sizeof head - 1);
  expect_bytes("body", f->s.buf + sizeof head - 1, n, body, n);
  finish_ok(f->r);
  assert_int_equal(f->s.len, sizeof head - 1 + n);
  free(body);
}

static void test_flush_then_write_streams_without_content_length(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  expect_sink(&f->s, "Status: 200 OK\r\n" CT_DEFAULT "\r\n");
  assert_int_equal(frb_write(f->r, "abc", 3), FRB_OK);
  expect_sink(&f->s, "Status: 200 OK\r\n" CT_DEFAULT "\r\nabc");
  assert_int_equal(frb_write(f->r, "def", 3), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\n" CT_DEFAULT "\r\nabcdef");
  assert_int_equal(f->s.writes, 3);
}

static void test_flush_sends_buffered_body_after_head(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_write(f->r, "early", 5), FRB_OK);
  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  expect_sink(&f->s, "Status: 200 OK\r\n" CT_DEFAULT "\r\nearly");
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\n" CT_DEFAULT "\r\nearly");
}

static void test_write_after_finish_is_esent(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_write(f->r, "a", 1), FRB_OK);
  finish_ok(f->r);
  assert_int_equal(frb_write(f->r, "b", 1), FRB_ESENT);
  assert_int_equal(frb_finish(f->r), FRB_ESENT);
  assert_int_equal(frb_flush_headers(f->r), FRB_ESENT);
  expect_sink(&f->s,
              "Status: 200 OK\r\n" CT_DEFAULT "Content-Length: 1\r\n\r\na");
}

static void test_body_bytes_are_binary_safe(void **state) {
  struct fixture *f = *state;
  char bin[256];
  static const char head[] =
      "Status: 200 OK\r\n" CT_DEFAULT "Content-Length: 256\r\n\r\n";

  for (int i = 0; i < 256; i++)
    bin[i] = (char)i;
  assert_int_equal(frb_write(f->r, bin, 128), FRB_OK);
  assert_int_equal(frb_write(f->r, bin + 128, 128), FRB_OK);
  finish_ok(f->r);
  assert_int_equal(f->s.len, sizeof head - 1 + 256);
  expect_bytes("head", f->s.buf, sizeof head - 1, head, sizeof head - 1);
  expect_bytes("body", f->s.buf + sizeof head - 1, 256, bin, 256);
}

static void test_set_limit_body_below_buffered_is_etoobig(void **state) {
  struct fixture *f = *state;
  char *body = repeat('q', 100);

  assert_int_equal(frb_write(f->r, body, 100), FRB_OK);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 99), FRB_ETOOBIG);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 0), FRB_ETOOBIG);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 100), FRB_OK);
  assert_int_equal(f->s.len, 0);
  /* Full: the next byte sends the head and streams. */
  assert_int_equal(frb_write(f->r, "!", 1), FRB_OK);
  assert_int_equal(frb_headers_sent(f->r), 1);
  finish_ok(f->r);
  assert_int_equal(f->s.len,
                   strlen("Status: 200 OK\r\n" CT_DEFAULT "\r\n") + 101);
  assert_int_equal(f->s.buf[f->s.len - 1], '!');
  free(body);
}

static void test_set_limit_body_zero_streams_every_write(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 0), FRB_OK);
  assert_int_equal(frb_write(f->r, "a", 1), FRB_OK);
  expect_sink(&f->s, "Status: 200 OK\r\n" CT_DEFAULT "\r\na");
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\n" CT_DEFAULT "\r\na");
}

/* frb_set_head_only(3): the answer to a HEAD request (RFC 9110 9.3.2) has
 * the head a GET would have, Content-Length counted from the body, and no
 * body bytes on the wire. */
static void test_head_only_counts_body_sends_none(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_set_head_only(f->r, 1), FRB_OK);
  assert_int_equal(frb_write(f->r, "hello ", 6), FRB_OK);
  assert_int_equal(frb_write(f->r, "world", 5), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s,
              "Status: 200 OK\r\n" CT_DEFAULT "Content-Length: 11\r\n\r\n");
}

static void test_head_only_streaming_sends_head_only(void **state) {
  struct fixture *f = *state;
  char big[100];

  memset(big, 'b', sizeof big);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 10), FRB_OK);
  assert_int_equal(frb_set_head_only(f->r, 1), FRB_OK);
  assert_int_equal(frb_write(f->r, "12345", 5), FRB_OK);
  assert_int_equal(frb_write(f->r, big, sizeof big), FRB_OK);
  assert_int_equal(frb_write(f->r, big, sizeof big), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\n" CT_DEFAULT "\r\n");
  /* frb_reset forgets it; after the head it is too late. */
  sink_clear(&f->s);
  assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
  assert_int_equal(frb_write(f->r, "x", 1), FRB_OK);
  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(frb_set_head_only(f->r, 1), FRB_ESENT);
  assert_int_equal(frb_set_head_only(NULL, 1), FRB_EINVAL);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\n" CT_DEFAULT "\r\nx");
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_finish_empty_body_sends_content_length_0_no_type),
      T(test_finish_sends_buffered_body_with_length_and_type),
      T(test_body_keeps_caller_content_type_never_sniffed),
      T(test_body_keeps_caller_content_length),
      T(test_body_204_304_no_content_length_write_einval),
      T(test_set_status_204_304_after_body_buffered_is_einval),
      T(test_body_up_to_buffer_limit_is_held_back),
      T(test_body_over_buffer_limit_streams_head_first),
      T(test_body_single_write_over_default_limit_streams),
      T(test_flush_then_write_streams_without_content_length),
      T(test_flush_sends_buffered_body_after_head),
      T(test_write_after_finish_is_esent),
      T(test_body_bytes_are_binary_safe),
      T(test_set_limit_body_below_buffered_is_etoobig),
      T(test_set_limit_body_zero_streams_every_write),
      T(test_head_only_counts_body_sends_none),
      T(test_head_only_streaming_sends_head_only),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
