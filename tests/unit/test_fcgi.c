/* frb_new_fcgx(3) and frb_reset_fcgx(3): a real FastCGI exchange over a
 * unix socket, with no web server; output only through FCGX_PutStr.  A server
 * thread accepts with libfcgi and builds the response with libfrb; the test
 * plays the web server, writing raw FastCGI records and reassembling
 * FCGI_STDOUT. */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#include <frb_fcgi.h>

#define CT_DEFAULT "Content-Type: text/plain; charset=utf-8\r\n"

enum {
  FCGI_BEGIN_REQUEST = 1,
  FCGI_END_REQUEST = 3,
  FCGI_PARAMS = 4,
  FCGI_STDIN = 5,
  FCGI_STDOUT = 6,
  FCGI_STDERR = 7,
  FCGI_RESPONDER = 1
};

/* Rule 11: libfrb must never format through libfcgi's printf.  These
 * definitions take the place of libfcgi's for every caller in this
 * program, the library included, and make any use visible. */
static atomic_int printf_calls;

int FCGX_FPrintF(FCGX_Stream *stream, const char *format, ...) {
  (void)stream;
  (void)format;
  atomic_fetch_add(&printf_calls, 1);
  return -1;
}

int FCGX_VFPrintF(FCGX_Stream *stream, const char *format, va_list arg) {
  (void)stream;
  (void)format;
  (void)arg;
  atomic_fetch_add(&printf_calls, 1);
  return -1;
}

/* ------------------------------------------------------------- server */

struct server;
typedef void (*app_fn)(struct server *s, FCGX_Request *req, int n);

struct server {
  char dir[64];
  char path[96];
  int fd;
  pthread_t thread;
  app_fn app;
  int requests; /* how many to accept */
  int accept_failed;
  frb_response *r;               /* kept across requests for frb_reset_fcgx */
  int rc;                        /* the app's verdict */
  pthread_barrier_t client_gone; /* for the closed-client test */
};

static void *serve(void *p) {
  struct server *s = p;
  FCGX_Request req;

  FCGX_InitRequest(&req, s->fd, 0);
  for (int n = 0; n < s->requests; n++) {
    if (FCGX_Accept_r(&req) < 0) {
      s->accept_failed = 1;
      break;
    }
    s->app(s, &req, n);
    FCGX_Finish_r(&req);
  }
  FCGX_Free(&req, 0);
  return NULL;
}

static void server_start(struct server *s, app_fn app, int requests) {
  memset(s, 0, sizeof *s);
  strcpy(s->dir, "/tmp/frb-fcgi-XXXXXX");
  assert_non_null(mkdtemp(s->dir));
  snprintf(s->path, sizeof s->path, "%s/sock", s->dir);
  s->fd = FCGX_OpenSocket(s->path, 8);
  assert_true(s->fd >= 0);
  s->app = app;
  s->requests = requests;
  s->rc = -100;
  pthread_barrier_init(&s->client_gone, NULL, 2);
  assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(struct server *s) {
  assert_int_equal(pthread_join(s->thread, NULL), 0);
  close(s->fd);
  unlink(s->path);
  rmdir(s->dir);
  pthread_barrier_destroy(&s->client_gone);
  frb_free(s->r);
  assert_int_equal(s->accept_failed, 0);
}

/* ------------------------------------------------------------- client */

static void put_record(int fd, int type, const void *content, size_t len) {
  unsigned char h[8] = {1,
                        (unsigned char)type,
                        0,
                        1,
                        (unsigned char)(len >> 8),
                        (unsigned char)len,
                        0,
                        0};

  assert_int_equal(write(fd, h, 8), 8);
  if (len)
    assert_int_equal(write(fd, content, len), (ssize_t)len);
}

static int read_full(int fd, void *buf, size_t len) {
  size_t got = 0;

  while (got < len) {
    ssize_t n = read(fd, (char *)buf + got, len - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    got += (size_t)n;
  }
  return 0;
}

static int client_connect(const struct server *s) {
  struct sockaddr_un a;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);

  assert_true(fd >= 0);
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  snprintf(a.sun_path, sizeof a.sun_path, "%s", s->path);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  return fd;
}

/* The REQUEST_METHOD the next requests carry, or NULL for none. */
static const char *request_method;

/* BEGIN_REQUEST (responder), PARAMS, empty STDIN. */
static void send_request(int fd) {
  static const unsigned char begin[8] = {0, FCGI_RESPONDER, 0, 0, 0, 0, 0, 0};
  unsigned char params[64];
  size_t vlen = request_method ? strlen(request_method) : 0;

  put_record(fd, FCGI_BEGIN_REQUEST, begin, sizeof begin);
  if (request_method) {
    params[0] = 14;
    params[1] = (unsigned char)vlen;
    memcpy(params + 2, "REQUEST_METHOD", 14);
    memcpy(params + 16, request_method, vlen);
    put_record(fd, FCGI_PARAMS, params, 16 + vlen);
  }
  put_record(fd, FCGI_PARAMS, NULL, 0);
  put_record(fd, FCGI_STDIN, NULL, 0);
}

/* One whole exchange: returns the reassembled FCGI_STDOUT stream. */
static void exchange(const struct server *s, struct sink *out) {
  int fd = client_connect(s);
  unsigned char h[8], content[65536 + 256];
  int ended = 0;
  size_t stderr_bytes = 0;

  send_request(fd);
  while (!ended) {
    size_t len, pad;

    assert_int_equal(read_full(fd, h, 8), 0);
    assert_int_equal(h[0], 1);
    assert_int_equal((h[2] << 8) | h[3], 1); /* our request id */
    len = (size_t)h[4] << 8 | h[5];
    pad = h[6];
    assert_int_equal(read_full(fd, content, len + pad), 0);
    switch (h[1]) {
    case FCGI_STDOUT: sink_write(out, content, len); break;
    case FCGI_STDERR: stderr_bytes += len; break;
    case FCGI_END_REQUEST:
      assert_int_equal(len, 8);
      assert_int_equal(content[4], 0); /* FCGI_REQUEST_COMPLETE */
      ended = 1;
      break;
    default: fail_msg("unexpected record type %d", h[1]);
    }
  }
  assert_int_equal(stderr_bytes, 0);
  close(fd);
}

/* ---------------------------------------------------------------- tests */

static void app_simple(struct server *s, FCGX_Request *req, int n) {
  int rc;

  (void)n;
  s->r = frb_new_fcgx(req->out);
  if (!s->r)
    return;
  rc = frb_set_status(s->r, 201);
  rc = rc ? rc : frb_header_set(s->r, "X-A", "1");
  rc = rc ? rc : frb_header_add(s->r, "Set-Cookie", "a=1");
  rc = rc ? rc : frb_header_add(s->r, "Set-Cookie", "b=2");
  rc = rc ? rc : frb_write(s->r, "hello ", 6);
  rc = rc ? rc : frb_write(s->r, "fastcgi", 7);
  rc = rc ? rc : frb_finish(s->r);
  s->rc = rc;
}

static void test_fcgi_exchange_exact_head_and_body(void **state) {
  struct server s;
  struct sink out;

  (void)state;
  sink_init(&out);
  server_start(&s, app_simple, 1);
  exchange(&s, &out);
  server_stop(&s);
  assert_int_equal(s.rc, FRB_OK);
  expect_sink(&out, "Status: 201 Created\r\nX-A: 1\r\nSet-Cookie: a=1\r\n"
                    "Set-Cookie: b=2\r\n" CT_DEFAULT
                    "Content-Length: 13\r\n\r\nhello fastcgi");
  sink_destroy(&out);
}

/* Request 0 with frb_new_fcgx, the next ones on the same response with
 * frb_reset_fcgx; request 1 streams a body larger than the buffer. */
static void app_reuse(struct server *s, FCGX_Request *req, int n) {
  static char big[70000];
  int rc;

  if (n == 0) {
    s->r = frb_new_fcgx(req->out);
    if (!s->r)
      return;
    rc = frb_set_limit(s->r, FRB_LIMIT_HEAD_BYTES, 1000);
    rc = rc ? rc : frb_header_set(s->r, "X-N", "0");
    rc = rc ? rc : frb_finish(s->r);
  } else {
    rc = frb_reset_fcgx(s->r, req->out);
    rc = rc ? rc : frb_header_setf(s->r, "X-N", "%d", n);
    memset(big, 'a' + n, sizeof big);
    rc = rc ? rc : frb_write(s->r, big, n == 1 ? sizeof big : 3);
    rc = rc ? rc : frb_finish(s->r);
  }
  if (s->rc == -100 || rc != FRB_OK)
    s->rc = rc;
}

static void test_fcgi_reset_fcgx_reuses_response(void **state) {
  static const char h1[] = "Status: 200 OK\r\nX-N: 1\r\n" CT_DEFAULT "\r\n";
  struct server s;
  struct sink out;
  char *big = repeat('b', 70000);

  (void)state;
  sink_init(&out);
  server_start(&s, app_reuse, 3);
  exchange(&s, &out);
  expect_sink(&out, "Status: 200 OK\r\nX-N: 0\r\nContent-Length: 0\r\n\r\n");
  sink_clear(&out);
  exchange(&s, &out);
  assert_int_equal(out.len, sizeof h1 - 1 + 70000);
  expect_bytes("head", out.buf, sizeof h1 - 1, h1, sizeof h1 - 1);
  expect_bytes("body", out.buf + sizeof h1 - 1, 70000, big, 70000);
  sink_clear(&out);
  exchange(&s, &out);
  expect_sink(&out, "Status: 200 OK\r\nX-N: 2\r\n" CT_DEFAULT
                    "Content-Length: 3\r\n\r\nccc");
  server_stop(&s);
  assert_int_equal(s.rc, FRB_OK);
  sink_destroy(&out);
  free(big);
}

static void app_printf_bait(struct server *s, FCGX_Request *req, int n) {
  int rc;

  (void)n;
  s->r = frb_new_fcgx(req->out);
  if (!s->r)
    return;
  /* Conversions that libfcgi's own printf gets wrong or would act on. */
  rc = frb_header_set(s->r, "X-Literal", "100% %s %n %zu %%");
  rc = rc ? rc
          : frb_header_setf(s->r, "X-Fmt", "%zu|%lld|%ld|%hhd", (size_t)42,
                            -9000000000LL, 123456789L, (char)-1);
  rc = rc ? rc : frb_write(s->r, "%s%n", 4);
  rc = rc ? rc : frb_finish(s->r);
  s->rc = rc;
}

static void test_fcgi_writes_with_putstr_never_printf(void **state) {
  struct server s;
  struct sink out;

  (void)state;
  sink_init(&out);
  atomic_store(&printf_calls, 0);
  server_start(&s, app_printf_bait, 1);
  exchange(&s, &out);
  server_stop(&s);
  assert_int_equal(s.rc, FRB_OK);
  assert_int_equal(atomic_load(&printf_calls), 0);
  expect_sink(&out, "Status: 200 OK\r\nX-Literal: 100% %s %n %zu %%\r\n"
                    "X-Fmt: 42|-9000000000|123456789|-1\r\n" CT_DEFAULT
                    "Content-Length: 4\r\n\r\n%s%n");
  sink_destroy(&out);
}

/* The client hangs up before reading: streaming a large body must end in
 * FRB_EIO (libfcgi turns EPIPE into a stream error), not a crash. */
static void app_client_gone(struct server *s, FCGX_Request *req, int n) {
  static char chunk[65536];
  int rc = FRB_OK;

  (void)n;
  pthread_barrier_wait(&s->client_gone);
  s->r = frb_new_fcgx(req->out);
  if (!s->r)
    return;
  memset(chunk, 'z', sizeof chunk);
  for (int i = 0; i < 1024 && rc == FRB_OK; i++) /* at most 64 MiB */
    rc = frb_write(s->r, chunk, sizeof chunk);
  s->rc = rc;
  if (rc == FRB_EIO) /* and it stays failed */
    s->rc = frb_write(s->r, "x", 1) == FRB_EIO && frb_finish(s->r) == FRB_EIO
                ? FRB_EIO
                : -99;
}

static void test_fcgi_closed_client_makes_write_eio(void **state) {
  struct server s;
  int fd;

  (void)state;
  server_start(&s, app_client_gone, 1);
  fd = client_connect(&s);
  send_request(fd);
  close(fd);
  pthread_barrier_wait(&s.client_gone);
  server_stop(&s);
  assert_int_equal(s.rc, FRB_EIO);
}

/* frb_flush (here through frb_sse_event) hands libfcgi's buffered record to
 * the peer at once: the client reads the first event while the app still
 * waits for it to do so.  Without FCGX_FFlush the record would stay in
 * libfcgi's 8 KiB buffer until the end and the client would time out. */
static atomic_int client_saw_first;

static void app_flush(struct server *s, FCGX_Request *req, int n) {
  int rc, waited = 0;

  (void)n;
  s->r = frb_new_fcgx(req->out);
  if (!s->r)
    return;
  rc = frb_sse_event(s->r, NULL, NULL, "one");
  while (rc == FRB_OK && !atomic_load(&client_saw_first) && waited++ < 500)
    nanosleep(&(struct timespec){0, 10000000}, NULL);
  if (rc == FRB_OK && !atomic_load(&client_saw_first))
    rc = -99;
  rc = rc ? rc : frb_sse_event(s->r, NULL, NULL, "two");
  rc = rc ? rc : frb_finish(s->r);
  s->rc = rc;
}

/* Reads one record; 0 on timeout or end. */
static size_t read_record(int fd, int timeout_ms, int *type, char *content) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  unsigned char h[8];
  size_t len, pad;

  if (poll(&p, 1, timeout_ms) != 1 || read_full(fd, h, 8) != 0)
    return 0;
  len = (size_t)h[4] << 8 | h[5];
  pad = h[6];
  if (read_full(fd, content, len + pad) != 0)
    return 0;
  *type = h[1];
  return len;
}

static void test_fcgi_flush_reaches_the_client_before_the_end(void **state) {
  static char content[65536 + 256];
  struct server s;
  struct sink out;
  int fd, type = 0;
  size_t len;

  (void)state;
  sink_init(&out);
  atomic_store(&client_saw_first, 0);
  server_start(&s, app_flush, 1);
  fd = client_connect(&s);
  send_request(fd);
  len = read_record(fd, 5000, &type, content);
  assert_int_equal(type, FCGI_STDOUT);
  sink_write(&out, content, len);
  assert_non_null(strstr(out.buf, "\r\n\r\ndata: one\n\n"));
  atomic_store(&client_saw_first, 1);
  while ((len = read_record(fd, 5000, &type, content)) > 0 &&
         type == FCGI_STDOUT)
    sink_write(&out, content, len);
  close(fd);
  server_stop(&s);
  assert_int_equal(s.rc, FRB_OK);
  expect_sink(&out, "Status: 200 OK\r\nContent-Type: text/event-stream\r\n"
                    "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\n"
                    "\r\ndata: one\n\ndata: two\n\n");
  sink_destroy(&out);
}

static void test_fcgi_null_stream_is_einval(void **state) {
  struct sink sk;
  frb_response *r;

  (void)state;
  sink_init(&sk);
  r = new_on(&sk);
  assert_null(frb_new_fcgx(NULL));
  assert_int_equal(frb_reset_fcgx(r, NULL), FRB_EINVAL);
  assert_int_equal(frb_reset_fcgx(NULL, NULL), FRB_EINVAL);
  finish_ok(r);
  expect_sink(&sk, "Status: 200 OK\r\nContent-Length: 0\r\n\r\n");
  frb_free(r);
  sink_destroy(&sk);
}

/* frb_set_limit(3) FRB_LIMIT_SERVER_BUFFER: the server's buffer holds the
 * head with the 8-byte header of every FastCGI record it spans (libfcgi:
 * at most 8184 payload bytes a record), and nginx needs one byte spare.
 * The largest head admitted for each buffer size, a 204 so that libfrb
 * adds nothing of its own. */
static size_t largest_head(frb_response *r) {
  size_t base =
      strlen("Status: 204 No Content\r\n") + strlen("X-Fill: \r\n") + 2;
  size_t lo = base, hi = 1u << 17;
  char *v = malloc(hi);

  assert_non_null(v);
  memset(v, 'f', hi);
  while (lo < hi) { /* the largest n with a head of n bytes accepted */
    size_t mid = (lo + hi + 1) / 2;
    v[mid - base] = '\0';
    if (frb_header_set(r, "X-Fill", v) == FRB_OK)
      lo = mid;
    else
      hi = mid - 1;
    v[mid - base] = 'f';
  }
  free(v);
  return lo;
}

static void test_fcgi_server_buffer_counts_record_headers(void **state) {
  static const size_t want[][2] = {{4096, 4087},   {8192, 8183},
                                   {8193, 8184},   {16384, 16367},
                                   {32768, 32735}, {65536, 65471}};
  FCGX_Stream stream; /* never written: only the limits are asked */
  frb_response *r = frb_new_fcgx(&stream);

  (void)state;
  assert_non_null(r);
  assert_int_equal(frb_set_status(r, 204), FRB_OK);
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    assert_int_equal(frb_set_limit(r, FRB_LIMIT_SERVER_BUFFER, want[i][0]),
                     FRB_OK);
    if (largest_head(r) != want[i][1])
      fail_msg("buffer %zu: largest head %zu, want %zu", want[i][0],
               largest_head(r), want[i][1]);
    frb_header_del(r, "X-Fill");
  }
  assert_int_equal(frb_set_limit(r, FRB_LIMIT_SERVER_BUFFER, 10), FRB_EINVAL);
  frb_free(r);
}

/* frb_new_fcgx_request(3), frb_reset_fcgx_request(3): the method comes
 * from the request's REQUEST_METHOD; a HEAD gets the head only. */
static void app_by_request(struct server *s, FCGX_Request *req, int n) {
  int rc;

  if (n == 0)
    rc = (s->r = frb_new_fcgx_request(req)) ? FRB_OK : FRB_ENOMEM;
  else
    rc = frb_reset_fcgx_request(s->r, req);
  rc = rc ? rc : frb_write(s->r, "hello fastcgi", 13);
  rc = rc ? rc : frb_finish(s->r);
  s->rc = rc;
}

static void test_fcgi_request_method_head_sends_no_body(void **state) {
  static const char *const methods[] = {"HEAD", "GET", "HEAD", "head", NULL};
  static const char *const bodies[] = {"", "hello fastcgi", "", "hello fastcgi",
                                       "hello fastcgi"};
  struct server s;
  char want[256];

  (void)state;
  server_start(&s, app_by_request, 5);
  for (int i = 0; i < 5; i++) {
    struct sink out;
    sink_init(&out);
    request_method = methods[i];
    exchange(&s, &out);
    snprintf(want, sizeof want,
             "Status: 200 OK\r\n" CT_DEFAULT "Content-Length: 13\r\n\r\n%s",
             bodies[i]);
    expect_sink(&out, want);
    sink_destroy(&out);
  }
  request_method = NULL;
  server_stop(&s);
  assert_int_equal(s.rc, FRB_OK);
  assert_null(frb_new_fcgx_request(NULL));
  assert_int_equal(frb_reset_fcgx_request(NULL, NULL), FRB_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fcgi_exchange_exact_head_and_body),
      cmocka_unit_test(test_fcgi_reset_fcgx_reuses_response),
      cmocka_unit_test(test_fcgi_writes_with_putstr_never_printf),
      cmocka_unit_test(test_fcgi_closed_client_makes_write_eio),
      cmocka_unit_test(test_fcgi_null_stream_is_einval),
      cmocka_unit_test(test_fcgi_flush_reaches_the_client_before_the_end),
      cmocka_unit_test(test_fcgi_server_buffer_counts_record_headers),
      cmocka_unit_test(test_fcgi_request_method_head_sends_no_body),
  };

  if (FCGX_Init() != 0)
    return 1;
  return cmocka_run_group_tests(tests, NULL, NULL);
}
