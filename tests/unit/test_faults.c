/* frb_write(3) and frb_threads(7) on failure: FRB_EIO sticks once a sink
 * fails, closed pipes and sockets raise no SIGPIPE, NULL arguments are
 * FRB_EINVAL.  Allocation failure is in test_alloc.c (it needs the hooks). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

#define CT_DEFAULT "Content-Type: text/plain; charset=utf-8\r\n"

/* After a failure every output call answers FRB_EIO, header calls answer
 * FRB_ESENT (the head was claimed), and nothing more reaches the sink. */
static void expect_dead(frb_response *r, struct sink *s) {
  size_t len = s->len, writes = s->writes;

  assert_int_equal(frb_write(r, "more", 4), FRB_EIO);
  assert_int_equal(frb_write(r, "", 0), FRB_EIO);
  assert_int_equal(frb_flush_headers(r), FRB_EIO);
  assert_int_equal(frb_finish(r), FRB_EIO);
  assert_int_equal(frb_finish(r), FRB_EIO);
  assert_int_equal(frb_headers_sent(r), 1);
  assert_int_equal(frb_header_set(r, "X", "1"), FRB_ESENT);
  assert_int_equal(s->len, len);
  assert_int_equal(s->writes, writes);
}

static void test_sink_failure_eio_on_that_and_every_later_call(void **state) {
  struct sink s;
  frb_response *r;

  (void)state;
  sink_init(&s);
  assert_non_null(r = frb_new(sink_fail_always, &s));
  assert_int_equal(frb_write(r, "abc", 3), FRB_OK); /* buffered */
  assert_int_equal(frb_finish(r), FRB_EIO);
  expect_dead(r, &s);
  frb_free(r);

  /* The same through flush_headers. */
  assert_non_null(r = frb_new(sink_fail_always, &s));
  assert_int_equal(frb_flush_headers(r), FRB_EIO);
  expect_dead(r, &s);
  frb_free(r);
  sink_destroy(&s);
}

static void test_sink_failing_in_body_after_head_is_eio(void **state) {
#define HEAD1 "Status: 200 OK\r\n" CT_DEFAULT "\r\n"
  static const char head[] = HEAD1;
  struct sink s;
  frb_response *r;
  char *big = repeat('x', 1000);

  (void)state;
  /* The head and 10 body bytes fit, the next streamed write does not. */
  sink_init_failing(&s, sizeof head - 1 + 10);
  assert_non_null(r = frb_new(sink_write, &s));
  assert_int_equal(frb_flush_headers(r), FRB_OK);
  assert_int_equal(frb_write(r, "0123456789", 10), FRB_OK);
  assert_int_equal(frb_write(r, big, 1000), FRB_EIO);
  expect_bytes("sink", s.buf, s.len, HEAD1 "0123456789", sizeof head - 1 + 10);
  expect_dead(r, &s);
  frb_free(r);
  sink_destroy(&s);
  free(big);
}

static void test_sink_failing_in_buffered_body_of_finish_is_eio(void **state) {
#define HEAD2 "Status: 200 OK\r\n" CT_DEFAULT "Content-Length: 5\r\n\r\n"
  static const char head[] = HEAD2;
  struct sink s;
  frb_response *r;

  (void)state;
  sink_init_failing(&s, sizeof head - 1 + 2);
  assert_non_null(r = frb_new(sink_write, &s));
  assert_int_equal(frb_write(r, "hello", 5), FRB_OK);
  assert_int_equal(frb_finish(r), FRB_EIO);
  expect_bytes("sink", s.buf, s.len, HEAD2 "he", sizeof head - 1 + 2);
  expect_dead(r, &s);
  frb_free(r);
  sink_destroy(&s);
}

static void test_sink_failing_mid_head_is_eio(void **state) {
  struct sink s;
  frb_response *r;

  (void)state;
  sink_init_failing(&s, 7);
  assert_non_null(r = frb_new(sink_write, &s));
  assert_int_equal(frb_set_status(r, 404), FRB_OK);
  assert_int_equal(frb_finish(r), FRB_EIO);
  assert_int_equal(s.writes, 1);
  expect_sink(&s, "Status:");
  expect_dead(r, &s);
  frb_free(r);
  sink_destroy(&s);
}

/* SIGPIPE is put back to its default action (a harness may have ignored
 * it, and an ignored signal proves nothing), and unblocked. */
static void default_sigpipe(struct sigaction *old, sigset_t *old_mask) {
  struct sigaction sa;
  sigset_t set;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  assert_int_equal(sigaction(SIGPIPE, &sa, old), 0);
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  assert_int_equal(pthread_sigmask(SIG_UNBLOCK, &set, old_mask), 0);
}

static void expect_sigpipe_still_default(void) {
  struct sigaction cur;
  sigset_t mask, pending;

  assert_int_equal(sigaction(SIGPIPE, NULL, &cur), 0);
  assert_true(cur.sa_handler == SIG_DFL);
  assert_int_equal(pthread_sigmask(SIG_BLOCK, NULL, &mask), 0);
  assert_false(sigismember(&mask, SIGPIPE));
  assert_int_equal(sigpending(&pending), 0);
  assert_false(sigismember(&pending, SIGPIPE));
}

static void restore_sigpipe(const struct sigaction *old,
                            const sigset_t *old_mask) {
  sigaction(SIGPIPE, old, NULL);
  pthread_sigmask(SIG_SETMASK, old_mask, NULL);
}

/* With the default disposition a SIGPIPE would kill this process: reaching
 * the asserts is the test. */
static void test_fd_closed_pipe_is_eio_without_sigpipe(void **state) {
  struct sigaction old;
  sigset_t old_mask;
  frb_response *r;
  int p[2];

  (void)state;
  default_sigpipe(&old, &old_mask);
  assert_int_equal(pipe(p), 0);
  close(p[0]);
  assert_non_null(r = frb_new_fd(p[1]));
  assert_int_equal(frb_write(r, "abc", 3), FRB_OK);
  assert_int_equal(frb_finish(r), FRB_EIO);
  assert_int_equal(frb_write(r, "abc", 3), FRB_EIO);
  expect_sigpipe_still_default();

  /* A streamed write into the dead pipe, too. */
  frb_free(r);
  assert_non_null(r = frb_new_fd(p[1]));
  assert_int_equal(frb_set_limit(r, FRB_LIMIT_BODY_BUFFER, 0), FRB_OK);
  assert_int_equal(frb_write(r, "abc", 3), FRB_EIO);
  assert_int_equal(frb_finish(r), FRB_EIO);
  expect_sigpipe_still_default();
  frb_free(r);
  close(p[1]);
  restore_sigpipe(&old, &old_mask);
}

/* A program that ignores SIGPIPE gets the plain write(2) sink: a dead pipe
 * is still FRB_EIO, and the disposition and the mask are left alone. */
static void test_fd_closed_pipe_with_sigpipe_ignored_is_eio(void **state) {
  struct sigaction old, ign, cur;
  sigset_t old_mask, mask, pending;
  frb_response *r;
  int p[2];

  (void)state;
  default_sigpipe(&old, &old_mask);
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  assert_int_equal(sigaction(SIGPIPE, &ign, NULL), 0);
  assert_int_equal(pipe(p), 0);
  close(p[0]);
  assert_non_null(r = frb_new_fd(p[1]));
  assert_int_equal(frb_set_limit(r, FRB_LIMIT_BODY_BUFFER, 0), FRB_OK);
  assert_int_equal(frb_write(r, "abc", 3), FRB_EIO);
  assert_int_equal(sigaction(SIGPIPE, NULL, &cur), 0);
  assert_true(cur.sa_handler == SIG_IGN);
  assert_int_equal(pthread_sigmask(SIG_BLOCK, NULL, &mask), 0);
  assert_false(sigismember(&mask, SIGPIPE));
  assert_int_equal(sigpending(&pending), 0);
  assert_false(sigismember(&pending, SIGPIPE));
  frb_free(r);
  close(p[1]);
  restore_sigpipe(&old, &old_mask);
}

static void test_fd_closed_socket_is_eio_without_sigpipe(void **state) {
  struct sigaction old;
  sigset_t old_mask;
  frb_response *r;
  int sv[2];

  (void)state;
  default_sigpipe(&old, &old_mask);
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  close(sv[1]);
  assert_non_null(r = frb_new_fd(sv[0]));
  assert_int_equal(frb_flush_headers(r), FRB_EIO);
  assert_int_equal(frb_write(r, "abc", 3), FRB_EIO);
  assert_int_equal(frb_finish(r), FRB_EIO);
  expect_sigpipe_still_default();
  frb_free(r);
  close(sv[0]);
  restore_sigpipe(&old, &old_mask);
}

static void test_null_arguments_are_einval(void **state) {
  struct sink s;
  frb_response *r;
  char buf[8];

  (void)state;
  sink_init(&s);
  r = new_on(&s);
  assert_null(frb_new(NULL, &s));
  assert_null(frb_new(NULL, NULL));
  assert_null(frb_new_fd(-1));
  frb_free(NULL);
  assert_int_equal(frb_reset(NULL, sink_write, &s), FRB_EINVAL);
  assert_int_equal(frb_reset(r, NULL, &s), FRB_EINVAL);
  assert_int_equal(frb_set_status(NULL, 200), FRB_EINVAL);
  assert_int_equal(frb_set_status_reason(NULL, 200, "OK"), FRB_EINVAL);
  assert_int_equal(frb_set_status_reason(r, 201, NULL), FRB_EINVAL);
  assert_int_equal(frb_get_status(NULL), FRB_EINVAL);
  assert_int_equal(frb_header_set(NULL, "A", "1"), FRB_EINVAL);
  assert_int_equal(frb_header_set(r, NULL, "1"), FRB_EINVAL);
  assert_int_equal(frb_header_set(r, "A", NULL), FRB_EINVAL);
  assert_int_equal(frb_header_add(NULL, "A", "1"), FRB_EINVAL);
  assert_int_equal(frb_header_add(r, NULL, "1"), FRB_EINVAL);
  assert_int_equal(frb_header_add(r, "A", NULL), FRB_EINVAL);
  assert_int_equal(frb_header_setf(NULL, "A", "%d", 1), FRB_EINVAL);
  assert_int_equal(frb_header_setf(r, NULL, "%d", 1), FRB_EINVAL);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-security"
#pragma GCC diagnostic ignored "-Wnonnull"
  assert_int_equal(frb_header_setf(r, "A", NULL), FRB_EINVAL);
#pragma GCC diagnostic pop
  assert_int_equal(frb_header_del(NULL, "A"), FRB_EINVAL);
  assert_int_equal(frb_header_del(r, NULL), FRB_EINVAL);
  assert_int_equal(frb_header_get(NULL, "A", buf, sizeof buf), FRB_EINVAL);
  assert_int_equal(frb_header_get(r, NULL, buf, sizeof buf), FRB_EINVAL);
  assert_int_equal(frb_header_add(r, "A", "1"), FRB_OK);
  assert_int_equal(frb_header_get(r, "A", NULL, sizeof buf), FRB_EINVAL);
  assert_int_equal(frb_redirect(NULL, 302, "/x"), FRB_EINVAL);
  assert_int_equal(frb_redirect(r, 302, NULL), FRB_EINVAL);
  assert_int_equal(frb_cookie_add(NULL, "a", "b", NULL), FRB_EINVAL);
  assert_int_equal(frb_cookie_add(r, NULL, "b", NULL), FRB_EINVAL);
  assert_int_equal(frb_cookie_add(r, "a", NULL, NULL), FRB_EINVAL);
  assert_int_equal(frb_set_limit(NULL, FRB_LIMIT_HEAD_BYTES, 4096), FRB_EINVAL);
  assert_int_equal(frb_set_limit(NULL, FRB_LIMIT_BODY_BUFFER, 4096),
                   FRB_EINVAL);
  assert_int_equal(frb_flush_headers(NULL), FRB_EINVAL);
  assert_int_equal(frb_write(NULL, "a", 1), FRB_EINVAL);
  assert_int_equal(frb_write(r, NULL, 1), FRB_EINVAL);
  assert_int_equal(frb_finish(NULL), FRB_EINVAL);
  assert_int_equal(frb_headers_sent(NULL), FRB_EINVAL);
  assert_non_null(frb_strerror(FRB_EINVAL));
  /* None of it touched r. */
  assert_int_equal(frb_headers_sent(r), 0);
  finish_ok(r);
  expect_sink(&s, "Status: 200 OK\r\nA: 1\r\nContent-Length: 0\r\n\r\n");
  frb_free(r);
  sink_destroy(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sink_failure_eio_on_that_and_every_later_call),
      cmocka_unit_test(test_sink_failing_in_body_after_head_is_eio),
      cmocka_unit_test(test_sink_failing_in_buffered_body_of_finish_is_eio),
      cmocka_unit_test(test_sink_failing_mid_head_is_eio),
      cmocka_unit_test(test_fd_closed_pipe_is_eio_without_sigpipe),
      cmocka_unit_test(test_fd_closed_pipe_with_sigpipe_ignored_is_eio),
      cmocka_unit_test(test_fd_closed_socket_is_eio_without_sigpipe),
      cmocka_unit_test(test_null_arguments_are_einval),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
