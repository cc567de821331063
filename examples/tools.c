/*
 * The response tools of libfrb behind a web server:
 *
 *   tools [-t WORKERS] [-d FILE_DIR] [unix:PATH | HOST:PORT]
 *
 *   /sse?n=N&gap_ms=MS&threads=K   server-sent events: K threads (1) each
 *                                  send N events (3), MS ms apart (1000);
 *                                  the first goes out at once (frb_flush)
 *   /cond                          a representation with ETag and
 *                                  Last-Modified, answered with 304/412
 *                                  by frb_preconditions
 *   /download/nginx?name=NAME      frb_send_file with X-Accel-Redirect to
 *                                  /protected/report.txt (an internal
 *                                  location); NAME (percent-encoded UTF-8)
 *                                  is the attachment name
 *   /download/apache?name=NAME     frb_send_file with X-Sendfile to
 *                                  FILE_DIR/report.txt (mod_xsendfile)
 *   /json                          frb_set_content_type
 *   /frozen                        a "framework" freezes its
 *                                  Content-Security-Policy; the handler's
 *                                  attempt to weaken it is refused
 *
 * frb_fcgi_serve runs WORKERS threads (4), each with one response that it
 * resets per request, and finishes what a handler leaves open.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <frb.h>
#include <frb_fcgi.h>

#define MAX_WORKERS 64
#define REPORT "report.txt"

static const char *file_dir = "/srv/files";

/* The value of key in a query string, percent-decoded; "" when absent. */
static void query_param(const char *query, const char *key, char *out,
                        size_t size) {
  size_t klen = strlen(key), n = 0;
  const char *p = query;

  out[0] = '\0';
  while (p && *p) {
    if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
      for (p += klen + 1; *p && *p != '&' && n + 1 < size; p++) {
        unsigned v;
        if (*p == '%' && sscanf(p + 1, "%2x", &v) == 1) {
          out[n++] = (char)v;
          p += 2;
        } else {
          out[n++] = *p == '+' ? ' ' : *p;
        }
      }
      out[n] = '\0';
      return;
    }
    p = strchr(p, '&');
    p = p ? p + 1 : NULL;
  }
}

static long query_long(const char *query, const char *key, long dflt,
                       long max) {
  char buf[32];
  char *end;
  long v;

  query_param(query, key, buf, sizeof buf);
  v = strtol(buf, &end, 10);
  return !buf[0] || *end || v < 0 || v > max ? dflt : v;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void text(frb_response *r, int status, const char *body) {
  frb_set_status(r, status);
  frb_write(r, body, strlen(body));
}

/* ------------------------------------------------------------------ SSE */

struct producer {
  pthread_t tid;
  frb_response *r;
  int id;
  long n, gap_ms;
};

static void *produce(void *arg) {
  struct producer *p = arg;
  char id[32], data[96];

  for (long i = 0; i < p->n; i++) {
    if (i > 0)
      sleep_ms(p->gap_ms);
    snprintf(id, sizeof id, "%d-%ld", p->id, i);
    snprintf(data, sizeof data, "producer %d event %ld\nsecond line", p->id, i);
    /* FRB_EIO: the client left; the other producers will see it too. */
    if (frb_sse_event(p->r, "tick", id, data) != FRB_OK)
      break;
  }
  return NULL;
}

static void sse(frb_response *r, const char *query) {
  struct producer p[8];
  long threads = query_long(query, "threads", 1, 8);
  long n = query_long(query, "n", 3, 100);
  long gap = query_long(query, "gap_ms", 1000, 10000);
  long started = 0;

  for (long i = 0; i < threads; i++) {
    p[i] = (struct producer){.r = r, .id = (int)i, .n = n, .gap_ms = gap};
    if (pthread_create(&p[i].tid, NULL, produce, &p[i]) != 0)
      break;
    started++;
  }
  for (long i = 0; i < started; i++)
    pthread_join(p[i].tid, NULL);
}

/* ------------------------------------------------------- preconditions */

static void cond(frb_response *r, frb_request *req) {
  static const char body[] = "representation v1\n";
  struct frb_request_conditions q = {
      frb_request_method(req), frb_request_param(req, "HTTP_IF_MATCH"),
      frb_request_param(req, "HTTP_IF_NONE_MATCH"),
      frb_request_param(req, "HTTP_IF_MODIFIED_SINCE"),
      frb_request_param(req, "HTTP_IF_UNMODIFIED_SINCE")};
  int rc;

  frb_header_set(r, "ETag", "\"v1\"");
  frb_header_set(r, "Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
  frb_header_set(r, "Cache-Control", "max-age=60");
  frb_set_content_type(r, "text/plain", "utf-8");
  rc = frb_preconditions(r, &q);
  /* Says who decided: nginx can answer a 304 on its own from the ETag. */
  frb_header_set(r, "X-Frb-Precondition",
                 rc == FRB_PRECONDITION_PASSED         ? "passed"
                 : rc == FRB_PRECONDITION_NOT_MODIFIED ? "not-modified"
                 : rc == FRB_PRECONDITION_FAILED       ? "failed"
                                                       : "error");
  if (rc == FRB_PRECONDITION_PASSED)
    frb_write(r, body, sizeof body - 1);
  else if (rc == FRB_PRECONDITION_FAILED)
    frb_write(r, "precondition failed\n", 20);
  else if (rc < 0)
    text(r, 500, frb_strerror(rc));
}

/* ------------------------------------------------------------ send file */

static void download(frb_response *r, const char *query,
                     enum frb_sendfile_server server) {
  struct frb_send_file_opts o = {NULL};
  char name[256], path[1024];
  int rc;

  query_param(query, "name", name, sizeof name);
  if (name[0])
    o.attachment = name;
  if (server == FRB_SENDFILE_NGINX)
    snprintf(path, sizeof path, "/protected/%s", REPORT);
  else
    snprintf(path, sizeof path, "%s/%s", file_dir, REPORT);
  if ((rc = frb_send_file(r, path, server, &o)) != FRB_OK)
    /* A name from the request that is refused is the client's fault. */
    text(r, rc == FRB_EINVAL ? 400 : 500, frb_strerror(rc));
}

/* --------------------------------------------------------- freeze, type */

static void frozen(frb_response *r) {
  char body[128];
  int rc;

  /* What a framework does before the handler runs. */
  frb_header_set(r, "Content-Security-Policy", "default-src 'self'");
  frb_header_freeze(r, "Content-Security-Policy");
  /* A handler that tries to weaken it. */
  rc = frb_header_set(r, "Content-Security-Policy", "default-src *");
  snprintf(body, sizeof body, "handler's attempt: %s\n", frb_strerror(rc));
  text(r, 200, body);
}

static void json(frb_response *r) {
  frb_set_content_type(r, "application/json", "utf-8");
  frb_write(r, "{\"ok\":true}\n", 12);
}

static void serve(frb_request *req, void *ctx) {
  frb_response *r = frb_request_response(req);
  const char *uri = frb_request_uri(req);
  const char *query;
  char path[256];
  size_t n;

  (void)ctx;
  if (*uri != '/')
    uri = "/";
  n = strcspn(uri, "?");
  query = uri[n] == '?' ? uri + n + 1 : "";
  snprintf(path, sizeof path, "%.*s", (int)n, uri);
  if (strcmp(path, "/sse") == 0)
    sse(r, query);
  else if (strcmp(path, "/cond") == 0)
    cond(r, req);
  else if (strcmp(path, "/download/nginx") == 0)
    download(r, query, FRB_SENDFILE_NGINX);
  else if (strcmp(path, "/download/apache") == 0)
    download(r, query, FRB_SENDFILE_APACHE);
  else if (strcmp(path, "/json") == 0)
    json(r);
  else if (strcmp(path, "/frozen") == 0)
    frozen(r);
  else
    text(r, 404, "no such tool\n");
}

int main(int argc, char **argv) {
  struct frb_fcgi_config fc = {.unix_mode = 0666, .workers = 4};
  int opt, rc;

  while ((opt = getopt(argc, argv, "t:d:")) != -1) {
    switch (opt) {
    case 't': fc.workers = atoi(optarg); break;
    case 'd': file_dir = optarg; break;
    default: fc.workers = -1;
    }
  }
  if (fc.workers < 1 || fc.workers > MAX_WORKERS || argc - optind > 1) {
    fprintf(stderr, "usage: tools [-t WORKERS] [-d FILE_DIR] "
                    "[unix:PATH | HOST:PORT]\n");
    return 2;
  }
  fc.listen = optind < argc ? argv[optind] : NULL;
  fprintf(stderr, "tools: %d workers, files in %s, ready\n", fc.workers,
          file_dir);
  if ((rc = frb_fcgi_serve(&fc, serve, NULL)) != FRB_OK) {
    fprintf(stderr, "tools: %s\n", frb_strerror(rc));
    return 1;
  }
  fprintf(stderr, "tools: stopped\n");
  return 0;
}
