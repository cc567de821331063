/*
 * The fan-out application as plain CGI: one request per process, the
 * response on stdout through frb_new_fd(1).  Same paths as fanout (see
 * app.h), taken from PATH_INFO and QUERY_STRING, e.g. with Apache
 *   ScriptAlias "/cgi/fanout" "/usr/lib/cgi-bin/frb-cgi"
 * a request for /cgi/fanout/status/404 has PATH_INFO "/status/404".
 * FRB_HELPERS in the environment changes the number of helper threads.
 */
#include <stdio.h>
#include <stdlib.h>

#include <frb.h>

#include "app.h"

int main(void) {
  struct app_config cfg = {8, NULL};
  const char *path = getenv("PATH_INFO");
  const char *helpers = getenv("FRB_HELPERS");
  frb_response *r;
  int rc;

  if (helpers && (cfg.helpers = app_parse_count(helpers, 64)) < 0)
    cfg.helpers = 8;
  if (!path || *path != '/')
    path = "/";
  if (!(r = frb_new_fd(1))) {
    fprintf(stderr, "cgi: cannot create a response\n");
    return 1;
  }
  rc = app_handle(r, &cfg, path, getenv("QUERY_STRING"));
  frb_free(r);
  /* The server has the status from the head; a failed write (client gone)
   * is worth an exit code for the error log, nothing more. */
  return rc == FRB_OK ? 0 : 1;
}
