/*
 * The reason libfrb exists: a FastCGI application in which several threads
 * build ONE response at the same time.
 *
 *   fanout [-t WORKERS] [-h HELPERS] [-n NAME] [unix:PATH | HOST:PORT]
 *
 * A pool of WORKERS threads (4) accepts requests with FCGX_Accept_r.  For
 * "/" the handler starts HELPERS threads (8) that each look up their part
 * and set X-Part-<k>, add to X-Parts and add a Set-Cookie on the same
 * response concurrently; then one frb_finish sends head and body.  See app.h
 * for the other paths.  -n NAME adds "X-Served-By: NAME" to fan-out
 * responses (handy behind a load balancer).  Without a socket argument the
 * listening socket is descriptor 0 (spawn-fcgi, mod_fcgid).
 */
#include <fcgiapp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <frb.h>
#include <frb_fcgi.h>

#include "app.h"
#include "common.h"

#define MAX_WORKERS 256

struct worker {
  pthread_t tid;
  int listen_fd;
  const struct app_config *cfg;
};

/* REQUEST_URI is set by nginx (fastcgi_params) and by Apache alike, and is
 * the path the client asked for, whatever SCRIPT_NAME/PATH_INFO say. */
static void serve(frb_response *r, const struct app_config *cfg,
                  FCGX_Request *req) {
  const char *uri = FCGX_GetParam("REQUEST_URI", req->envp);
  char path[1024];
  const char *query = "";
  size_t n;

  if (!uri || *uri != '/')
    uri = "/";
  n = strcspn(uri, "?");
  if (uri[n] == '?')
    query = uri + n + 1;
  if (n >= sizeof path)
    n = sizeof path - 1;
  memcpy(path, uri, n);
  path[n] = '\0';
  app_handle(r, cfg, path, query);
}

static void *worker_main(void *arg) {
  struct worker *w = arg;
  FCGX_Request req;
  frb_response *r = NULL;

  FCGX_InitRequest(&req, w->listen_fd, 0);
  while (FCGX_Accept_r(&req) >= 0) {
    /* One response object per worker, reset for every request. */
    if (!r ? !(r = frb_new_fcgx(req.out))
           : frb_reset_fcgx(r, req.out) != FRB_OK) {
      fprintf(stderr, "fanout: out of memory for a response\n");
      break;
    }
    serve(r, w->cfg, &req);
  }
  FCGX_Finish_r(&req);
  frb_free(r);
  return NULL;
}

static void usage(void) {
  fprintf(stderr, "usage: fanout [-t WORKERS] [-h HELPERS] [-n NAME] "
                  "[unix:PATH | HOST:PORT]\n");
  exit(2);
}

int main(int argc, char **argv) {
  struct app_config cfg = {8, NULL};
  struct worker workers[MAX_WORKERS];
  int nworkers = 4, fd, opt;

  while ((opt = getopt(argc, argv, "t:h:n:")) != -1) {
    switch (opt) {
    case 't': nworkers = app_parse_count(optarg, MAX_WORKERS); break;
    case 'h': cfg.helpers = app_parse_count(optarg, 64); break;
    case 'n': cfg.served_by = optarg; break;
    default: usage();
    }
  }
  if (nworkers < 0 || cfg.helpers < 0 || argc - optind > 1)
    usage();
  if ((fd = ex_listen(optind < argc ? argv[optind] : NULL)) < 0 ||
      ex_stop_on_signals(fd) != 0)
    return 1;
  for (int i = 0; i < nworkers; i++) {
    workers[i] = (struct worker){.listen_fd = fd, .cfg = &cfg};
    if (pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]) != 0) {
      fprintf(stderr, "fanout: cannot start worker %d\n", i);
      return 1;
    }
  }
  fprintf(stderr, "fanout: %d workers, %d helpers per request, ready\n",
          nworkers, cfg.helpers);
  for (int i = 0; i < nworkers; i++)
    pthread_join(workers[i].tid, NULL);
  ex_cleanup();
  fprintf(stderr, "fanout: stopped\n");
  return 0;
}
