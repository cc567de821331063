/*
 * The reason libfrb exists: a FastCGI application in which several threads
 * build ONE response at the same time.
 *
 *   fanout [-t WORKERS] [-h HELPERS] [-n NAME] [unix:PATH | HOST:PORT]
 *
 * frb_fcgi_serve runs WORKERS threads (4) and the listening socket.  For
 * "/" the handler starts HELPERS threads (8) that each look up their part
 * and set X-Part-<k>, add to X-Parts and add a Set-Cookie on the same
 * response concurrently; then one frb_finish sends head and body.  See app.h
 * for the other paths.  -n NAME adds "X-Served-By: NAME" to fan-out
 * responses (handy behind a load balancer).  Without a socket argument the
 * listening socket is the one a process manager passed (systemd's
 * LISTEN_FDS, else descriptor 0 as spawn-fcgi and mod_fcgid pass it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <frb.h>
#include <frb_fcgi.h>

#include "app.h"

#define MAX_WORKERS 256

/* REQUEST_URI is set by nginx (fastcgi_params) and by Apache alike, and is
 * the path the client asked for, whatever SCRIPT_NAME/PATH_INFO say. */
static void serve(frb_request *req, void *ctx) {
  const struct app_config *cfg = ctx;
  const char *uri = frb_request_uri(req);
  char path[1024];
  const char *query = "";
  size_t n;

  if (*uri != '/')
    uri = "/";
  n = strcspn(uri, "?");
  if (uri[n] == '?')
    query = uri + n + 1;
  if (n >= sizeof path)
    n = sizeof path - 1;
  memcpy(path, uri, n);
  path[n] = '\0';
  app_handle(frb_request_response(req), cfg, path, query);
}

static void usage(void) {
  fprintf(stderr, "usage: fanout [-t WORKERS] [-h HELPERS] [-n NAME] "
                  "[unix:PATH | HOST:PORT]\n");
  exit(2);
}

int main(int argc, char **argv) {
  struct app_config cfg = {8, NULL};
  struct frb_fcgi_config fc = {.unix_mode = 0666, .workers = 4};
  int opt, rc;

  while ((opt = getopt(argc, argv, "t:h:n:")) != -1) {
    switch (opt) {
    case 't': fc.workers = app_parse_count(optarg, MAX_WORKERS); break;
    case 'h': cfg.helpers = app_parse_count(optarg, 64); break;
    case 'n': cfg.served_by = optarg; break;
    default: usage();
    }
  }
  if (fc.workers < 0 || cfg.helpers < 0 || argc - optind > 1)
    usage();
  fc.listen = optind < argc ? argv[optind] : NULL;
  fprintf(stderr, "fanout: %d workers, %d helpers per request, starting\n",
          fc.workers, cfg.helpers);
  if ((rc = frb_fcgi_serve(&fc, serve, &cfg)) != FRB_OK) {
    fprintf(stderr, "fanout: %s\n", frb_strerror(rc));
    return 1;
  }
  fprintf(stderr, "fanout: stopped\n");
  return 0;
}
