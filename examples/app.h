/*
 * The fan-out application shared by fanout.c (FastCGI, many requests per
 * process) and cgi.c (plain CGI, one request per process): everything that
 * depends only on the request path and query, written with libfrb alone.
 */
#ifndef FRB_EXAMPLES_APP_H
#define FRB_EXAMPLES_APP_H

#include <frb.h>

/* /big streams this 64-byte line over and over, cut at the requested size,
 * so the body equals the first N bytes of `yes 'BIG_TEXT'`. */
#define APP_BIG_TEXT                                                           \
  "libfrb streamed body 0123456789 abcdefghijklmnopqrstuvwxyz ABCD"

struct app_config {
  int helpers;           /* helper threads per fan-out request */
  const char *served_by; /* X-Served-By value, or NULL for none */
};

/* Answers one request on r, which is fresh or just reset:
 *   /                        fan-out: helpers set headers concurrently
 *   /status/NNN              status NNN
 *   /redirect                302 to /target
 *   /big?bytes=N             N streamed bytes (see APP_BIG_TEXT)
 *   /head-size?bytes=N[&limit=M]
 *                            a serialized head of exactly N bytes, with the
 *                            head limit set to M (default: libfrb's default)
 * Everything else is a 404.  Returns the result of the last output call. */
int app_handle(frb_response *r, const struct app_config *cfg, const char *path,
               const char *query);

/* Parses "-h N" style numbers: 1..max, or -1. */
int app_parse_count(const char *s, int max);

#endif
