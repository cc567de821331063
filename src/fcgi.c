/* The libfcgi binding.  Output goes through FCGX_PutStr only: libfcgi's
 * FCGX_FPrintF has its own format parser that mishandles %zu and, in 2.4.3,
 * %l conversions. */
#include <limits.h>

#include "internal.h"
#include "frb_fcgi.h"

static int fcgx_sink(void *ctx, const void *buf, size_t len) {
  FCGX_Stream *out = ctx;
  const char *p = buf;

  while (len > 0) {
    int chunk = len > INT_MAX ? INT_MAX : (int)len;
    if (FCGX_PutStr(p, chunk, out) != chunk)
      return -1;
    p += chunk;
    len -= (size_t)chunk;
  }
  /* PutStr only buffers; a vanished peer shows up as the stream's error
   * once a record is flushed. */
  return FCGX_GetError(out) ? -1 : 0;
}

/* frb_flush: the buffered records go to the web server now, which is what
 * lets a stream (server-sent events) reach the client before the end. */
static int fcgx_flush(void *ctx) {
  return FCGX_FFlush(ctx) == 0 && !FCGX_GetError(ctx) ? 0 : -1;
}

FRB_EXTERN frb_response *frb_new_fcgx(FCGX_Stream *out) {
  frb_response *r = out ? frb__new_sink(fcgx_sink, fcgx_flush, out) : NULL;

  if (r)
    r->record_payload = FRB_FCGX_RECORD_PAYLOAD;
  return r;
}

FRB_EXTERN int frb_reset_fcgx(frb_response *r, FCGX_Stream *out) {
  int rc = out ? frb__reset_sink(r, fcgx_sink, fcgx_flush, out) : FRB_EINVAL;

  if (rc == FRB_OK) {
    pthread_mutex_lock(&r->io);
    r->record_payload = FRB_FCGX_RECORD_PAYLOAD;
    pthread_mutex_unlock(&r->io);
  }
  return rc;
}

/* The request, not only its stream: the method decides whether the body
 * goes out.  frb_fcgi_serve-style loops call these after FCGX_Accept_r. */
FRB_EXTERN frb_response *frb_new_fcgx_request(FCGX_Request *req) {
  frb_response *r = req ? frb_new_fcgx(req->out) : NULL;

  if (r)
    r->head_only =
        frb__is_head_method(FCGX_GetParam("REQUEST_METHOD", req->envp));
  return r;
}

FRB_EXTERN int frb_reset_fcgx_request(frb_response *r, FCGX_Request *req) {
  int rc = req ? frb_reset_fcgx(r, req->out) : FRB_EINVAL;

  if (rc == FRB_OK)
    rc = frb_set_head_only(
        r, frb__is_head_method(FCGX_GetParam("REQUEST_METHOD", req->envp)));
  return rc;
}
