/* Private to the library: nothing here is exported (-fvisibility=hidden). */
#ifndef FRB_INTERNAL_H
#define FRB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>
#include <pthread.h>

#include "frb.h"
#include "lock.h"

/* Allocation goes through these so that tests/chaos can fail the k-th one:
 * a build with -DFRB_ALLOC_HOOKS links against the test's definitions. */
#ifdef FRB_ALLOC_HOOKS
void *frb_hook_malloc(size_t size);
void *frb_hook_realloc(void *ptr, size_t size);
void frb_hook_free(void *ptr);
#define frb__malloc frb_hook_malloc
#define frb__realloc frb_hook_realloc
#define frb__free frb_hook_free
#else
#define frb__malloc malloc
#define frb__realloc realloc
#define frb__free free
#endif

/* Largest head limit accepted: field offsets are 32-bit, and no web server
 * takes a head anywhere near this. */
#define FRB_MAX_HEAD_BYTES (16u * 1024 * 1024)
#define FRB_MIN_HEAD_BYTES 64u

/* Names that the builder treats specially. */
enum frb_kind {
  FRB_KIND_PLAIN,
  FRB_KIND_STATUS,           /* CGI pseudo-header: use frb_set_status */
  FRB_KIND_CONTENT_TYPE,     /* single-valued */
  FRB_KIND_CONTENT_LENGTH,   /* single-valued, digits only */
  FRB_KIND_LOCATION,         /* single-valued */
  FRB_KIND_TRANSFER_ENCODING /* never from a CGI/FastCGI application */
};

/* A validated name/value pair, prepared outside the lock. */
struct frb_field_arg {
  const char *name;
  const char *value; /* already trimmed */
  uint32_t name_len;
  uint32_t value_len;
  uint32_t hash;      /* case-folded name hash */
  uint32_t match_len; /* value bytes that must match too (cookies), or 0 */
  enum frb_kind kind;
};

/* One header line inside the response's buffer. */
struct frb_field {
  uint32_t off;  /* start of the line, relative to the header region */
  uint32_t len;  /* "Name: value\r\n", CRLF included */
  uint32_t hash; /* case-folded name hash, checked before the bytes */
  uint32_t name_len;
};

enum frb_state { FRB_ST_OPEN, FRB_ST_SENT, FRB_ST_DONE };

struct frb_response {
  /* Guarded by 'lock'.  buf holds the head in wire form: the Status line,
   * then every header line in order; flush appends the automatic fields
   * and the final CRLF and writes it as it stands. */
  frb_lock_t lock;
  char *buf;
  uint32_t status_len; /* the header region starts here */
  uint32_t len;
  uint32_t cap;
  uint32_t nfields;
  uint32_t fields_cap;
  struct frb_field *fields;
  int status;
  int has_body; /* body bytes are buffered: 204/304 are then refused */
  size_t head_limit;
  /* Leaves OPEN only with both 'io' and 'lock' held, so a header call that
   * sees OPEN under 'lock' works on a head nobody is writing; SENT->DONE
   * needs only 'io'.  Read anywhere. */
  atomic_int state;

  /* Guarded by 'io': the sink, the body buffer and the failure flag. */
  pthread_mutex_t io;
  frb_write_fn write;
  void *ctx;
  int failed;
  char *body;
  size_t body_len;
  size_t body_cap;
  size_t body_limit;
};

/* validate.c */
int frb__check_name(const char *name, struct frb_field_arg *f);
int frb__check_value(const char *value, struct frb_field_arg *f);
int frb__check_reason(const char *reason, size_t *len);
int frb__format_has_n(const char *fmt);
int frb__is_digits(const char *s, size_t len);
int frb__name_eq(const char *a, const char *b, size_t len);

/* frb.c */
int frb__set_matching(frb_response *r, const struct frb_field_arg *a);

/* text.c */
const char *frb__reason(int code);
char *frb__put_uint(char *out, unsigned long long v, int width);

/* sink.c */
int frb__fd_sink(void *ctx, const void *buf, size_t len);
int frb__sock_sink(void *ctx, const void *buf, size_t len);

#endif /* FRB_INTERNAL_H */
