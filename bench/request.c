/*
 * bench/request: the cost of one whole response, as a handler builds it:
 * frb_reset, frb_set_status, nine header calls (one frb_header_setf, two
 * cookies), a 31-byte body and frb_finish, into a sink that discards.
 *
 *   bench/request [N]     N requests (default 200000); prints ns/request
 *
 * Under 'valgrind --tool=callgrind' the instruction count per request does
 * not move with the machine's load (make bench-instr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "frb.h"

static int discard(void *ctx, const void *buf, size_t len) {
  (void)buf;
  *(size_t *)ctx += len;
  return 0;
}

static void must(int rc, const char *what) {
  if (rc < 0) {
    fprintf(stderr, "request: %s: %s\n", what, frb_strerror(rc));
    exit(1);
  }
}

static void one_request(frb_response *r, size_t *sunk, unsigned i) {
  static const char body[] = "{\"ok\":true,\"items\":[1,2,3,4]}\n";
  static const struct frb_cookie session = {
      .path = "/", .secure = 1, .http_only = 1, .same_site = FRB_SAMESITE_LAX};

  must(frb_reset(r, discard, sunk), "reset");
  must(frb_set_status(r, 200), "status");
  must(frb_header_set(r, "Content-Type", "application/json"), "set");
  must(frb_header_set(r, "Cache-Control", "no-store"), "set");
  must(frb_header_setf(r, "X-Request-Id", "req-%u", i), "setf");
  must(frb_header_set(r, "Vary", "Accept-Encoding"), "set");
  must(frb_header_set(r, "X-Frame-Options", "DENY"), "set");
  must(frb_header_add(r, "Server-Timing", "db;dur=12"), "add");
  must(frb_header_set(r, "X-Content-Type-Options", "nosniff"), "set");
  must(frb_cookie_add(r, "sid", "abc123", &session), "cookie");
  must(frb_cookie_add(r, "theme", "dark", NULL), "cookie");
  must(frb_write(r, body, sizeof body - 1), "write");
  must(frb_finish(r), "finish");
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 200000;
  size_t sunk = 0;
  frb_response *r = frb_new(discard, &sunk);
  struct timespec t0, t1;

  if (!r || n <= 0)
    return 1;
  one_request(r, &sunk, 0); /* warm: the buffers reach their steady size */
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n; i++)
    one_request(r, &sunk, (unsigned)i);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("request: %ld requests, %.1f ns/request, %zu bytes each\n", n,
         ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n,
         sunk / (size_t)(n + 1));
  frb_free(r);
  return 0;
}
