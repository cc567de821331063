/*
 * The smallest complete FastCGI service with libfrb:
 *   hello unix:/run/hello.sock   (or 127.0.0.1:9000, or nothing when
 *                                 spawn-fcgi, mod_fcgid or systemd pass
 *                                 the listening socket)
 * frb_fcgi_serve runs the socket, 4 worker threads and SIGTERM/SIGINT.
 */
#include <stdio.h>

#include <frb_fcgi.h>

static void hello(frb_request *req, void *ctx) {
  frb_response *r = frb_request_response(req);

  (void)ctx;
  frb_header_set(r, "X-Hello", "world");
  frb_header_setf(r, "X-Request-Uri", "%s", frb_request_uri(req));
  frb_write(r, "Hello from libfrb\n", 18);
} /* frb_fcgi_serve finishes the response */

int main(int argc, char **argv) {
  struct frb_fcgi_config cfg = {.listen = argc > 1 ? argv[1] : NULL,
                                .unix_mode = 0666}; /* web server's user */
  int rc = frb_fcgi_serve(&cfg, hello, NULL);

  if (rc != FRB_OK)
    fprintf(stderr, "hello: %s\n", frb_strerror(rc));
  return rc == FRB_OK ? 0 : 1;
}
