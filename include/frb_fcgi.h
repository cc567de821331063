/*
 * libfrb's libfcgi binding: a response whose sink is an FCGX_Stream.
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

#ifdef __cplusplus
}
#endif

#endif /* FRB_FCGI_H */
