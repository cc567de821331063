/* frb_flush and frb_sse_event: one test per rule documented in
 * frb_flush(3) and frb_sse_event(3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define SSE_HEAD                                                               \
  "Status: 200 OK\r\nContent-Type: text/event-stream\r\n"                      \
  "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\n\r\n"

/* ------------------------------------------------------------ frb_flush */

static void test_flush_sends_head_and_buffered_body_now(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "A", "1"), FRB_OK);
  assert_int_equal(frb_write(f->r, "abc", 3), FRB_OK);
  assert_int_equal(f->s.len, 0);
  assert_int_equal(frb_flush(f->r), FRB_OK);
  expect_sink(&f->s, "Status: 200 OK\r\nA: 1\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n\r\nabc");
  assert_int_equal(frb_headers_sent(f->r), 1);
}

static void test_flush_after_head_streams_later_writes(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_flush(f->r), FRB_OK);
  sink_clear(&f->s);
  assert_int_equal(frb_write(f->r, "x", 1), FRB_OK);
  expect_sink(&f->s, "x"); /* no longer held back */
  assert_int_equal(frb_flush(f->r), FRB_OK);
  assert_int_equal(frb_flush(f->r), FRB_OK);
  expect_sink(&f->s, "x"); /* nothing written twice */
  finish_ok(f->r);
  expect_sink(&f->s, "x"); /* no Content-Length after a streamed head */
}

static void test_flush_refusals(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_flush(NULL), FRB_EINVAL);
  finish_ok(f->r);
  assert_int_equal(frb_flush(f->r), FRB_ESENT);
}

static void test_flush_failing_sink_is_eio_for_good(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_reset(f->r, sink_fail_always, NULL), FRB_OK);
  assert_int_equal(frb_flush(f->r), FRB_EIO);
  assert_int_equal(frb_flush(f->r), FRB_EIO);
  assert_int_equal(frb_write(f->r, "x", 1), FRB_EIO);
}

/* frb_set_limit(3): the room for the default Content-Type is kept, so the
 * call that would crowd it out is refused and a flush always fits. */
static void test_flush_head_never_over_limit(void **state) {
  struct fixture *f = *state;
  char *v = repeat('v', 4096);

  assert_int_equal(frb_set_limit(f->r, FRB_LIMIT_HEAD_BYTES, 64), FRB_ETOOBIG);
  assert_int_equal(frb_header_set(f->r, "X", v), FRB_ETOOBIG);
  assert_int_equal(frb_flush(f->r), FRB_OK);
  assert_int_equal(frb_headers_sent(f->r), 1);
  assert_non_null(strstr(f->s.buf, "Content-Type: text/plain"));
  free(v);
}

/* -------------------------------------------------------- frb_sse_event */

static void test_sse_first_event_sets_fields_and_reaches_sink(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_sse_event(f->r, NULL, NULL, "hello"), FRB_OK);
  expect_sink(&f->s, SSE_HEAD "data: hello\n\n");
}

static void test_sse_replaces_an_earlier_content_type(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_header_set(f->r, "Content-Type", "text/html"), FRB_OK);
  assert_int_equal(frb_sse_event(f->r, NULL, NULL, "x"), FRB_OK);
  expect_sink(&f->s, SSE_HEAD "data: x\n\n");
}

static void test_sse_event_and_id_fields(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_sse_event(f->r, "tick", "42", "t=1"), FRB_OK);
  expect_sink(&f->s, SSE_HEAD "event: tick\nid: 42\ndata: t=1\n\n");
}

static void test_sse_multiline_data_split_at_crlf_cr_lf(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_sse_event(f->r, NULL, "", "a\nb\r\nc\rd\r"), FRB_OK);
  expect_sink(&f->s,
              SSE_HEAD "id: \ndata: a\ndata: b\ndata: c\ndata: d\ndata: \n\n");
}

static void test_sse_empty_data(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_sse_event(f->r, "ping", NULL, ""), FRB_OK);
  expect_sink(&f->s, SSE_HEAD "event: ping\ndata: \n\n");
}

static void test_sse_refuses_cr_lf_in_event_and_id(void **state) {
  struct fixture *f = *state;
  char buf[8];

  assert_int_equal(frb_sse_event(f->r, "a\nb", NULL, "x"), FRB_EINVAL);
  assert_int_equal(frb_sse_event(f->r, "a\rb", NULL, "x"), FRB_EINVAL);
  assert_int_equal(frb_sse_event(f->r, NULL, "1\n", "x"), FRB_EINVAL);
  assert_int_equal(frb_sse_event(f->r, NULL, "\r1", "x"), FRB_EINVAL);
  assert_int_equal(frb_sse_event(f->r, NULL, NULL, NULL), FRB_EINVAL);
  assert_int_equal(frb_sse_event(NULL, NULL, NULL, "x"), FRB_EINVAL);
  /* Nothing changed: no field set, nothing written. */
  assert_int_equal(f->s.len, 0);
  assert_int_equal(frb_header_get(f->r, "Content-Type", buf, sizeof buf),
                   FRB_ENOTFOUND);
  assert_int_equal(frb_headers_sent(f->r), 0);
}

static void test_sse_later_events_write_only_the_event(void **state) {
  struct fixture *f = *state;

  assert_int_equal(frb_sse_event(f->r, NULL, NULL, "1"), FRB_OK);
  sink_clear(&f->s);
  assert_int_equal(frb_sse_event(f->r, NULL, NULL, "2"), FRB_OK);
  expect_sink(&f->s, "data: 2\n\n");
}

static void test_sse_large_event(void **state) {
  struct fixture *f = *state;
  char *data = repeat('d', 5000);
  char *want = malloc(5000 + 64);

  assert_int_equal(frb_flush_headers(f->r), FRB_OK);
  sink_clear(&f->s);
  assert_int_equal(frb_sse_event(f->r, "big", NULL, data), FRB_OK);
  snprintf(want, 5000 + 64, "event: big\ndata: %s\n\n", data);
  expect_sink(&f->s, want);
  free(data);
  free(want);
}

static void test_sse_after_finish_is_esent(void **state) {
  struct fixture *f = *state;

  finish_ok(f->r);
  assert_int_equal(frb_sse_event(f->r, NULL, NULL, "x"), FRB_ESENT);
}

#define THREADS 8
#define EVENTS 200

struct sse_arg {
  frb_response *r;
  int id;
};

static void *sse_thread(void *p) {
  struct sse_arg *a = p;
  char data[64];

  for (int i = 0; i < EVENTS; i++) {
    snprintf(data, sizeof data, "t%d\nn%d\nend%d", a->id, i, a->id);
    if (frb_sse_event(a->r, "e", NULL, data) != FRB_OK)
      return (void *)1;
  }
  return NULL;
}

/* Every event arrives whole: its lines next to each other, in its
 * thread's order, never interleaved with another thread's. */
static void test_sse_events_are_atomic_among_threads(void **state) {
  struct fixture *f = *state;
  pthread_t t[THREADS];
  struct sse_arg a[THREADS];
  int next[THREADS] = {0};
  char *p;
  int count = 0;

  for (int i = 0; i < THREADS; i++) {
    a[i] = (struct sse_arg){f->r, i};
    assert_int_equal(pthread_create(&t[i], NULL, sse_thread, &a[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    void *rc;
    assert_int_equal(pthread_join(t[i], &rc), 0);
    assert_null(rc);
  }
  p = strstr(f->s.buf, "\r\n\r\n");
  assert_non_null(p);
  p += 4;
  while (*p) {
    int id, n, id2, used = 0;
    assert_int_equal(sscanf(p,
                            "event: e\ndata: t%d\ndata: n%d\ndata: end%d\n\n%n",
                            &id, &n, &id2, &used),
                     3);
    assert_true(used > 0);
    assert_int_equal(id, id2);
    assert_true(id >= 0 && id < THREADS);
    assert_int_equal(n, next[id]);
    next[id]++;
    count++;
    p += used;
  }
  assert_int_equal(count, THREADS * EVENTS);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
      T(test_flush_sends_head_and_buffered_body_now),
      T(test_flush_after_head_streams_later_writes),
      T(test_flush_refusals),
      T(test_flush_failing_sink_is_eio_for_good),
      T(test_flush_head_never_over_limit),
      T(test_sse_first_event_sets_fields_and_reaches_sink),
      T(test_sse_replaces_an_earlier_content_type),
      T(test_sse_event_and_id_fields),
      T(test_sse_multiline_data_split_at_crlf_cr_lf),
      T(test_sse_empty_data),
      T(test_sse_refuses_cr_lf_in_event_and_id),
      T(test_sse_later_events_write_only_the_event),
      T(test_sse_large_event),
      T(test_sse_after_finish_is_esent),
      T(test_sse_events_are_atomic_among_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
