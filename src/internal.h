/* Private to the library: nothing here is exported (-fvisibility=hidden).
 * The map of the sources is README's "Inside libfrb". */
#ifndef FRB_INTERNAL_H
#define FRB_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "frb.h"
#include "head.h"
#include "lock.h"

/* Allocation goes through these so that tests/hardening/chaos can fail the
 * k-th one: a build with -DFRB_ALLOC_HOOKS links against the test's
 * definitions. */
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

enum frb_state { FRB_ST_OPEN, FRB_ST_SENT, FRB_ST_DONE };

/* Pushes what the sink buffers to its peer (FCGX_FFlush): 0, or -1. */
typedef int (*frb__flush_fn)(void *ctx);

/* A name that frb_header_freeze fixed (freeze.c). */
struct frb_frozen {
  char *name; /* a copy, NUL-terminated */
  uint32_t name_len;
  uint32_t hash;
};

struct frb_response {
  /* Guarded by 'lock'. */
  frb__lock_t lock;
  struct frb_head head;
  struct frb_frozen *frozen; /* nfrozen names, room for frozen_cap */
  uint32_t nfrozen;
  uint32_t frozen_cap;
  /* Leaves OPEN only with both 'io' and 'lock' held, so a header call that
   * sees OPEN under 'lock' works on a head nobody is writing; SENT->DONE
   * needs only 'io'.  Read anywhere. */
  atomic_int state;

  /* Guarded by 'io': the sink, the body buffer and the failure flag.  Lock
   * order is io, then lock. */
  pthread_mutex_t io;
  frb_write_fn write;
  frb__flush_fn flush; /* NULL: the sink keeps nothing back */
  void *ctx;
  int failed;
  size_t head_sent; /* bytes the sink took, for access logs */
  unsigned long long body_sent;
  char *body;
  size_t body_len;
  size_t body_cap;
  size_t body_limit;
  int head_only; /* HEAD: body bytes are counted, never sent */
  /* Payload bytes of one record of the sink's framing (each record adds an
   * 8-byte header), or 0 when the sink frames nothing.  Set with the sink. */
  size_t record_payload;
};

/* libfcgi's output stream buffer is 8192 bytes, the record header included. */
#define FRB_FCGX_RECORD_PAYLOAD (8192u - 8u)

/* output.c: what the sink took since the last reset. */
void frb__bytes_sent(frb_response *r, size_t *head, unsigned long long *body);

/* known.c */
#define FRB_KNOWN_SINGLE 1u  /* one line at most */
#define FRB_KNOWN_REFUSED 2u /* never set or added by a header call */
enum frb_kind frb__known_kind(const char *name, size_t len, uint32_t hash);
/* The table itself is visible so that these two reads are inlined: they
 * run in every header call and in every admission. */
struct frb_known {
  struct frb_field_arg arg;
  unsigned flags;
};
extern const struct frb_known frb__known[FRB_KIND_COUNT];

/* The prepared name; for Content-Type the value is the default type. */
static inline const struct frb_field_arg *frb__known_arg(enum frb_kind kind) {
  return &frb__known[kind].arg;
}

static inline unsigned frb__known_flags(enum frb_kind kind) {
  return frb__known[kind].flags;
}

static inline int frb__kind_single_valued(enum frb_kind kind) {
  return (frb__known_flags(kind) & FRB_KNOWN_SINGLE) != 0;
}

/* room.c */
/* Whether the head has room for bytes and nfields more, else FRB__GROW with
 * what to allocate in *need.  The common case, room enough, is inline: every
 * admitted change asks. */
static inline int frb__head_want_room(const struct frb_head *h, size_t bytes,
                                      uint32_t nfields, struct frb_need *need) {
  if (h->len + bytes <= h->cap && h->nfields + nfields <= h->fields_cap)
    return FRB_OK;
  return frb__head_ask_room(h, bytes, nfields, need);
}

/* keys.c: a head's lines in its index */

/* What a step's lookup found (e, NULL for absent), kept for the append that
 * follows in the same step, so that entering the new line does not probe
 * for the same key again.  Only valid while the index is unchanged. */
struct frb_key_hint {
  struct frb_ientry *e;
  uint32_t hash;
  uint32_t len; /* of the cookie name; 0 for a field name */
  int cookie;
};

struct frb_ientry *frb__key_find(const struct frb_head *h,
                                 const struct frb_field_arg *a,
                                 struct frb_key_hint *hint);
void frb__key_field(struct frb_head *h, uint32_t i,
                    const struct frb_key_hint *hint);
void frb__unkey_field(struct frb_head *h, uint32_t i);
void frb__key_cookie(struct frb_head *h, uint32_t i,
                     const struct frb_key_hint *hint);
void frb__unkey_cookie(struct frb_head *h, uint32_t i);
void frb__key_moved(struct frb_head *h, uint32_t from, uint32_t to);

/* validate.c */
int frb__check_name(const char *name, struct frb_field_arg *f);
int frb__check_value(const char *value, struct frb_field_arg *f);
int frb__check_reason(const char *reason, size_t *len);
int frb__format_has_n(const char *fmt);
int frb__is_digits(const char *s, size_t len);
int frb__name_eq(const char *a, const char *b, size_t len);

/* headers.c */
int frb__prepare_field(const char *name, const char *value,
                       struct frb_field_arg *a);
int frb__set_field(frb_response *r, const struct frb_field_arg *a);

/* text.c */
const char *frb__reason(int code);

/* format.c */
char *frb__put_uint(char *out, unsigned long long v, int width);
/* Inline so that a literal's length and copy are resolved at compile time. */
static inline char *frb__put_str(char *out, const char *s) {
  size_t n = strlen(s);

  memcpy(out, s, n);
  return out + n;
}
char *frb__put_date(char *out, long long t);

/* printf.c: vsnprintf for the conversions header values use; the length, or
 * FRB__FMT_NOT_MINE for a format outside them (seen before any argument is
 * read) or an argument left to vsnprintf (a NULL %s, a '*' above the head
 * limit).  ap itself is never read: the caller can pass it on. */
#define FRB__FMT_NOT_MINE INT_MIN
int frb__vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* response.c: frb_new and frb_reset with a flush hook for the sink. */
frb_response *frb__new_sink(frb_write_fn write, frb__flush_fn flush, void *ctx);
int frb__reset_sink(frb_response *r, frb_write_fn write, frb__flush_fn flush,
                    void *ctx);
int frb__is_head_method(const char *method);

/* freeze.c: called with 'lock' held. */
int frb__is_frozen(const frb_response *r, const struct frb_field_arg *a);

/* sink.c */
int frb__fd_sink(void *ctx, const void *buf, size_t len);
int frb__sock_sink(void *ctx, const void *buf, size_t len);
int frb__fd_sink_sigign(void *ctx, const void *buf, size_t len);
int frb__sigpipe_ignored(void);

#endif /* FRB_INTERNAL_H */
