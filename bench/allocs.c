/*
 * bench/allocs: heap allocations per request when one response is reused
 * with frb_reset, over 10,000 requests.
 *
 * The library sources are compiled into this program with -DFRB_ALLOC_HOOKS,
 * so every allocation the library makes goes through the hooks below, which
 * count it and pass it on to the C library.  A request here is what a
 * handler typically does: a status, a dozen headers (one replaced, one
 * added twice, one removed), a read back, a body written in three pieces,
 * and frb_finish; every 100th request also grows its head and body well
 * beyond the first request's, to show that growth is kept too.
 *
 *   bench/allocs [N]     N more headers set in every request (default 0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frb.h"

#define REQUESTS 10000

static unsigned long n_malloc, n_realloc, n_realloc_null, n_free;

void *frb_hook_malloc(size_t size);
void *frb_hook_realloc(void *ptr, size_t size);
void frb_hook_free(void *ptr);

void *frb_hook_malloc(size_t size) {
  n_malloc++;
  return malloc(size);
}

void *frb_hook_realloc(void *ptr, size_t size) {
  n_realloc++;
  if (!ptr)
    n_realloc_null++; /* a first allocation, freed later */
  return realloc(ptr, size);
}

void frb_hook_free(void *ptr) {
  if (ptr)
    n_free++;
  free(ptr);
}

static unsigned long allocs(void) {
  return n_malloc + n_realloc;
}

static unsigned long sunk;

/* 'allocs N': every request also sets N more headers (limit raised). */
#define MAX_EXTRA 4000
static int extra;
static char extra_names[MAX_EXTRA][16];

static int null_sink(void *ctx, const void *buf, size_t len) {
  (void)ctx;
  (void)buf;
  sunk += len;
  return 0;
}

static void check(int rc, const char *what) {
  if (rc < 0) {
    fprintf(stderr, "allocs: %s: %s\n", what, frb_strerror(rc));
    exit(1);
  }
}

static void request(frb_response *r, int i) {
  static char body[4096];
  char value[64], got[64];
  int big = i % 100 == 99;

  check(frb_reset(r, null_sink, NULL), "reset");
  check(frb_set_status(r, i % 7 ? 200 : 404), "status");
  check(frb_header_set(r, "Content-Type", "text/html; charset=utf-8"), "set");
  check(frb_header_set(r, "Cache-Control", "no-store"), "set");
  check(frb_header_setf(r, "X-Request-Id", "%08x-%d", (unsigned)i * 2654435761u,
                        i),
        "setf");
  check(frb_header_set(r, "Vary", "Accept-Encoding"), "set");
  check(frb_header_set(r, "X-Frame-Options", "DENY"), "set");
  check(frb_header_set(r, "X-Content-Type-Options", "nosniff"), "set");
  check(frb_header_set(r, "Server-Timing", "app;dur=1.5"), "set");
  check(
      frb_header_add(r, "Set-Cookie", "sid=abcdef0123456789; Path=/; HttpOnly"),
      "add");
  check(frb_header_add(r, "Set-Cookie", "theme=dark; Path=/"), "add");
  check(frb_header_set(r, "ETag", "\"abc123\""), "set");
  check(frb_header_set(r, "X-Debug", "1"), "set");
  check(frb_header_del(r, "X-Debug"), "del");
  check(frb_header_set(r, "Cache-Control", "private, max-age=60"), "set");
  check(frb_header_get(r, "ETag", got, sizeof got), "get");
  for (int k = 0; k < extra; k++)
    check(frb_header_set(r, extra_names[k], "extra-value"), "set extra");
  if (big) {
    for (int k = 0; k < 40; k++) {
      snprintf(value, sizeof value, "extra value number %d", k);
      check(frb_header_add(r, "X-Extra", value), "add");
    }
  }
  memset(body, 'x', sizeof body);
  check(frb_write(r, body, 512), "write");
  check(frb_write(r, body, 1024), "write");
  check(frb_write(r, body, big ? 4096 : 300), "write");
  if (big)
    for (int k = 0; k < 8; k++)
      check(frb_write(r, body, sizeof body), "write");
  check(frb_finish(r), "finish");
}

int main(int argc, char **argv) {
  unsigned long at_new, after_first, before_big, steady_max = 0;
  unsigned long steady_total = 0, after_warm;
  frb_response *r;

  extra = argc > 1 ? atoi(argv[1]) : 0;
  if (extra < 0 || extra > MAX_EXTRA)
    return 2;
  for (int k = 0; k < extra; k++)
    snprintf(extra_names[k], sizeof extra_names[k], "X-H-%04d", k);
  /* 1,000 extra headers are far above the default of FRB_DEFAULT_FIELDS
   * lines (issue 8); frb_reset keeps both limits. */
  if (!(r = frb_new(null_sink, NULL)) ||
      frb_set_limit(r, FRB_LIMIT_HEAD_BYTES, 16u * 1024 * 1024) != FRB_OK ||
      frb_set_limit(r, FRB_LIMIT_FIELDS, (size_t)extra + 64) != FRB_OK)
    return 1;
  at_new = allocs();
  request(r, 0);
  after_first = allocs();
  /* Steady state: requests after the first big one (request 99), which is
   * the largest any request here gets. */
  for (int i = 1; i < 100; i++)
    request(r, i);
  after_warm = allocs();
  for (int i = 100; i < REQUESTS; i++) {
    before_big = allocs();
    request(r, i);
    if (allocs() - before_big > steady_max)
      steady_max = allocs() - before_big;
  }
  steady_total = allocs() - after_warm;
  frb_free(r);

  printf("requests %d\n", REQUESTS);
  printf("extra_headers %d\n", extra);
  printf("frb_new %lu\n", at_new);
  printf("first_request %lu\n", after_first - at_new);
  printf("warm_up_requests_2_to_100 %lu\n", after_warm - after_first);
  printf("steady_total_requests_101_to_%d %lu\n", REQUESTS, steady_total);
  printf("steady_per_request %.4f\n", (double)steady_total / (REQUESTS - 100));
  printf("steady_max_in_one_request %lu\n", steady_max);
  printf("total %lu (malloc %lu, realloc %lu, free %lu)\n", allocs(), n_malloc,
         n_realloc, n_free);
  printf("not_freed %ld\n", (long)(n_malloc + n_realloc_null) - (long)n_free);
  return steady_total != 0;
}
