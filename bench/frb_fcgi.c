/*
 * bench/frb_fcgi: the libfrb side of bench/e2e.sh without the fan-out
 * example's helper thread: the same header calls as examples/fanout -h 1
 * makes for "/", in the request's own thread, on a response reused with
 * frb_reset_fcgx.  It sends the same bytes as bench/plain_fcgi, so the two
 * differ only in libfrb.
 */
#include <stdio.h>
#include <string.h>

#include <frb.h>
#include <frb_fcgi.h>

#include "fcgi_common.h"

static void handle(struct bench_thread *t, FCGX_Request *req) {
  frb_response *r = t->state;
  char line[256], part[48];
  int n;

  if (!r ? !(r = t->state = frb_new_fcgx(req->out))
         : frb_reset_fcgx(r, req->out) != FRB_OK) {
    FCGX_Finish_r(req);
    return;
  }
  snprintf(part, sizeof part, "k=%d;sq=%d", 0, 0);
  frb_header_set(r, "X-Part-0", part);
  frb_header_add(r, "X-Parts", BENCH_PARTS);
  frb_header_add(r, "Set-Cookie", BENCH_COOKIE);
  frb_header_set(r, "Content-Type", BENCH_CTYPE);
  n = snprintf(line, sizeof line, BENCH_LINE1, 1);
  frb_write(r, line, (size_t)n);
  n = snprintf(line, sizeof line, BENCH_LINE2, 0, 0, part, frb_strerror(FRB_OK),
               0, frb_strerror(FRB_OK), "h0=c0", frb_strerror(FRB_OK));
  frb_write(r, line, (size_t)n);
  frb_finish(r);
  FCGX_Finish_r(req);
}

int main(int argc, char **argv) {
  return bench_fcgi_main(argc, argv, "frb_fcgi", handle);
}
