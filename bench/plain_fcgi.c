/*
 * bench/plain_fcgi: the baseline for bench/e2e.sh, a libfcgi responder that
 * formats the response by hand and writes it with FCGX_PutStr, no libfrb.
 * It sends the same bytes as examples/fanout -h 1 and bench/frb_fcgi.
 */
#include <stdio.h>

#include "fcgi_common.h"

static void handle(struct bench_thread *t, FCGX_Request *req) {
  char head[512], body[512];
  int blen, hlen;

  (void)t;
  blen = snprintf(body, sizeof body, BENCH_LINE1, 1);
  blen += snprintf(body + blen, sizeof body - (size_t)blen, BENCH_LINE2, 0, 0,
                   BENCH_PART, BENCH_OK, 0, BENCH_OK, "h0=c0", BENCH_OK);
  hlen = snprintf(head, sizeof head,
                  "Status: 200 OK\r\n"
                  "X-Part-0: %s\r\n"
                  "X-Parts: %s\r\n"
                  "Set-Cookie: %s\r\n"
                  "Content-Type: %s\r\n"
                  "Content-Length: %d\r\n"
                  "\r\n",
                  BENCH_PART, BENCH_PARTS, BENCH_COOKIE, BENCH_CTYPE, blen);
  FCGX_PutStr(head, hlen, req->out);
  FCGX_PutStr(body, blen, req->out);
  FCGX_Finish_r(req);
}

int main(int argc, char **argv) {
  return bench_fcgi_main(argc, argv, "plain_fcgi", handle);
}
