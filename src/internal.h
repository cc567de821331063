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
/* The rules of the known kinds, as bit masks over enum frb_kind, so that
 * the header calls and every admission test them with no load: single-valued
 * kinds have one line at most; refused ones are never set or added by a
 * header call.  known.c says why each kind is in which. */
#define FRB_KIND_BIT(k) (1u << (k))
#define FRB_KINDS_SINGLE                                                       \
  (FRB_KIND_BIT(FRB_KIND_CONTENT_TYPE) |                                       \
   FRB_KIND_BIT(FRB_KIND_CONTENT_LENGTH) | FRB_KIND_BIT(FRB_KIND_LOCATION))
#define FRB_KINDS_REFUSED                                                      \
  (FRB_KIND_BIT(FRB_KIND_STATUS) | FRB_KIND_BIT(FRB_KIND_TRANSFER_ENCODING))

/* The table itself is visible so that the prepared names are read inline. */
struct frb_known {
  struct frb_field_arg arg;
};
extern const struct frb_known frb__known[FRB_KIND_COUNT];

/* The prepared name; for Content-Type the value is the default type. */
static inline const struct frb_field_arg *frb__known_arg(enum frb_kind kind) {
  return &frb__known[kind].arg;
}

static inline int frb__kind_single_valued(enum frb_kind kind) {
  return (FRB_KINDS_SINGLE >> kind) & 1u;
}

static inline int frb__kind_refused(enum frb_kind kind) {
  return (FRB_KINDS_REFUSED >> kind) & 1u;
}

int frb__name_eq_folded(const char *a, const char *b, size_t len);
/* Names compared as HTTP does, ignoring ASCII case.  Callers nearly always
 * repeat the spelling they first used, so the bytes are compared a word at
 * a time inline first, with no call, and only a difference goes on to the
 * case-folding compare. */
static inline int frb__name_eq(const char *a, const char *b, size_t len) {
  const char *a0 = a, *b0 = b;
  size_t n = len;
  uint64_t x, y;

  for (; n >= 8; n -= 8, a += 8, b += 8) {
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    if (x != y)
      return frb__name_eq_folded(a0, b0, len);
  }
  for (; n > 0; n--)
    if (*a++ != *b++)
      return frb__name_eq_folded(a0, b0, len);
  return 1;
}

/* The known names all differ in length, so the length picks the one
 * candidate; tests/unit/test_head.c checks that they still do.  Inline:
 * every name a header call validates is looked up. */
#define FRB_KNOWN_MAX_LEN 17
extern const unsigned char frb__known_by_len[FRB_KNOWN_MAX_LEN + 1];

/* The kind of a validated name, given its case-folded hash. */
static inline enum frb_kind frb__known_kind(const char *name, size_t len,
                                            uint32_t hash) {
  const struct frb_field_arg *k;

  if (len > FRB_KNOWN_MAX_LEN || frb__known_by_len[len] == FRB_KIND_PLAIN)
    return FRB_KIND_PLAIN;
  k = &frb__known[frb__known_by_len[len]].arg;
  return k->hash == hash && frb__name_eq(name, k->name, len)
             ? (enum frb_kind)frb__known_by_len[len]
             : FRB_KIND_PLAIN;
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

/* Admits a change to the head (head_rules.c).  One that keeps the status
 * and touches no single-valued known field leaves the rules and the reserve
 * as they are, and that is nearly every header call: it is checked here,
 * inline, and only the others go to the rules. */
static inline int frb__head_admit(const struct frb_head *h,
                                  const struct frb_change *c,
                                  struct frb_need *need) {
  if (c->status != h->status || frb__kind_single_valued(c->kind))
    return frb__head_admit_rules(h, c, need);
  if ((uint64_t)((int64_t)h->len + c->bytes) + h->reserve_bytes > h->limit ||
      (uint64_t)h->nfields + c->lines + h->reserve_lines > h->max_lines)
    return FRB_ETOOBIG;
  if (c->bytes <= 0 && c->lines == 0)
    return FRB_OK;
  return frb__head_want_room(h, c->bytes > 0 ? (size_t)c->bytes : 0, c->lines,
                             need);
}

/* Records what an admitted change did to the fields libfrb tracks: only
 * the single-valued known ones are tracked. */
static inline void frb__head_note(struct frb_head *h,
                                  const struct frb_change *c) {
  if (frb__kind_single_valued(c->kind))
    frb__head_note_kinds(h, c);
}

/* keys.h: a head's lines in its index */

/* validate.c */
int frb__check_name(const char *name, struct frb_field_arg *f);
long frb__token_len(const char *s);
int frb__check_value(const char *value, struct frb_field_arg *f);
int frb__check_reason(const char *reason, size_t *len);
int frb__format_has_n(const char *fmt);
int frb__is_digits(const char *s, size_t len);

/* headers.c */
int frb__prepare_field(const char *name, const char *value,
                       struct frb_field_arg *a);
int frb__set_field(frb_response *r, const struct frb_field_arg *a);

/* text.c */
const char *frb__reason(int code);

/* format.c */
char *frb__put_uint(char *out, unsigned long long v, int width);
/* Copies a name or value: most are under 16 bytes, which two overlapping
 * word moves copy with no call. */
static inline void frb__copy(char *dst, const char *src, size_t len) {
  uint64_t a, b;
  uint32_t c, d;

  if (len > 16) {
    memcpy(dst, src, len);
  } else if (len >= 8) {
    memcpy(&a, src, 8);
    memcpy(&b, src + len - 8, 8);
    memcpy(dst, &a, 8);
    memcpy(dst + len - 8, &b, 8);
  } else if (len >= 4) {
    memcpy(&c, src, 4);
    memcpy(&d, src + len - 4, 4);
    memcpy(dst, &c, 4);
    memcpy(dst + len - 4, &d, 4);
  } else {
    for (size_t i = 0; i < len; i++)
      dst[i] = src[i];
  }
}

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
int frb__is_frozen_slow(const frb_response *r, const struct frb_field_arg *a);
/* Inline: every change asks, and nearly every response freezes nothing. */
static inline int frb__is_frozen(const frb_response *r,
                                 const struct frb_field_arg *a) {
  return r->nfrozen != 0 && frb__is_frozen_slow(r, a);
}

/* sink.c */
int frb__fd_sink(void *ctx, const void *buf, size_t len);
int frb__sock_sink(void *ctx, const void *buf, size_t len);
int frb__fd_sink_sigign(void *ctx, const void *buf, size_t len);
int frb__sigpipe_ignored(void);

#endif /* FRB_INTERNAL_H */
