/*
 * Shared helpers for the cmocka unit tests: memory sinks (growable, failing
 * at byte N, always failing, blocking) and a strict parser for the CGI head
 * that libfrb writes.  Include after <cmocka.h>'s prerequisites.
 */
#ifndef FRB_TEST_UTIL_H
#define FRB_TEST_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include <cmocka.h>

#include <frb.h>

/* ---------------------------------------------------------------- sinks */

#define SINK_MAX_WRITES 64 /* sizes of the first writes are recorded */

/* A growable memory sink with its own mutex, so that it never relies on the
 * library to serialize it (a race inside the library then shows up as TSan
 * reports or as interleaved bytes, not as a crash in the test). */
struct sink {
  pthread_mutex_t mu;
  char *buf; /* always NUL-terminated after the data */
  size_t len;
  size_t cap;
  size_t writes;                     /* calls that were made */
  size_t write_len[SINK_MAX_WRITES]; /* size of each of the first calls */
  size_t fail_at; /* SIZE_MAX: never; else bytes past this offset fail */
};

void sink_init(struct sink *s);
/* A sink that accepts fail_at bytes; the write that would go past them
 * stores the bytes up to fail_at and returns -1, and so do later writes. */
void sink_init_failing(struct sink *s, size_t fail_at);
void sink_clear(struct sink *s);
void sink_destroy(struct sink *s);
int sink_write(void *ctx, const void *buf, size_t len);
/* Always fails and records nothing. */
int sink_fail_always(void *ctx, const void *buf, size_t len);

/* Fails the test unless the sink holds exactly these bytes (shown escaped). */
void expect_sink(const struct sink *s, const char *expected);
void expect_bytes(const char *what, const char *got, size_t got_len,
                  const char *want, size_t want_len);

/* ------------------------------------------------------- strict parser */

struct field {
  char *name;  /* NUL-terminated copy */
  char *value; /* NUL-terminated copy, OWS removed */
};

struct parsed {
  int status;
  char reason[256];
  struct field *fields;
  size_t nfields;
  size_t head_len;  /* bytes of the head, final CRLF included */
  const char *body; /* points into the parsed buffer */
  size_t body_len;
  char err[160]; /* why parsing failed */
};

/* Parses "Status: NNN Reason\r\n", then "Name: value\r\n" lines (RFC 9112
 * field-line, CRLF only, no obs-fold), then "\r\n", then the body.  Returns
 * 0, or -1 with p->err set.  parsed_free releases the copies. */
int parse_response(const char *buf, size_t len, struct parsed *p);
void parsed_free(struct parsed *p);
/* Parses the sink's bytes and fails the test with the reason on error. */
void parse_or_fail(const struct sink *s, struct parsed *p);
/* Number of fields whose name matches case-insensitively. */
size_t count_field(const struct parsed *p, const char *name);
/* The value of the idx-th field with this name, or NULL. */
const char *field_value(const struct parsed *p, const char *name, size_t idx);

/* ------------------------------------------------------------- misc */

/* The usual cmocka state: one response on one growable memory sink. */
struct fixture {
  struct sink s;
  frb_response *r;
};
int fx_setup(void **state);
int fx_teardown(void **state);

/* A response on a fresh memory sink; fails the test when frb_new fails. */
frb_response *new_on(struct sink *s);
/* Asserts that frb_finish(r) returns FRB_OK. */
void finish_ok(frb_response *r);
/* Builds a string of n copies of c (malloc'd; the caller frees). */
char *repeat(char c, size_t n);

#endif /* FRB_TEST_UTIL_H */
