/*
 * The server loop shared by bench/frb_fcgi and bench/plain_fcgi, so that the
 * two responders differ only in how they write the response.
 *
 *   PROGRAM [-t THREADS] unix:PATH
 *
 * THREADS (4) threads each accept requests with FCGX_Accept_r and call the
 * handler; SIGTERM and SIGINT end the process at once.  The socket is made
 * connectable by the web server's worker user (mode 0666).
 */
#ifndef FRB_BENCH_FCGI_COMMON_H
#define FRB_BENCH_FCGI_COMMON_H

#include <fcgiapp.h>

/* Per-thread state: created on the thread's first request, kept after. */
struct bench_thread {
  void *state;
};

typedef void (*bench_handler)(struct bench_thread *t, FCGX_Request *req);

int bench_fcgi_main(int argc, char **argv, const char *name,
                    bench_handler handler);

/* The response both responders send, byte for byte the one that
 * examples/fanout -h 1 sends for "/" (checked by bench/e2e.sh). */
#define BENCH_PART "k=0;sq=0"
#define BENCH_PARTS "p0"
#define BENCH_COOKIE "h0=c0; Path=/; HttpOnly"
#define BENCH_CTYPE "text/plain; charset=utf-8"
#define BENCH_LINE1 "fan-out: %d helper threads set headers on one response\n"
#define BENCH_LINE2                                                            \
  "helper %d: X-Part-%d: %s (%s); X-Parts += p%d (%s); Set-Cookie: %s (%s)\n"
#define BENCH_OK "success"

#endif
