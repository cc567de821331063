/*
 * libfrb's libfcgi binding: a response whose sink is an FCGX_Stream, and a
 * complete FastCGI server loop (frb_fcgi_serve) that hands each request to
 * a handler with a reused response.
 * Output goes through FCGX_PutStr only (libfcgi's own printf mishandles
 * modern conversions such as %zu).
 */
#ifndef FRB_FCGI_H
#define FRB_FCGI_H

#include <fcgiapp.h>
#include <frb.h>

#ifdef __cplusplus
extern "C" {
#endif

FRB_EXTERN frb_response *frb_new_fcgx(FCGX_Stream *out);
FRB_EXTERN int frb_reset_fcgx(frb_response *r, FCGX_Stream *out);
/* A response to an accepted request: its output stream, and head-only when
 * its REQUEST_METHOD is HEAD. */
FRB_EXTERN frb_response *frb_new_fcgx_request(FCGX_Request *req);
FRB_EXTERN int frb_reset_fcgx_request(frb_response *r, FCGX_Request *req);

/* ------------------------------------------------------- the server loop */

typedef struct frb_request frb_request; /* opaque; valid during one call */

/* Called once per request, in one of the worker threads.  The response is
 * finished for the handler if it returns without frb_finish. */
typedef void (*frb_handler)(frb_request *req, void *ctx);

/* What became of one request, for the completion hook (access logs). */
struct frb_fcgi_result {
  int status;                    /* the status sent (200 unless set) */
  size_t head_bytes;             /* head bytes written, final CRLF included */
  unsigned long long body_bytes; /* body bytes written */
  int error; /* FRB_OK, or why the response did not reach the web server */
};

/* The layout below is version 1; 0 means 1.  Later versions only append
 * fields and read them only when 'version' asks for them. */
#define FRB_FCGI_CONFIG_VERSION 1

/* Zero-initialise and set what you need: {0} listens on the socket that a
 * process manager handed over (LISTEN_FDS, else descriptor 0), with 4
 * workers.  See frb_fcgi_serve(3) for each field. */
struct frb_fcgi_config {
  int version;            /* 0 or FRB_FCGI_CONFIG_VERSION */
  const char *listen;     /* "unix:PATH", "HOST:PORT", NULL: inherited */
  unsigned unix_mode;     /* mode of a unix socket; 0: 0660 */
  const char *unix_owner; /* user name or number; NULL: unchanged */
  const char *unix_group; /* group name or number; NULL: unchanged */
  int workers;            /* threads running the handler; 0: 4 */
  int backlog;            /* listen(2) backlog; 0: 128 */
  int max_connections;    /* open web server connections; 0: 1024 */
  int drain_timeout_ms;   /* wait for requests in flight on stop; 0: 10000 */
  /* Accept, I/O and setup errors: what failed and the errno value.  NULL:
   * one line on stderr.  May run in any of the server's threads at once. */
  void (*on_error)(void *ctx, const char *what, int errnum);
  /* Once per request after its response is complete; NULL: none. */
  void (*on_complete)(frb_request *req, const struct frb_fcgi_result *res,
                      void *ctx);
};

FRB_EXTERN int frb_fcgi_serve(const struct frb_fcgi_config *cfg,
                              frb_handler handler, void *ctx);

FRB_EXTERN frb_response *frb_request_response(frb_request *req);
FRB_EXTERN const char *frb_request_param(const frb_request *req,
                                         const char *name);
FRB_EXTERN const char *frb_request_method(const frb_request *req);
FRB_EXTERN const char *frb_request_uri(const frb_request *req);
FRB_EXTERN const char *frb_request_query(const frb_request *req);
FRB_EXTERN int frb_request_read(frb_request *req, void *buf, size_t len);
FRB_EXTERN FCGX_Request *frb_request_fcgx(frb_request *req);

#ifdef __cplusplus
}
#endif

#endif /* FRB_FCGI_H */
