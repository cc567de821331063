/* frb_fcgi_serve as the web server sees it: the test is a real FastCGI
 * client (raw records over unix and TCP sockets, FCGI_KEEP_CONN when
 * asked); the server runs in a thread and is stopped with SIGTERM, which
 * main() blocks in every thread so that the server's sigwait takes it. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#include <frb_fcgi.h>

#define IO_TIMEOUT_MS 5000 /* a starved request fails instead of hanging */

/* ------------------------------------------------------------- server */

struct srv {
  struct frb_fcgi_config cfg;
  char dir[64];
  char path[96];
  char listen[128];
  pthread_t tid;
  int rc;
  int done;
  void (*app)(struct srv *s, frb_request *req);
  atomic_int release; /* the drain test's handler waits for this */
  atomic_int entered;
  pthread_mutex_t mu; /* guards the completion figures */
  int completions;
  struct frb_fcgi_result last;
  char last_uri[64];
};

static void handler(frb_request *req, void *ctx) {
  struct srv *s = ctx;
  s->app(s, req);
}

static void on_complete(frb_request *req, const struct frb_fcgi_result *res,
                        void *ctx) {
  struct srv *s = ctx;
  pthread_mutex_lock(&s->mu);
  s->completions++;
  s->last = *res;
  snprintf(s->last_uri, sizeof s->last_uri, "%s", frb_request_uri(req));
  pthread_mutex_unlock(&s->mu);
}

static void *serve_thread(void *p) {
  struct srv *s = p;
  s->rc = frb_fcgi_serve(&s->cfg, handler, s);
  return NULL;
}

static void srv_init(struct srv *s, void (*app)(struct srv *, frb_request *)) {
  memset(s, 0, sizeof *s);
  pthread_mutex_init(&s->mu, NULL);
  s->app = app;
  s->cfg.on_complete = on_complete;
  s->rc = -100;
  strcpy(s->dir, "/tmp/frb-serve-XXXXXX");
  assert_non_null(mkdtemp(s->dir));
  snprintf(s->path, sizeof s->path, "%s/app.sock", s->dir);
  snprintf(s->listen, sizeof s->listen, "unix:%s", s->path);
  s->cfg.listen = s->listen;
}

static void sleep_ms(int ms) {
  struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

static int connect_unix(const char *path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Starts the server and waits until it accepts connections. */
static void srv_start(struct srv *s, int (*probe)(struct srv *)) {
  assert_int_equal(pthread_create(&s->tid, NULL, serve_thread, s), 0);
  for (int i = 0; i < 500; i++) {
    int fd = probe(s);
    if (fd >= 0) {
      close(fd);
      return;
    }
    sleep_ms(10);
  }
  fail_msg("the server never accepted a connection");
}

static int probe_unix(struct srv *s) {
  return connect_unix(s->path);
}

static void srv_stop(struct srv *s) {
  assert_int_equal(kill(getpid(), SIGTERM), 0);
  assert_int_equal(pthread_join(s->tid, NULL), 0);
  assert_int_equal(s->rc, FRB_OK);
  unlink(s->path);
  rmdir(s->dir);
  pthread_mutex_destroy(&s->mu);
}

/* ------------------------------------------------------------- client */

enum { BEGIN = 1, END = 3, PARAMS = 4, STDIN = 5, STDOUT = 6 };

static void put_record(int fd, int type, const void *buf, size_t len) {
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
    assert_int_equal(write(fd, buf, len), (ssize_t)len);
}

static size_t put_pair(unsigned char *p, const char *n, const char *v) {
  size_t nl = strlen(n), vl = strlen(v);
  p[0] = (unsigned char)nl;
  p[1] = (unsigned char)vl;
  memcpy(p + 2, n, nl);
  memcpy(p + 2 + nl, v, vl);
  return 2 + nl + vl;
}

/* One request: BEGIN (with FCGI_KEEP_CONN when keep), the params, and
 * stdin_len bytes of stdin in records of up to 1000 bytes. */
static void send_request(int fd, int keep, const char *uri, size_t stdin_len) {
  unsigned char begin[8] = {0, 1, (unsigned char)(keep ? 1 : 0)};
  unsigned char params[512];
  char body[1000];
  size_t n = 0;

  put_record(fd, BEGIN, begin, sizeof begin);
  n += put_pair(params + n, "REQUEST_METHOD", "POST");
  n += put_pair(params + n, "REQUEST_URI", uri);
  n += put_pair(params + n, "QUERY_STRING", "a=1");
  put_record(fd, PARAMS, params, n);
  put_record(fd, PARAMS, NULL, 0);
  memset(body, 'x', sizeof body);
  while (stdin_len > 0) {
    size_t k = stdin_len < sizeof body ? stdin_len : sizeof body;
    put_record(fd, STDIN, body, k);
    stdin_len -= k;
  }
  put_record(fd, STDIN, NULL, 0);
}

/* Reads exactly len bytes, or fails after IO_TIMEOUT_MS of silence. */
static int read_full(int fd, void *buf, size_t len) {
  char *p = buf;
  while (len > 0) {
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    ssize_t n;
    if (poll(&pf, 1, IO_TIMEOUT_MS) != 1)
      return -1;
    if ((n = read(fd, p, len)) <= 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* The FCGI_STDOUT bytes up to FCGI_END_REQUEST, NUL-terminated in out;
 * returns their length, or -1 (timeout, closed connection). */
static long read_response(int fd, char *out, size_t cap) {
  size_t len = 0;
  for (;;) {
    unsigned char h[8], pad[256];
    char content[65536];
    size_t clen;
    if (read_full(fd, h, 8) != 0)
      return -1;
    clen = (size_t)h[4] << 8 | h[5];
    if (read_full(fd, content, clen) != 0 || read_full(fd, pad, h[6]) != 0)
      return -1;
    if (h[1] == END) {
      out[len] = '\0';
      return (long)len;
    }
    if (h[1] == STDOUT && len + clen < cap) {
      memcpy(out + len, content, clen);
      len += clen;
    }
  }
}

static void expect_body(int fd, const char *body) {
  char buf[8192];
  long n = read_response(fd, buf, sizeof buf);
  const char *b;

  assert_true(n > 0);
  assert_non_null(b = strstr(buf, "\r\n\r\n"));
  assert_string_equal(b + 4, body);
}

/* ------------------------------------------------------------ handlers */

/* Echoes method, uri and query; finishes itself. */
static void app_echo(struct srv *s, frb_request *req) {
  frb_response *r = frb_request_response(req);
  (void)s;
  frb_header_set(r, "X-Test", "1");
  frb_write(r, frb_request_method(req), strlen(frb_request_method(req)));
  frb_write(r, " ", 1);
  frb_write(r, frb_request_uri(req), strlen(frb_request_uri(req)));
  frb_write(r, "?", 1);
  frb_write(r, frb_request_query(req), strlen(frb_request_query(req)));
  assert_null(frb_request_param(req, "NO_SUCH_PARAM"));
  frb_finish(r);
}

/* Writes a body and returns without frb_finish. */
static void app_forgets(struct srv *s, frb_request *req) {
  (void)s;
  frb_write(frb_request_response(req), "forgotten", 9);
}

/* Holds the request until the test releases it. */
static void app_slow(struct srv *s, frb_request *req) {
  atomic_store(&s->entered, 1);
  while (!atomic_load(&s->release))
    sleep_ms(5);
  frb_write(frb_request_response(req), "late", 4);
}

/* Reads its whole stdin and reports how much there was. */
static void app_count_stdin(struct srv *s, frb_request *req) {
  char buf[300], out[32];
  long total = 0;
  int n;
  (void)s;
  while ((n = frb_request_read(req, buf, sizeof buf)) > 0)
    total += n;
  snprintf(out, sizeof out, "%ld", total);
  frb_write(frb_request_response(req), out, strlen(out));
}

/* --------------------------------------------------------------- tests */

static void test_unix_socket_mode_and_cleanup(void **state) {
  struct srv s;
  struct stat st;
  int fd;
  (void)state;
  srv_init(&s, app_echo);
  s.cfg.unix_mode = 0640;
  srv_start(&s, probe_unix);
  assert_int_equal(stat(s.path, &st), 0);
  assert_true(S_ISSOCK(st.st_mode));
  assert_int_equal(st.st_mode & 07777, 0640);
  assert_true((fd = connect_unix(s.path)) >= 0);
  send_request(fd, 0, "/x/y?a=1", 0);
  expect_body(fd, "POST /x/y?a=1?a=1");
  close(fd);
  srv_stop(&s);
  /* Stopped: the socket file is gone. */
  assert_int_equal(stat(s.path, &st), -1);
}

static int tcp_port;

static int connect_tcp(int port) {
  struct sockaddr_in sa = {.sin_family = AF_INET,
                           .sin_port = htons((uint16_t)port)};
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static int probe_tcp(struct srv *s) {
  (void)s;
  return connect_tcp(tcp_port);
}

/* A port nobody listens on right now. */
static int free_port(void) {
  struct sockaddr_in sa = {.sin_family = AF_INET};
  socklen_t len = sizeof sa;
  int fd = socket(AF_INET, SOCK_STREAM, 0), port;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
  port = ntohs(sa.sin_port);
  close(fd);
  return port;
}

static void test_tcp(void **state) {
  struct srv s;
  int fd;
  (void)state;
  srv_init(&s, app_echo);
  tcp_port = free_port();
  snprintf(s.listen, sizeof s.listen, "127.0.0.1:%d", tcp_port);
  srv_start(&s, probe_tcp);
  assert_true((fd = connect_tcp(tcp_port)) >= 0);
  send_request(fd, 1, "/tcp", 0);
  expect_body(fd, "POST /tcp?a=1");
  send_request(fd, 1, "/tcp2", 0);
  expect_body(fd, "POST /tcp2?a=1");
  close(fd);
  srv_stop(&s);
}

/* A listening unix socket at fd 'at', as a process manager leaves it. */
static int listen_at(struct srv *s, int at) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  int fd = socket(AF_UNIX, SOCK_STREAM, 0), saved = dup(at);
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", s->path);
  assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(listen(fd, 16), 0);
  if (fd != at) {
    assert_int_equal(dup2(fd, at), at);
    close(fd);
  }
  return saved;
}

static void inherited(int at, int systemd) {
  struct srv s;
  char pid[32];
  int fd, saved;
  srv_init(&s, app_echo);
  s.cfg.listen = NULL;
  saved = listen_at(&s, at);
  if (systemd) {
    snprintf(pid, sizeof pid, "%ld", (long)getpid());
    setenv("LISTEN_PID", pid, 1);
    setenv("LISTEN_FDS", "1", 1);
  }
  srv_start(&s, probe_unix);
  assert_true((fd = connect_unix(s.path)) >= 0);
  send_request(fd, 0, "/inherited", 0);
  expect_body(fd, "POST /inherited?a=1");
  close(fd);
  srv_stop(&s);
  unsetenv("LISTEN_PID");
  unsetenv("LISTEN_FDS");
  /* Not ours: the inherited socket stays open. */
  assert_true(fcntl(at, F_GETFD) >= 0);
  if (saved >= 0) {
    dup2(saved, at);
    close(saved);
  } else {
    close(at);
  }
}

static void test_inherited_fd0(void **state) {
  (void)state;
  inherited(0, 0);
}

static void test_listen_fds(void **state) {
  (void)state;
  inherited(3, 1);
}

static void test_no_listener_is_einval(void **state) {
  struct frb_fcgi_config cfg = {.listen = NULL};
  int saved = dup(0), devnull = open("/dev/null", O_RDONLY);
  (void)state;
  cfg.on_error = NULL;
  dup2(devnull, 0);
  assert_int_equal(frb_fcgi_serve(&cfg, handler, NULL), FRB_EINVAL);
  dup2(saved, 0);
  close(saved);
  close(devnull);
  cfg.version = FRB_FCGI_CONFIG_VERSION + 1;
  assert_int_equal(frb_fcgi_serve(&cfg, handler, NULL), FRB_EINVAL);
  cfg.version = 0;
  assert_int_equal(frb_fcgi_serve(&cfg, NULL, NULL), FRB_EINVAL);
}

static void test_forgotten_finish(void **state) {
  struct srv s;
  char buf[4096];
  int fd;
  (void)state;
  srv_init(&s, app_forgets);
  srv_start(&s, probe_unix);
  assert_true((fd = connect_unix(s.path)) >= 0);
  send_request(fd, 0, "/", 0);
  assert_true(read_response(fd, buf, sizeof buf) > 0);
  assert_non_null(strstr(buf, "Content-Length: 9\r\n"));
  assert_non_null(strstr(buf, "\r\n\r\nforgotten"));
  close(fd);
  srv_stop(&s);
}

/* The handler ignores a 20000-byte body; the kept connection must still
 * carry the next request (libfcgi alone closes it). */
static void test_stdin_drained_on_kept_connection(void **state) {
  struct srv s;
  int fd;
  (void)state;
  srv_init(&s, app_forgets);
  srv_start(&s, probe_unix);
  assert_true((fd = connect_unix(s.path)) >= 0);
  for (int i = 0; i < 3; i++) {
    send_request(fd, 1, "/", 20000);
    expect_body(fd, "forgotten");
  }
  close(fd);
  srv_stop(&s);
}

static void test_request_read(void **state) {
  struct srv s;
  int fd;
  (void)state;
  srv_init(&s, app_count_stdin);
  srv_start(&s, probe_unix);
  assert_true((fd = connect_unix(s.path)) >= 0);
  send_request(fd, 1, "/", 12345);
  expect_body(fd, "12345");
  send_request(fd, 1, "/", 0);
  expect_body(fd, "0");
  close(fd);
  srv_stop(&s);
}

/* 2 workers, 10 kept connections: each serves a request, stays open and
 * idle, then all are used again in reverse order.  A loop that ties a
 * worker to a kept connection never answers the third connection. */
static void test_no_starvation_with_kept_connections(void **state) {
  enum { CONNS = 10 };
  struct srv s;
  int fd[CONNS];
  char uri[32];
  (void)state;
  srv_init(&s, app_echo);
  s.cfg.workers = 2;
  srv_start(&s, probe_unix);
  for (int round = 0; round < 3; round++) {
    for (int k = 0; k < CONNS; k++) {
      int i = round % 2 ? CONNS - 1 - k : k;
      char want[64];
      if (round == 0)
        assert_true((fd[i] = connect_unix(s.path)) >= 0);
      snprintf(uri, sizeof uri, "/c%d", i);
      send_request(fd[i], 1, uri, 0);
      snprintf(want, sizeof want, "POST %s?a=1", uri);
      expect_body(fd[i], want);
    }
  }
  /* All at once, answers read afterwards. */
  for (int i = 0; i < CONNS; i++)
    send_request(fd[i], 1, "/all", 0);
  for (int i = 0; i < CONNS; i++)
    expect_body(fd[i], "POST /all?a=1");
  for (int i = 0; i < CONNS; i++)
    close(fd[i]);
  srv_stop(&s);
}

static void test_sigterm_drains_request_in_flight(void **state) {
  struct srv s;
  int fd, late;
  (void)state;
  srv_init(&s, app_slow);
  srv_start(&s, probe_unix);
  assert_true((fd = connect_unix(s.path)) >= 0);
  send_request(fd, 0, "/slow", 0);
  while (!atomic_load(&s.entered))
    sleep_ms(5);
  assert_int_equal(kill(getpid(), SIGTERM), 0);
  /* Stopping: the socket goes away, no new connection gets in. */
  for (int i = 0; i < 200 && access(s.path, F_OK) == 0; i++)
    sleep_ms(5);
  assert_int_equal(access(s.path, F_OK), -1);
  assert_int_equal(late = connect_unix(s.path), -1);
  atomic_store(&s.release, 1);
  expect_body(fd, "late");
  close(fd);
  assert_int_equal(pthread_join(s.tid, NULL), 0);
  assert_int_equal(s.rc, FRB_OK);
  rmdir(s.dir);
  pthread_mutex_destroy(&s.mu);
}

static void test_drain_timeout_bounds_the_stop(void **state) {
  struct srv s;
  int fd;
  (void)state;
  srv_init(&s, app_slow);
  s.cfg.drain_timeout_ms = 100;
  srv_start(&s, probe_unix);
  assert_true((fd = connect_unix(s.path)) >= 0);
  send_request(fd, 0, "/slow", 0);
  while (!atomic_load(&s.entered))
    sleep_ms(5);
  assert_int_equal(kill(getpid(), SIGTERM), 0);
  sleep_ms(400);
  /* Past the timeout the connection was shut down under the handler. */
  {
    char buf[64];
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&pf, 1, 2000), 1);
    assert_int_equal(read(fd, buf, sizeof buf), 0);
  }
  atomic_store(&s.release, 1);
  assert_int_equal(pthread_join(s.tid, NULL), 0);
  assert_int_equal(s.rc, FRB_OK);
  close(fd);
  rmdir(s.dir);
  pthread_mutex_destroy(&s.mu);
}

static void test_completion_hook_figures(void **state) {
  struct srv s;
  char buf[8192];
  const char *b;
  long n;
  int fd;
  (void)state;
  srv_init(&s, app_echo);
  srv_start(&s, probe_unix);
  assert_true((fd = connect_unix(s.path)) >= 0);
  send_request(fd, 1, "/hook", 0);
  assert_true((n = read_response(fd, buf, sizeof buf)) > 0);
  assert_non_null(b = strstr(buf, "\r\n\r\n"));
  /* END_REQUEST is sent before the hook runs: wait for it. */
  for (int i = 0; i < 200; i++) {
    pthread_mutex_lock(&s.mu);
    int c = s.completions;
    pthread_mutex_unlock(&s.mu);
    if (c == 1)
      break;
    sleep_ms(5);
  }
  pthread_mutex_lock(&s.mu);
  assert_int_equal(s.completions, 1);
  assert_int_equal(s.last.status, 200);
  assert_int_equal(s.last.head_bytes, (size_t)(b + 4 - buf));
  assert_int_equal(s.last.body_bytes, (unsigned long long)(n - (b + 4 - buf)));
  assert_int_equal(s.last.error, FRB_OK);
  assert_string_equal(s.last_uri, "/hook");
  pthread_mutex_unlock(&s.mu);
  close(fd);
  srv_stop(&s);
  assert_int_equal(s.completions, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unix_socket_mode_and_cleanup),
      cmocka_unit_test(test_tcp),
      cmocka_unit_test(test_inherited_fd0),
      cmocka_unit_test(test_listen_fds),
      cmocka_unit_test(test_no_listener_is_einval),
      cmocka_unit_test(test_forgotten_finish),
      cmocka_unit_test(test_stdin_drained_on_kept_connection),
      cmocka_unit_test(test_request_read),
      cmocka_unit_test(test_no_starvation_with_kept_connections),
      cmocka_unit_test(test_sigterm_drains_request_in_flight),
      cmocka_unit_test(test_drain_timeout_bounds_the_stop),
      cmocka_unit_test(test_completion_hook_figures),
  };
  sigset_t set;

  /* Blocked in every thread, as frb_fcgi_serve(3) asks. */
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
