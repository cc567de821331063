/*
 * The smallest complete FastCGI responder with libfrb.
 *
 *   hello unix:/run/hello.sock      (or 127.0.0.1:9000, or no argument
 *                                    when started by spawn-fcgi/mod_fcgid)
 *
 * One thread, one request at a time: FCGX_Accept_r, build the response
 * with libfrb, send it with frb_finish.  The response object is reused for
 * every request (frb_reset_fcgx keeps its memory).
 */
#include <fcgiapp.h>
#include <stdio.h>
#include <string.h>

#include <frb.h>
#include <frb_fcgi.h>

#include "common.h"

int main(int argc, char **argv) {
  FCGX_Request req;
  frb_response *r = NULL;
  int fd, rc;

  if ((fd = ex_listen(argc > 1 ? argv[1] : NULL)) < 0 ||
      ex_stop_on_signals(fd) != 0)
    return 1;
  FCGX_InitRequest(&req, fd, 0);
  while (FCGX_Accept_r(&req) >= 0) {
    const char *uri = FCGX_GetParam("REQUEST_URI", req.envp);
    static const char hello[] = "Hello from libfrb\n";

    if (!r ? !(r = frb_new_fcgx(req.out))
           : frb_reset_fcgx(r, req.out) != FRB_OK) {
      fprintf(stderr, "hello: cannot set up a response\n");
      break;
    }
    frb_header_set(r, "X-Hello", "world");
    frb_header_setf(r, "X-Request-Uri", "%s", uri ? uri : "");
    frb_write(r, hello, strlen(hello));
    /* Status line, headers, Content-Type, Content-Length, body: one go. */
    if ((rc = frb_finish(r)) != FRB_OK)
      fprintf(stderr, "hello: frb_finish: %s\n", frb_strerror(rc));
  }
  /* The last accepted request (if any) is finished by FCGX_Finish_r. */
  FCGX_Finish_r(&req);
  frb_free(r);
  ex_cleanup();
  return 0;
}
