/*
 * Write faults.  A fixed response (headers, a buffered body, a flush, a
 * streamed body, finish) is sent through sinks that fail:
 *   - after N bytes, for every N from 0 (the first byte) to the last byte;
 *   - on the k-th call only, for every k (an intermittent sink that would
 *     work again if asked);
 *   - at random, seeded;
 * and, with libfcgi, through a real FastCGI connection whose peer reads the
 * head and part of the body and then vanishes while eight threads write.
 * Each time: the call that meets the failure and every later output call
 * answer FRB_EIO, the sink is never called again, what it took is a prefix
 * of the complete response, a reset brings the response back, and frb_free
 * leaves nothing behind (ASan/valgrind).  Output is TAP.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frb.h"
#include "strict_parser.h"

static int tests, failed;

static void report(int ok, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void report(int ok, const char *fmt, ...) {
  va_list ap;

  printf("%s %d - ", ok ? "ok" : "not ok", ++tests);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  failed += !ok;
}

/* --------------------------------------------------------- faulty sinks */

enum mode { FAIL_AFTER_BYTES, FAIL_ON_CALL, FAIL_RANDOM, FAIL_NEVER };

struct fsink {
  enum mode mode;
  size_t limit;  /* bytes (FAIL_AFTER_BYTES) or call number (FAIL_ON_CALL) */
  unsigned seed; /* FAIL_RANDOM */
  size_t calls;
  int failed;       /* it has failed once */
  int called_after; /* called again after failing: a library bug */
  char *buf;
  size_t len;
};

static void take(struct fsink *s, const void *b, size_t n) {
  if (!(s->buf = realloc(s->buf, s->len + n + 1)))
    abort();
  memcpy(s->buf + s->len, b, n);
  s->len += n;
}

static int faulty(void *ctx, const void *b, size_t n) {
  struct fsink *s = ctx;
  int fail = 0;

  s->calls++;
  if (s->failed)
    s->called_after = 1;
  switch (s->mode) {
  case FAIL_AFTER_BYTES:
    if (s->len + n > s->limit) {
      take(s, b, s->limit - s->len); /* a partial write, then the error */
      fail = 1;
    }
    break;
  case FAIL_ON_CALL: fail = s->calls == s->limit; break;
  case FAIL_RANDOM: fail = rand_r(&s->seed) % 4 == 0; break;
  case FAIL_NEVER: break;
  }
  if (fail) {
    s->failed = 1;
    return -1;
  }
  take(s, b, n);
  return 0;
}

/* ------------------------------------------------------------- scenario */

#define NSTEPS 12

/* The response, one output-or-header call per step; returns the step's
 * result.  Steps 0-4 build and buffer, 5 flushes, 6-10 stream, 11 ends. */
static int step(frb_response *r, int i) {
  static char chunk[3000];

  if (!chunk[0])
    for (size_t k = 0; k < sizeof chunk; k++)
      chunk[k] = (char)('A' + k % 26);
  switch (i) {
  case 0: return frb_header_set(r, "X-Request", "42");
  case 1: return frb_set_status(r, 201);
  case 2: return frb_write(r, chunk, 100);
  case 3: return frb_header_add(r, "Cache-Control", "no-store");
  case 4: return frb_write(r, chunk, 200);
  case 5: return frb_flush_headers(r);
  case 11: return frb_finish(r);
  default: return frb_write(r, chunk + i, sizeof chunk - (size_t)i);
  }
}

static int is_output_step(int i) {
  return i == 2 || i == 4 || i >= 5;
}

/* The complete response, from a sink that never fails. */
static struct fsink reference;

static void make_reference(void) {
  frb_response *r;

  reference.mode = FAIL_NEVER;
  if (!(r = frb_new(faulty, &reference)))
    abort();
  for (int i = 0; i < NSTEPS; i++)
    if (step(r, i) != FRB_OK)
      abort();
  frb_free(r);
}

/* Runs the scenario into s; returns 1 if every rule held. */
static int run_faulty(struct fsink *s, char *why, size_t whylen) {
  frb_response *r = frb_new(faulty, s);
  int seen_eio = 0, ok = 1, rc;
  struct sp_head h;

  if (!r)
    abort();
  for (int i = 0; i < NSTEPS && ok; i++) {
    rc = step(r, i);
    if (s->failed && is_output_step(i) && rc != FRB_EIO) {
      snprintf(why, whylen, "step %d answered %d after the sink failed", i, rc);
      ok = 0;
    } else if (!s->failed && rc != FRB_OK) {
      snprintf(why, whylen, "step %d answered %d with no failure", i, rc);
      ok = 0;
    } else if (s->failed && !is_output_step(i) && rc != FRB_ESENT &&
               rc != FRB_OK) {
      snprintf(why, whylen, "header step %d answered %d", i, rc);
      ok = 0;
    }
    seen_eio |= rc == FRB_EIO;
  }
  if (ok && s->failed) { /* and it stays failed */
    if (frb_write(r, "x", 1) != FRB_EIO || frb_finish(r) != FRB_EIO ||
        frb_flush_headers(r) != FRB_EIO) {
      snprintf(why, whylen, "a later output call was not FRB_EIO");
      ok = 0;
    }
  }
  if (ok && s->called_after) {
    snprintf(why, whylen, "the sink was called again after failing");
    ok = 0;
  }
  if (ok && (s->len > reference.len ||
             memcmp(s->buf ? s->buf : "", reference.buf, s->len) != 0)) {
    snprintf(why, whylen, "the sink took bytes that are not a prefix");
    ok = 0;
  }
  if (ok && s->failed != seen_eio) {
    snprintf(why, whylen, "sink failed %d, FRB_EIO seen %d", s->failed,
             seen_eio);
    ok = 0;
  }
  /* A reset clears the failure: the next response goes out whole. */
  if (ok) {
    struct fsink good = {.mode = FAIL_NEVER};
    if (frb_reset(r, faulty, &good) != FRB_OK || frb_write(r, "ok", 2) ||
        frb_finish(r) != FRB_OK ||
        sp_parse(good.buf, good.len, SP_BODY_IS_WHOLE, &h, NULL, 0) != 0) {
      snprintf(why, whylen, "the response did not recover after reset");
      ok = 0;
    } else {
      sp_head_free(&h);
    }
    free(good.buf);
  }
  frb_free(r);
  free(s->buf);
  return ok;
}

static void sweep_bytes(void) {
  char why[128] = "";
  size_t bad = 0, n;

  for (n = 0; n < reference.len; n++) {
    struct fsink s = {.mode = FAIL_AFTER_BYTES, .limit = n};
    if (!run_faulty(&s, why, sizeof why) && bad++ < 3)
      printf("# fail after %zu bytes: %s\n", n, why);
  }
  report(bad == 0, "sink failing after N bytes, N = 0..%zu (%zu failed)",
         reference.len - 1, bad);
}

static void sweep_calls(void) {
  char why[128] = "";
  size_t bad = 0, k;

  for (k = 1; k <= reference.calls; k++) {
    struct fsink s = {.mode = FAIL_ON_CALL, .limit = k};
    if (!run_faulty(&s, why, sizeof why) && bad++ < 3)
      printf("# fail on call %zu: %s\n", k, why);
  }
  report(bad == 0, "sink failing on call k only, k = 1..%zu (%zu failed)",
         reference.calls, bad);
}

static void random_faults(void) {
  char why[128] = "";
  size_t bad = 0;

  for (unsigned seed = 1; seed <= 500; seed++) {
    struct fsink s = {.mode = FAIL_RANDOM, .seed = seed};
    if (!run_faulty(&s, why, sizeof why) && bad++ < 3)
      printf("# random seed %u: %s\n", seed, why);
  }
  report(bad == 0, "sink failing at random, 500 seeds (%zu failed)", bad);
}

/* ------------------------------------------- a vanished FastCGI peer */

#ifdef FRB_WITH_FCGI
#include <sys/socket.h>
#include <sys/un.h>

#include <frb_fcgi.h>

#define WRITERS 8

struct peer_test {
  char dir[64], path[96];
  int listen_fd;
  frb_response *r;
  atomic_int eio_then_ok; /* a thread saw FRB_OK after its FRB_EIO */
  atomic_int ended_eio;   /* threads whose writes ended in FRB_EIO */
  atomic_long written;
  int finish_rc;
  int accept_rc;
};

static void *writer(void *arg) {
  struct peer_test *t = arg;
  char chunk[4096];
  int saw_eio = 0;

  memset(chunk, 'w', sizeof chunk);
  /* At most 64 MiB in all: far more than the socket buffers hold. */
  for (int i = 0; i < 2048; i++) {
    int rc = frb_write(t->r, chunk, sizeof chunk);
    if (rc == FRB_OK && saw_eio)
      atomic_store(&t->eio_then_ok, 1);
    if (rc == FRB_OK)
      atomic_fetch_add(&t->written, (long)sizeof chunk);
    if (rc == FRB_EIO) {
      if (saw_eio++ > 8) /* it stays failed; a few more tries prove it */
        break;
    }
    frb_header_set(t->r, "X-Late", "1"); /* FRB_ESENT, racing the writes */
  }
  if (saw_eio)
    atomic_fetch_add(&t->ended_eio, 1);
  return NULL;
}

static void *fcgi_server(void *arg) {
  struct peer_test *t = arg;
  pthread_t th[WRITERS];
  FCGX_Request req;

  FCGX_InitRequest(&req, t->listen_fd, 0);
  if ((t->accept_rc = FCGX_Accept_r(&req)) < 0)
    return NULL;
  t->r = frb_new_fcgx(req.out);
  frb_header_set(t->r, "X-Writers", "8");
  frb_flush_headers(t->r);
  for (int i = 0; i < WRITERS; i++)
    pthread_create(&th[i], NULL, writer, t);
  for (int i = 0; i < WRITERS; i++)
    pthread_join(th[i], NULL);
  t->finish_rc = frb_finish(t->r);
  frb_free(t->r);
  FCGX_Finish_r(&req);
  FCGX_Free(&req, 1);
  return NULL;
}

static void record(int fd, int type, const void *body, size_t len) {
  unsigned char h[8] = {1,
                        (unsigned char)type,
                        0,
                        1,
                        (unsigned char)(len >> 8),
                        (unsigned char)len,
                        0,
                        0};

  if (write(fd, h, 8) != 8 || (len && write(fd, body, len) != (ssize_t)len))
    abort();
}

static int read_n(int fd, void *b, size_t n) {
  size_t got = 0;

  while (got < n) {
    ssize_t k = read(fd, (char *)b + got, n - got);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1;
    got += (size_t)k;
  }
  return 0;
}

/* Plays the web server: sends a request, reads FCGI_STDOUT until the head
 * and 256 KiB of body have arrived, then closes the connection. */
static int client(const char *path, char *head, size_t headcap) {
  static const unsigned char begin[8] = {0, 1, 0, 0, 0, 0, 0, 0};
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  size_t got = 0, body = 0;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  char *end = NULL;

  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
    return -1;
  record(fd, 1, begin, sizeof begin);
  record(fd, 4, NULL, 0);
  record(fd, 5, NULL, 0);
  while (body < 256 * 1024) {
    unsigned char h[8], content[65536 + 256];
    size_t len, pad;
    if (read_n(fd, h, 8) != 0)
      break;
    len = (size_t)h[4] << 8 | h[5];
    pad = h[6];
    if (read_n(fd, content, len + pad) != 0)
      break;
    if (h[1] != 6)
      continue;
    if (!end) {
      size_t n = len < headcap - 1 - got ? len : headcap - 1 - got;
      memcpy(head + got, content, n);
      got += n;
      head[got] = '\0';
      if ((end = strstr(head, "\r\n\r\n")) != NULL)
        body += got - (size_t)(end + 4 - head);
    } else {
      body += len;
    }
  }
  close(fd); /* the peer vanishes mid-body */
  return end ? (int)(end + 4 - head) : -1;
}

static void vanished_peer(void) {
  struct peer_test t = {0};
  pthread_t server;
  char head[8192];
  struct sp_head h;
  int head_len, parsed = 0;

  strcpy(t.dir, "/tmp/frb-faults-XXXXXX");
  if (!mkdtemp(t.dir)) {
    report(0, "vanished FastCGI peer: mkdtemp");
    return;
  }
  snprintf(t.path, sizeof t.path, "%s/sock", t.dir);
  t.listen_fd = FCGX_OpenSocket(t.path, 4);
  pthread_create(&server, NULL, fcgi_server, &t);
  head_len = client(t.path, head, sizeof head);
  pthread_join(server, NULL);
  close(t.listen_fd);
  unlink(t.path);
  rmdir(t.dir);
  if (head_len > 0 && sp_parse(head, (size_t)head_len, 0, &h, NULL, 0) == 0) {
    parsed = 1;
    sp_head_free(&h);
  }
  printf("# %ld body bytes accepted before the peer vanished\n",
         atomic_load(&t.written));
  report(t.accept_rc >= 0 && parsed && t.finish_rc == FRB_EIO &&
             atomic_load(&t.ended_eio) == WRITERS &&
             !atomic_load(&t.eio_then_ok),
         "vanished FastCGI peer, %d writing threads: every thread ends in "
         "FRB_EIO (%d did), no FRB_OK after it, finish FRB_EIO (%d), head "
         "parsed (%d)",
         WRITERS, atomic_load(&t.ended_eio), t.finish_rc, parsed);
}
#endif

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  make_reference();
  printf("# reference response: %zu bytes in %zu sink calls\n", reference.len,
         reference.calls);
  sweep_bytes();
  sweep_calls();
  random_faults();
#ifdef FRB_WITH_FCGI
  if (FCGX_Init() != 0)
    report(0, "FCGX_Init");
  else
    vanished_peer();
#else
  printf("ok %d - vanished FastCGI peer # SKIP built without libfcgi\n",
         ++tests);
#endif
  printf("1..%d\n", tests);
  free(reference.buf);
  return failed ? 1 : 0;
}
