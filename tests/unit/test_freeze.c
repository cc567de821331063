/* frb_header_freeze and frb_reset_fd: one test per rule documented in
 * frb_header_freeze(3) and frb_reset_fd(3). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define CSP "Content-Security-Policy"

static void want_value(frb_response *r, const char *name, const char *want) {
  char buf[256];

  assert_true(frb_header_get(r, name, buf, sizeof buf) >= 0);
  assert_string_equal(buf, want);
}

static void test_frozen_name_refuses_set_add_del(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, CSP, "default-src 'self'"), FRB_OK);
  assert_int_equal(frb_header_freeze(f->r, CSP), FRB_OK);
  assert_int_equal(frb_header_set(f->r, CSP, "*"), FRB_EFROZEN);
  assert_int_equal(frb_header_add(f->r, CSP, "*"), FRB_EFROZEN);
  assert_int_equal(frb_header_setf(f->r, CSP, "%s", "*"), FRB_EFROZEN);
  assert_int_equal(frb_header_del(f->r, CSP), FRB_EFROZEN);
  want_value(f->r, CSP, "default-src 'self'");
  finish_ok(f->r);
}

static void test_frozen_name_matches_case_insensitively(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_freeze(f->r, "strict-transport-security"),
                   FRB_OK);
  assert_int_equal(
      frb_header_set(f->r, "Strict-Transport-Security", "max-age=0"),
      FRB_EFROZEN);
}

static void test_freezing_an_absent_name_keeps_it_absent(void **state) {
  struct fixture *f = *state;
  char buf[8];

  assert_int_equal(frb_header_freeze(f->r, "Server"), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "Server", "x"), FRB_EFROZEN);
  assert_int_equal(frb_header_get(f->r, "Server", buf, sizeof buf),
                   FRB_ENOTFOUND);
}

static void test_other_names_are_unaffected(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_freeze(f->r, "X-A"), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "X-AB", "1"), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "X-B", "1"), FRB_OK);
  assert_int_equal(frb_header_del(f->r, "X-B"), FRB_OK);
}

static void test_frozen_set_cookie_refuses_cookies(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_freeze(f->r, "Set-Cookie"), FRB_OK);
  assert_int_equal(frb_cookie_add(f->r, "s", "1", NULL), FRB_EFROZEN);
}

static void test_frozen_location_refuses_redirect(void **state) {
  struct fixture *f = *state;
  char buf[8];

  assert_int_equal(frb_header_freeze(f->r, "Location"), FRB_OK);
  assert_int_equal(frb_redirect(f->r, 302, "/x"), FRB_EFROZEN);
  assert_int_equal(frb_get_status(f->r), 200);
  assert_int_equal(frb_header_get(f->r, "Location", buf, sizeof buf),
                   FRB_ENOTFOUND);
}

static void test_freeze_refusals(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_freeze(NULL, "X"), FRB_EINVAL);
  assert_int_equal(frb_header_freeze(f->r, NULL), FRB_EINVAL);
  assert_int_equal(frb_header_freeze(f->r, ""), FRB_EINVAL);
  assert_int_equal(frb_header_freeze(f->r, "X Y"), FRB_EINVAL);
  assert_int_equal(frb_header_freeze(f->r, "X:"), FRB_EINVAL);
  assert_int_equal(frb_header_set(f->r, "X", "1"), FRB_OK); /* not frozen */
  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  assert_int_equal(frb_header_freeze(f->r, "X"), FRB_ESENT);
}

static void test_freeze_twice_and_many_names(void **state) {
  struct fixture *f = *state;
  char name[16];

  for (int i = 0; i < 40; i++) {
    snprintf(name, sizeof name, "X-F%d", i);
    assert_int_equal(frb_header_freeze(f->r, name), FRB_OK);
    assert_int_equal(frb_header_freeze(f->r, name), FRB_OK);
  }
  for (int i = 0; i < 40; i++) {
    snprintf(name, sizeof name, "x-f%d", i);
    assert_int_equal(frb_header_set(f->r, name, "1"), FRB_EFROZEN);
  }
}

static void test_reset_thaws_every_name(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_freeze(f->r, CSP), FRB_OK);
  assert_int_equal(frb_header_freeze(f->r, "X-B"), FRB_OK);
  assert_int_equal(frb_reset(f->r, sink_write, &f->s), FRB_OK);
  assert_int_equal(frb_header_set(f->r, CSP, "x"), FRB_OK);
  assert_int_equal(frb_header_set(f->r, "X-B", "x"), FRB_OK);
}

static void test_efrozen_has_its_text(void **state) {
  (void)state;
  assert_int_equal(FRB_EFROZEN, -8);
  assert_string_equal(frb_strerror(FRB_EFROZEN), "header is frozen");
}

struct racer {
  frb_response *r;
  atomic_int stop;
};

static void *set_loop(void *p) {
  struct racer *c = p;
  char v[16];

  for (int i = 0; !atomic_load(&c->stop); i++) {
    snprintf(v, sizeof v, "v%d", i);
    int rc = frb_header_set(c->r, "X-Race", v);
    if (rc != FRB_OK && rc != FRB_EFROZEN)
      return (void *)1;
  }
  return NULL;
}

/* A freeze racing with sets: once it returns, the value no longer moves. */
static void test_freeze_is_atomic_with_concurrent_sets(void **state) {
  struct fixture *f = *state;
  struct racer c = {f->r, 0};
  pthread_t t[2];
  char before[16], after[16];

  assert_int_equal(frb_header_set(f->r, "X-Race", "start"), FRB_OK);
  for (int i = 0; i < 2; i++)
    assert_int_equal(pthread_create(&t[i], NULL, set_loop, &c), 0);
  nanosleep(&(struct timespec){0, 2000000}, NULL);
  assert_int_equal(frb_header_freeze(f->r, "X-Race"), FRB_OK);
  assert_true(frb_header_get(f->r, "X-Race", before, sizeof before) > 0);
  nanosleep(&(struct timespec){0, 2000000}, NULL);
  atomic_store(&c.stop, 1);
  for (int i = 0; i < 2; i++) {
    void *rc;
    assert_int_equal(pthread_join(t[i], &rc), 0);
    assert_null(rc);
  }
  assert_true(frb_header_get(f->r, "X-Race", after, sizeof after) > 0);
  assert_string_equal(before, after);
}

/* ---------------------------------------------------------- frb_reset_fd */

static void read_all(int fd, char *buf, size_t size) {
  size_t got = 0;
  ssize_t n;

  while (got + 1 < size && (n = read(fd, buf + got, size - 1 - got)) > 0)
    got += (size_t)n;
  buf[got] = '\0';
}

static void test_reset_fd_onto_pipe_and_socket(void **state) {
  struct fixture *f = *state;
  int p[2], s[2];
  char buf[256];

  assert_int_equal(pipe(p), 0);
  assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
  assert_int_equal(frb_header_set(f->r, "Old", "1"), FRB_OK);
  assert_int_equal(frb_reset_fd(f->r, p[1]), FRB_OK);
  assert_int_equal(frb_write(f->r, "pipe", 4), FRB_OK);
  finish_ok(f->r);
  close(p[1]);
  read_all(p[0], buf, sizeof buf);
  assert_string_equal(buf, "Status: 200 OK\r\n"
                           "Content-Type: text/plain; charset=utf-8\r\n"
                           "Content-Length: 4\r\n\r\npipe");
  assert_int_equal(frb_reset_fd(f->r, s[0]), FRB_OK);
  finish_ok(f->r);
  close(s[0]);
  read_all(s[1], buf, sizeof buf);
  assert_string_equal(buf, "Status: 200 OK\r\nContent-Length: 0\r\n\r\n");
  assert_int_equal(f->s.len, 0);
  close(p[0]);
  close(s[1]);
}

static void test_reset_fd_refusals_change_nothing(void **state) {
  struct fixture *f = *state;
  int p[2];

  assert_int_equal(pipe(p), 0);
  close(p[0]);
  close(p[1]); /* p[1] is now a closed descriptor */
  assert_int_equal(frb_header_set(f->r, "Keep", "1"), FRB_OK);
  assert_int_equal(frb_reset_fd(NULL, 1), FRB_EINVAL);
  assert_int_equal(frb_reset_fd(f->r, -1), FRB_EINVAL);
  assert_int_equal(frb_reset_fd(f->r, p[1]), FRB_EINVAL);
  finish_ok(f->r);
  expect_sink(&f->s, "Status: 200 OK\r\nKeep: 1\r\nContent-Length: 0\r\n\r\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_frozen_name_refuses_set_add_del),
      T(test_frozen_name_matches_case_insensitively),
      T(test_freezing_an_absent_name_keeps_it_absent),
      T(test_other_names_are_unaffected),
      T(test_frozen_set_cookie_refuses_cookies),
      T(test_frozen_location_refuses_redirect),
      T(test_freeze_refusals),
      T(test_freeze_twice_and_many_names),
      T(test_reset_thaws_every_name),
      cmocka_unit_test(test_efrozen_has_its_text),
      T(test_freeze_is_atomic_with_concurrent_sets),
      T(test_reset_fd_onto_pipe_and_socket),
      T(test_reset_fd_refusals_change_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
