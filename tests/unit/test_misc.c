/* frb_reset(3), frb_headers_sent(3), frb_strerror(3), frb_version(3),
 * frb_new(3) and frb_new_fd(3) on pipes and sockets, and independent
 * responses (frb_threads(7): no global state). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

#define CT_DEFAULT "Content-Type: text/plain; charset=utf-8\r\n"

static void test_reset_keeps_limits_clears_everything_else(void **state) {
  struct fixture *f = *state;
  struct sink s2;
  char buf[8];
  char *v78 = repeat('v', 78);

  sink_init(&s2);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_BODY_BUFFER, 8), FRB_OK);
  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 100), FRB_OK);
  assert_int_equal(frb_set_status_reason(f->r, 404, "Gone Away"), FRB_OK);
  assert_int_equal(frb_header_add(f->r, "A", "1"), FRB_OK);
  assert_int_equal(frb_write(f->r, "12345", 5), FRB_OK);
  assert_int_equal(frb_reset(f->r, sink_write, &s2), FRB_OK);
  /* Cleared: status, headers, buffered body, sent state. */
  assert_int_equal(frb_get_status(f->r), 200);
  assert_int_equal(frb_header_get(f->r, "A", buf, sizeof buf), FRB_ENOTFOUND);
  assert_int_equal(frb_headers_sent(f->r), 0);
  assert_int_equal(frb_set_status(f->r, 204), FRB_OK); /* no body left */
  assert_int_equal(frb_set_status(f->r, 200), FRB_OK);
  /* Kept: the head limit (100) and the body limit (8). */
  /* 16 + "X: " + v + CRLF, the room for the default Content-Type (41)
   * and a one-digit Content-Length (19), CRLF: 17 value bytes fill 100. */
  v78[18] = '\0';
  assert_int_equal(frb_header_set(f->r, "X", v78), FRB_ETOOBIG);
  v78[17] = '\0';
  assert_int_equal(frb_header_set(f->r, "X", v78), FRB_OK);
  assert_int_equal(frb_header_del(f->r, "X"), FRB_OK);
  assert_int_equal(frb_write(f->r, "abcdefgh", 8), FRB_OK);
  assert_int_equal(s2.len, 0);
  assert_int_equal(frb_write(f->r, "i", 1), FRB_OK); /* overflows 8: streams */
  finish_ok(f->r);
  expect_sink(&s2, "Status: 200 OK\r\n" CT_DEFAULT "\r\nabcdefghi");
  assert_int_equal(f->s.len, 0); /* the old sink saw nothing */
  sink_destroy(&s2);
  free(v78);
}

static void test_reset_after_finish_starts_a_new_response(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "A", "1"), FRB_OK);
  assert_int_equal(frb_write(f->r, "one", 3), FRB_OK);
  finish_ok(f->r);
  assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
  assert_int_equal(frb_headers_sent(f->r), 0);
  assert_int_equal(frb_header_set(f->r, "B", "2"), FRB_OK);
  assert_int_equal(frb_write(f->r, "two", 3), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\nA: 1\r\n" CT_DEFAULT
                     "Content-Length: 3\r\n\r\none"
                     "Status: 200 OK\r\nB: 2\r\n" CT_DEFAULT
                     "Content-Length: 3\r\n\r\ntwo");
}

static void test_reset_after_eio_clears_the_failure(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_reset(f->r, sink_fail_always, NULL), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "A", "1"), FRB_OK);
  assert_int_equal(frb_finish(f->r), FRB_EIO);
  assert_int_equal(frb_write(f->r, "x", 1), FRB_EIO);
  assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
  assert_int_equal(frb_write(f->r, "ok", 2), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s,
              "Status: 200 OK\r\n" CT_DEFAULT "Content-Length: 2\r\n\r\nok");
}

static void test_reset_while_streaming_drops_nothing_old(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(frb_write(f->r, "a", 1), FRB_OK);
  sink_clear(&f->s);
  assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
  assert_int_equal(frb_set_status(f->r, 201), FRB_OK);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 201 Created\r\nContent-Length: 0\r\n\r\n");
}

static void test_headers_sent_reports_claimed_head(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_headers_sent(f->r), 0);
  assert_int_equal(frb_write(f->r, "x", 1), FRB_OK);
  assert_int_equal(frb_headers_sent(f->r), 0);
  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(frb_headers_sent(f->r), 1);
  finish_ok(f->r);
  assert_int_equal(frb_headers_sent(f->r), 1);
  assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
  assert_int_equal(frb_headers_sent(f->r), 0);
  finish_ok(f->r);
  assert_int_equal(frb_headers_sent(f->r), 1);
  assert_int_equal(frb_headers_sent(NULL), FRB_EINVAL);
}

static void test_strerror_text_for_every_code(void **state) {
  static const struct {
    int code;
    const char *text;
  } codes[] = {
      {FRB_OK, "success"},
      {FRB_EINVAL, "invalid argument"},
      {FRB_ENOMEM, "out of memory"},
      {FRB_ESENT, "headers already sent"},
      {FRB_ETOOBIG, "limit exceeded"},
      {FRB_EIO, "output failed"},
      {FRB_ENOTFOUND, "no such header"},
      {FRB_ERANGE, "buffer too small"},
      {FRB_EFROZEN, "header is frozen"},
  };
  static const int unknown[] = {1, 2, -9, 100, -100, INT_MIN, INT_MAX};

  (void)state;
  assert_int_equal(FRB_OK, 0);
  assert_int_equal(FRB_EINVAL, -1);
  assert_int_equal(FRB_ENOMEM, -2);
  assert_int_equal(FRB_ESENT, -3);
  assert_int_equal(FRB_ETOOBIG, -4);
  assert_int_equal(FRB_EIO, -5);
  assert_int_equal(FRB_ENOTFOUND, -6);
  assert_int_equal(FRB_ERANGE, -7);
  assert_int_equal(FRB_EFROZEN, -8);
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
    assert_string_equal(frb_strerror(codes[i].code), codes[i].text);
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
    assert_string_equal(frb_strerror(unknown[i]), "unknown error");
}

static void test_version_matches_macros(void **state) {
  char want[32];

  (void)state;
  snprintf(want, sizeof want, "%d.%d.%d", FRB_VERSION_MAJOR, FRB_VERSION_MINOR,
           FRB_VERSION_PATCH);
  assert_string_equal(FRB_VERSION_STRING, want);
  assert_string_equal(frb_version_string(), FRB_VERSION_STRING);
  assert_int_equal(frb_version(), FRB_VERSION_HEX);
  assert_int_equal(frb_version(), ((unsigned)FRB_VERSION_MAJOR << 16) |
                                      ((unsigned)FRB_VERSION_MINOR << 8) |
                                      (unsigned)FRB_VERSION_PATCH);
}

static void test_new_rejects_null_sink_and_bad_fd(void **state) {
  int fd;

  (void)state;
  assert_null(frb_new(NULL, NULL));
  assert_null(frb_new(NULL, state));
  assert_null(frb_new_fd(-1));
  assert_null(frb_new_fd(INT_MIN));
  /* A descriptor number that is not open. */
  fd = dup(0);
  assert_true(fd >= 0);
  close(fd);
  assert_null(frb_new_fd(fd));
}

/* Reads until EOF (the writer end is closed first). */
static size_t read_all(int fd, char *buf, size_t cap) {
  size_t got = 0;
  ssize_t n;

  while (got < cap && (n = read(fd, buf + got, cap - got)) > 0)
    got += (size_t)n;
  return got;
}

static void check_fd_response(int wfd, int rfd) {
  static const char want[] = "Status: 201 Created\r\nX-Fd: yes\r\n" CT_DEFAULT
                             "Content-Length: 5\r\n\r\nhello";
  frb_response *r = frb_new_fd(wfd);
  char buf[512];
  size_t n;

  assert_non_null(r);
  assert_int_equal(frb_set_status(r, 201), FRB_OK);
  assert_int_equal(frb_header_set(r, "X-Fd", "yes"), FRB_OK);
  assert_int_equal(frb_write(r, "hello", 5), FRB_OK);
  finish_ok(r);
  frb_free(r);
  close(wfd); /* frb_free does not close the caller's descriptor... */
  n = read_all(rfd, buf, sizeof buf);
  expect_bytes("fd", buf, n, want, sizeof want - 1);
  close(rfd);
}

static void test_new_fd_writes_to_a_pipe(void **state) {
  int p[2];

  (void)state;
  assert_int_equal(pipe(p), 0);
  check_fd_response(p[1], p[0]);
}

static void test_new_fd_writes_to_a_socket(void **state) {
  int sv[2];

  (void)state;
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  check_fd_response(sv[0], sv[1]);
}

static void test_new_fd_does_not_close_the_descriptor(void **state) {
  int p[2];
  frb_response *r;
  char c;

  (void)state;
  assert_int_equal(pipe(p), 0);
  assert_non_null(r = frb_new_fd(p[1]));
  frb_free(r);
  /* Still open and usable: the caller owns it. */
  assert_int_equal(write(p[1], "z", 1), 1);
  assert_int_equal(read(p[0], &c, 1), 1);
  assert_int_equal(c, 'z');
  close(p[0]);
  close(p[1]);
}

/* Semantic 1: no global state, so two responses never see each other. */
static void test_responses_are_independent(void **state) {
  struct sink sa, sb;
  frb_response *a, *b;

  (void)state;
  sink_init(&sa);
  sink_init(&sb);
  a = new_on(&sa);
  b = new_on(&sb);
  assert_int_equal(frb_set_limit(a, FRB_LIMIT_HEAD_BYTES, 120), FRB_OK);
  assert_int_equal(frb_set_status(a, 404), FRB_OK);
  assert_int_equal(frb_header_set(a, "A", "1"), FRB_OK);
  assert_int_equal(frb_header_setf(b, "B", "%0200d", 2), FRB_OK);
  assert_int_equal(frb_header_get(b, "A", NULL, 0), FRB_ENOTFOUND);
  assert_int_equal(frb_flush_headers(a), FRB_OK);
  assert_int_equal(frb_headers_sent(b), 0);
  assert_int_equal(frb_get_status(b), 200);
  assert_int_equal(frb_header_add(b, "C", "3"), FRB_OK);
  finish_ok(b);
  finish_ok(a);
  expect_sink(&sa, "Status: 404 Not Found\r\nA: 1\r\n" CT_DEFAULT "\r\n");
  assert_int_equal(sb.len, strlen("Status: 200 OK\r\nB: \r\nC: 3\r\n"
                                  "Content-Length: 0\r\n\r\n") +
                               200);
  frb_free(a);
  frb_free(b);
  sink_destroy(&sa);
  sink_destroy(&sb);
}

/* The helper the thread tests rely on must itself be strict. */
static void test_strict_parser_rejects_malformed_heads(void **state) {
  static const char *const bad[] = {
      "",
      "HTTP/1.1 200 OK\r\n\r\n",
      "Status: 200 OK\n\r\n",
      "Status: 200\r\n\r\n",
      "Status: 20 OK\r\n\r\n",
      "Status: 200 OK\r\nA: 1\n\r\n",
      "Status: 200 OK\r\nA: 1\r\n folded\r\n\r\n",
      "Status: 200 OK\r\nA 1\r\n\r\n",
      "Status: 200 OK\r\nA : 1\r\n\r\n",
      "Status: 200 OK\r\n: 1\r\n\r\n",
      "Status: 200 OK\r\nA: 1\rB: 2\r\n\r\n",
      "Status: 200 OK\r\nA: \x01\r\n\r\n",
      "Status: 200 OK\r\nA: 1\r\n",
  };
  static const char good[] = "Status: 299 Fine \x80\r\nA:1\r\nB: \t2 3\t\r\n"
                             "C:\r\n\r\nbody\r\n";
  struct parsed p;

  (void)state;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (parse_response(bad[i], strlen(bad[i]), &p) == 0)
      fail_msg("parser accepted bad head %zu", i);
    parsed_free(&p);
  }
  assert_int_equal(parse_response(good, sizeof good - 1, &p), 0);
  assert_int_equal(p.status, 299);
  assert_string_equal(p.reason, "Fine \x80");
  assert_int_equal(p.nfields, 3);
  assert_string_equal(field_value(&p, "a", 0), "1");
  assert_string_equal(field_value(&p, "B", 0), "2 3");
  assert_string_equal(field_value(&p, "C", 0), "");
  assert_int_equal(p.body_len, 6);
  assert_memory_equal(p.body, "body\r\n", 6);
  parsed_free(&p);
}

/* frb_new_fd(3): on standard output (CGI) the method comes from the
 * REQUEST_METHOD environment variable: a HEAD gets the head only.  Other
 * descriptors do not look at the environment. */
static void read_pipe(int fd, char *buf, size_t size) {
  size_t got = 0;
  ssize_t n;

  while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
    got += (size_t)n;
  buf[got] = '\0';
}

static void test_new_fd_stdout_head_request_sends_no_body(void **state) {
  static const char want_head[] = "Status: 200 OK\r\n"
                                  "Content-Type: text/plain; charset=utf-8\r\n"
                                  "Content-Length: 3\r\n\r\n";
  char got[512];
  int p[2], saved;
  frb_response *r;

  (void)state;
  assert_int_equal(pipe(p), 0);
  fflush(stdout);
  assert_true((saved = dup(STDOUT_FILENO)) >= 0);
  assert_int_equal(dup2(p[1], STDOUT_FILENO), STDOUT_FILENO);
  setenv("REQUEST_METHOD", "HEAD", 1);
  r = frb_new_fd(STDOUT_FILENO);
  int rc1 = r ? frb_write(r, "abc", 3) : -100;
  int rc2 = r ? frb_finish(r) : -100;
  frb_free(r);
  /* Another descriptor: the environment is not its business. */
  r = frb_new_fd(p[1]);
  int rc3 = r ? frb_write(r, "abc", 3) : -100;
  int rc4 = r ? frb_finish(r) : -100;
  frb_free(r);
  unsetenv("REQUEST_METHOD");
  assert_int_equal(dup2(saved, STDOUT_FILENO), STDOUT_FILENO);
  close(saved);
  close(p[1]);
  read_pipe(p[0], got, sizeof got);
  close(p[0]);
  assert_int_equal(rc1, FRB_OK);
  assert_int_equal(rc2, FRB_OK);
  assert_int_equal(rc3, FRB_OK);
  assert_int_equal(rc4, FRB_OK);
  expect_bytes("pipe", got, strlen(got),
               "Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
               "Content-Length: 3\r\n\r\n"
               "Status: 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
               "Content-Length: 3\r\n\r\nabc",
               2 * (sizeof want_head - 1) + 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_reset_keeps_limits_clears_everything_else),
      T(test_reset_after_finish_starts_a_new_response),
      T(test_reset_after_eio_clears_the_failure),
      T(test_reset_while_streaming_drops_nothing_old),
      T(test_headers_sent_reports_claimed_head),
      cmocka_unit_test(test_strerror_text_for_every_code),
      cmocka_unit_test(test_version_matches_macros),
      cmocka_unit_test(test_new_rejects_null_sink_and_bad_fd),
      cmocka_unit_test(test_new_fd_writes_to_a_pipe),
      cmocka_unit_test(test_new_fd_writes_to_a_socket),
      cmocka_unit_test(test_new_fd_does_not_close_the_descriptor),
      cmocka_unit_test(test_new_fd_stdout_head_request_sends_no_body),
      cmocka_unit_test(test_responses_are_independent),
      cmocka_unit_test(test_strict_parser_rejects_malformed_heads),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
