/*
 * What every libfrb FastCGI example needs besides libfrb itself: opening
 * the listening socket named on the command line, and stopping cleanly on
 * SIGTERM and SIGINT even while every thread is idle in FCGX_Accept_r.
 */
#ifndef FRB_EXAMPLES_COMMON_H
#define FRB_EXAMPLES_COMMON_H

/* Opens the listening socket described by spec and returns its descriptor,
 * or -1 with a message on stderr:
 *   "unix:/path/app.sock"  a unix socket, mode 0666 so that the web
 *                          server's user (www-data, nobody) can connect;
 *   "127.0.0.1:9000"       a TCP socket;
 *   NULL                   descriptor 0, already listening (spawn-fcgi,
 *                          mod_fcgid and other process managers).
 * Calls FCGX_Init. */
int ex_listen(const char *spec);

/* Blocks SIGTERM and SIGINT in the calling thread (and so in every thread
 * it creates afterwards) and starts a thread that waits for either of them,
 * then shuts listen_fd down.  A blocked accept() then fails, so every
 * FCGX_Accept_r returns a negative value and the accept loops end after the
 * request they are serving.  Call before creating worker threads.
 * Returns 0, or -1 with a message on stderr. */
int ex_stop_on_signals(int listen_fd);

/* Non-zero once SIGTERM or SIGINT arrived. */
int ex_stopping(void);

/* Removes the unix socket created by ex_listen, if any. */
void ex_cleanup(void);

#endif
