/* One request on one connection, and the handler's view of it. */
#include <limits.h>
#include <string.h>

#include "serve.h"

FRB_EXTERN frb_response *frb_request_response(frb_request *req) {
  return req ? req->r : NULL;
}

FRB_EXTERN const char *frb_request_param(const frb_request *req,
                                         const char *name) {
  if (!req || !name || !req->fcgx.envp)
    return NULL;
  return FCGX_GetParam(name, req->fcgx.envp);
}

static const char *param_or_empty(const frb_request *req, const char *name) {
  const char *v = frb_request_param(req, name);
  return v ? v : "";
}

FRB_EXTERN const char *frb_request_method(const frb_request *req) {
  return param_or_empty(req, "REQUEST_METHOD");
}

FRB_EXTERN const char *frb_request_uri(const frb_request *req) {
  return param_or_empty(req, "REQUEST_URI");
}

FRB_EXTERN const char *frb_request_query(const frb_request *req) {
  return param_or_empty(req, "QUERY_STRING");
}

FRB_EXTERN int frb_request_read(frb_request *req, void *buf, size_t len) {
  int n;

  if (!req || !req->fcgx.in || (!buf && len))
    return FRB_EINVAL;
  if (len > INT_MAX)
    len = INT_MAX;
  n = FCGX_GetStr(buf, (int)len, req->fcgx.in);
  return n < (int)len && FCGX_GetError(req->fcgx.in) ? FRB_EIO : n;
}

FRB_EXTERN FCGX_Request *frb_request_fcgx(frb_request *req) {
  return req ? &req->fcgx : NULL;
}

void frb__worker_init(struct frb__worker *w, struct frb__server *s) {
  memset(w, 0, sizeof *w);
  w->s = s;
  w->fd = -1;
  /* No listening socket: when a kept connection turns out closed, libfcgi
   * tries to accept a new one, and accept(-1) fails at once. */
  FCGX_InitRequest(&w->req.fcgx, -1, 0);
}

void frb__worker_free(struct frb__worker *w) {
  frb_free(w->req.r);
  w->req.r = NULL;
}

/* libfcgi 2.4.2 takes an unread FCGI_STDIN record on a kept connection for
 * the next request's first record, calls it a protocol error and closes the
 * connection under the web server (Apache: 503). */
static void drain_stdin(FCGX_Stream *in) {
  char buf[4096];

  while (FCGX_GetStr(buf, sizeof buf, in) == (int)sizeof buf)
    ;
}

/* The request variants: a HEAD request's body is counted, never sent. */
static int setup_response(struct frb_request *req) {
  if (!req->r)
    return (req->r = frb_new_fcgx_request(&req->fcgx)) ? FRB_OK : FRB_ENOMEM;
  return frb_reset_fcgx_request(req->r, &req->fcgx);
}

/* The handler may have finished, failed, or left the response open (maybe
 * with a head too big to send): make sure the web server gets an answer. */
static int finish_for_handler(struct frb_request *req) {
  static const char bare500[] = "Status: 500 Internal Server Error\r\n"
                                "Content-Length: 0\r\n\r\n";
  int rc;

  if (!req->r) {
    FCGX_PutStr(bare500, sizeof bare500 - 1, req->fcgx.out);
    return FRB_ENOMEM;
  }
  /* FRB_ESENT: the handler finished it.  A head that could not be sent
   * (too big, no memory) was already replaced by libfrb's fixed 500
   * (frb_finish(3)); a failed sink cannot answer at all. */
  rc = frb_finish(req->r);
  return rc == FRB_ESENT ? FRB_OK : rc;
}

static void complete(struct frb__worker *w, int error) {
  struct frb_fcgi_result res = {200, 0, 0, error};
  struct frb_request *req = &w->req;

  if (!w->s->cfg.on_complete)
    return;
  if (req->r) {
    /* A head that could not be sent went out as libfrb's fixed 500. */
    res.status = error == FRB_ETOOBIG || error == FRB_ENOMEM
                     ? 500
                     : frb_get_status(req->r);
    frb__bytes_sent(req->r, &res.head_bytes, &res.body_bytes);
  } else {
    res.status = 500;
  }
  w->s->cfg.on_complete(req, &res, w->s->ctx);
}

int frb__serve_one(struct frb__worker *w, int fd) {
  struct frb_request *req = &w->req;
  FCGX_Request *f = &req->fcgx;
  int err, rc;

  f->ipcFd = fd;
  /* FCGX_Accept_r first finishes the previous request and would close a
   * connection that request did not keep. */
  f->keepConnection = 1;
  if (FCGX_Accept_r(f) < 0)
    return 0; /* closed by the web server, or a protocol error: gone */
  if ((err = setup_response(req)) == FRB_OK)
    w->s->handler(req, w->s->ctx);
  drain_stdin(f->in);
  rc = finish_for_handler(req);
  if (err == FRB_OK)
    err = rc;
  /* Closing out, then err, sends FCGI_END_REQUEST: the web server is done
   * with this request before the completion hook runs. */
  if ((FCGX_FClose(f->out) != 0 || FCGX_FClose(f->err) != 0) && !err)
    err = FRB_EIO;
  complete(w, err);
  FCGX_Finish_r(f);
  if (f->ipcFd < 0)
    return 0;
  f->ipcFd = -1; /* the connection goes back to the leader's poll set */
  return 1;
}
