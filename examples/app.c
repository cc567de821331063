/* The fan-out application: see app.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"

#define MAX_HELPERS 64
#define MAX_HEAD_SIZE 1000000u
#define PAD_NAME_FMT "X-Pad-%04u"    /* always 10 bytes */
#define PAD_OVERHEAD (10u + 2u + 2u) /* name, ": ", CRLF */
#define PAD_LINE 100u

static const char text_plain[] = "text/plain; charset=utf-8";

/* ------------------------------------------------------------- helpers */

static void say(frb_response *r, const char *text) {
  frb_write(r, text, strlen(text));
}

static int finish(frb_response *r, const char *what) {
  int rc = frb_finish(r);

  if (rc != FRB_OK)
    fprintf(stderr, "%s: frb_finish: %s\n", what, frb_strerror(rc));
  return rc;
}

/* Looks a parameter up in a query string; returns 1 and the number found. */
static int query_number(const char *query, const char *key,
                        unsigned long long *out) {
  size_t klen = strlen(key);
  const char *p = query;

  while (p && *p) {
    if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
      char *end;
      errno = 0;
      *out = strtoull(p + klen + 1, &end, 10);
      return errno == 0 && end != p + klen + 1 && (*end == '&' || !*end);
    }
    p = strchr(p, '&');
    if (p)
      p++;
  }
  return 0;
}

int app_parse_count(const char *s, int max) {
  char *end;
  long v = strtol(s, &end, 10);

  return (*s && !*end && v >= 1 && v <= max) ? (int)v : -1;
}

/* ------------------------------------------------------------- fan-out */

struct helper {
  frb_response *r;
  int k;
  char part[48];   /* what this helper looked up */
  char cookie[32]; /* the Set-Cookie line it added */
  int rc_part, rc_parts, rc_cookie;
};

static int add_cookie(frb_response *r, const char *name, const char *value) {
  struct frb_cookie attrs = {0};

  attrs.path = "/";
  attrs.http_only = 1;
  return frb_cookie_add(r, name, value, &attrs);
}

/* One helper: "looks up" its part (a few microseconds of sleep stand in for
 * a cache or database round trip), then sets its own header, adds to the
 * shared X-Parts and adds its own cookie, all on the SAME response that the
 * other helpers are changing at the same moment. */
static void *helper_main(void *arg) {
  struct helper *h = arg;
  struct timespec pause = {0, 2000 + 250 * h->k};
  char name[24], tag[16], cname[16], cvalue[16];

  nanosleep(&pause, NULL);
  snprintf(h->part, sizeof h->part, "k=%d;sq=%d", h->k, h->k * h->k);
  snprintf(name, sizeof name, "X-Part-%d", h->k);
  h->rc_part = frb_header_set(h->r, name, h->part);

  snprintf(tag, sizeof tag, "p%d", h->k);
  h->rc_parts = frb_header_add(h->r, "X-Parts", tag);

  snprintf(cname, sizeof cname, "h%d", h->k);
  snprintf(cvalue, sizeof cvalue, "c%d", h->k);
  snprintf(h->cookie, sizeof h->cookie, "%s=%s", cname, cvalue);
  h->rc_cookie = add_cookie(h->r, cname, cvalue);
  return NULL;
}

static void report_helper(frb_response *r, const struct helper *h) {
  char line[256];

  snprintf(line, sizeof line,
           "helper %d: X-Part-%d: %s (%s); X-Parts += p%d (%s); "
           "Set-Cookie: %s (%s)\n",
           h->k, h->k, h->part, frb_strerror(h->rc_part), h->k,
           frb_strerror(h->rc_parts), h->cookie, frb_strerror(h->rc_cookie));
  say(r, line);
  if (h->rc_part || h->rc_parts || h->rc_cookie)
    fprintf(stderr, "fan-out: helper %d failed: %s", h->k, line);
}

static int fan_out(frb_response *r, const struct app_config *cfg) {
  struct helper helpers[MAX_HELPERS];
  pthread_t tids[MAX_HELPERS];
  int started[MAX_HELPERS];
  int n = cfg->helpers > MAX_HELPERS ? MAX_HELPERS : cfg->helpers;
  pthread_attr_t attr;
  char line[96];

  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024); /* helpers are tiny */
  for (int k = 0; k < n; k++) {
    helpers[k] = (struct helper){.r = r, .k = k};
    started[k] = pthread_create(&tids[k], &attr, helper_main, &helpers[k]) == 0;
    if (!started[k])
      helper_main(&helpers[k]); /* no thread to spare: do it here */
  }
  pthread_attr_destroy(&attr);
  for (int k = 0; k < n; k++)
    if (started[k])
      pthread_join(tids[k], NULL);

  if (cfg->served_by)
    frb_header_set(r, "X-Served-By", cfg->served_by);
  frb_header_set(r, "Content-Type", text_plain);
  snprintf(line, sizeof line,
           "fan-out: %d helper threads set headers on one response\n", n);
  say(r, line);
  for (int k = 0; k < n; k++)
    report_helper(r, &helpers[k]);
  /* The one flush: head and body together. */
  return finish(r, "fan-out");
}

/* ------------------------------------------------------------ the paths */

static int status_page(frb_response *r, const char *digits) {
  char *end;
  long code = strtol(digits, &end, 10);
  char body[64];

  if (*end || frb_set_status(r, (int)code) != FRB_OK) {
    frb_set_status(r, 400);
    say(r, "status must be a number from 200 to 599\n");
    return finish(r, "status");
  }
  frb_header_set(r, "X-Status-Test", digits);
  if (code != 204 && code != 304) {
    snprintf(body, sizeof body, "status %ld\n", code);
    say(r, body);
  }
  return finish(r, "status");
}

static int redirect_page(frb_response *r) {
  /* Location and an explicit 3xx status together (RFC 3875 6.2.3). */
  int rc = frb_redirect(r, 302, "/target");

  if (rc != FRB_OK)
    fprintf(stderr, "redirect: %s\n", frb_strerror(rc));
  say(r, "see /target\n");
  return finish(r, "redirect");
}

/* 64 KiB is a multiple of the 64-byte line, so every chunk starts a line
 * and the stream is APP_BIG_TEXT "\n" repeated, cut at N bytes. */
static char big_chunk[64 * 1024];
static pthread_once_t big_once = PTHREAD_ONCE_INIT;

static void fill_big_chunk(void) {
  static const char line[] = APP_BIG_TEXT "\n";
  _Static_assert(sizeof line - 1 == 64, "APP_BIG_TEXT is 63 bytes");

  for (size_t i = 0; i < sizeof big_chunk; i += sizeof line - 1)
    memcpy(big_chunk + i, line, sizeof line - 1);
}

/* Streams N bytes: the head goes out when the first 64 KiB are exceeded,
 * then every frb_write goes straight to the server. */
static int big_page(frb_response *r, const char *query) {
  unsigned long long left, total;
  int rc = FRB_OK;

  if (!query_number(query, "bytes", &total) || total > (1ull << 36)) {
    frb_set_status(r, 400);
    say(r, "use /big?bytes=N\n");
    return finish(r, "big");
  }
  pthread_once(&big_once, fill_big_chunk);
  /* Known up front, so the client can tell a cut-short body. */
  frb_header_setf(r, "Content-Length", "%llu", total);
  frb_header_set(r, "Content-Type", "application/octet-stream");
  for (left = total; left > 0;) {
    size_t n = left < sizeof big_chunk ? (size_t)left : sizeof big_chunk;
    if ((rc = frb_write(r, big_chunk, n)) != FRB_OK) {
      /* The usual cause: the client went away and the server closed the
       * FastCGI connection.  The worker simply moves on. */
      fprintf(stderr, "big: stopped after %llu of %llu bytes: %s\n",
              total - left, total, frb_strerror(rc));
      return rc;
    }
    left -= n;
  }
  return finish(r, "big");
}

static size_t line_bytes(const char *name, const char *value) {
  return strlen(name) + 2 + strlen(value) + 2;
}

/* Answers a 500 that the application chose, after libfrb refused a head:
 * the pads go, the reason is logged and told. */
static int refuse_head(frb_response *r, unsigned pads, size_t bytes,
                       size_t limit, int err) {
  char name[24], body[256];

  fprintf(stderr,
          "head-size: libfrb refused a %zu-byte head (limit %zu): %s (%s)\n",
          bytes, limit, err == FRB_ETOOBIG ? "FRB_ETOOBIG" : "error",
          frb_strerror(err));
  for (unsigned i = 0; i < pads; i++) {
    snprintf(name, sizeof name, PAD_NAME_FMT, i);
    frb_header_del(r, name);
  }
  frb_header_del(r, "Content-Length");
  frb_set_status(r, 500);
  snprintf(body, sizeof body,
           "500 chosen by the application: libfrb refused a %zu-byte head "
           "(limit %zu bytes): %s (%s)\n",
           bytes, limit, err == FRB_ETOOBIG ? "FRB_ETOOBIG" : "error",
           frb_strerror(err));
  say(r, body);
  return finish(r, "head-size");
}

/* Pads the head with X-Pad-NNNN lines to exactly 'bytes' serialized bytes:
 * status line, Content-Type, Content-Length, pads and the final CRLF. */
static int head_size_page(frb_response *r, const char *query) {
  unsigned long long bytes, limit = FRB_DEFAULT_HEAD_BYTES, buffer;
  unsigned long long fields = 100000;
  char body[128], clen[24], name[24], value[PAD_LINE + 128];
  size_t base, left;
  unsigned pads = 0;
  int rc;

  if (!query_number(query, "bytes", &bytes) || bytes > MAX_HEAD_SIZE ||
      (query_number(query, "limit", &limit) &&
       frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, (size_t)limit) != FRB_OK) ||
      (query_number(query, "buffer", &buffer) &&
       frb_set_limit(r, FRB_LIMIT_SERVER_BUFFER, (size_t)buffer) != FRB_OK)) {
    frb_set_status(r, 400);
    say(r, "use /head-size?bytes=N[&limit=M|&buffer=B][&fields=F], N <= "
           "1000000\n");
    return finish(r, "head-size");
  }
  /* 100-byte pad lines: a large head has hundreds (fine for nginx and
   * Apache), so the field limit is raised unless fields=N says otherwise
   * (h2o takes at most 100: fields=100 keeps libfrb's default). */
  query_number(query, "fields", &fields);
  frb_set_limit(r, FRB_LIMIT_FIELDS, (size_t)fields);
  snprintf(body, sizeof body,
           "head-size: this response has a %llu-byte head "
           "(limit %llu)\n",
           bytes, limit);
  snprintf(clen, sizeof clen, "%zu", strlen(body));
  frb_header_set(r, "Content-Type", text_plain);
  frb_header_set(r, "Content-Length", clen);
  base = strlen("Status: 200 OK\r\n") + line_bytes("Content-Type", text_plain) +
         line_bytes("Content-Length", clen) + 2;
  if (bytes < base || (bytes > base && bytes - base < PAD_OVERHEAD)) {
    frb_header_del(r, "Content-Length");
    frb_set_status(r, 400);
    say(r, "cannot pad a head to exactly that many bytes\n");
    return finish(r, "head-size");
  }
  for (left = (size_t)bytes - base; left > 0; pads++) {
    /* Lines of 100 bytes, the last two split so none is too short. */
    size_t len = left > 2 * PAD_LINE + PAD_OVERHEAD ? PAD_LINE
                 : left > 2 * PAD_LINE              ? left - PAD_LINE
                                                    : left;
    snprintf(name, sizeof name, PAD_NAME_FMT, pads);
    memset(value, 'p', len - PAD_OVERHEAD);
    value[len - PAD_OVERHEAD] = '\0';
    if ((rc = frb_header_set(r, name, value)) != FRB_OK)
      return refuse_head(r, pads, (size_t)bytes, (size_t)limit, rc);
    left -= len;
  }
  say(r, body);
  if ((rc = frb_finish(r)) == FRB_ETOOBIG)
    return refuse_head(r, pads, (size_t)bytes, (size_t)limit, rc);
  return rc;
}

int app_handle(frb_response *r, const struct app_config *cfg, const char *path,
               const char *query) {
  /* frb_reset keeps limits: undo a raised one from an earlier request. */
  frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, FRB_DEFAULT_HEAD_BYTES);
  frb_set_limit(r, FRB_LIMIT_FIELDS, FRB_DEFAULT_FIELDS);
  if (!query)
    query = "";
  if (strcmp(path, "/") == 0)
    return fan_out(r, cfg);
  if (strncmp(path, "/status/", 8) == 0)
    return status_page(r, path + 8);
  if (strcmp(path, "/redirect") == 0)
    return redirect_page(r);
  if (strcmp(path, "/big") == 0)
    return big_page(r, query);
  if (strcmp(path, "/head-size") == 0)
    return head_size_page(r, query);
  frb_set_status(r, 404);
  say(r, "no such page\n");
  return finish(r, "404");
}
